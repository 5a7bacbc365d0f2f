"""Logging set-up for rule scripts: everything goes to the rule's log file."""

import errno
import gc
import logging
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bri_carbon.runtime.atomic import TEMPORARY_NAME
from bri_carbon.runtime.errors import WorkflowInputError


def configure(log_path: str | os.PathLike[str] | None, level: int = logging.INFO) -> None:
    """Send log records of every module to ``log_path`` (or stderr when no log is given).

    Warnings raised through :mod:`warnings` are captured into the log as well.
    """
    handlers: list[logging.Handler] = (
        [logging.FileHandler(log_path, mode="w", encoding="utf-8")]
        if log_path
        else [logging.StreamHandler()]
    )
    logging.basicConfig(
        level=level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        handlers=handlers,
        force=True,
    )
    logging.captureWarnings(True)


def run_rule(main: Callable[[Any], None], smk: Any) -> None:
    """Run a rule script's ``main(snakemake)`` with logging to the rule's log file.

    BLAS thread pools are limited to the rule's ``threads`` so that a cluster job never
    uses more cores than it asked for; rules that solve the Leontief system pass the param
    ``compute_threads`` instead, a fixed number, so that their results do not depend on how
    many cores Snakemake gave the job (``--cores 1`` scales ``threads`` down). The objects
    of the script's imports (Snakemake's preamble, numpy, pandas, ...) are frozen out of
    the garbage collector first: they live until exit, and skipping them in the collections
    at interpreter exit takes about 0.3 s off the accounts job on 2 cores
    (docs/performance.md).

    An input error (:class:`WorkflowInputError`: its message names the file or key and the
    fix) ends the script with exit status 1 and that one paragraph as the last line of the
    log, which Snakemake shows in the terminal (``show-failed-logs`` in both profiles); its
    traceback goes to :func:`traceback_path` beside the log, not to the terminal. So does a
    write that fails for want of space or permission (:func:`storage_problem`). Any other
    error is logged with its message and propagates with its traceback (a bug).
    """
    from threadpoolctl import threadpool_limits

    log_path = smk.log[0] if len(smk.log) else None
    configure(log_path)
    logger = logging.getLogger("bri_carbon.rule")
    if log_path:
        traceback_path(log_path).unlink(missing_ok=True)
    threads = int(getattr(smk.params, "compute_threads", None) or smk.threads)
    logger.info("rule %s started, threads=%s (compute: %s)", smk.rule, smk.threads, threads)
    gc.freeze()
    try:
        with threadpool_limits(limits=max(threads, 1)):
            main(smk)
    except OSError as err:
        problem = storage_problem(err)
        if problem is None:
            logger.error("rule %s failed: %s", smk.rule, err)
            raise
        stopped = WorkflowInputError(problem)
        stopped.__cause__ = err  # its traceback goes beside the log
        _stop(smk.rule, stopped, log_path, logger)
    except WorkflowInputError as err:
        _stop(smk.rule, err, log_path, logger)
    except Exception as err:
        logger.error("rule %s failed: %s", smk.rule, err)
        raise
    logger.info("rule %s finished", smk.rule)


#: errno values of a write that failed for want of space or permission, not for a bug.
STORAGE_ERRORS = {
    errno.ENOSPC: "the file system is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "the operation is not permitted (an immutable file or folder?)",
}


def storage_problem(err: OSError) -> str | None:
    """One paragraph for a write that failed for want of space or permission (see
    :data:`STORAGE_ERRORS`): the file (a temporary named by its target), the reason and the
    fix; None for any other error."""
    reason = STORAGE_ERRORS.get(err.errno or 0)
    if reason is None:
        return None
    path = Path(str(err.filename or "?"))
    match = TEMPORARY_NAME.match(path.name)
    target = path.with_name(match.group("target")) if match else path
    folder = target.parent
    if err.errno in (errno.ENOSPC, errno.EDQUOT):
        fix = f"Free space on the file system of {folder} (df -h {folder}) and run again"
    elif err.errno == errno.EROFS:
        fix = f"Run in a folder on a writable file system, or mount {folder} writable"
    else:
        fix = (
            f"Make {folder} writable for the user who runs the workflow (chmod u+w; an "
            "immutable folder: lsattr, chattr -i) and run again"
        )
    what = "writing" if err.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS) else "access to"
    return (
        f"{what} {target} failed: {reason} ({err.strerror}). {fix}; finished results "
        "are kept, and the next run goes on from there."
    )


def _stop(rule: str, err: WorkflowInputError, log_path: Any, logger: logging.Logger) -> None:
    """End the rule with the one paragraph of ``err`` (its traceback beside the log)."""
    if log_path:
        where = traceback_path(log_path)
        where.write_text("".join(traceback.format_exception(err)), encoding="utf-8")
        logger.info("the traceback of the error below is in %s", where)
    else:
        print(f"rule {rule} failed: {err}", file=sys.stderr)
    logger.error("rule %s failed: %s", rule, err)
    raise SystemExit(1) from None


def traceback_path(log_path: str | os.PathLike[str]) -> Path:
    """Where :func:`run_rule` writes the traceback of an input error: beside the rule's
    log, ``{log without .log}.traceback``."""
    return Path(log_path).with_suffix(".traceback")

"""Logging set-up for rule scripts: everything goes to the rule's log file."""

import gc
import logging
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

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
    traceback goes to :func:`traceback_path` beside the log, not to the terminal. Any other
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
    except WorkflowInputError as err:
        if log_path:
            where = traceback_path(log_path)
            where.write_text("".join(traceback.format_exception(err)), encoding="utf-8")
            logger.info("the traceback of the error below is in %s", where)
        else:
            print(f"rule {smk.rule} failed: {err}", file=sys.stderr)
        logger.error("rule %s failed: %s", smk.rule, err)
        raise SystemExit(1) from None
    except Exception as err:
        logger.error("rule %s failed: %s", smk.rule, err)
        raise
    logger.info("rule %s finished", smk.rule)


def traceback_path(log_path: str | os.PathLike[str]) -> Path:
    """Where :func:`run_rule` writes the traceback of an input error: beside the rule's
    log, ``{log without .log}.traceback``."""
    return Path(log_path).with_suffix(".traceback")

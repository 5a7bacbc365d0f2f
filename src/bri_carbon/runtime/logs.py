"""Logging set-up for rule scripts: everything goes to the rule's log file."""

import gc
import logging
import os
import sys
from collections.abc import Callable
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
    (docs/performance.md). An error is logged with its
    message (which names the file or key and the fix) before it propagates, so the log
    explains every failure. An input error (:class:`WorkflowInputError`) is written to
    the terminal as its message alone and ends the script with exit status 1; any other
    error is a bug and keeps its traceback.
    """
    from threadpoolctl import threadpool_limits

    configure(smk.log[0] if len(smk.log) else None)
    logger = logging.getLogger("bri_carbon.rule")
    threads = int(getattr(smk.params, "compute_threads", None) or smk.threads)
    logger.info("rule %s started, threads=%s (compute: %s)", smk.rule, smk.threads, threads)
    gc.freeze()
    try:
        with threadpool_limits(limits=max(threads, 1)):
            main(smk)
    except WorkflowInputError as err:
        # An input the user can fix: the message (one paragraph naming the file or key and
        # the fix) goes to the terminal, the traceback to the log only.
        logger.error("rule %s failed: %s", smk.rule, err, exc_info=True)
        sys.stderr.write(f"\nError in rule {smk.rule}: {err}\n\n")
        raise SystemExit(1) from None
    except Exception as err:
        logger.error("rule %s failed: %s", smk.rule, err, exc_info=True)
        raise
    logger.info("rule %s finished", smk.rule)

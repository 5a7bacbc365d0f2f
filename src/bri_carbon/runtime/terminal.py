"""The terminal of a Snakemake run: one line per finished job.

Snakemake starts with a header of some 20 lines (date, host, versions, paths); for every job
it prints its rule, inputs, outputs, log, benchmark, reason, wildcards
and resources, "Shell command: None" for script rules, the scheduler's "Select jobs to
execute..." and "Execute n jobs..." and a time-stamped "Finished jobid" before the progress
line: some 25 lines per job. :func:`one_line_per_job` filters Snakemake's terminal handler so
that each finished job prints one line::

    [13:41:02] 4 of 18 steps (22%) done: table (synthetic, 2015, region_membership)

Errors (with the failed job's inputs, outputs and log), warnings and every other message pass
unchanged, and the full log with the header and every job's details stays in
``.snakemake/log/``. Dry runs,
``--verbose``, ``--printshellcmds`` and ``--debug-dag`` keep Snakemake's own output.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping

from snakemake_interface_logger_plugins.common import LogEvent

#: Scheduler messages without an event of their own, left off the terminal.
SCHEDULER_CHATTER = frozenset({"Select jobs to execute..."})
#: Events left off the terminal: the header of the run (date, host, versions, paths), each
#: job's details, its start and its shell command.
HIDDEN_EVENTS = frozenset(
    {LogEvent.WORKFLOW_STARTED, LogEvent.JOB_INFO, LogEvent.JOB_STARTED, LogEvent.SHELLCMD}
)
#: Name of Snakemake's terminal handler (snakemake.logging.LoggerManager).
STREAM_HANDLER = "DefaultStreamHandler"


def job_label(rule: str, wildcards: Mapping[str, object] | None) -> str:
    """``rule (value, value, ...)``: the rule and its wildcard values, or the rule alone."""
    values = ", ".join(str(value) for value in (wildcards or {}).values())
    return f"{rule} ({values})" if values else rule


def progress_line(created: float, done: int, total: int, jobs: list[str]) -> str:
    """``[HH:MM:SS] done of total steps (percent) done: jobs`` (local time of ``created``,
    seconds since the epoch)."""
    percent = f"{100 * done / total:.0f}%" if total else "100%"
    clock = time.strftime("%H:%M:%S", time.localtime(created))
    finished = f": {', '.join(jobs)}" if jobs else ""
    return f"[{clock}] {done} of {total} steps ({percent}) done{finished}"


class OneLinePerJob(logging.Filter):
    """Turns each job's records into one progress line naming the job (see the module)."""

    def __init__(self) -> None:
        super().__init__()
        self._labels: dict[int, str] = {}
        self._finished: list[str] = []

    def filter(self, record: logging.LogRecord) -> bool:
        event = getattr(record, "event", None)
        if event == LogEvent.JOB_INFO:
            self._labels[record.jobid] = job_label(record.rule_name, record.wildcards)
        if event == LogEvent.JOB_FINISHED:
            self._finished.append(self._labels.pop(record.job_id, f"job {record.job_id}"))
            return False
        if event == LogEvent.PROGRESS:
            record.msg = progress_line(record.created, record.done, record.total, self._finished)
            record.event = None
            self._finished = []
            return True
        return event not in HIDDEN_EVENTS and record.msg not in SCHEDULER_CHATTER


def one_line_per_job(logger: logging.Logger) -> bool:
    """Add :class:`OneLinePerJob` to Snakemake's terminal handler of ``logger`` unless the run
    asked for details (a dry run, --verbose, --printshellcmds, --debug-dag); True if added."""
    for handler in logger.handlers:
        if handler.name != STREAM_HANDLER:
            continue
        settings = handler.filters[0] if handler.filters else None
        wants_details = any(
            getattr(settings, name, False)
            for name in ("dryrun", "verbose", "printshellcmds", "debug_dag")
        )
        if wants_details:
            return False
        handler.addFilter(OneLinePerJob())
        return True
    return False

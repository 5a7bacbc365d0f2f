"""The terminal of a Snakemake run: one line per finished job.

Snakemake starts with a header of some 20 lines (date, host, versions, paths); for every job
it prints its rule, inputs, outputs, log, benchmark, reason, wildcards
and resources, "Shell command: None" for script rules, the scheduler's "Select jobs to
execute..." and "Execute n jobs..." and a time-stamped "Finished jobid" before the progress
line: some 25 lines per job. :class:`TerminalHandler` writes Snakemake's terminal output so
that each finished job prints one line::

    [13:41:02] 4 of 18 steps (22%) done: table (synthetic, 2015, region_membership)

Errors (with the failed job's inputs, outputs and log), warnings and every other message pass
unchanged, and the full log with the header and every job's details stays in
``.snakemake/log/``. Dry runs,
``--verbose``, ``--printshellcmds`` and ``--debug-dag`` keep Snakemake's own output.

:class:`TerminalHandler` does this through Snakemake's logger-plugin interface: the package
``snakemake_logger_plugin_bri_carbon`` (in ``src/``) registers it as the logger
``bri-carbon``, which ``profiles/default`` selects (``logger: [bri-carbon]``; on the
command line ``--logger bri-carbon``). It writes what Snakemake's own terminal handler
would, with Snakemake's formatter and filter, and the filter :class:`OneLinePerJob` after
them.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Mapping

from snakemake.logging import ColorizingTextHandler, DefaultFilter, DefaultFormatter
from snakemake_interface_logger_plugins.base import LogHandlerBase
from snakemake_interface_logger_plugins.common import LogEvent
from snakemake_interface_logger_plugins.settings import OutputSettingsLoggerInterface

#: Scheduler messages without an event of their own, left off the terminal.
SCHEDULER_CHATTER = frozenset({"Select jobs to execute..."})
#: Events left off the terminal: the header of the run (date, host, versions, paths), each
#: job's details, its start and its shell command.
HIDDEN_EVENTS = frozenset(
    {LogEvent.WORKFLOW_STARTED, LogEvent.JOB_INFO, LogEvent.JOB_STARTED, LogEvent.SHELLCMD}
)
#: Output settings of a run that asks for Snakemake's details: then every job is shown.
DETAIL_SETTINGS = ("dryrun", "verbose", "printshellcmds", "debug_dag")


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


def wants_details(settings: OutputSettingsLoggerInterface) -> bool:
    """Whether the run asked for Snakemake's details (a dry run, --verbose,
    --printshellcmds, --debug-dag): then no job is folded into one line."""
    return any(getattr(settings, name, False) for name in DETAIL_SETTINGS)


class TerminalHandler(LogHandlerBase):
    """The terminal of a run: Snakemake's messages, formatted and filtered as Snakemake's own
    terminal handler does, then one line per finished job (:class:`OneLinePerJob`) unless
    the run asked for details (:func:`wants_details`)."""

    def __post_init__(self) -> None:
        settings = self.common_settings
        self._terminal = ColorizingTextHandler(
            nocolor=settings.nocolor, stream=sys.stdout if settings.stdout else sys.stderr
        )
        self._terminal.setFormatter(DefaultFormatter(settings.quiet, settings.show_failed_logs))
        self.addFilter(
            DefaultFilter(
                settings.quiet,
                settings.debug_dag,
                settings.verbose,
                settings.dryrun,
                settings.printshellcmds,
            )
        )
        if not wants_details(settings):
            self.addFilter(OneLinePerJob())

    def emit(self, record: logging.LogRecord) -> None:
        self._terminal.emit(record)

    @property
    def writes_to_stream(self) -> bool:
        return True

    @property
    def writes_to_file(self) -> bool:
        return False

    @property
    def has_filter(self) -> bool:
        return True

    @property
    def has_formatter(self) -> bool:
        return True

    @property
    def needs_rulegraph(self) -> bool:
        return False

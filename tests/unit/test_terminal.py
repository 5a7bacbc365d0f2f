"""One line per finished job on the terminal (bri_carbon.runtime.terminal)."""

from __future__ import annotations

import logging

from snakemake_interface_logger_plugins.common import LogEvent

from bri_carbon.runtime import terminal


def _record(msg: str, **extra) -> logging.LogRecord:
    record = logging.LogRecord("snakemake.logging", logging.INFO, __file__, 1, msg, None, None)
    record.__dict__.update(extra)
    return record


def test_a_finished_job_is_one_progress_line_naming_it():
    keep = terminal.OneLinePerJob()
    info = _record(
        "Rule: table",
        event=LogEvent.JOB_INFO,
        jobid=7,
        rule_name="table",
        wildcards={"source": "synthetic", "year": "2015", "table": "headline"},
    )
    assert not keep.filter(info)
    assert not keep.filter(_record("Select jobs to execute..."))
    assert not keep.filter(_record("Execute 1 jobs...", event=LogEvent.JOB_STARTED, jobs=[7]))
    assert not keep.filter(_record("Shell command: None", event=LogEvent.SHELLCMD))
    assert not keep.filter(_record("Finished jobid: 7", event=LogEvent.JOB_FINISHED, job_id=7))
    progress = _record("", event=LogEvent.PROGRESS, done=4, total=18)
    progress.created = 0.0
    assert keep.filter(progress)
    assert progress.event is None
    assert progress.msg.endswith("] 4 of 18 steps (22%) done: table (synthetic, 2015, headline)")


def test_errors_warnings_and_other_messages_pass():
    keep = terminal.OneLinePerJob()
    error = _record("Error in rule table:", event=LogEvent.JOB_ERROR, jobid=3)
    assert keep.filter(error)
    assert keep.filter(_record("Error in rule table: the file is empty", event=LogEvent.ERROR))
    assert keep.filter(_record("Building DAG of jobs..."))
    assert keep.filter(_record("Job stats: ...", event=LogEvent.RUN_INFO))


def test_job_labels():
    assert terminal.job_label("all", {}) == "all"
    assert terminal.job_label("accounts", {"source": "eora26", "year": "2015"}) == (
        "accounts (eora26, 2015)"
    )


class _Settings(logging.Filter):
    def __init__(self, **flags) -> None:
        super().__init__()
        self.__dict__.update(flags)


def _handler(**flags) -> logging.Handler:
    handler = logging.NullHandler()
    handler.name = terminal.STREAM_HANDLER
    handler.addFilter(_Settings(**flags))
    return handler


def test_details_stay_for_dry_runs_verbose_and_shell_commands():
    for flag in ("dryrun", "verbose", "printshellcmds", "debug_dag"):
        logger = logging.Logger(f"test-{flag}")
        logger.addHandler(_handler(**{flag: True}))
        assert not terminal.one_line_per_job(logger)
        assert len(logger.handlers[0].filters) == 1
    logger = logging.Logger("test-run")
    logger.addHandler(_handler(dryrun=False, verbose=False))
    assert terminal.one_line_per_job(logger)
    assert isinstance(logger.handlers[0].filters[-1], terminal.OneLinePerJob)

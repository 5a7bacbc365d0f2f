"""One line per finished job on the terminal (bri_carbon.runtime.terminal)."""

from __future__ import annotations

import io
import logging
from types import SimpleNamespace

import yaml
from snakemake_interface_logger_plugins.common import LogEvent
from snakemake_interface_logger_plugins.registry import LoggerPluginRegistry

from bri_carbon.runtime import terminal

from ..support.workflow import REPO


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


def _settings(**flags) -> SimpleNamespace:
    """Snakemake's output settings as a logger plugin gets them (all flags off but ``flags``)."""
    defaults = dict.fromkeys(
        ("printshellcmds", "nocolor", "debug_dag", "verbose", "show_failed_logs", "stdout"), False
    )
    return SimpleNamespace(**{**defaults, "dryrun": False, "quiet": None, "nocolor": True, **flags})


def _shown(handler: logging.Handler, records: list[logging.LogRecord]) -> str:
    """What ``handler`` writes to the terminal for ``records``."""
    stream = io.StringIO()
    handler._terminal.setStream(stream)
    for record in records:
        handler.handle(record)
    return stream.getvalue()


def _job_records() -> list[logging.LogRecord]:
    """Snakemake's records of one job, from its details to the progress line."""
    info = _record(
        "Rule: accounts",
        event=LogEvent.JOB_INFO,
        jobid=1,
        rule_name="accounts",
        wildcards={"source": "synthetic", "year": "2015"},
        rule_msg=None,
        input=["resources/harmonized/synthetic/2015.nc"],
        output=["results/synthetic/2015/accounts.csv"],
        log=[],
        benchmark=None,
        reason="Missing output files",
        resources={},
        local=False,
        is_checkpoint=False,
        priority=0,
        threads=2,
        indent=False,
        printshellcmd=False,
        shellcmd=None,
        is_handover=False,
    )
    finished = _record("Finished jobid: 1", event=LogEvent.JOB_FINISHED, job_id=1)
    progress = _record("", event=LogEvent.PROGRESS, done=1, total=2)
    return [info, finished, progress]


def test_the_plugin_handler_prints_one_line_per_job_unless_details_are_asked_for():
    quiet = terminal.TerminalHandler(_settings(), None)
    shown = _shown(quiet, _job_records())
    assert shown.strip().endswith("1 of 2 steps (50%) done: accounts (synthetic, 2015)")
    assert "accounts.csv" not in shown and len(shown.strip().splitlines()) == 1
    for flag in terminal.DETAIL_SETTINGS:
        detailed = terminal.TerminalHandler(_settings(**{flag: True}), None)
        assert not any(isinstance(f, terminal.OneLinePerJob) for f in detailed.filters), flag
        if flag != "debug_dag":
            assert "results/synthetic/2015/accounts.csv" in _shown(detailed, _job_records())


def test_snakemake_finds_the_plugin_by_the_name_the_profile_gives():
    profile = yaml.safe_load((REPO / "profiles" / "default" / "config.yaml").read_text())
    (name,) = profile["logger"]
    plugin = LoggerPluginRegistry().get_plugin(name)
    assert plugin.log_handler is terminal.TerminalHandler

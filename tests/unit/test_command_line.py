"""The snakemake command line of this environment (bri_carbon.runtime.command_line): dotted
--config keys are accepted, a --configfile with a YAML error is named with its line, an
executor without its plugin is named with the command that installs it, and Ctrl-C ends a
run without tracebacks."""

from __future__ import annotations

import json
import signal
import subprocess
import sys

import pytest
import yaml

from bri_carbon.runtime import command_line
from bri_carbon.runtime.yaml_files import yaml_problem


@pytest.mark.parametrize(
    ("entry", "nested"),
    [
        ("download.retries=3", {"download": {"retries": "3"}}),
        (
            "findings.driver_groups=[Japan, United States]",
            {"findings": {"driver_groups": ["Japan", "United States"]}},
        ),
        ("a.b.c=/data/my mrio", {"a": {"b": {"c": "/data/my mrio"}}}),
        ("run.name=", {"run": {"name": ""}}),
    ],
)
def test_a_dotted_config_entry_becomes_the_nested_form(entry, nested):
    key, _, value = command_line.nested(entry).partition("=")
    # Snakemake reads such a value with YAML's base loader (every scalar as text).
    assert {key: yaml.load(value, Loader=yaml.BaseLoader)} == nested


def test_other_entries_and_arguments_are_left_as_they_are():
    argv = [
        "/venv/bin/snakemake",
        "--cores",
        "2",
        "--config",
        "years=[2014,2015]",
        "download.timeout=9",
        "--configfile",
        "config/test/tiny.yaml",
        "results/.build/synthetic/2015/accounts.csv",
    ]
    adjusted = command_line.adjust(list(argv))
    assert adjusted[:5] == argv[:5] and adjusted[6:] == argv[6:]
    assert adjusted[5] == "download=" + json.dumps({"timeout": "9"})


def test_a_configfile_with_a_yaml_error_is_named_with_its_line(tmp_path):
    bad = tmp_path / "my.yaml"
    bad.write_text("years: [2015\nsource: synthetic\n")
    stopped = []
    command_line.adjust(["snakemake", "--configfile", str(bad)], stop=stopped.append)
    assert len(stopped) == 1
    assert stopped[0].startswith(f"{bad} is not valid YAML: expected ',' or ']'")
    assert "line 2, column 7" in stopped[0] and "\n" not in stopped[0]
    tabs = tmp_path / "tabs.yaml"
    tabs.write_text("synthetic:\n\tseed: 5\n")
    assert "line 2, column 1" in yaml_problem(tabs)
    good = tmp_path / "good.yaml"
    good.write_text("years: [2015]\n")
    assert yaml_problem(good) is None


@pytest.mark.parametrize(
    ("arguments", "executor"),
    [
        (["--profile", "PROFILE"], ("slurm", "profile PROFILE")),
        (["--profile=PROFILE", "-n"], ("slurm", "profile PROFILE")),
        (["--executor", "slurm-jobstep"], ("slurm-jobstep", "--executor")),
        (["--profile", "PROFILE", "-e", "local"], ("local", "--executor")),
        (["--cores", "2"], None),
    ],
)
def test_the_executor_asked_for_is_found_on_the_command_line_or_in_the_profile(
    tmp_path, arguments, executor
):
    profile = tmp_path / "profile"
    profile.mkdir()
    (profile / "config.yaml").write_text("executor: slurm\njobs: 100\n")
    argv = ["snakemake", *(a.replace("PROFILE", str(profile)) for a in arguments)]
    expected = executor and (executor[0], executor[1].replace("PROFILE", str(profile)))
    assert command_line.requested_executor(argv) == expected


def test_an_executor_without_its_plugin_stops_the_command_naming_make_slurm(tmp_path, monkeypatch):
    profile = tmp_path / "slurm"
    profile.mkdir()
    (profile / "config.yaml").write_text("executor: slurm\n")
    installed: set[str] = set()
    monkeypatch.setattr(
        command_line.importlib.util,
        "find_spec",
        lambda name: object() if name in installed else None,
    )
    stopped: list[str] = []
    command_line.adjust(["snakemake", "--profile", str(profile)], stop=stopped.append)
    assert len(stopped) == 1
    assert "'slurm'" in stopped[0] and "make slurm" in stopped[0]
    assert "snakemake-executor-plugin-slurm" in stopped[0]
    installed.add("snakemake_executor_plugin_slurm")
    stopped.clear()
    command_line.adjust(["snakemake", "--profile", str(profile)], stop=stopped.append)
    command_line.adjust(["snakemake", "--executor", "local"], stop=stopped.append)
    assert stopped == []


def test_only_snakemake_and_its_rule_scripts_are_touched():
    assert command_line.is_job_script(["/w/.snakemake/scripts/tmpab12cd.accounts.py"])
    assert not command_line.is_job_script(["/w/scripts/accounts.py"])
    assert not command_line.is_job_script(["-c"])


SLOW_IMPORT = """
import sys, time
sys.argv[0] = {script!r}
from bri_carbon.runtime import command_line
command_line.install()
print("ready", flush=True)
time.sleep(30)
"""


@pytest.mark.parametrize("interrupts", [1, 2])
def test_a_rule_script_interrupted_ends_with_one_line_and_no_traceback(tmp_path, interrupts):
    """Ctrl-C reaches every job of a run; a rule script ends at once, whatever it is doing
    (here: the middle of its work), with one line instead of a KeyboardInterrupt traceback."""
    script = str(tmp_path / ".snakemake" / "scripts" / "tmpab12cd.accounts.py")
    process = subprocess.Popen(
        [sys.executable, "-c", SLOW_IMPORT.format(script=script)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout.readline().strip() == "ready"
    for _ in range(interrupts):
        process.send_signal(subprocess.signal.SIGINT)
    _, error = process.communicate(timeout=30)
    assert process.returncode == command_line.INTERRUPTED
    assert error.strip() == "accounts: interrupted (Ctrl-C); nothing half-written is kept."
    assert "Traceback" not in error


def test_a_ctrl_c_arriving_while_the_line_is_written_does_not_write_it_twice(monkeypatch):
    """The terminal's second Ctrl-C can land while the handler writes its line; it must not
    run the handler again inside the write (CI once showed the line twice)."""

    class EndedError(Exception):
        pass

    def end(status: int) -> None:
        raise EndedError(status)

    class InterruptedStderr:
        """stderr whose first write is followed by another SIGINT, as from the terminal."""

        def __init__(self) -> None:
            self.lines: list[str] = []

        def write(self, text: str) -> None:
            self.lines.append(text)
            if len(self.lines) == 1:
                signal.raise_signal(signal.SIGINT)

        def flush(self) -> None:
            """Nothing buffered."""

    stderr = InterruptedStderr()
    previous = signal.getsignal(signal.SIGINT)
    monkeypatch.setattr(command_line.os, "_exit", end)
    monkeypatch.setattr(command_line.sys, "stderr", stderr)
    try:
        command_line.quiet_interrupts("", first="accounts: interrupted")
        with pytest.raises(EndedError):
            signal.raise_signal(signal.SIGINT)
    finally:
        signal.signal(signal.SIGINT, previous)
    assert "".join(stderr.lines) == "accounts: interrupted\n"

"""The first hour of a new user, on the finished tiny run: rules that say what they do, a run
that ends with where its report is, dry-run reasons that fit a line, messages for mistakes
made on the command line, and a run stopped with Ctrl-C or a full disk that ends in a few
lines."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ..support.workflow import TINY, snakemake
from .test_interrupted_runs import run_stopped_at


@pytest.fixture
def workdir(finished_run, tmp_path) -> Path:
    """A copy of the finished tiny run, to change without touching the fixture."""
    copy = tmp_path / "first_hour"
    shutil.copytree(finished_run, copy, symlinks=True)
    return copy


def test_every_rule_says_what_it_does(finished_run):
    listed = snakemake(finished_run, "--list-rules").stdout
    rules = re.findall(r"^(\w+)(?: \((.*)\))?$", listed, flags=re.M)
    assert len(rules) >= 19
    assert [name for name, doc in rules if not doc] == []
    assert all(len(f"{name} ({doc})") <= 100 for name, doc in rules)


def test_a_finished_run_ends_with_where_its_report_and_explorer_are(finished_run):
    lines = (finished_run / "logs" / "terminal.txt").read_text().splitlines()
    said = [line for line in lines if line.startswith("Open ")]
    assert said == [
        "Open results/synthetic/report.html and results/synthetic/explorer.html "
        "(results in results/synthetic/)."
    ]
    assert lines.index(said[0]) >= len(lines) - 4  # after the last step, before the log path


def test_dry_run_reasons_name_the_changed_keys_on_one_line(workdir):
    """A changed setting used to show both configurations as JSON (about 4 KB on one line)
    as the fingerprint job's reason; now each setting that changed is named."""
    dry = snakemake(
        workdir,
        "-n",
        "--configfile",
        TINY,
        "--config",
        "findings={'driver_groups': ['Japan']}",
        "identity_rtol=1e-8",
    )
    output = dry.stdout + dry.stderr
    changed = [line for line in output.splitlines() if "Params have changed" in line]
    assert changed and max(map(len, changed)) <= 300, max(changed, key=len)
    fingerprint = [line for line in changed if "findings.driver_groups=" in line]
    assert fingerprint and all("identity_rtol=" in line for line in fingerprint)
    assert "developed_groups" not in "".join(changed) and '"settings"' not in output


def test_dotted_config_keys_work_on_the_command_line(workdir):
    dry = snakemake(
        workdir, "-n", "--configfile", TINY, "--config", "findings.without_regions=[IND]"
    )
    output = dry.stdout + dry.stderr
    assert "rule findings:" in output and "Traceback" not in output
    assert "findings.without_regions=" in output


def test_a_yaml_error_in_a_config_file_names_the_file_and_line(workdir):
    bad = workdir / "my.yaml"
    bad.write_text("synthetic:\n  countries: [CHN, USA\nyears: [2015]\n")
    failed = snakemake(workdir, "-n", "--configfile", "my.yaml", check=False)
    output = failed.stdout + failed.stderr
    assert failed.returncode == 1
    assert output.strip().startswith("my.yaml is not valid YAML:")
    assert "at line 3, column 6" in output and len(output.strip().splitlines()) == 1
    (workdir / "config" / "config.yaml").write_text("source: synthetic\nyears: [2015\n")
    failed = snakemake(workdir, "-n", check=False)
    output = failed.stdout + failed.stderr
    assert "config/config.yaml is not valid YAML" in output and "Traceback" not in output


def test_a_run_name_that_is_no_path_is_refused_before_any_job(workdir):
    """A name with ".zip" in it passed validation and ended in a pyogrio traceback."""
    failed = snakemake(
        workdir,
        "--cores",
        "1",
        "--configfile",
        TINY,
        "--config",
        "run={'name': 'v1.zip'}",
        check=False,
    )
    output = failed.stdout + failed.stderr
    assert failed.returncode == 1 and "config key run.name: 'v1.zip' is not valid" in output
    assert "letters, digits" in output and not (workdir / "results" / "v1.zip").exists()


def test_a_full_disk_ends_the_run_in_one_paragraph_and_keeps_the_results(workdir):
    before = {p: p.read_bytes() for p in (workdir / "results/synthetic/2015").rglob("*.csv")}
    output = run_stopped_at(
        workdir,
        "results/.build/synthetic/2015",
        "full",
        "--cores",
        "1",
        "--configfile",
        TINY,
        "--config",
        "findings={'without_regions': ['IND']}",
    )
    assert "Traceback" not in output
    message = [line for line in output.splitlines() if "No space left on device" in line]
    assert message and "results/.build/synthetic/2015/fingerprint.json failed" in message[-1]
    assert "the file system is full" in message[-1] and "df -h" in message[-1]
    assert before == {p: p.read_bytes() for p in before}


def test_an_unwritable_results_folder_is_named_before_any_job(workdir):
    from ..support.permissions import can_enforce, enforce_in_child

    if not can_enforce():
        pytest.skip("permission bits cannot be enforced here")
    build = workdir / "results" / ".build"
    shutil.rmtree(build)
    (workdir / "results").chmod(0o555)
    try:
        failed = snakemake(
            workdir,
            "--cores",
            "1",
            "--configfile",
            TINY,
            check=False,
            preexec_fn=enforce_in_child(),
        )
    finally:
        (workdir / "results").chmod(0o755)
    output = failed.stdout + failed.stderr
    assert failed.returncode == 1
    assert "the workflow cannot write in results/ (for results/.build/): Permission" in output
    assert "Traceback" not in output and "steps" not in output


def test_ctrl_c_twice_ends_the_run_without_tracebacks(workdir):
    """The terminal sends SIGINT to Snakemake and every job at once, twice."""
    process = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("snakemake")),
            "--cores",
            "2",
            "--configfile",
            TINY,
            "--config",
            "synthetic={'seed': 3}",
        ],
        cwd=workdir,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"),
    )
    deadline = time.monotonic() + 120
    while not list((workdir / ".snakemake" / "scripts").glob("*.py")):
        assert time.monotonic() < deadline and process.poll() is None
        time.sleep(0.2)
    time.sleep(1.0)  # a job is running (or importing its libraries)
    os.killpg(process.pid, signal.SIGINT)
    time.sleep(0.5)
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGINT)
    output, _ = process.communicate(timeout=120)
    assert process.returncode != 0
    assert "Traceback" not in output and "KeyboardInterrupt" not in output, output[-3000:]

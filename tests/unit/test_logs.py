"""bri_carbon.runtime.logs.run_rule: the wrapper every rule script runs its ``main`` through."""

import errno
import gc
import logging
import os
from pathlib import Path
from types import SimpleNamespace

import numpy  # noqa: F401  (loads OpenBLAS, whose thread pool run_rule must limit)
import pytest
from threadpoolctl import threadpool_info

from bri_carbon.runtime import logs
from bri_carbon.runtime.errors import WorkflowInputError


@pytest.fixture
def rule_context(tmp_path):
    """A stand-in for the ``snakemake`` object of a rule with one thread and a log file;
    afterwards the root logger, warnings capture and the garbage collector are restored."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    smk = SimpleNamespace(
        rule="accounts", threads=1, params=SimpleNamespace(), log=[str(tmp_path / "rule.log")]
    )
    yield smk
    for handler in root.handlers:
        handler.close()
    root.handlers[:] = handlers
    root.setLevel(level)
    logging.captureWarnings(False)
    gc.unfreeze()


def test_main_runs_with_the_rules_threads_and_imports_frozen(rule_context):
    seen = {}

    def main(smk):
        seen["blas_threads"] = {pool["num_threads"] for pool in threadpool_info()}
        seen["frozen"] = gc.get_freeze_count()
        logging.getLogger("bri_carbon.core.accounts").info("computing")

    logs.run_rule(main, rule_context)

    assert seen["blas_threads"] == {1}
    assert seen["frozen"] > 10_000
    text = Path(rule_context.log[0]).read_text()
    assert "rule accounts started, threads=1" in text
    assert "bri_carbon.core.accounts: computing" in text
    assert "rule accounts finished" in text


def test_the_compute_threads_param_fixes_the_blas_threads(rule_context):
    """--cores 1 gives the job one thread; the solve still uses compute_threads, so that its
    results do not depend on the cores of the run."""
    rule_context.params = SimpleNamespace(compute_threads=2)
    seen = {}

    def main(smk):
        seen["blas_threads"] = {pool["num_threads"] for pool in threadpool_info()}

    logs.run_rule(main, rule_context)
    assert seen["blas_threads"] == {2}
    assert "threads=1 (compute: 2)" in Path(rule_context.log[0]).read_text()


def test_an_error_is_logged_with_its_message_and_raised(rule_context):
    def main(smk):
        raise ValueError("results/x.csv: column 'region' is missing; rerun the parse rule")

    with pytest.raises(ValueError, match="column 'region' is missing"):
        logs.run_rule(main, rule_context)

    text = Path(rule_context.log[0]).read_text()
    assert "ERROR" in text
    assert "rule accounts failed: results/x.csv: column 'region' is missing" in text
    assert "finished" not in text


def test_an_input_error_ends_the_log_in_its_paragraph_without_a_traceback(rule_context, capsys):
    """An input error exits with status 1; the log (which Snakemake shows in the terminal)
    ends in the one paragraph, and the traceback goes to the file beside the log."""
    message = "/data/mrio/eora26/x.zip (config key local_data) is empty (0 bytes). Replace it."

    def main(smk):
        raise WorkflowInputError(message)

    with pytest.raises(SystemExit) as stopped:
        logs.run_rule(main, rule_context)

    assert stopped.value.code == 1
    log_path = Path(rule_context.log[0])
    lines = log_path.read_text().splitlines()
    assert lines[-1].endswith(f"ERROR bri_carbon.rule: rule accounts failed: {message}")
    assert "Traceback" not in log_path.read_text()
    traceback_file = logs.traceback_path(log_path)
    assert traceback_file == log_path.with_name("rule.traceback")
    assert "Traceback (most recent call last)" in traceback_file.read_text()
    assert str(traceback_file) in lines[-2]
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err


def test_a_stale_traceback_file_is_removed_when_the_rule_runs_again(rule_context):
    traceback_file = logs.traceback_path(rule_context.log[0])
    traceback_file.write_text("Traceback of an earlier failure")
    logs.run_rule(lambda smk: None, rule_context)
    assert not traceback_file.exists()


@pytest.mark.parametrize(
    ("code", "reason", "fix"),
    [
        (errno.ENOSPC, "the file system is full", "df -h results/.build/synthetic/2015"),
        (errno.EDQUOT, "the disk quota is used up", "Free space"),
        (errno.EROFS, "the file system is read-only", "writable file system"),
        (errno.EACCES, "permission denied", "chmod u+w"),
        (errno.EPERM, "immutable", "chattr -i"),
    ],
)
def test_a_write_that_fails_for_space_or_permission_is_one_paragraph(code, reason, fix):
    """Named by its target, not by the temporary the write went to."""
    temporary = "results/.build/synthetic/2015/.accounts.csv.4711@node1.k3x9q2ab.part"
    problem = logs.storage_problem(OSError(code, os.strerror(code), temporary))
    assert "results/.build/synthetic/2015/accounts.csv failed" in problem
    assert reason in problem and fix in problem and ".part" not in problem
    assert logs.storage_problem(OSError(errno.EIO, "I/O error", temporary)) is None


def test_a_full_disk_in_a_rule_ends_it_with_that_paragraph(tmp_path):
    log = tmp_path / "rule.log"

    def main(smk):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(tmp_path / "out.csv"))

    smk = SimpleNamespace(log=[str(log)], params=SimpleNamespace(), threads=1, rule="accounts")
    with pytest.raises(SystemExit) as stopped:
        logs.run_rule(main, smk)
    assert stopped.value.code == 1
    last = log.read_text().splitlines()[-1]
    assert f"writing {tmp_path / 'out.csv'} failed: the file system is full" in last
    assert "Traceback" in logs.traceback_path(log).read_text()

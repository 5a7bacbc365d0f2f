"""Runs killed with SIGKILL at several points: the next run succeeds, removes what the
killed run left behind and gives byte-identical results.

The moment is exact and the code path real: tests/support/kill_hook/sitecustomize.py kills
a job when it is about to rename the temporary of a complete output in a chosen folder, the
worst moment (the whole output written, not yet under its name): the job alone, as the OOM
killer or a SLURM time limit do while Snakemake goes on, or its whole process group,
Snakemake included, as when a machine's allocation ends. Such a run leaves Snakemake's lock
behind; the next run starts with `snakemake --unlock`, as docs/troubleshooting.md says.
"""

from __future__ import annotations

import hashlib
import os
import signal
from pathlib import Path

import pytest

from bri_carbon.runtime.atomic import is_temporary_name

from ..support.fixtures import write_eora26
from ..support.workflow import REPO, TINY, copy_workflow, finish, snakemake, start_snakemake

HOOK = REPO / "tests" / "support" / "kill_hook"
YEAR = 2015


def _targets(source: str) -> list[str]:
    """The CSV results of one source and year (the accounts and the groups), in the build
    tree (a run publishes results/ only when it is complete)."""
    return [
        f"results/.build/{source}/{YEAR}/accounts.csv",
        f"results/.build/{source}/{YEAR}/groups/flows.csv",
    ]


def temporaries(workdir: Path) -> list[Path]:
    """Every temporary of an atomic write left under resources/ and results/."""
    return [
        path
        for folder in ("resources", "results")
        for path in (workdir / folder).rglob("*")
        if is_temporary_name(path.name)
    ]


def run_stopped_at(workdir: Path, folder: str, how: str, *args: str) -> str:
    """Run Snakemake with ``args``; the job about to rename a complete output in ``folder``
    is stopped there (tests/support/kill_hook: ``job`` or ``group`` SIGKILL, or ``fail``).
    Asserts that it was; returns the run's output."""
    stopped = snakemake(
        workdir,
        *args,
        check=False,
        env={
            "PYTHONPATH": os.pathsep.join(filter(None, [str(HOOK), os.environ.get("PYTHONPATH")])),
            "BRI_CARBON_TEST_KILL_AT": str(workdir / folder),
            "BRI_CARBON_TEST_KILL": how,
        },
    )
    output = stopped.stdout + stopped.stderr
    expected = {
        "group": (-signal.SIGKILL, ""),
        "job": (1, "died with <Signals.SIGKILL: 9>"),
        "fail": (1, "injected failure"),
        "full": (1, "No space left on device"),
    }[how]
    assert stopped.returncode == expected[0] and expected[1] in output, output[-4000:]
    return output


def run_killed_at(workdir: Path, folder: str, *args: str, group: bool = False) -> None:
    """Run Snakemake with ``args``; the job about to rename a complete output in ``folder``
    is killed with SIGKILL (with ``group``: Snakemake and all its jobs). Asserts that it was
    and that its temporary is left behind, as in a real kill."""
    run_stopped_at(workdir, folder, "group" if group else "job", *args)
    left = [path.parent.relative_to(workdir).as_posix() for path in temporaries(workdir)]
    assert folder in left


def run_again(workdir: Path, *args: str) -> str:
    """The next run: unlock (the killed run's lock is still there), then run to the end."""
    snakemake(workdir, "--unlock", *args)
    done = snakemake(workdir, *args)
    return done.stdout + done.stderr


def csv_digests(workdir: Path, source: str, build: bool = True) -> dict[str, str]:
    """sha256 of every CSV result of ``source`` and YEAR, in the build tree or (``build``
    False) as published."""
    folder = workdir / "results" / (".build" if build else "") / source / str(YEAR)
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*.csv"))
    }


def test_synthetic_runs_killed_in_each_stage_recover_byte_identically(
    finished_run, tmp_path_factory
):
    """Killed while writing the synthetic world, the harmonized file (after the parse) and
    the accounts, in turn; each next run goes on from there, and the last gives the CSVs of
    an uninterrupted run byte for byte."""
    workdir = copy_workflow(tmp_path_factory.mktemp("killed_synthetic"))
    args = (*_targets("synthetic"), "--cores", "2", "--configfile", TINY)
    run_killed_at(workdir, "resources/raw/synthetic", *args)
    run_killed_at(workdir, "resources/harmonized/synthetic", *args)
    run_killed_at(workdir, f"results/.build/synthetic/{YEAR}", *args, group=True)
    run_again(workdir, *args)

    assert temporaries(workdir) == []
    assert not (workdir / "results/synthetic").exists()  # published only by a complete run
    assert [path.name for path in (workdir / "resources/raw/synthetic").iterdir()] == [
        f"Eora26_{YEAR}_bp.zip"
    ]
    produced = csv_digests(workdir, "synthetic")
    expected = csv_digests(finished_run, "synthetic", build=False)
    assert {"accounts.csv", "flows.csv", "groups/flows.csv"} <= set(produced)
    assert produced == {name: expected[name] for name in produced}


@pytest.fixture(scope="module")
def local(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("mrio")
    write_eora26(folder / "eora26", YEAR, labels_inside=False)
    return folder


def test_a_run_killed_while_copying_from_local_data_recovers(tmp_path_factory, local):
    """Killed (with Snakemake) while a file is copied from local_data: local_data is
    untouched, the next run succeeds, the copies are the local files byte for byte and the
    CSVs are those of an uninterrupted run (made at the same time, in another folder)."""
    before = {p.name: p.read_bytes() for p in (local / "eora26").iterdir()}
    config = ("--config", "source=eora26", f"years=[{YEAR}]", f"local_data={local}")
    args = (*_targets("eora26"), "--cores", "1", *config)
    reference = copy_workflow(tmp_path_factory.mktemp("uninterrupted"))
    uninterrupted = start_snakemake(reference, *args)

    workdir = copy_workflow(tmp_path_factory.mktemp("killed_copy"))
    run_killed_at(workdir, "resources/raw/eora26", *args, group=True)
    assert {p.name: p.read_bytes() for p in (local / "eora26").iterdir()} == before
    run_again(workdir, *args)
    finish(uninterrupted, reference)

    assert temporaries(workdir) == []
    for name, content in before.items():
        assert (workdir / "resources/raw/eora26" / name).read_bytes() == content
    assert csv_digests(workdir, "eora26") == csv_digests(reference, "eora26")
    assert {p.name: p.read_bytes() for p in (local / "eora26").iterdir()} == before

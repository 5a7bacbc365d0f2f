"""Atomic writes: all or nothing under the final name, with ordinary permissions."""

from __future__ import annotations

import os
import stat
import time

import pytest

from bri_carbon.runtime import atomic


def test_written_file_has_umask_permissions(tmp_path):
    previous = os.umask(0o022)
    try:
        target = tmp_path / "out" / "table.csv"
        atomic.write_text(target, "a,b\n")
    finally:
        os.umask(previous)
    assert target.read_text() == "a,b\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


def test_failed_write_leaves_nothing(tmp_path):
    target = tmp_path / "table.csv"
    with pytest.raises(RuntimeError), atomic.atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("interrupted")
    assert list(tmp_path.iterdir()) == []


def test_the_temporary_name_matches_no_input_pattern(tmp_path):
    """A temporary is hidden and ends in .part, so that no `*.zip` pattern (pymrio reads
    every zip of a folder that names the year) and no rule input ever takes it for data."""
    target = tmp_path / "Eora26_2015_bp.zip"
    with atomic.atomic_path(target) as tmp:
        assert tmp.parent == tmp_path
        assert tmp.name.startswith(".Eora26_2015_bp.zip.") and tmp.name.endswith(".part")
        assert not tmp.name.endswith(".zip") and not list(tmp_path.glob("*.zip"))
        assert atomic.is_temporary_name(tmp.name, target.name)
        tmp.write_bytes(b"data")
    assert target.read_bytes() == b"data"


def test_formats_are_passed_explicitly_so_a_part_name_works(tmp_path):
    """xarray and matplotlib get the format from the callers, not from the name."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import xarray as xr

    from bri_carbon.outputs import figures

    fig = plt.figure(figsize=(1, 1))
    figures.save(fig, tmp_path / "a.png", tmp_path / "a.pdf")
    assert (tmp_path / "a.png").read_bytes()[:4] == b"\x89PNG"
    assert (tmp_path / "a.pdf").read_bytes()[:4] == b"%PDF"
    with atomic.atomic_path(tmp_path / "b.nc") as tmp:
        xr.Dataset({"x": ("i", [1.0, 2.0])}).to_netcdf(tmp, engine="h5netcdf")
    assert xr.load_dataset(tmp_path / "b.nc", engine="h5netcdf")["x"].sum() == 3.0


def _age(path, seconds_ago: float) -> None:
    when = time.time() - seconds_ago
    os.utime(path, (when, when))


def test_stale_temporaries_are_removed_and_nothing_else(tmp_path, monkeypatch):
    """Only names of the temporary pattern, only regular files, only those older than the
    run: a user's files, a download's resumable .part, a link and a write in progress stay."""
    started = time.time_ns()
    monkeypatch.setenv(atomic.RUN_STARTED_VARIABLE, str(started))
    stale = tmp_path / ".Eora26_2015_bp.zip.k3x9q2ab.part"
    other_target = tmp_path / ".indices.zip.zz11yy22.part"
    fresh = tmp_path / ".Eora26_2014_bp.zip.abcdefgh.part"
    keep = {
        "user": tmp_path / "Eora26_2015_bp.zip",
        "resumable download": tmp_path / ".IOT_2015_ixi.zip.part",
        "hidden user file": tmp_path / ".notes.part",
        "not 8 characters": tmp_path / ".x.zip.abc.part",
    }
    for path in (stale, other_target, fresh, *keep.values()):
        path.write_bytes(b"x")
    link = tmp_path / ".y.zip.linkto12.part"
    link.symlink_to(keep["user"])
    for path in (stale, other_target, *keep.values()):
        _age(path, 60)
    os.utime(link, (time.time() - 60,) * 2, follow_symlinks=False)
    _age(fresh, -5)  # written after the run started: a job of this run is writing it

    removed = atomic.remove_stale_temporaries(tmp_path)

    assert sorted(removed) == sorted([stale, other_target])
    assert not stale.exists() and not other_target.exists()
    assert fresh.exists() and link.is_symlink()
    assert all(path.exists() for path in keep.values())


def test_a_write_removes_stale_temporaries_of_its_folder(tmp_path, monkeypatch):
    monkeypatch.setenv(atomic.RUN_STARTED_VARIABLE, str(time.time_ns()))
    stale = tmp_path / ".accounts.csv.q1w2e3r4.part"
    stale.write_text("half")
    _age(stale, 60)
    atomic.write_text(tmp_path / "flows.csv", "a\n")
    assert not stale.exists()


def test_outside_a_run_only_the_targets_own_temporaries_are_removed(tmp_path, monkeypatch):
    """Without the run's start (a script run by hand), other writers of the folder are
    unknown: only the target's own leftovers older than this process are removed."""
    monkeypatch.delenv(atomic.RUN_STARTED_VARIABLE, raising=False)
    own = tmp_path / ".flows.csv.q1w2e3r4.part"
    other = tmp_path / ".accounts.csv.q1w2e3r4.part"
    for path in (own, other):
        path.write_text("half")
        _age(path, 3600)
    atomic.write_text(tmp_path / "flows.csv", "a\n")
    assert not own.exists() and other.exists()


def test_a_write_outside_the_jobs_outputs_removes_nothing(tmp_path, monkeypatch):
    """The sha256 memo of local_data is written while Snakemake builds the job graph,
    maybe of a dry run beside a running workflow: it must not remove the temporaries of
    that workflow's jobs, which are older than the dry run."""
    monkeypatch.setenv(atomic.RUN_STARTED_VARIABLE, str(time.time_ns()))
    running = tmp_path / ".IOT_2015_ixi.zip.q1w2e3r4.part"
    running.write_text("being copied")
    _age(running, 60)
    atomic.write_text(tmp_path / ".local_data.sha256.json", "{}\n", remove_stale=False)
    assert running.exists()

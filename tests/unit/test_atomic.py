"""Atomic writes: all or nothing under the final name, with ordinary permissions."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from pathlib import Path

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


def _dead_pid() -> int:
    """The id of a process that has ended (a child that exited and was reaped)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _temporary(folder, target: str, pid: int, host: str | None = None) -> Path:
    """A leftover temporary of ``target`` written by process ``pid`` on ``host``."""
    path = folder / f".{target}.{pid}@{host or atomic.host_label()}.k3x9q2ab.part"
    path.write_bytes(b"x")
    return path


def test_temporaries_name_their_writer(tmp_path):
    with atomic.atomic_path(tmp_path / "flows.csv") as tmp:
        assert tmp.name.startswith(f".flows.csv.{os.getpid()}@{atomic.host_label()}.")
        assert not atomic.writer_is_gone(tmp.name)


def test_only_temporaries_of_writers_that_are_gone_are_removed(tmp_path):
    """Only names of the temporary pattern, only regular files, only those whose writer
    has ended: a user's files, a download's resumable .part, a link, the temporary of a
    process still running (another run's job beside this one) and one of another host (its
    writer cannot be seen from here) stay."""
    gone = _dead_pid()
    stale = _temporary(tmp_path, "Eora26_2015_bp.zip", gone)
    other_target = _temporary(tmp_path, "indices.zip", gone)
    running = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        live = _temporary(tmp_path, "Eora26_2014_bp.zip", running.pid)
        own = _temporary(tmp_path, "Eora26_2013_bp.zip", os.getpid())
        elsewhere = _temporary(tmp_path, "Eora26_2012_bp.zip", gone, host="another-node")
        keep = {
            "user": tmp_path / "Eora26_2015_bp.zip",
            "resumable download": tmp_path / ".IOT_2015_ixi.zip.part",
            "hidden user file": tmp_path / ".notes.part",
            "older name without writer": tmp_path / ".x.zip.abcdefgh.part",
        }
        for path in keep.values():
            path.write_bytes(b"x")
        link = tmp_path / f".y.zip.{gone}@{atomic.host_label()}.linkto12.part"
        link.symlink_to(keep["user"])

        removed = atomic.remove_stale_temporaries(tmp_path)

        assert sorted(removed) == sorted([stale, other_target])
        assert live.exists() and own.exists() and elsewhere.exists() and link.is_symlink()
        assert all(path.exists() for path in keep.values())
    finally:
        running.kill()
        running.wait()


def test_a_write_removes_the_leftovers_of_ended_writers_in_its_folder(tmp_path):
    stale = _temporary(tmp_path, "accounts.csv", _dead_pid())
    atomic.write_text(tmp_path / "flows.csv", "a\n")
    assert not stale.exists()


def test_a_concurrent_runs_live_temporary_survives_a_write_beside_it(tmp_path, monkeypatch):
    """Two runs (say, two named runs sharing resources/) write into one folder: the
    temporary of the one that started first is never removed by the other, however old.
    (Versions that removed temporaries older than the run's start, given by this
    variable, removed it.)"""
    monkeypatch.setenv("BRI_CARBON_RUN_STARTED_NS", str(time.time_ns()))
    writer = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\n"
            "from bri_carbon.runtime import atomic\n"
            f"with atomic.atomic_path({str(tmp_path / 'big.nc')!r}) as tmp:\n"
            "    with open(tmp, 'w') as handle:\n"
            "        handle.write('half, ')\n"
            "        print(tmp.name, flush=True)\n"
            "        sys.stdin.readline()\n"
            "        handle.write('whole')\n",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    name = writer.stdout.readline().strip()
    old = time.time() - 3600
    os.utime(tmp_path / name, (old, old))
    atomic.write_text(tmp_path / "small.csv", "a\n")
    writer.communicate("go\n", timeout=60)
    assert writer.returncode == 0
    assert (tmp_path / "big.nc").read_text() == "half, whole"

"""Atomic writes: all or nothing under the final name, with ordinary permissions."""

from __future__ import annotations

import os
import stat

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

"""`make` alone and `make help` list the targets with one line each (the first hour)."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from ..support.workflow import REPO

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")


def _make(*args: str) -> str:
    done = subprocess.run(
        ["make", "--no-print-directory", "-C", str(REPO), *args],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return done.stdout + done.stderr


def test_make_alone_prints_the_help_and_installs_nothing():
    text = _make()
    assert text == _make("help")
    assert "is up to date" not in text and "uv pip install" not in text


def test_every_target_has_its_line():
    text = _make("help")
    listed = dict(re.findall(r"^  ([a-z][a-z.-]*) +(\S.*)$", text, flags=re.M))
    phony = re.search(r"^\.PHONY: (.*)$", (REPO / "Makefile").read_text(), flags=re.M)
    assert set(phony.group(1).split()) == set(listed)
    assert all(len(line) <= 100 for line in text.splitlines())
    assert "the workflow" in listed["run"] and "test suite" in listed["test"]

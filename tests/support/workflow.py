"""Run the real Snakemake workflow on a copy of the repository in a temporary folder."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import yaml

REPO = Path(__file__).resolve().parents[2]
#: What a run needs from the repository (generated folders are left out).
WORKFLOW_PARTS = ("Snakefile", "rules", "scripts", "config", "data", "profiles", "envs")
#: Test scenarios (config files on top of config/config.yaml), relative to a workflow copy.
#: The tiny synthetic world, 2015: four BRI and four non-BRI countries plus the dissolved USSR.
TINY = "config/test/tiny.yaml"
#: The tiny world in 2014 and 2015, with the 2014 -> 2015 driver decomposition.
TWO_YEARS = "config/test/two_years.yaml"
#: The build tree of the unnamed run: every rule writes there; a complete run publishes
#: results/ from it (bri_carbon.runtime.publish). Tests that ask for single files ask for
#: them there.
BUILD = "results/.build"


def scenario(name: str) -> dict:
    """The settings of the test scenario file ``name`` (e.g. ``TINY``) of the repository."""
    return yaml.safe_load((REPO / name).read_text())


TINY_COUNTRIES: list[str] = scenario(TINY)["synthetic"]["countries"]
#: Node id of the running test when it is not marked ``workflow`` (set by tests/conftest.py):
#: such a test must not run Snakemake.
unmarked_test: str | None = None


def copy_workflow(target: Path) -> Path:
    """Copy the workflow files into ``target`` and return it."""
    target.mkdir(parents=True, exist_ok=True)
    for part in WORKFLOW_PARTS:
        source = REPO / part
        if source.is_dir():
            shutil.copytree(source, target / part)
        elif source.exists():
            shutil.copy2(source, target / part)
    return target


def grouping_without(workdir: Path, iso3: str) -> str:
    """Write ``config/regions_without_{iso3}.csv`` in ``workdir``: the default grouping
    without the region ``iso3``, which the data still has (an incomplete grouping file).
    Returns the ``--config`` override that names it."""
    regions = pd.read_csv(workdir / "config" / "regions.csv", keep_default_na=False)
    name = f"config/regions_without_{iso3}.csv"
    regions[regions["iso3"] != iso3].to_csv(workdir / name, index=False)
    return f"regions={name}"


def png_size(path: Path) -> tuple[int, int]:
    """(width, height) in pixels of the PNG file ``path``."""
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", header[16:24])


def _check_marked() -> None:
    """Fail a test that runs Snakemake without the marker ``workflow``."""
    if unmarked_test is not None:
        raise AssertionError(
            f"{unmarked_test} runs Snakemake but is not marked workflow: move it to tests/workflow/"
        )


def start_snakemake(workdir: Path, *args: str) -> subprocess.Popen:
    """Start ``snakemake`` in ``workdir`` in the background (output to
    ``workdir/snakemake.out``); :func:`finish` waits for it."""
    _check_marked()
    executable = Path(sys.executable).with_name("snakemake")
    with open(workdir / "snakemake.out", "w") as output:
        return subprocess.Popen(
            [str(executable), *args],
            cwd=workdir,
            stdout=output,
            stderr=subprocess.STDOUT,
            env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"),
            start_new_session=True,
        )


def finish(process: subprocess.Popen, workdir: Path) -> None:
    """Wait for the run of :func:`start_snakemake` in ``workdir``; fail with its output if
    it failed."""
    if process.wait(timeout=900) != 0:
        output = (workdir / "snakemake.out").read_text()[-6000:]
        raise AssertionError(f"snakemake failed ({process.returncode}):\n{output}")


def snakemake(
    workdir: Path,
    *args: str,
    check: bool = True,
    env: dict[str, str] | None = None,
    preexec_fn: Callable[[], None] | None = None,
) -> subprocess.CompletedProcess:
    """Run ``snakemake`` of this environment in ``workdir``; output captured as text.

    ``env``: variables added to the environment; ``preexec_fn``: run in the child before
    Snakemake starts (e.g. tests/support/permissions.py). Snakemake runs in a session of its
    own, so that a test hook may kill its process group (Snakemake and its jobs).
    """
    _check_marked()
    executable = Path(sys.executable).with_name("snakemake")
    result = subprocess.run(
        [str(executable), *args],
        cwd=workdir,
        capture_output=True,
        text=True,
        env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1", **(env or {})),
        timeout=900,
        preexec_fn=preexec_fn,
        start_new_session=True,
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"snakemake {' '.join(args)} failed ({result.returncode}):\n"
            f"{result.stdout[-4000:]}\n{result.stderr[-6000:]}"
        )
    return result

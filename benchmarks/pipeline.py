"""Benchmark: a cold and a no-op run of the workflow in a fresh copy of the repository.

Run from the project folder (default config: the full synthetic Eora26 world, n = 4915,
about a minute on 2 cores)::

    .venv/bin/python benchmarks/pipeline.py

The workflow files are copied into a temporary folder (as the tests do, see
``tests/support/workflow.py``), then ``snakemake --cores N`` runs every rule from nothing
(cold) and ``snakemake -n`` checks that nothing is left to do (no-op). Both are timed by this
process (wall seconds, Snakemake start included). The per-rule benchmark files that Snakemake
writes (``logs/benchmarks/{rule}/...tsv``: seconds and peak RSS of each job) are printed as
well; they are the measurements behind the ``mem_mb`` formula in ``rules/common/resources.smk``.

The last line is ``cold_s=X noop_s=Y``.
"""

from __future__ import annotations

import argparse
import csv
import logging
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.support.workflow import copy_workflow  # noqa: E402  (needs the repository root first)

log = logging.getLogger("benchmarks.pipeline")


def run_snakemake(workdir: Path, *args: str) -> tuple[float, str]:
    """Run this environment's ``snakemake`` in ``workdir``; return (wall seconds, output)."""
    executable = Path(sys.executable).with_name("snakemake")
    start = time.perf_counter()
    result = subprocess.run(
        [str(executable), *args], cwd=workdir, capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - start
    output = result.stdout + result.stderr
    if result.returncode != 0:
        raise RuntimeError(f"snakemake {' '.join(args)} failed:\n{output[-6000:]}")
    return seconds, output


def rule_benchmarks(workdir: Path) -> list[tuple[str, float, float]]:
    """(job, seconds, peak RSS MB) from every Snakemake benchmark file under ``workdir``."""
    rows = []
    for path in sorted((workdir / "logs" / "benchmarks").glob("*/*.tsv")):
        with path.open() as handle:
            record = next(csv.DictReader(handle, delimiter="\t"))
        job = f"{path.parent.name}/{path.stem}"
        rows.append((job, float(record["s"]), float(record["max_rss"])))
    return rows


def benchmark(workdir: Path, cores: int, extra: list[str]) -> str:
    """Copy the workflow into ``workdir``, time a cold and a no-op run, print the results."""
    copy_workflow(workdir)
    log.info("cold run in %s", workdir)
    cold, _ = run_snakemake(workdir, "--cores", str(cores), *extra)
    noop, output = run_snakemake(workdir, "-n", *extra)
    if "Nothing to be done" not in output:
        raise RuntimeError(f"the no-op run still has work to do:\n{output[-4000:]}")
    print(f"{'job':<48} {'s':>8} {'max_rss MB':>11}")
    for job, seconds, rss in rule_benchmarks(workdir):
        print(f"{job:<48} {seconds:>8.2f} {rss:>11.1f}")
    print(f"cold run (snakemake --cores {cores}): {cold:.1f} s")
    print(f"no-op run (snakemake -n): {noop:.2f} s")
    last = f"cold_s={cold:.1f} noop_s={noop:.2f}"
    print(last)
    return last


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument(
        "--workdir", type=Path, help="run here and keep it (default: a temporary folder)"
    )
    parser.add_argument(
        "snakemake_args", nargs="*", help="extra snakemake arguments, e.g. --configfile FILE"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    if args.workdir:
        benchmark(args.workdir, args.cores, args.snakemake_args)
        return
    tmp = Path(tempfile.mkdtemp(prefix="bri-carbon-pipeline-"))
    try:
        benchmark(tmp / "workflow", args.cores, args.snakemake_args)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()

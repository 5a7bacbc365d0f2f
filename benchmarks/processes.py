"""What the benchmark scripts share: run one worker process and measure it, run a rule script
as Snakemake runs it, read the accounts it writes, describe the machine and the BLAS
libraries, print a table.

Only the standard library is imported at module level: the parent process of a benchmark
imports nothing else, so that its memory cannot inflate a child's peak.
:func:`blas_info` imports threadpoolctl when a worker calls it.
"""

from __future__ import annotations

import csv
import os
import runpy
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import Any

#: The project folder (the benchmarks live in its benchmarks/ folder).
REPO = Path(__file__).resolve().parents[1]


def spawn(
    script: str | os.PathLike[str], arguments: list[str], log_path: Path
) -> tuple[float, float, float]:
    """Run ``sys.executable script arguments``; return (wall s, CPU s, peak RSS MiB).

    The wall time is measured here, around the whole child (interpreter start, imports and
    exit included). CPU time (user + system) and the peak, ``ru_maxrss`` (KiB on Linux), are
    the child's own, from :func:`os.wait4`. The child's output goes to ``log_path``; a child
    that fails raises :class:`RuntimeError` with the end of that output.
    """
    with log_path.open("w") as child_log:
        start = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, str(script), *arguments], stdout=child_log, stderr=subprocess.STDOUT
        )
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        tail = log_path.read_text()[-4000:]
        raise RuntimeError(f"{' '.join(arguments)} failed ({process.returncode}):\n{tail}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024.0


def run_rule_script(script: str, job: SimpleNamespace) -> None:
    """Run ``scripts/{script}.py`` in this process with ``job`` as its ``snakemake`` object
    (inputs, outputs, params, log as the rule passes them); the output and log folders are
    made first, and on failure the end of the rule's log goes to stderr."""
    Path(job.log[0]).parent.mkdir(parents=True, exist_ok=True)
    for path in vars(job.output).values():
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    try:
        runpy.run_path(
            str(REPO / "scripts" / f"{script}.py"),
            init_globals={"snakemake": job},
            run_name="__main__",
        )
    except BaseException:
        log_file = Path(job.log[0])
        if log_file.exists():
            sys.stderr.write(log_file.read_text()[-4000:])
        raise


def read_accounts(path: Path) -> dict[str, tuple[float, float]]:
    """(production, consumption) in Mt per output region, from an ``accounts.csv``."""
    with path.open(newline="") as handle:
        return {
            row["region"]: (float(row["production_mt"]), float(row["consumption_mt"]))
            for row in csv.DictReader(handle)
        }


def machine() -> str:
    """CPU count, model and memory of this machine (from the OS, no third-party package)."""
    model = "unknown CPU"
    with Path("/proc/cpuinfo").open() as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory_kib = 0
    with Path("/proc/meminfo").open() as meminfo:
        for line in meminfo:
            if line.startswith("MemTotal:"):
                memory_kib = int(line.split()[1])
    return f"{len(os.sched_getaffinity(0))} CPUs ({model}), {memory_kib / 2**20:.1f} GiB RAM"


def blas_info() -> list[dict[str, Any]]:
    """threadpoolctl's view of the loaded BLAS libraries (name, version, core type, threads)."""
    from threadpoolctl import threadpool_info

    keys = ("internal_api", "version", "architecture", "num_threads", "threading_layer")
    return [{key: pool.get(key) for key in keys} for pool in threadpool_info()]


def describe_blas(pools: list[dict[str, Any]]) -> str:
    """One line for :func:`blas_info`'s list."""
    return "; ".join(
        f"{pool['internal_api']} {pool['version']} ({pool['architecture']}, "
        f"{pool['num_threads']} threads)"
        for pool in pools
    )


def print_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """Print ``rows`` under ``header`` in left-aligned columns separated by two spaces."""
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, tuple("-" * width for width in widths), *rows]:
        cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        print("  ".join(cells).rstrip())

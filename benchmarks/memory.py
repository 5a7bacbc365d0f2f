"""Benchmark: the peak memory of the jobs that hold the large arrays, at real sizes.

Run from the project folder (about 10 minutes on an idle 2-core machine; inputs are written
once into ``--workdir`` and reused)::

    .venv/bin/python benchmarks/memory.py [--sizes eora26,exiobase3] [--workdir DIR]

Sizes:

- ``eora26``: one Eora26 year at real text volume (``benchmarks/year.py``'s generated zip:
  189 countries, n = 4,915 in the archive and 4,914 solved, dense T of about 300 MB of
  text, 2,720 satellite rows, labels in indices.zip);
- ``exiobase3``: an EXIOBASE 3 ixi year at full size, 49 regions x 163 industries, n = 7,987
  (the test fixtures' generator, ``tests/support/fixtures.py``, with the 49 EXIOBASE region
  codes of ``data/region_codes.csv``; the 3.9 layout).

Each job runs its rule script (``scripts/harmonize_*.py``, ``scripts/accounts.py`` with
``accounts.engine`` lu and pymrio) in a fresh process with a ``snakemake`` object holding
the rule's inputs, outputs and params from ``config/config.yaml``, with the rule's threads;
the peak RSS (``ru_maxrss`` from :func:`os.wait4`) is what a cluster job must be granted.
The table lists the peaks next to n and m (final-demand columns); these are the figures the
``mem_mb`` formulas of ``rules/common/resources.smk`` are set from (docs/performance.md) and that
``tests/unit/test_memory_formula.py`` checks the formulas against. The last line is
``peaks_mb=JOB:SIZE:MB,...``.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent))

from processes import machine, print_table, run_rule_script

REPO = Path(__file__).resolve().parents[1]
YEAR = 2015
log = logging.getLogger("benchmarks.memory")


def eora26_input(workdir: Path) -> Path:
    """The real-volume Eora26 zip (with indices.zip beside it), written once."""
    from raw_to_accounts import archive_path, generate
    from year import write_real_volume

    folder = workdir / "eora26"
    if not (folder / "indices.zip").exists():
        generate(workdir / "default", YEAR, None)
        write_real_volume(archive_path(workdir / "default", YEAR), folder, YEAR)
    return folder / f"Eora26_{YEAR}_bp.zip"


def exiobase3_input(workdir: Path) -> Path:
    """A full-size EXIOBASE 3 ixi archive (49 x 163), written once."""
    archive = workdir / "exiobase3" / f"IOT_{YEAR}_ixi.zip"
    if archive.exists():
        return archive
    sys.path.insert(0, str(REPO))
    import pandas as pd

    from tests.support.fixtures import exiobase3_world, write_exiobase3

    codes = pd.read_csv(REPO / "data" / "region_codes.csv", keep_default_na=False)
    regions = tuple(codes.loc[codes["source"] == "exiobase3", "source_code"])
    world = exiobase3_world(YEAR, "ixi", regions=regions)
    return write_exiobase3(archive.parent, world, layout="3.9", top_folder=False)


def job(name: str, source: str, archive: Path, out: Path) -> SimpleNamespace:
    """The ``snakemake`` object of one job (paths as strings, like Snakemake's)."""
    import yaml

    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    dataset = str(out / f"{source}.nc")
    stressors = config["stressors"]["eora26"]
    if name.startswith("harmonize"):
        inputs = {"archive": str(archive), "region_codes": str(REPO / config["region_codes"])}
        params = {"stressors": [stressors] if isinstance(stressors, dict) else list(stressors)}
        if source == "exiobase3":
            inputs |= {
                "concordance": str(REPO / "data" / "concordances" / "exio3_ixi.csv"),
                "exchange_rates": str(REPO / config["exchange_rates"]),
            }
            params = {"system": "ixi", "stressors": config["stressors"]["exiobase3"]}
        return SimpleNamespace(
            rule=name,
            input=SimpleNamespace(**inputs),
            output=SimpleNamespace(dataset=dataset),
            params=SimpleNamespace(**params),
            wildcards=SimpleNamespace(source=source, year=str(YEAR)),
            threads=2,
            log=[str(out / f"{name}-{source}.log")],
        )
    engine = name.split("_", 1)[1]
    files = (
        "accounts",
        "flows",
        "diagnostics",
        "discrepancy",
        "sector_flows",
        "no_inventories_accounts",
        "no_inventories_flows",
    )
    suffix = {"diagnostics": "json"}
    inventories = config["robustness"]["inventory_categories"].get(source, [])
    return SimpleNamespace(
        rule="accounts",
        input=SimpleNamespace(dataset=dataset, regions=str(REPO / config["regions"])),
        output=SimpleNamespace(
            **{f: str(out / f"{engine}-{source}-{f}.{suffix.get(f, 'csv')}") for f in files}
        ),
        params=SimpleNamespace(
            excluded_categories=[],
            inventory_categories=inventories,
            rtol=config["identity_rtol"],
            precision=config["leontief_precision"],
            engine=engine,
            compute_threads=2,
            denominators=config["intensity"]["denominators"],
        ),
        wildcards=SimpleNamespace(source=source, year=str(YEAR)),
        threads=2,
        log=[str(out / f"{name}-{source}.log")],
    )


def run_job(name: str, source: str, archive: Path, out: Path) -> None:
    """Run the job's rule script in this process, as Snakemake runs it."""
    smk = job(name, source, archive, out)
    script = "accounts" if name.startswith("accounts") else f"harmonize_{source}"
    run_rule_script(script, smk)


def measure(name: str, source: str, archive: Path, out: Path) -> tuple[float, float]:
    """(wall s, peak RSS MiB) of the job in a fresh process. This parent holds only the
    standard library (a forked child starts with its parent's peak on Linux)."""
    command = [sys.executable, __file__, "--worker", name, "--source", source]
    command += ["--archive", str(archive), "--workdir", str(out)]
    start = time.perf_counter()
    process = subprocess.Popen(command)
    _, status, usage = os.wait4(process.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{name} {source} failed")
    return time.perf_counter() - start, usage.ru_maxrss / 1024.0


def prepare(source: str, workdir: Path) -> Path:
    """The input of ``source``, written by a child process (see :func:`measure`)."""
    subprocess.run(
        [sys.executable, __file__, "--prepare", source, "--workdir", str(workdir)], check=True
    )
    if source == "eora26":
        return workdir / "eora26" / f"Eora26_{YEAR}_bp.zip"
    return workdir / "exiobase3" / f"IOT_{YEAR}_ixi.zip"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="eora26,exiobase3")
    parser.add_argument("--engines", default="lu,pymrio")
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--prepare", help=argparse.SUPPRESS)
    parser.add_argument("--source", help=argparse.SUPPRESS)
    parser.add_argument("--archive", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        run_job(args.worker, args.source, args.archive, args.workdir)
        return
    if args.prepare:
        (eora26_input if args.prepare == "eora26" else exiobase3_input)(args.workdir)
        return
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="bri_memory_") as scratch:
        workdir = (args.workdir or Path(scratch)).resolve()
        workdir.mkdir(parents=True, exist_ok=True)
        print(f"machine: {machine()}")
        print("load average at the start: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
        sizes = {"eora26": (4914, 189 * 6), "exiobase3": (7987, 49 * 7)}
        rows, peaks = [], []
        for source in args.sizes.split(","):
            archive = prepare(source, workdir)
            out = workdir / "jobs"
            out.mkdir(exist_ok=True)
            jobs = ["harmonize", *(f"accounts_{e}" for e in args.engines.split(","))]
            for name in jobs:
                wall, peak = measure(name, source, archive, out)
                n, m = sizes[source]
                rows.append((name, source, str(n), str(m), f"{peak:.0f}", f"{wall:.1f}"))
                peaks.append(f"{name}:{source}:{peak:.0f}")
                log.info("%s %s: %.0f MiB, %.1f s", name, source, peak, wall)
        print_table(("job", "size", "n", "m", "peak RSS MiB", "wall s"), rows)
        print(json.dumps({"load_average_end": os.getloadavg()}))
        print("peaks_mb=" + ",".join(peaks))


if __name__ == "__main__":
    main()

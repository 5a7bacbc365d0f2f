"""Benchmark: a GLORIA-size year from the raw zips to the regional accounts, and, at a size
pymrio can hold, the workflow's two jobs against pymrio's ``parse_gloria`` + ``calc_all``.

Run from the project folder (not part of the test suite; 10 to 15 minutes on an idle 2-core
machine, most of it writing the release, and about 9 GB of free disk for the generated
files, which are deleted at the end)::

    .venv/bin/python benchmarks/gloria.py

1. **Full size.** A synthetic GLORIA release 059 of one year in the exact layout
   (:mod:`bri_carbon.sources.synthetic_gloria`): 164 regions x 120 sectors with DYE empty,
   so n = 19,560 after it is dropped (19,680 in the files); T is written as about 5.3 GB of
   text, zipped, as the real release ships it. Then, each in a fresh process as Snakemake runs
   them, the rule scripts ``scripts/harmonize_gloria.py`` (the streaming reader: raw zips to
   the native cache) and ``scripts/accounts.py`` (the Leontief solve: cache to
   ``accounts.csv``). Goals on a 2-core, 24 GiB machine: both jobs together under 5
   minutes, each under 6 GiB peak; the accounts job (the solve) under 90 s and 4 GiB.
2. **Side by side** (``--compare-regions``, default 40 regions, n = 4,800): (a) what a
   pymrio user does, ``pymrio.parse_gloria`` on the release folder, the CO2 row as an
   extension of its own, ``calc_all()``, ``D_pba_reg`` and ``D_cba_reg``; (b) the same two
   rule jobs. Goals: (b) at most 0.5x (a)'s time and 0.25x its peak memory; the regional
   accounts equal to 1e-9.

The rule scripts are run (:func:`runpy.run_path`) with a ``snakemake`` object holding the
rule's inputs, outputs and params from ``config/config.yaml``, as ``rules/*.smk`` pass them,
so the benchmark times exactly the jobs' code. Wall time is measured by this parent around
each child (interpreter start, imports and exit included); CPU time and peak RSS are the
child's own (:func:`os.wait4`). Snakemake's scheduling and its script preamble are not timed.

The last line of the output is ``full_wall=... full_peak_mib=... solve_wall=...
solve_peak_mib=... ratio_wall=... ratio_rss=... max_rel_diff=...``: the full-size jobs'
summed wall time and larger peak, the accounts job's alone, and the side-by-side ratios
(b)/(a) of wall time (both jobs summed) and peak RSS (the larger job), with the largest
relative difference of any region's account.
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import logging
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from processes import (
    blas_info,
    describe_blas,
    machine,
    print_table,
    read_accounts,
    run_rule_script,
    spawn,
)

log = logging.getLogger("benchmarks.gloria")

REPO = Path(__file__).resolve().parents[1]
VERSION = 59
WORKFLOW_JOBS = ("harmonize_gloria", "accounts")
#: Goals (seconds, MiB) of the full-size year and of the solve alone, on 2 cores, 24 GiB.
FULL_GOAL = (300.0, 6 * 1024.0)
SOLVE_GOAL = (90.0, 4 * 1024.0)
#: Goals of the side-by-side ratios (b)/(a): wall time, peak memory.
RATIO_GOAL = (0.5, 0.25)
#: Free disk the full-size run needs (zips 1.5 GB, cache 3.3 GB, outputs, margin), bytes.
DISK_NEEDED = 9 * 10**9
#: Satellite rows of the full-size release (as the 059 ReadMe has).
FULL_SATELLITES = 5982


def gloria_regions(count: int) -> tuple[list[str], list[str]]:
    """``count`` GLORIA codes of data/region_codes.csv in release order, and their names:
    all of them (DYE in its place) or the first ``count - 1`` and DYE (the region without
    entries) fifth."""
    with (REPO / "data" / "region_codes.csv").open(newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["source"] == "gloria"]
    if count < len(rows):
        dye = next(row for row in rows if row["source_code"] == "DYE")
        rows = [row for row in rows if row["source_code"] != "DYE"][: max(count - 1, 1)]
        rows.insert(min(len(rows), 4), dye)
    return [row["source_code"] for row in rows], [row["name"] for row in rows]


def config_params() -> dict[str, Any]:
    """The params of the two rules from config/config.yaml, as rules/*.smk pass them."""
    import yaml

    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    return {
        "region_codes": config["region_codes"],
        "regions": config["regions"],
        "stressor": config["stressors"]["gloria"],
        "accounts": {
            "excluded_categories": list(config["final_demand"]["exclude"].get("gloria", [])),
            "inventory_categories": list(
                config["robustness"]["inventory_categories"].get("gloria", [])
            ),
            "rtol": config["identity_rtol"],
            "precision": config["leontief_precision"],
            "engine": config["accounts"]["engine"],
            "denominators": config["intensity"]["denominators"],
        },
    }


def rule_job(rule: str, data: Path, year: int, threads: int) -> SimpleNamespace:
    """The ``snakemake`` object of ``rule``'s job on the release in ``data``."""
    from bri_carbon.sources import gloria_layout

    params = config_params()
    files = gloria_layout.release_files(VERSION, year)
    dataset = str(data / "harmonized.nc")
    if rule == "harmonize_gloria":
        inputs = {role: str(data / "local" / "gloria" / name) for role, name in files.items()}
        inputs |= {
            "region_codes": str(REPO / params["region_codes"]),
            "concordance": str(REPO / "data" / "concordances" / "gloria.csv"),
        }
        outputs = {"dataset": dataset}
        rule_params = {"version": VERSION, "stressor": params["stressor"]}
        rule_threads = 2
    else:
        inputs = {"dataset": dataset, "regions": str(REPO / params["regions"])}
        outputs = {
            name: str(data / file)
            for name, file in (
                ("accounts", "accounts.csv"),
                ("flows", "flows.csv"),
                ("diagnostics", "diagnostics.json"),
                ("discrepancy", "source_discrepancy.csv"),
                ("sector_flows", "sector_flows.csv"),
                ("no_inventories_accounts", "no_inventories/accounts.csv"),
                ("no_inventories_flows", "no_inventories/flows.csv"),
            )
        }
        rule_params = {**params["accounts"], "compute_threads": threads}
        rule_threads = threads
    return SimpleNamespace(
        rule=rule,
        input=SimpleNamespace(**inputs),
        output=SimpleNamespace(**outputs),
        params=SimpleNamespace(**rule_params),
        wildcards=SimpleNamespace(source="gloria", year=str(year)),
        threads=rule_threads,
        log=[str(data / f"{rule}.log")],
    )


# --------------------------------------------------------------------------- workers


def generate(data: Path, year: int, regions: int, satellites: int | None) -> None:
    """Write the release into ``data/local/gloria`` (region count ``regions``, DYE empty)."""
    from bri_carbon.sources import config_tables
    from bri_carbon.sources import synthetic_gloria as synthetic

    codes, names = gloria_regions(regions)
    sectors = list(config_tables.read_concordance(REPO / "data/concordances/gloria.csv").index)
    world = synthetic.make_world(
        codes, sectors, region_names=names, empty=["DYE"], seed=year, satellites=satellites
    )
    synthetic.write_release(world, data / "local" / "gloria", VERSION, year)


def run_reference(data: Path, year: int, threads: int) -> dict[str, Any]:
    """(a): ``pymrio.parse_gloria`` with its defaults, the CO2 row alone, ``calc_all()``."""
    import pymrio
    from threadpoolctl import threadpool_limits

    from bri_carbon.sources import gloria_layout as layout

    gc.freeze()
    stressor = config_params()["stressor"]
    with threadpool_limits(limits=threads):
        start = time.perf_counter()
        system = pymrio.parse_gloria(data / "local" / "gloria", year=year, version=VERSION)
        parsed = time.perf_counter()
        rows = [
            label
            for label in system.Q.F.index
            if (layout.unquoted(label[0]), layout.unquoted(label[1]))
            == (stressor["indicator"], stressor["head"])
        ]
        co2 = pymrio.Extension("co2", F=system.Q.F.loc[rows], F_Y=system.Q.F_Y.loc[rows])
        system.remove_extension(["Q", "VA"])
        system.co2 = co2
        system.calc_all()
        production = system.co2.D_pba_reg.iloc[0]
        consumption = system.co2.D_cba_reg.iloc[0].reindex(production.index)
        done = time.perf_counter()
        blas = blas_info()
    return {
        "n": int(system.A.shape[0]),
        "regions": [str(region) for region in production.index],
        "production": production.to_numpy(float).tolist(),
        "consumption": consumption.to_numpy(float).tolist(),
        "parse_seconds": parsed - start,
        "calc_seconds": done - parsed,
        "blas": blas,
    }


def run_workflow_job(rule: str, data: Path, year: int, threads: int) -> dict[str, Any]:
    """(b): one rule job, its script run as Snakemake runs it."""
    job = rule_job(rule, data, year, threads)
    run_rule_script(rule, job)
    if rule != "accounts":
        return {}
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=threads):
        return {"blas": blas_info()}


# --------------------------------------------------------------------------- parent


def measure(worker: str, data: Path, year: int, threads: int) -> tuple[float, float, float, dict]:
    """One fresh process of ``worker``: (wall s, CPU s, peak RSS MiB, its result)."""
    out = data / f"{worker}.json"
    arguments = ["--worker", worker, "--data", str(data), "--year", str(year)]
    arguments += ["--threads", str(threads), "--out", str(out)]
    wall, cpu, peak = spawn(__file__, arguments, data / f"{worker}.out")
    result = json.loads(out.read_text()) if out.exists() else {}
    log.info("%s: %.1f s wall, %.1f s CPU, %.0f MiB peak", worker, wall, cpu, peak)
    return wall, cpu, peak, result


def write_release(data: Path, year: int, regions: int, satellites: int | None) -> float:
    """Generate the release in a child process; returns its wall time."""
    data.mkdir(parents=True, exist_ok=True)
    arguments = ["--worker", "generate", "--data", str(data), "--year", str(year)]
    arguments += ["--regions", str(regions)]
    if satellites:
        arguments += ["--satellites", str(satellites)]
    wall, _, _ = spawn(__file__, arguments, data / "generate.out")
    return wall


def max_relative_difference(
    workflow: dict[str, tuple[float, float]], reference: dict[str, Any]
) -> float:
    """max over regions and both accounts of |b - a| / |a|; (a) in kilotonnes per GLORIA
    code, (b) in Mt per output code (the two are the same for the benchmark's regions but
    DYE, which both leave out)."""
    worst = 0.0
    for code, production, consumption in zip(
        reference["regions"], reference["production"], reference["consumption"], strict=True
    ):
        for actual, value in zip(workflow[code], (production, consumption), strict=True):
            gap = abs(actual - value * 1e-3)
            worst = max(worst, gap / abs(value * 1e-3) if value else gap)
    return worst


def _size(path: Path) -> str:
    return f"{path.stat().st_size / 2**30:.2f} GiB"


def full_size(data: Path, year: int, regions: int, satellites: int | None, threads: int) -> dict:
    """Part 1: generate, then the two jobs once; print their table."""
    generated = write_release(data, year, regions, satellites)
    folder = data / "local" / "gloria"
    print(
        f"full size: {regions} regions x 120 sectors, release 0{VERSION} {year}, generated in "
        f"{generated:.0f} s: "
        + ", ".join(f"{path.name} {_size(path)}" for path in sorted(folder.iterdir()))
    )
    jobs = {rule: measure(rule, data, year, threads) for rule in WORKFLOW_JOBS}
    diagnostics = json.loads((data / "diagnostics.json").read_text())
    print(f"n = {diagnostics['n']} region-sectors solved; cache {_size(data / 'harmonized.nc')}")
    print(f"BLAS in the accounts job: {describe_blas(jobs['accounts'][3]['blas'])}")
    wall = sum(item[0] for item in jobs.values())
    peak = max(item[2] for item in jobs.values())
    rows = [
        (f"(b) workflow job {rule}", f"{item[0]:.1f}", f"{item[1]:.1f}", f"{item[2]:.0f}")
        for rule, item in jobs.items()
    ]
    rows.append(("(b) raw zips to accounts.csv", f"{wall:.1f}", "", f"{peak:.0f}"))
    print_table(("full size", "wall s", "CPU s", "peak RSS MiB"), rows)
    solve = jobs["accounts"]
    print(
        f"goals: raw zips to accounts under {FULL_GOAL[0]:.0f} s and {FULL_GOAL[1]:.0f} MiB: "
        f"{'met' if wall <= FULL_GOAL[0] and peak <= FULL_GOAL[1] else 'NOT met'}; solve under "
        f"{SOLVE_GOAL[0]:.0f} s and {SOLVE_GOAL[1]:.0f} MiB: "
        f"{'met' if solve[0] <= SOLVE_GOAL[0] and solve[2] <= SOLVE_GOAL[1] else 'NOT met'}"
    )
    return {"wall": wall, "peak": peak, "solve_wall": solve[0], "solve_peak": solve[2]}


def side_by_side(data: Path, year: int, regions: int, threads: int) -> dict:
    """Part 2: (a) pymrio then (b) the two jobs, on a release of ``regions`` regions."""
    write_release(data, year, regions, None)
    reference = measure("reference", data, year, threads)
    jobs = {rule: measure(rule, data, year, threads) for rule in WORKFLOW_JOBS}
    diff = max_relative_difference(read_accounts(data / "accounts.csv"), reference[3])
    wall = sum(item[0] for item in jobs.values())
    cpu = sum(item[1] for item in jobs.values())
    peak = max(item[2] for item in jobs.values())
    ratio_wall, ratio_rss = wall / reference[0], peak / reference[2]
    print(
        f"side by side: {regions} regions x 120 sectors, n = {reference[3]['n']} solved by "
        f"both; (a) parse_gloria {reference[3]['parse_seconds']:.1f} s, CO2 row and calc_all "
        f"{reference[3]['calc_seconds']:.1f} s in-process"
    )
    rows = [
        ("(a) pymrio parse_gloria + calc_all", *_cells(reference)),
        *((f"(b) workflow job {rule}", *_cells(item)) for rule, item in jobs.items()),
        ("(b) workflow, both jobs", f"{wall:.1f}", f"{cpu:.1f}", f"{peak:.0f}"),
        ("ratio b/a", f"{ratio_wall:.3f}", "", f"{ratio_rss:.3f}"),
    ]
    print_table(("side by side", "wall s", "CPU s", "peak RSS MiB"), rows)
    print(
        f"goals: at most {RATIO_GOAL[0]}x the time and {RATIO_GOAL[1]}x the memory: "
        f"{'met' if ratio_wall <= RATIO_GOAL[0] and ratio_rss <= RATIO_GOAL[1] else 'NOT met'};"
        f" max relative difference of the regional accounts b/a: {diff:.2e}"
    )
    return {"ratio_wall": ratio_wall, "ratio_rss": ratio_rss, "diff": diff}


def _cells(item: tuple[float, float, float, dict]) -> tuple[str, str, str]:
    return f"{item[0]:.1f}", f"{item[1]:.1f}", f"{item[2]:.0f}"


def check_disk(folder: Path, needed: int) -> None:
    """Stop before writing GB-sized files when ``folder``'s disk has less than ``needed``."""
    free = shutil.disk_usage(folder).free
    if free < needed:
        raise SystemExit(
            f"{folder} has {free / 1e9:.1f} GB free; the benchmark needs about "
            f"{needed / 1e9:.0f} GB. Free some space or give --workdir on another disk."
        )


def benchmark(args: argparse.Namespace, data: Path) -> str:
    print(f"machine: {machine()}; OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE')}")
    print("load average (1, 5, 15 min) at the start: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    if args.regions >= 100:
        check_disk(data, DISK_NEEDED)
    satellites = FULL_SATELLITES if args.regions >= 100 else None
    full = full_size(data / "full", args.year, args.regions, satellites, args.threads)
    shutil.rmtree(data / "full")
    compared = side_by_side(data / "compare", args.year, args.compare_regions, args.threads)
    print("load average (1, 5, 15 min) at the end: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    last = (
        f"full_wall={full['wall']:.1f} full_peak_mib={full['peak']:.0f} "
        f"solve_wall={full['solve_wall']:.1f} solve_peak_mib={full['solve_peak']:.0f} "
        f"ratio_wall={compared['ratio_wall']:.3f} ratio_rss={compared['ratio_rss']:.3f} "
        f"max_rel_diff={compared['diff']:.2e}"
    )
    print(last)
    return last


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--year", type=int, default=2015, help="year of the release")
    parser.add_argument("--regions", type=int, default=164, help="regions of part 1 (164)")
    parser.add_argument(
        "--compare-regions", type=int, default=40, help="regions of part 2 (default 40)"
    )
    parser.add_argument("--threads", type=int, default=2, help="BLAS threads (default 2)")
    parser.add_argument("--workdir", type=Path, help="keep the data and outputs here")
    parser.add_argument(
        "--worker", choices=["generate", "reference", *WORKFLOW_JOBS], help=argparse.SUPPRESS
    )
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--satellites", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)

    if args.worker == "generate":
        generate(args.data, args.year, args.regions, args.satellites)
    elif args.worker == "reference":
        args.out.write_text(json.dumps(run_reference(args.data, args.year, args.threads)))
    elif args.worker:
        result = run_workflow_job(args.worker, args.data, args.year, args.threads)
        args.out.write_text(json.dumps(result))
    elif args.workdir:
        args.workdir.mkdir(parents=True, exist_ok=True)
        benchmark(args, args.workdir)
    else:
        with tempfile.TemporaryDirectory(prefix="bri-carbon-gloria-") as tmp:
            benchmark(args, Path(tmp))


if __name__ == "__main__":
    main()

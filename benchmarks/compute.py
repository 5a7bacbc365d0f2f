"""Benchmark: the workflow's accounts step against pymrio's ``calc_all``, in fresh processes.

Run from the project folder::

    .venv/bin/python benchmarks/compute.py

The three pymrio runs at n = 9800 dominate the run time (each about 100 s of CPU on 2
cores); on a machine shared with other jobs the whole benchmark took 18 minutes.

For every size (``--sizes``, each ``REGIONSxSECTORSxCATEGORIES``) a seeded synthetic MRIO
system is generated once, before any timing, in a separate process. Defaults:

- ``189x26x6``: Eora26 as the workflow computes it, 189 countries x 26 sectors = 4914
  region-sectors with six final-demand categories (the raw Eora26 table has n = 4915; pymrio's
  parser drops its ``ROW`` statistical-discrepancy entry);
- ``49x200x7``: EXIOBASE 3 product-by-product, 49 regions x 200 products = 9800, seven
  final-demand categories.

The generator (:func:`synthetic_system`) draws a productive, block-structured A (dense
domestic blocks; each region buys from itself and at most 20 seeded partner regions; column
sums of A between 0.3 and 0.6), positive final demand split over purchasing regions and
categories, industry CO2 proportional to output with lognormal sector intensities, and
household CO2 in the first final-demand category. Money is million USD, emissions Mt, so
both methods see identical numbers.

Two methods are timed, each run in its own fresh Python process (``sys.executable`` running
this file with ``--worker``), alternating a, b, a, b, ...:

- (a) ``reference``: pymrio's path. Load Z, Y, F and F_Y (``.npy``), build a
  :class:`pymrio.IOSystem` with one CO2 extension (F, F_Y), call ``calc_all()``, take
  ``D_pba_reg`` and ``D_cba_reg`` (which include F_Y).
- (b) ``workflow``: what the ``accounts`` rule computes.
  :func:`bri_carbon.harmonize.account_inputs.open_account_inputs` of the harmonized netCDF
  written from the same system (h5py; Z in row blocks), then
  :func:`bri_carbon.core.accounts.regional_accounts`
  with the workflow's default ``leontief_precision`` (float32 LU of I - A refined with float64
  residuals), which gives the accounts, the origin x destination flows and the identity
  checks as arrays. The rule then imports pandas to label and write three small files; that
  part is not timed here (``benchmarks/pipeline.py`` reports the whole job).

Both workers, after their imports, limit the BLAS thread pools to ``--threads`` (default 2)
with threadpoolctl and freeze the imported objects out of the garbage collector, as
:func:`bri_carbon.runtime.logs.run_rule` does for a rule (at exit this spares (a) about 0.5 s of
collections and (b) about 0.2 s). Wall time is measured by this parent process around each
child (interpreter start and imports included); CPU time (user + system) and peak RSS are the
child's own ``ru_utime + ru_stime`` and ``ru_maxrss`` returned by :func:`os.wait4`;
"in-process wall s" is the worker's own wall clock around loading the data and computing
(imports excluded): for (a) loading the arrays, building the IOSystem and ``calc_all``, for
(b) opening the netCDF and the accounts. The parent imports only the standard library so
that its memory cannot inflate the children's peaks. The maximum relative difference
compares every region's production- and consumption-based emissions of (b) with (a),
element by element.

The last line of the output is ``ratio_wall=X ratio_rss=Y max_rel_diff=Z``: the largest
ratios b/a over all sizes of the median in-process wall times (the compute step against
pymrio's ``calc_all``, as the issue that asked for this benchmark compares them; its "7.7 s
at n = 4914" is ``calc_all``'s own time) and of the median peak RSS of the whole processes,
and the largest relative difference. The table shows the whole-process ratios as well.
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# The shared helpers beside this file (also when the file is imported, e.g. by the tests).
sys.path.insert(0, str(Path(__file__).resolve().parent))

from processes import blas_info, describe_blas, machine, print_table, spawn

log = logging.getLogger("benchmarks.compute")

DEFAULT_SIZES = ("189x26x6", "49x200x7")
DEFAULT_SEED = 20180512
#: At most this many partner regions sell to each purchasing region (besides itself).
PARTNERS = 20
METHODS = {
    "reference": "(a) pymrio calc_all",
    "workflow": "(b) workflow accounts",
}


@dataclass(frozen=True)
class Layout:
    """Size of a synthetic system: regions x sectors region-sectors, categories per region."""

    regions: int
    sectors: int
    categories: int

    @classmethod
    def parse(cls, text: str) -> Layout:
        """``"189x26x6"`` -> Layout(189, 26, 6); the category count defaults to 6."""
        parts = [int(part) for part in text.lower().split("x")]
        if len(parts) == 2:
            parts.append(6)
        if len(parts) != 3 or min(parts) < 1 or parts[0] < 2:
            raise argparse.ArgumentTypeError(
                f"size {text!r}: give REGIONSxSECTORS[xCATEGORIES], at least 2 regions"
            )
        return cls(*parts)

    @property
    def n(self) -> int:
        return self.regions * self.sectors

    @property
    def label(self) -> str:
        return f"{self.regions}x{self.sectors}x{self.categories}"


@dataclass(frozen=True)
class Measurement:
    """One child process: wall and CPU seconds, peak RSS in MiB, its result file."""

    method: str
    wall_s: float
    cpu_s: float
    peak_rss_mib: float
    result: dict[str, Any]


# --------------------------------------------------------------------------- generation


def synthetic_system(layout: Layout, seed: int):
    """A seeded synthetic pymrio.IOSystem (million USD, Mt CO2) of the given layout.

    Extensions ``co2`` (one row, F and F_Y) and ``value_added`` (one row), as the workflow's
    harmonize step expects. The system is not exactly balanced by construction; x = Z 1 + Y 1
    is derived from Z and Y by both methods alike, and every column sum of A stays below 0.6.
    """
    import numpy as np
    import pandas as pd
    import pymrio

    rng = np.random.default_rng([seed, layout.regions, layout.sectors, layout.categories])
    r, s, k, n = layout.regions, layout.sectors, layout.categories, layout.n
    regions = [f"R{i:03d}" for i in range(r)]
    sectors = [f"S{j:03d}" for j in range(s)]
    categories = [f"C{c}" for c in range(k)]

    sellers = np.zeros((r, r))  # (origin region, purchasing region) weights
    for buyer in range(r):
        others = np.delete(np.arange(r), buyer)
        partners = rng.choice(others, size=min(PARTNERS, r - 1), replace=False)
        sellers[partners, buyer] = rng.lognormal(0.0, 1.0, partners.size)
        sellers[:, buyer] *= 0.35 / sellers[:, buyer].sum()
        sellers[buyer, buyer] = 0.65

    A = np.zeros((n, n))
    for buyer in range(r):
        columns = slice(buyer * s, (buyer + 1) * s)
        for origin in np.flatnonzero(sellers[:, buyer]):
            rows = slice(origin * s, (origin + 1) * s)
            A[rows, columns] = rng.uniform(0.0, 1.0, (s, s)) * sellers[origin, buyer]
    A *= rng.uniform(0.3, 0.6, n) / A.sum(axis=0)

    size = np.repeat(rng.lognormal(0.0, 1.5, r), s) * rng.dirichlet(np.full(s, 2.0), r).ravel()
    output = 1e5 * size + 1.0  # million USD
    Z = A
    Z *= output[None, :]
    final_total = np.maximum(output - Z.sum(axis=1), 0.05 * output)
    purchase = np.repeat(sellers / sellers.sum(axis=1, keepdims=True), s, axis=0)  # (n, r)
    split = rng.dirichlet(np.full(k, 3.0), r)  # (purchasing region, category)
    Y = (final_total[:, None, None] * purchase[:, :, None] * split[None, :, :]).reshape(n, r * k)

    gross = Z.sum(axis=1) + Y.sum(axis=1)
    intensity = np.tile(rng.lognormal(np.log(3e-4), 1.0, s), r) * rng.lognormal(0.0, 0.3, n)
    F = (intensity * gross)[None, :]  # Mt CO2
    F_Y = np.zeros((1, r * k))
    F_Y[0, ::k] = F[0].reshape(r, s).sum(axis=1) * rng.uniform(0.05, 0.15, r)
    value_added = gross - Z.sum(axis=0)

    node = pd.MultiIndex.from_product([regions, sectors], names=["region", "sector"])
    fd = pd.MultiIndex.from_product([regions, categories], names=["region", "category"])
    co2_row = pd.MultiIndex.from_tuples([("CO2", "Total")], names=["stressor", "compartment"])
    va_row = pd.MultiIndex.from_tuples([("Value added", "Total")], names=["input", "category"])
    return pymrio.IOSystem(
        Z=pd.DataFrame(Z, index=node, columns=node, copy=False),
        Y=pd.DataFrame(Y, index=node, columns=fd, copy=False),
        unit=pd.DataFrame({"unit": ["M.USD"] * n}, index=node),
        co2={
            "name": "co2",
            "F": pd.DataFrame(F, index=co2_row, columns=node),
            "F_Y": pd.DataFrame(F_Y, index=co2_row, columns=fd),
            "unit": pd.DataFrame({"unit": ["Mt"]}, index=co2_row),
        },
        value_added={
            "name": "value_added",
            "F": pd.DataFrame(value_added[None, :], index=va_row, columns=node),
            "unit": pd.DataFrame({"unit": ["M.USD"]}, index=va_row),
        },
    )


def generate(layout: Layout, seed: int, data: Path) -> None:
    """Write the inputs of both methods for one layout into ``data``.

    ``reference/{Z,Y,F,F_Y}.npy`` and ``labels.json`` for pymrio; ``harmonized.nc`` written by
    :func:`bri_carbon.harmonize.harmonized.harmonize` and
    :func:`bri_carbon.harmonize.harmonized.write`.
    """
    import numpy as np
    import pandas as pd

    from bri_carbon.harmonize import harmonized
    from bri_carbon.sources.parsed import ParsedSystem

    system = synthetic_system(layout, seed)
    reference = data / "reference"
    reference.mkdir(parents=True, exist_ok=True)
    for name, frame in (
        ("Z", system.Z),
        ("Y", system.Y),
        ("F", system.co2.F),
        ("F_Y", system.co2.F_Y),
    ):
        np.save(reference / f"{name}.npy", frame.to_numpy())
    labels = {
        "regions": list(system.get_regions()),
        "sectors": list(system.get_sectors()),
        "categories": list(system.get_Y_categories()),
    }
    (data / "labels.json").write_text(json.dumps(labels))
    regions = pd.Series(labels["regions"], index=labels["regions"])
    dataset = harmonized.harmonize(
        ParsedSystem(system, ("CO2 / Total",)),
        source="synthetic",
        year=2015,
        regions=regions,
        common_sectors=tuple(labels["sectors"]),
        synthetic=True,
    )
    del system
    harmonized.write(dataset, data / "harmonized.nc")


# --------------------------------------------------------------------------- workers


def run_reference(data: Path, threads: int) -> dict[str, Any]:
    """(a): pymrio IOSystem with one CO2 extension, ``calc_all()``; regional D_pba/D_cba."""
    import numpy as np
    import pandas as pd
    import pymrio
    from threadpoolctl import threadpool_limits

    gc.freeze()
    with threadpool_limits(limits=threads):
        start = time.perf_counter()
        labels = json.loads((data / "labels.json").read_text())
        arrays = {name: np.load(data / "reference" / f"{name}.npy") for name in ("Z", "Y")}
        extension = {name: np.load(data / "reference" / f"{name}.npy") for name in ("F", "F_Y")}
        node = pd.MultiIndex.from_product(
            [labels["regions"], labels["sectors"]], names=["region", "sector"]
        )
        fd = pd.MultiIndex.from_product(
            [labels["regions"], labels["categories"]], names=["region", "category"]
        )
        row = pd.MultiIndex.from_tuples([("CO2", "Total")], names=["stressor", "compartment"])
        system = pymrio.IOSystem(
            Z=pd.DataFrame(arrays.pop("Z"), index=node, columns=node, copy=False),
            Y=pd.DataFrame(arrays.pop("Y"), index=node, columns=fd, copy=False),
            unit=pd.DataFrame({"unit": ["M.USD"] * len(node)}, index=node),
            co2={
                "name": "co2",
                "F": pd.DataFrame(extension["F"], index=row, columns=node),
                "F_Y": pd.DataFrame(extension["F_Y"], index=row, columns=fd),
                "unit": pd.DataFrame({"unit": ["Mt"]}, index=row),
            },
        )
        system.calc_all()
        production = system.co2.D_pba_reg.loc[("CO2", "Total")]
        consumption = system.co2.D_cba_reg.loc[("CO2", "Total")]
        seconds = time.perf_counter() - start
        blas = blas_info()
    return {
        "regions": [str(region) for region in production.index],
        "production": production.to_numpy(float).tolist(),
        "consumption": consumption.reindex(production.index).to_numpy(float).tolist(),
        "compute_seconds": seconds,
        "blas": blas,
    }


def run_workflow(data: Path, threads: int) -> dict[str, Any]:
    """(b): what the accounts rule computes: read the harmonized netCDF, regional accounts."""
    from threadpoolctl import threadpool_limits

    from bri_carbon.core import accounts
    from bri_carbon.harmonize.account_inputs import open_account_inputs

    gc.freeze()
    with threadpool_limits(limits=threads):
        start = time.perf_counter()
        with open_account_inputs(data / "harmonized.nc") as inputs:
            result = accounts.regional_accounts(inputs, rtol=1e-9, threads=threads)
        seconds = time.perf_counter() - start
        blas = blas_info()
    return {
        "regions": list(result.regions),
        "production": result.accounts["production_mt"].tolist(),
        "consumption": result.accounts["consumption_mt"].tolist(),
        "compute_seconds": seconds,
        "blas": blas,
        "solve": result.diagnostics["leontief_solve"],
    }


WORKERS = {"reference": run_reference, "workflow": run_workflow}


# --------------------------------------------------------------------------- parent


def measure(method: str, data: Path, threads: int, run: int) -> Measurement:
    """One fresh process of ``method`` on the data of one size."""
    out = data / f"{method}-{run}.json"
    wall, cpu, peak = spawn(
        __file__,
        ["--worker", method, "--data", str(data), "--threads", str(threads), "--out", str(out)],
        data / f"{method}-{run}.log",
    )
    return Measurement(method, wall, cpu, peak, json.loads(out.read_text()))


def max_relative_difference(candidate: dict[str, Any], reference: dict[str, Any]) -> float:
    """max over regions and both accounts of |b - a| / |a| (regions matched by label)."""
    worst = 0.0
    for key in ("production", "consumption"):
        expected = dict(zip(reference["regions"], reference[key], strict=True))
        actual = dict(zip(candidate["regions"], candidate[key], strict=True))
        if set(expected) != set(actual):
            raise RuntimeError(f"{key}: the two methods report different regions")
        for region, value in expected.items():
            gap = abs(actual[region] - value)
            worst = max(worst, gap / abs(value) if value else gap)
    return worst


def runs_for(layout: Layout, runs: int | None) -> int:
    """``runs`` if given; else 5 up to n = 5000 (cheap, and start-up noise weighs more
    there) and 3 above (each pymrio run at n = 9800 takes about a minute)."""
    if runs is not None:
        return runs
    return 5 if layout.n <= 5000 else 3


def benchmark(sizes: list[Layout], runs: int | None, threads: int, seed: int, workdir: Path) -> str:
    """Generate, measure and print the table; return the last line."""
    print(f"machine: {machine()}; OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE')}")
    print(
        f"{', '.join(f'{runs_for(size, runs)} runs at n = {size.n}' for size in sizes)} per "
        "method, alternating a, b, fresh process each; "
        f"BLAS threads limited to {threads} with threadpoolctl in both workers"
    )
    rows, summary = [], []
    blas: dict[str, str] = {}
    for layout in sizes:
        data = workdir / layout.label
        data.mkdir(parents=True, exist_ok=True)
        log.info("generating %s (n = %d) in %s", layout.label, layout.n, data)
        generator = ["--worker", "generate", "--layout", layout.label, "--seed", str(seed)]
        spawn(__file__, [*generator, "--data", str(data)], data / "generate.log")
        results: dict[str, list[Measurement]] = {method: [] for method in METHODS}
        for run in range(runs_for(layout, runs)):
            for method in METHODS:
                item = measure(method, data, threads, run)
                results[method].append(item)
                log.info(
                    "%s %s run %d: %.2f s, %.0f MiB",
                    layout.label,
                    method,
                    run + 1,
                    item.wall_s,
                    item.peak_rss_mib,
                )
        medians = {}
        for method, label in METHODS.items():
            walls = [m.wall_s for m in results[method]]
            peaks = [m.peak_rss_mib for m in results[method]]
            cpu = [m.cpu_s for m in results[method]]
            inner = [m.result["compute_seconds"] for m in results[method]]
            medians[method] = (
                statistics.median(walls),
                statistics.median(peaks),
                statistics.median(inner),
            )
            blas[method] = describe_blas(results[method][0].result["blas"])
            rows.append(
                (
                    layout.label,
                    str(layout.n),
                    label,
                    f"{medians[method][0]:.2f} ({min(walls):.2f}-{max(walls):.2f})",
                    f"{medians[method][1]:.0f}",
                    f"{statistics.median(cpu):.2f}",
                    f"{medians[method][2]:.2f}",
                )
            )
        diff = max(
            max_relative_difference(b.result, a.result)
            for a in results["reference"]
            for b in results["workflow"]
        )
        ratio_wall = medians["workflow"][0] / medians["reference"][0]
        ratio_rss = medians["workflow"][1] / medians["reference"][1]
        ratio_inner = medians["workflow"][2] / medians["reference"][2]
        summary.append((ratio_inner, ratio_rss, diff))
        rows.append(
            (
                layout.label,
                str(layout.n),
                f"ratio b/a (max_rel_diff {diff:.2e})",
                f"{ratio_wall:.3f} ({1 / ratio_wall:.1f}x faster)",
                f"{ratio_rss:.3f}",
                "",
                f"{ratio_inner:.3f} ({1 / ratio_inner:.1f}x faster)",
            )
        )
    for method, text in blas.items():
        print(f"BLAS in {method} worker: {text}")
    header = (
        "size",
        "n",
        "method",
        "process wall s median (min-max)",
        "peak RSS MiB",
        "CPU s",
        "in-process wall s",
    )
    print_table(header, rows)
    last = (
        f"ratio_wall={max(item[0] for item in summary):.3f} "
        f"ratio_rss={max(item[1] for item in summary):.3f} "
        f"max_rel_diff={max(item[2] for item in summary):.2e}"
    )
    print(last)
    return last


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        nargs="+",
        type=Layout.parse,
        default=[Layout.parse(size) for size in DEFAULT_SIZES],
        help="REGIONSxSECTORS[xCATEGORIES] per size (default: %(default)s)",
    )
    parser.add_argument(
        "--runs", type=int, help="runs per method and size (default: 5 up to n = 5000, else 3)"
    )
    parser.add_argument("--threads", type=int, default=2, help="BLAS threads of both workers")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--workdir", type=Path, help="keep generated data here (default: temp)")
    parser.add_argument("--worker", choices=["generate", *WORKERS], help=argparse.SUPPRESS)
    parser.add_argument("--layout", type=Layout.parse, help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)

    if args.worker == "generate":
        generate(args.layout, args.seed, args.data)
    elif args.worker:
        result = WORKERS[args.worker](args.data, args.threads)
        args.out.write_text(json.dumps(result))
    elif args.workdir:
        benchmark(args.sizes, args.runs, args.threads, args.seed, args.workdir)
    else:
        with tempfile.TemporaryDirectory(prefix="bri-carbon-benchmark-") as tmp:
            benchmark(args.sizes, args.runs, args.threads, args.seed, Path(tmp))


if __name__ == "__main__":
    main()

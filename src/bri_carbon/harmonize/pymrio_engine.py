"""The accounts through pymrio (config key ``accounts.engine: pymrio``), for comparison.

The default engine (``lu``, :func:`bri_carbon.core.leontief.embodied_emissions`) solves
(I - A) X = Y_reg with one LU factorization and reads Z in row blocks. This engine builds a
:class:`pymrio.IOSystem` from the same native cache (Z, the final demand of each region and
the CO2 extension, labelled by region and sector) and runs pymrio's ``calc_all``: x, A, the
dense Leontief inverse L = (I - A)^-1, S = F diag(x)^-1, M = S L and the footprint accounts.
The embodied flows are then diag(S) L Y_reg from pymrio's S and L. Everything after that
(summing to output regions, the identities, the files) is shared with the default engine,
so both write the same files; the test suite checks that they agree to 1e-9.

Memory: Z, A, I - A, L and the temporaries of the inverse are dense n x n float64 arrays,
about seven of them at the peak (measured: 1,558 MiB at n = 4,914, 3,652 MiB at n = 7,987;
docs/performance.md), against one for the default engine. The workflow asks for eight and
refuses the engine before any job when that exceeds the memory a job may use.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np
import pandas as pd
import pymrio

from bri_carbon.core.leontief import EmbodiedEmissions, RowBlocks, SolveReport

log = logging.getLogger(__name__)


class PymrioSolver:
    """A drop-in for :func:`bri_carbon.core.leontief.embodied_emissions` that computes with
    pymrio's ``calc_all``; ``regions`` and ``sectors`` label the n = r x s rows."""

    def __init__(self, regions: Sequence[str], sectors: Sequence[str]) -> None:
        self.node = pd.MultiIndex.from_product(
            [list(regions), list(sectors)], names=["region", "sector"]
        )
        self.regions = list(regions)

    def __call__(
        self,
        intermediate: RowBlocks,
        final_demand_by_region: np.ndarray,
        emissions: np.ndarray,
        labels: Sequence[str],
        precision: str = "mixed",
        threads: int = 1,
        final_demand_total: np.ndarray | None = None,
        summed_columns: slice | None = None,
    ) -> EmbodiedEmissions:
        """Emissions of every sector split by the region whose final demand drives them
        (same arguments and result as the default engine; ``precision`` and ``threads`` do
        not apply: pymrio inverts in float64 with the BLAS threads the rule allows)."""
        n = len(self.node)
        Z = np.empty((n, n))
        for rows, block in intermediate():
            Z[rows] = block
        rhs = np.asarray(final_demand_by_region, dtype=np.float64)
        r = len(self.regions)
        columns = pd.MultiIndex.from_arrays(
            [self.regions, ["final demand"] * r], names=["region", "category"]
        )
        demand = pd.DataFrame(rhs[:, :r], index=self.node, columns=columns)
        Z_frame = pd.DataFrame(Z, index=self.node, columns=self.node)
        del Z
        # Gross output counts every final-demand category, also those left out of the
        # consumption-based accounts.
        total = rhs.sum(axis=1) if final_demand_total is None else final_demand_total
        x = pymrio.calc_x(Z_frame, pd.DataFrame({"total": total}, index=self.node))
        stressor = pd.Index(["CO2"], name="stressor")
        system = pymrio.IOSystem(
            Z=Z_frame,
            Y=demand,
            x=x,
            co2={
                "name": "co2",
                "F": pd.DataFrame(emissions[None, :], index=stressor, columns=self.node),
                "F_Y": pd.DataFrame(np.zeros((1, r)), index=stressor, columns=columns),
            },
        )
        system.calc_all()
        output = system.x.to_numpy()[:, 0]
        intensity = np.nan_to_num(system.co2.S.to_numpy()[0], nan=0.0, posinf=0.0, neginf=0.0)
        intensity[output == 0] = 0.0
        L = system.L.to_numpy()
        activity = L @ rhs
        summed = None if summed_columns is None else activity[:, summed_columns].sum(axis=1)
        A = system.A.to_numpy()
        residual = activity - A @ activity - rhs
        error = float(np.max(np.abs(residual)) / max(float(np.max(np.abs(activity))), 1e-300))
        consumption = system.co2.D_cba_reg.to_numpy()[0]
        log.info(
            "pymrio calc_all: n = %d, relative residual of L Y_reg %.3g; pymrio's D_cba_reg "
            "sums to %.6g (units of F)",
            n,
            error,
            float(consumption.sum()),
        )
        return EmbodiedEmissions(
            by_destination=activity * intensity[:, None],
            output=output,
            input_share=A.sum(axis=0),
            intermediate_inputs=system.Z.to_numpy().sum(axis=0),
            lost=(output == 0) & (emissions != 0),
            solve=SolveReport(
                precision="pymrio", steps=0, estimated_relative_error=error, fell_back=False
            ),
            summed_activity=summed,
        )

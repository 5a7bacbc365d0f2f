"""Small GLORIA releases generated in code, and pymrio's reading of them (the reference)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pymrio

from bri_carbon.harmonize import gloria_year
from bri_carbon.sources import config_tables, gloria
from bri_carbon.sources import gloria_layout as layout
from bri_carbon.sources import synthetic_gloria as synthetic

from .workflow import REPO

#: GLORIA codes of a small release, in the ReadMe's order; DYE has no entry at all.
REGIONS = ("XAS", "CHN", "DYE", "USA", "DEU")
CONCORDANCE = REPO / "data" / "concordances" / "gloria.csv"


def sectors() -> list[str]:
    """GLORIA's 120 sectors as the shipped concordance names them (release order)."""
    return list(config_tables.read_concordance(CONCORDANCE).index)


def region_map() -> pd.Series:
    """GLORIA region code -> output region code (data/region_codes.csv)."""
    return config_tables.region_code_mapping(REPO / "data" / "region_codes.csv", "gloria")


def write(
    folder: Path,
    version: int = 59,
    year: int = 2015,
    regions: tuple[str, ...] = REGIONS,
    empty: tuple[str, ...] = ("DYE",),
    **options,
) -> gloria.ReleaseFiles:
    """Write a small release into ``folder`` (``options``: those of make_world)."""
    world = synthetic.make_world(regions, sectors(), empty=empty, seed=year, **options)
    synthetic.write_release(world, folder, version, year)
    return gloria.release_files(folder, version, year)


def read(files: gloria.ReleaseFiles, target: Path, **options) -> gloria_year.YearReport:
    """The workflow's reader on ``files`` with the shipped region codes and concordance."""
    return gloria_year.read_year(
        files,
        target,
        output_regions=region_map(),
        common_sectors=config_tables.read_concordance(CONCORDANCE),
        concordance_path=CONCORDANCE,
        **options,
    )


@dataclass(frozen=True)
class Reference:
    """What a pymrio user computes from a release (:func:`pymrio_reference`): production-
    and consumption-based CO2 per region (kilotonnes; they include F_Y in pymrio 0.7), the
    origin x destination flows diag(S) L Y_reg summed per origin region, value added per
    region (thousand USD) and the computed system (CO2 extension only)."""

    production: pd.Series
    consumption: pd.Series
    flows: pd.DataFrame
    value_added: pd.Series
    system: pymrio.IOSystem


def pymrio_reference(
    files: gloria.ReleaseFiles,
    head: str = layout.CO2_HEAD,
    indicator: str = layout.CO2_INDICATOR,
) -> Reference:
    """``pymrio.parse_gloria`` with its defaults on the release's folder, the CO2 row (its
    label as pymrio keeps it, quotes included) as an extension of its own, ``calc_all``."""
    system = pymrio.parse_gloria(files.mrio.parent, year=files.year, version=files.version)
    rows = [
        label
        for label in system.Q.F.index
        if layout.unquoted(label[0]) == indicator and layout.unquoted(label[1]) == head
    ]
    assert len(rows) == 1, rows
    value_added = system.VA.F.sum(axis=0).groupby(level=0, sort=False).sum()
    system.co2 = pymrio.Extension("co2", F=system.Q.F.loc[rows], F_Y=system.Q.F_Y.loc[rows])
    system.remove_extension(["Q", "VA"])
    system.calc_all()
    region_demand = system.Y.T.groupby(level=0, sort=False).sum().T
    intensity = system.co2.S.iloc[0]
    flows = (system.L.mul(intensity, axis=0) @ region_demand).groupby(level=0, sort=False).sum()
    return Reference(
        production=system.co2.D_pba_reg.iloc[0],
        consumption=system.co2.D_cba_reg.iloc[0],
        flows=flows,
        value_added=value_added,
        system=system,
    )


def largest_relative_difference(ours: np.ndarray, reference: np.ndarray) -> float:
    """max |ours - reference| / max |reference|."""
    return float(np.abs(ours - reference).max() / np.abs(reference).max())

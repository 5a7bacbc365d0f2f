"""Harmonization: the source's own regions and sectors relabelled, in output units.

:func:`write_source_year` takes what a streaming reader hands over
(:class:`~bri_carbon.sources.parsed.SourceYear`), checks its labels against the region codes
and the sector concordance, converts its units and writes the native cache with
:func:`bri_carbon.harmonize.cache.write_cache` while Z is being read (the contract of the
file is documented there). :func:`harmonize` does the same for a system parsed by pymrio, as
an :class:`xarray.Dataset` (the reference the readers are tested against, and the route for
a source read by pymrio); :func:`write` writes such a dataset with the same writer.

The native cache holds

- ``Z`` (region, sector, purchaser_region, purchaser_sector): intermediate flows, million USD
- ``Y`` (region, sector, purchaser_region, category): final demand, million USD
- ``F`` (region, sector): industry CO2, Mt
- ``F_Y`` (purchaser_region, category): household direct CO2, Mt
- ``VA`` (region, sector): value added (all categories summed), million USD
- ``output_region`` (region): the code each source region is reported under (ISO3, or the
  source's own code for aggregates), from ``data/region_codes.csv``
- ``common_sector`` (sector): the common (Eora26) sector of each source sector, from the
  sector concordance (the identity for Eora26)
- for Eora26-layout sources, the dropped ``ROW`` discrepancy entry per sector:
  ``discrepancy_inputs``, ``discrepancy_sales`` (region, sector) and
  ``discrepancy_final_demand`` (purchaser_region, category), million USD

and attributes ``source``, ``year``, ``synthetic``, the source units and the CO2 rows used.
Regions and sectors are never aggregated here: the Leontief system is solved at the source's
resolution, and regions and sectors are summed in the results only (aggregating the system
first changes consumption-based accounts and flows by percents). Harmonization is relabelling
and unit conversion: from the source (Eora26: thousand USD and Gg; EXIOBASE 3: million EUR,
converted with the annual rates of ``data/exchange_rates.csv``, and kg) here and nowhere
else.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # imported where used: the streaming path (write_source_year) needs neither
    import pandas as pd
    import xarray as xr

from bri_carbon.core import units
from bri_carbon.harmonize import cache
from bri_carbon.harmonize.layout import (
    DIMS,
    DISCREPANCY_DIMS,
    DISCREPANCY_PREFIX,
    FORMAT_VERSION,
)
from bri_carbon.runtime.errors import WorkflowInputError

if TYPE_CHECKING:  # pymrio (and the matplotlib it imports) is not needed to read a dataset
    from bri_carbon.sources.parsed import Discrepancy, ParsedSystem, SourceYear

log = logging.getLogger(__name__)

CO2_EXTENSION = "co2"
VALUE_ADDED_EXTENSION = "value_added"


def check_concordance(
    concordance: pd.Series, source_sectors: list[str], targets: tuple[str, ...], path: Path
) -> None:
    """Every sector of the data is mapped exactly once, to one of ``targets``, and the
    concordance lists no sector that the data lacks (a sign of the wrong system or version).
    """
    unmapped = sorted(set(source_sectors) - set(concordance.index))
    unused = sorted(set(concordance.index) - set(source_sectors))
    if unmapped or unused:
        raise WorkflowInputError(
            f"{path} does not match the sectors of the data: {len(unmapped)} data sectors "
            f"unmapped {unmapped[:5]}, {len(unused)} concordance rows not in the data "
            f"{unused[:5]}. Use the concordance of the configured system (ixi or pxp for "
            "EXIOBASE) and source."
        )
    unknown = sorted(set(concordance) - set(targets))
    if unknown:
        raise WorkflowInputError(
            f"{path} maps to sectors that are not common sectors: {unknown}; use the "
            "Eora26 sector names exactly as Eora spells them (bri_carbon.sources.eora26_layout."
            "SECTORS, typos included: 'Finacial Intermediation and Business Activities')."
        )


def money_to_million_usd(
    money_unit: str, year: int, exchange_rates: pd.DataFrame | None, path: Path | None = None
) -> tuple[float, dict[str, float | str]]:
    """Factor from the source's money unit to million current USD, and attributes that
    record it. Units in EUR (``M.EUR``) use the year's ``usd_per_eur`` of ``exchange_rates``;
    USD units need no rate. Never labels EUR as USD: an EUR unit without a rate fails.
    """
    scale = units.money_factor_to_million(money_unit)
    if "USD" in money_unit:
        return scale, {}
    if "EUR" not in money_unit:
        raise WorkflowInputError(f"no conversion from the currency of {money_unit!r} to USD")
    if exchange_rates is None or int(year) not in exchange_rates.index:
        raise WorkflowInputError(
            f"{path or 'the exchange-rate table'} has no USD per EUR rate for {year}; add "
            "the annual average rate (year,usd_per_eur,source)."
        )
    rate = float(exchange_rates.loc[int(year), "usd_per_eur"])
    if not rate > 0:
        raise WorkflowInputError(f"{path}: the rate for {year} must be positive, not {rate}")
    return scale * rate, {
        "usd_per_eur": rate,
        "exchange_rate_source": str(exchange_rates.loc[int(year), "source"]),
    }


def _labels_in_order(index: pd.MultiIndex, level: int) -> list[str]:
    """The distinct labels of one index level, in order of first appearance."""
    return [str(label) for label in dict.fromkeys(index.get_level_values(level))]


def _region_major(
    index: pd.MultiIndex, first: list[str], second: list[str], what: str
) -> pd.MultiIndex:
    """``first`` x ``second`` in region-major order; an error when ``index`` holds a label
    pair twice (an ambiguous table)."""
    import pandas as pd

    if not index.is_unique:
        twice = sorted({str(label) for label in index[index.duplicated()]})[:5]
        raise WorkflowInputError(
            f"{what} lists these labels more than once: {twice}. Two rows or columns with "
            "one label are ambiguous; repair the source table."
        )
    return pd.MultiIndex.from_product([first, second], names=index.names)


def _label(label: object) -> str:
    """An index label for messages: the levels of a tuple joined with " / "."""
    return " / ".join(str(part) for part in label) if isinstance(label, tuple) else str(label)


def _first_cells(frame: pd.DataFrame, bad: np.ndarray, limit: int = 5) -> list[str]:
    """``row ..., column ...: value`` of the first ``limit`` cells where ``bad`` is true."""
    rows, columns = np.nonzero(bad)
    return [
        f"row {_label(frame.index[r])}, column {_label(frame.columns[c])}: {frame.iat[r, c]!r}"
        for r, c in zip(rows[:limit], columns[:limit], strict=True)
    ]


def _numbers(frame: pd.DataFrame, table: str, origin: Path) -> np.ndarray:
    """``frame`` as float64, or an error naming ``origin``, ``table`` and the first cells
    that are not numbers (pymrio reads "1,5" as text) or not finite (empty cells, inf)."""
    import pandas as pd

    try:
        values = frame.to_numpy(dtype=np.float64)
    except (ValueError, TypeError):
        text = frame.apply(lambda column: pd.to_numeric(column, errors="coerce")).isna()
        cells = _first_cells(frame, (text & frame.notna()).to_numpy())
        raise WorkflowInputError(
            f"{origin}: {table} has cells that are not numbers, first at {cells} (for "
            "example a decimal comma). The file is damaged or not in the expected layout; "
            "fetch it again or repair these cells."
        ) from None
    finite = np.isfinite(values)
    if not finite.all():
        raise WorkflowInputError(
            f"{origin}: {table} has empty, NaN or infinite values: "
            f"{int((~finite).sum())} cells, first at {_first_cells(frame, ~finite)}. The file "
            "is damaged or not in the expected layout; fetch it again or repair these cells."
        )
    return values


def _values(
    frame: pd.DataFrame, rows: pd.Index, columns: pd.Index, scale: float, table: str, origin: Path
) -> np.ndarray:
    """``frame`` reindexed to ``rows`` x ``columns`` (missing cells 0) times ``scale``, as a
    new C-ordered float64 array (no reindexing copy when the frame already has that order,
    and the frame itself is never changed); checked as :func:`_numbers` does."""
    if not (frame.index.equals(rows) and frame.columns.equals(columns)):
        frame = frame.reindex(index=rows, columns=columns, fill_value=0.0)
    return np.multiply(_numbers(frame, table, origin), scale, order="C")


def _column_sums(
    frame: pd.DataFrame, index: pd.Index, scale: float, table: str, origin: Path
) -> np.ndarray:
    """The rows of ``frame`` summed, in ``index`` order (missing 0), times ``scale``."""
    import pandas as pd

    sums = pd.Series(_numbers(frame, table, origin).sum(axis=0), index=frame.columns)
    return _vector(sums, index, scale)


def _vector(series: pd.Series, index: pd.Index, scale: float) -> np.ndarray:
    """``series`` in ``index`` order (missing 0) as float64 times ``scale``."""
    return series.reindex(index, fill_value=0.0).to_numpy(dtype=np.float64) * scale


def _discrepancy_variables(
    discrepancy: Discrepancy,
    source_node: pd.MultiIndex,
    node: pd.MultiIndex,
    source_fd_columns: pd.MultiIndex,
    fd_columns: pd.MultiIndex,
    money: float,
) -> tuple[dict[str, tuple], dict[str, float]]:
    """Data variables and attributes of Eora's ROW entry, in million USD.

    The per-sector vectors come in the order of Z's rows (``source_node``) and the final
    demand in the order of Y's columns (``source_fd_columns``); they are placed in the
    dataset's order (``node``, ``fd_columns``).
    """
    import pandas as pd

    r, s = len(node.levels[0]), len(node.levels[1])
    k = len(fd_columns.levels[1])
    values = {
        "discrepancy_inputs": _vector(
            pd.Series(discrepancy.inputs_from, index=source_node), node, money
        ).reshape(r, s),
        "discrepancy_sales": _vector(
            pd.Series(discrepancy.sales_to, index=source_node), node, money
        ).reshape(r, s),
        "discrepancy_final_demand": _vector(
            pd.Series(discrepancy.final_demand_from, index=source_fd_columns), fd_columns, money
        ).reshape(r, k),
    }
    long_names = {
        "discrepancy_inputs": "purchases of each sector from the ROW discrepancy entry",
        "discrepancy_sales": "sales of each sector to the ROW discrepancy entry",
        "discrepancy_final_demand": "final demand bought from the ROW discrepancy entry",
    }
    data = {
        name: (
            DISCREPANCY_DIMS[name],
            array,
            {"units": "million USD", "long_name": long_names[name]},
        )
        for name, array in values.items()
    }
    attrs = {
        f"{DISCREPANCY_PREFIX}value_added_of_row_musd": discrepancy.value_added_of_row * money,
        f"{DISCREPANCY_PREFIX}row_to_row_musd": discrepancy.row_to_row * money,
    }
    return data, attrs


def harmonize(
    parsed: ParsedSystem,
    *,
    source: str,
    year: int,
    regions: Mapping[str, str] | pd.Series,
    common_sectors: tuple[str, ...],
    sector_map: Mapping[str, str] | pd.Series | None = None,
    money_per_million: float | None = None,
    synthetic: bool = False,
    attrs: dict[str, float | str] | None = None,
) -> xr.Dataset:
    """Turn a parsed source year into the harmonized dataset (see module docstring).

    ``regions`` maps source region codes to output codes; ``sector_map`` maps source
    sectors to ``common_sectors`` (None when the source already uses them, as Eora26 does).
    Money is converted to million USD with the factor read from the system's unit table
    unless ``money_per_million`` (e.g. an exchange rate times a scale) is given. Emissions
    are converted to Mt from the unit of the ``co2`` extension. ``attrs`` are added to the
    dataset's attributes (e.g. the exchange rate used). Peak memory: the parsed frames plus
    one n x n float64 array.
    """
    import xarray as xr

    system = parsed.system
    co2 = getattr(system, CO2_EXTENSION)
    value_added = getattr(system, VALUE_ADDED_EXTENSION)
    money_unit = str(system.unit.iloc[0, 0])
    money = (
        money_per_million
        if money_per_million is not None
        else money_to_million_usd(money_unit, year, None)[0]
    )
    va_units = set(value_added.unit.iloc[:, 0].astype(str).str.strip())
    if va_units != {money_unit.strip()}:
        raise WorkflowInputError(
            f"value added of {source} {year} is in {sorted(va_units)}, Z and Y in {money_unit}"
        )
    co2_units = set(co2.unit.iloc[:, 0].astype(str))
    if len(co2_units) != 1:
        raise WorkflowInputError(f"CO2 rows of {source} {year} mix units {sorted(co2_units)}")
    emission = units.emission_factor_to_mt(co2_units.pop())

    what = f"{source} {year}"
    source_regions = _labels_in_order(system.Z.index, 0)
    sectors = _labels_in_order(system.Z.index, 1)
    categories = _labels_in_order(system.Y.columns, 1)
    node = _region_major(system.Z.index, source_regions, sectors, f"{what}: Z's rows")
    fd_columns = _region_major(system.Y.columns, source_regions, categories, f"{what}: Y's columns")
    foreign = sorted(
        {str(code) for code in system.Y.columns.get_level_values(0)} - set(source_regions)
    )
    if foreign:
        raise WorkflowInputError(
            f"{what}: final demand has purchasing regions {foreign} that produce nothing in "
            "Z; the table is not a closed MRIO system."
        )
    mapping = {sector: sector for sector in common_sectors} if sector_map is None else sector_map
    _check_labels(what, tuple(source_regions), tuple(sectors), regions, mapping)

    r, s, k = len(source_regions), len(sectors), len(categories)
    origin = parsed.origin
    data_vars: dict[str, tuple] = {
        "Z": (
            DIMS["Z"],
            _values(system.Z, node, node, money, "Z (intermediate flows)", origin).reshape(
                r, s, r, s
            ),
            {"units": "million USD", "long_name": "intermediate flows"},
        ),
        "Y": (
            DIMS["Y"],
            _values(system.Y, node, fd_columns, money, "Y (final demand)", origin).reshape(
                r, s, r, k
            ),
            {"units": "million USD", "long_name": "final demand"},
        ),
        "F": (
            DIMS["F"],
            _column_sums(co2.F, node, emission, "the CO2 row (industries)", origin).reshape(r, s),
            {"units": "Mt CO2", "long_name": "industry CO2 emissions"},
        ),
        "F_Y": (
            DIMS["F_Y"],
            _column_sums(
                co2.F_Y, fd_columns, emission, "the CO2 row (final demand)", origin
            ).reshape(r, k),
            {"units": "Mt CO2", "long_name": "household direct CO2 emissions"},
        ),
        "VA": (
            DIMS["VA"],
            _column_sums(value_added.F, node, money, "value added", origin).reshape(r, s),
            {"units": "million USD", "long_name": "value added"},
        ),
        "output_region": (
            DIMS["output_region"],
            np.array([str(regions[code]) for code in source_regions], dtype=object),
            {"long_name": "region code of the results"},
        ),
        "common_sector": (
            DIMS["common_sector"],
            np.array([str(mapping[sector]) for sector in sectors], dtype=object),
            {"long_name": "common (Eora26) sector of the sector-level results"},
        ),
    }
    extra_attrs: dict[str, float] = {}
    if parsed.discrepancy is not None:
        variables, extra_attrs = _discrepancy_variables(
            parsed.discrepancy, system.Z.index, node, system.Y.columns, fd_columns, money
        )
        data_vars |= variables
    dataset = xr.Dataset(
        data_vars=data_vars,
        coords={
            "region": source_regions,
            "sector": sectors,
            "purchaser_region": source_regions,
            "purchaser_sector": sectors,
            "category": categories,
        },
        attrs={
            "format_version": FORMAT_VERSION,
            "source": source,
            "year": int(year),
            "synthetic": int(synthetic),
            "source_money_unit": money_unit,
            "money_to_million_usd": float(money),
            "emission_to_mt": float(emission),
            "co2_rows": json.dumps(list(parsed.co2_rows)),
            **extra_attrs,
            **(attrs or {}),
        },
    )
    log.info(
        "harmonized %s: %d source regions x %d source sectors (n = %d), %d final-demand "
        "categories; %d output regions, %d common sectors",
        what,
        r,
        s,
        r * s,
        k,
        len(set(data_vars["output_region"][1])),
        len(set(data_vars["common_sector"][1])),
    )
    return dataset


def write(dataset: xr.Dataset, target: Path) -> None:
    """Write a dataset of :func:`harmonize` as the native cache, with
    :func:`bri_carbon.harmonize.cache.write_cache`, atomically."""
    r, s = dataset.sizes["region"], dataset.sizes["sector"]
    n = r * s
    discrepancy = None
    if all(name in dataset for name in DISCREPANCY_DIMS):
        discrepancy = cache.CacheDiscrepancy(
            inputs=dataset["discrepancy_inputs"].to_numpy(),
            sales=dataset["discrepancy_sales"].to_numpy(),
            final_demand=dataset["discrepancy_final_demand"].to_numpy(),
            value_added_of_row=float(dataset.attrs[f"{DISCREPANCY_PREFIX}value_added_of_row_musd"]),
            row_to_row=float(dataset.attrs[f"{DISCREPANCY_PREFIX}row_to_row_musd"]),
        )
    # The writer adds format_version and the discrepancy entry's totals itself.
    own = {"format_version"}
    if discrepancy is not None:
        own |= {
            f"{DISCREPANCY_PREFIX}value_added_of_row_musd",
            f"{DISCREPANCY_PREFIX}row_to_row_musd",
        }
    attrs = {key: value for key, value in dataset.attrs.items() if key not in own}
    cache.write_cache(
        Path(target),
        cache.CacheLabels(
            regions=tuple(str(v) for v in dataset["region"].values),
            sectors=tuple(str(v) for v in dataset["sector"].values),
            categories=tuple(str(v) for v in dataset["category"].values),
            output_regions=tuple(str(v) for v in dataset["output_region"].values),
            common_sectors=tuple(str(v) for v in dataset["common_sector"].values),
        ),
        dataset["Z"].to_numpy().reshape(n, n),
        cache.CacheArrays(
            final_demand=dataset["Y"].to_numpy(),
            emissions=dataset["F"].to_numpy(),
            household_emissions=dataset["F_Y"].to_numpy(),
            value_added=dataset["VA"].to_numpy(),
            discrepancy=discrepancy,
        ),
        attrs,
    )


def _check_labels(
    what: str,
    source_regions: tuple[str, ...],
    sectors: tuple[str, ...],
    regions: Mapping[str, str] | pd.Series,
    mapping: Mapping[str, str] | pd.Series,
) -> None:
    """Every source region has an output code and every sector a common sector."""
    unknown = sorted(set(source_regions) - set(regions.keys()))
    if unknown:
        raise WorkflowInputError(
            f"{what}: region codes {unknown} are not in data/region_codes.csv; add a row "
            "per code (columns source, source_code, region, name, note)."
        )
    unmapped = sorted(set(sectors) - set(mapping.keys()))
    if unmapped:
        raise WorkflowInputError(
            f"{what}: sectors {unmapped} are not among the common sectors and no sector "
            "concordance maps them; spell them as the source does, or add a concordance."
        )


def write_source_year(
    tables: SourceYear,
    target: Path,
    *,
    source: str,
    year: int,
    regions: Mapping[str, str] | pd.Series,
    common_sectors: tuple[str, ...],
    sector_map: Mapping[str, str] | pd.Series | None = None,
    money_per_million: float | None = None,
    synthetic: bool = False,
    attrs: dict[str, float | str] | None = None,
) -> None:
    """Write a streamed source year into the native cache at ``target``, in output units.

    ``regions`` maps source region codes to output codes; ``sector_map`` maps source
    sectors to ``common_sectors`` (None when the source already uses them, as Eora26 does).
    Money is converted to million USD with ``money_per_million`` (e.g. an exchange rate times
    a scale) or, for USD sources, the factor of the source's money unit; emissions to Mt
    from the CO2 rows' unit. Z is scaled block by block while it is read and written (peak
    memory: a few row blocks, never an n x n array). ``attrs`` are added to the file's
    attributes (e.g. the exchange rate used).
    """
    what = f"{source} {year}"
    mapping = {sector: sector for sector in common_sectors} if sector_map is None else sector_map
    _check_labels(what, tables.regions, tables.sectors, regions, mapping)
    money = (
        money_per_million
        if money_per_million is not None
        else money_to_million_usd(tables.money_unit, year, None)[0]
    )
    emission = units.emission_factor_to_mt(tables.emission_unit)
    labels = cache.CacheLabels(
        regions=tables.regions,
        sectors=tables.sectors,
        categories=tables.categories,
        output_regions=tuple(str(regions[code]) for code in tables.regions),
        common_sectors=tuple(str(mapping[sector]) for sector in tables.sectors),
    )

    def intermediate() -> Iterator[tuple[int, np.ndarray]]:
        for first, block in tables.intermediate():
            # C order: the parser's blocks are column-major; HDF5 writes rows.
            yield first, np.multiply(block, money, order="C")

    def arrays() -> cache.CacheArrays:
        found = tables.discrepancy()
        return cache.CacheArrays(
            final_demand=tables.final_demand * money,
            emissions=tables.emissions * emission,
            household_emissions=tables.household_emissions * emission,
            value_added=tables.value_added * money,
            discrepancy=None
            if found is None
            else cache.CacheDiscrepancy(
                inputs=found.inputs_from * money,
                sales=found.sales_to * money,
                final_demand=found.final_demand_from * money,
                value_added_of_row=found.value_added_of_row * money,
                row_to_row=found.row_to_row * money,
            ),
        )

    cache.write_cache(
        Path(target),
        labels,
        intermediate(),
        arrays,
        {
            "source": source,
            "year": int(year),
            "synthetic": int(synthetic),
            "source_money_unit": tables.money_unit,
            "money_to_million_usd": float(money),
            "emission_to_mt": float(emission),
            "co2_rows": json.dumps(list(tables.co2_rows)),
            **(attrs or {}),
        },
    )
    log.info(
        "harmonized %s: %d source regions x %d source sectors (n = %d), %d final-demand "
        "categories; %d output regions, %d common sectors",
        what,
        len(tables.regions),
        len(tables.sectors),
        labels.n,
        len(tables.categories),
        len(set(labels.output_regions)),
        len(set(labels.common_sectors)),
    )

"""Synthetic GLORIA releases written in the exact release layout, for tests and benchmarks.

:func:`write_release` writes the three files of one year of release 059 or 060 under their
upstream names (:mod:`bri_carbon.sources.gloria_layout`): ``GLORIA_MRIOs_{v}_{year}.zip``
with T, Y and V, ``GLORIA_SatelliteAccounts_0{v}_{year}.zip`` with TQ and YQ (members named
``{date}_120secMother_AllCountries_002_{table}-Results_{year}_0{v}_Markup001(full).csv``), and
``GLORIA_ReadMe_0{v}.xlsx`` with the sheets "Regions", "Sectors", "Value added and final
demand", "Satellites" (emission indicator names inside single quotes, as in the official
ReadMe) and "Valuations". The numbers are made up; the layout and its quirks are real:

- T region-major (per region 120 industries, then 120 products); supply on the diagonal of
  each region's industry x product block, use in the product rows' industry columns (about
  92 % of the cells filled, as in GLORIA), zeros written as ``0``, other numbers with seven
  significant digits, so a world of 164 regions writes T as about 5.3 GB of text;
- sectors without output in some regions, negative changes in inventories, negative
  subsidies in value added, and regions without any entry (GLORIA's DYE after 1990);
- the CO2 row ``co2_excl_short_cycle_org_c_total_EDGAR_consistent`` under
  ``Emissions (EDGAR)`` (kilotonnes), and its OECD-consistent twin with other values.

The table is balanced: product output (use plus final demand) equals industry output. T
is generated and written one region at a time, so a full-size release (164 regions x 120
sectors) never needs it in memory. The same arguments give byte-identical files.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from bri_carbon.runtime.atomic import atomic_path
from bri_carbon.sources import gloria_layout as layout

#: Date prefixes of the members (they differ between files and releases): 059 T and Y
#: ``20240111_`` (etiennebert/forest_club 1_MRIO_part/GLORIA/data/Readme.txt), V ``20240419_``;
#: 060 T and Y ``20260121_``, V ``20260122_``, TQ and YQ ``20240417_`` (MARIO's
#: tests/test_gloria_parser.py).
MEMBER_DATES: dict[int, dict[str, str]] = {
    59: {"T": "20240111", "Y": "20240111", "V": "20240419", "TQ": "20240111", "YQ": "20240111"},
    60: {"T": "20260121", "Y": "20260121", "V": "20260122", "TQ": "20240417", "YQ": "20240417"},
}
#: Time stamp of every zip member (fixed, so that the files are byte-identical).
MEMBER_TIME = (2024, 1, 11, 0, 0, 0)
#: Satellite rows of a small release: (head, indicator, unit) as GLORIA_ReadMe_059.xlsx
#: writes them (sheet "Satellites", rows 1, 3, 395, 2147 and 4922 of 5982).
SATELLITES: tuple[tuple[str, str, str], ...] = (
    ("Material", "Rice", "tonnes"),
    ("Material", "Wheat", "tonnes"),
    ("Emissions (EDGAR)", "c_c4f8_total_EDGAR_consistent", "kilotonnes"),
    (layout.CO2_HEAD, layout.CO2_INDICATOR, layout.EMISSION_UNIT),
    (layout.CO2_OECD_HEAD, layout.CO2_OECD_INDICATOR, layout.EMISSION_UNIT),
)
#: Row of the EDGAR CO2 satellite in the 059 ReadMe (0-based), and its number of rows; a
#: release with ``satellites=FULL_SATELLITES`` puts the CO2 row there.
FULL_SATELLITES = 5982
FULL_CO2_ROW = 2146
#: Share of the use block's cells left empty (GLORIA's is about 8 % empty).
EMPTY_USE_SHARE = 0.08
#: Significant digits of the numbers written.
DIGITS = 7
#: Deflate level of the zip members (inflating costs the same at any level).
COMPRESS_LEVEL = 1


@dataclass(frozen=True)
class GloriaWorld:
    """One synthetic year: regions (GLORIA codes, release order) and sectors, gross output
    ``output`` (n,) in thousand USD (0: a sector without output), the share ``input_share``
    (n,) of each product's output sold to industries, CO2 intensity ``intensity`` (n,) in
    kilotonnes per thousand USD, and final-demand, trade and value-added structure drawn
    from ``seed``. ``empty``: regions without any entry. ``edits``: per table (``T``,
    ``TQ``) the (row, column, value) cells set after generation, for tests of odd releases
    (the table is then no longer balanced)."""

    regions: tuple[str, ...]
    region_names: tuple[str, ...]
    sectors: tuple[str, ...]
    output: np.ndarray
    input_share: np.ndarray
    intensity: np.ndarray
    empty: tuple[str, ...]
    seed: int
    satellites: tuple[tuple[str, str, str], ...]
    co2_row: int
    edits: dict[str, tuple[tuple[int, int, float], ...]] = field(default_factory=dict)

    @property
    def shape(self) -> tuple[int, int, int]:
        """(regions, sectors, final-demand categories)."""
        return len(self.regions), len(self.sectors), len(layout.FINAL_DEMAND_CATEGORIES)

    def active_regions(self) -> np.ndarray:
        return np.array([code not in self.empty for code in self.regions])


def make_world(
    regions: Sequence[str],
    sectors: Sequence[str],
    *,
    region_names: Sequence[str] | None = None,
    empty: Sequence[str] = (),
    seed: int = 20240111,
    satellites: int | None = None,
    edits: dict[str, Sequence[tuple[int, int, float]]] | None = None,
) -> GloriaWorld:
    """Draw a world (see :class:`GloriaWorld`). ``satellites``: number of satellite rows;
    None gives the five real rows of :data:`SATELLITES`, a larger number pads them with
    material rows to that count and puts the EDGAR CO2 row where the 059 ReadMe has it."""
    rng = np.random.default_rng([seed, 0])
    r, s = len(regions), len(sectors)
    size = rng.lognormal(mean=0.0, sigma=1.0, size=r)
    mix = rng.lognormal(mean=0.0, sigma=1.2, size=(r, s))
    output = (1e7 * size[:, None] * mix / mix.mean()).ravel()
    output[rng.uniform(size=r * s) < 0.06] = 0.0  # sectors without output
    active = np.array([code not in set(empty) for code in regions])
    output[~np.repeat(active, s)] = 0.0
    input_share = rng.uniform(0.3, 0.7, r * s)
    carbon = rng.lognormal(mean=np.log(1.5e-4), sigma=1.0, size=s)
    intensity = np.tile(carbon, r) * rng.uniform(0.5, 2.0, r * s)
    rows, co2_row = _satellite_rows(satellites)
    return GloriaWorld(
        regions=tuple(regions),
        region_names=tuple(region_names or regions),
        sectors=tuple(sectors),
        output=output,
        input_share=input_share,
        intensity=intensity,
        empty=tuple(empty),
        seed=seed,
        satellites=rows,
        co2_row=co2_row,
        edits={table: tuple(cells) for table, cells in (edits or {}).items()},
    )


def _satellite_rows(count: int | None) -> tuple[tuple[tuple[str, str, str], ...], int]:
    """The satellite rows (head, indicator, unit) and the EDGAR CO2 row's position."""
    if count is None or count <= len(SATELLITES):
        return SATELLITES, SATELLITES.index((layout.CO2_HEAD, layout.CO2_INDICATOR, "kilotonnes"))
    filler = [("Material", f"Synthetic material {i + 1}", "tonnes") for i in range(count)]
    rows = filler[: count - 2]
    co2 = min(FULL_CO2_ROW, len(rows))
    rows.insert(co2, SATELLITES[3])
    rows.append(SATELLITES[4])
    return tuple(rows), co2


# --------------------------------------------------------------------------- tables


def _use_block(world: GloriaWorld, region: int) -> np.ndarray:
    """U's rows of one region's products (sectors, n): each product's sales to the
    industries of every region, in proportion to random weights times the buyers' output
    (more at home), summing to input_share x output."""
    r, s, _ = world.shape
    rng = np.random.default_rng([world.seed, 1, region])
    weights = rng.uniform(0.0, 1.0, (s, r * s))
    weights[rng.uniform(size=weights.shape) < EMPTY_USE_SHARE] = 0.0
    weights[:, region * s : (region + 1) * s] *= 5.0
    weights *= world.output
    totals = weights.sum(axis=1)
    sold = world.input_share * world.output
    rows = slice(region * s, (region + 1) * s)
    share = np.divide(sold[rows], totals, out=np.zeros(s), where=totals > 0)
    return weights * share[:, None]


def t_blocks(world: GloriaWorld) -> Iterator[np.ndarray]:
    """T, one region's 240 rows at a time ((2 sectors, 2 n), thousand USD)."""
    r, s, _ = world.shape
    n = r * s
    edits: dict[int, list[tuple[int, int, float]]] = {}
    for row, column, value in world.edits.get("T", ()):
        edits.setdefault(row // (2 * s), []).append((row, column, value))
    for region in range(r):
        block = np.zeros((2 * s, 2 * n))
        own = slice(region * s, (region + 1) * s)
        block[np.arange(s), region * 2 * s + s + np.arange(s)] = world.output[own]
        use = _use_block(world, region)
        industry = (np.arange(r)[:, None] * 2 * s + np.arange(s)).ravel()
        block[s:, industry] = use
        for row, column, value in edits.get(region, []):
            block[row - region * 2 * s, column] = value
        yield block


def final_demand(world: GloriaWorld) -> np.ndarray:
    """Y's product rows (n, r x 6) in thousand USD: what industries do not buy of each
    product, split over the purchasing regions (more at home) and categories; changes in
    inventories negative in about a fifth of the rows."""
    r, s, k = world.shape
    rng = np.random.default_rng([world.seed, 2])
    buyers = rng.uniform(0.0, 1.0, (r * s, r)) * world.active_regions()
    buyers[np.arange(r * s), np.repeat(np.arange(r), s)] *= 10.0
    buyers /= np.where(buyers.sum(axis=1, keepdims=True) > 0, buyers.sum(axis=1, keepdims=True), 1)
    categories = rng.dirichlet([6.0, 0.3, 2.0, 2.5, 0.4, 0.1], size=r * s)
    drawn_down = rng.uniform(size=r * s) < 0.2
    categories[drawn_down, 0] += categories[drawn_down, 4] + 0.05
    categories[drawn_down, 4] = -0.05
    left = (1.0 - world.input_share) * world.output
    return (left[:, None, None] * buyers[:, :, None] * categories[:, None, :]).reshape(r * s, r * k)


def value_added(world: GloriaWorld, purchases: np.ndarray) -> np.ndarray:
    """V's rows (r x 6, 2 n): output minus ``purchases`` (n,) of each industry, split over
    the six categories (subsidies negative), in its own region's industry columns."""
    r, s, _ = world.shape
    kv = len(layout.VALUE_ADDED_CATEGORIES)
    rng = np.random.default_rng([world.seed, 3])
    shares = rng.dirichlet([5.0, 0.5, 0.3, 3.0, 1.0, 1.5], size=r * s)
    shares[:, 2] *= -1.0
    shares /= shares.sum(axis=1, keepdims=True)
    added = (world.output - purchases)[:, None] * shares
    table = np.zeros((r * kv, 2 * r * s))
    for region in range(r):
        own = slice(region * s, (region + 1) * s)
        table[region * kv : (region + 1) * kv, region * 2 * s : region * 2 * s + s] = added[own].T
    return table


def satellite_tables(world: GloriaWorld) -> tuple[Iterator[np.ndarray], np.ndarray]:
    """TQ in blocks of rows ((rows, 2 n), in the rows' units), and YQ (satellites, r x 6): CO2
    = intensity x output in the industry columns (kilotonnes), its OECD twin 2 % lower,
    households' direct CO2 in their consumption column; material rows sparse."""
    r, s, k = world.shape
    n = r * s
    industry = (np.arange(r)[:, None] * 2 * s + np.arange(s)).ravel()
    co2 = world.intensity * world.output
    household = np.zeros(r * k)
    household[::k] = 0.15 * co2.reshape(r, s).sum(axis=1)
    yq = np.zeros((len(world.satellites), r * k))

    edits: dict[int, list[tuple[int, float]]] = {}
    for row, column, value in world.edits.get("TQ", ()):
        edits.setdefault(row, []).append((column, value))

    def rows(batch: int = 64) -> Iterator[np.ndarray]:
        rng = np.random.default_rng([world.seed, 4])
        for start in range(0, len(world.satellites), batch):
            names = world.satellites[start : start + batch]
            block = np.zeros((len(names), 2 * n))
            for row, (head, indicator, _) in zip(block, names, strict=True):
                if (head, indicator) == (layout.CO2_HEAD, layout.CO2_INDICATOR):
                    row[industry] = co2
                elif (head, indicator) == (layout.CO2_OECD_HEAD, layout.CO2_OECD_INDICATOR):
                    row[industry] = 0.98 * co2
                else:
                    picked = rng.uniform(size=n) < 0.05
                    row[industry[picked]] = world.output[picked] * 1e-3
            for number, row in enumerate(block, start):
                for column, value in edits.get(number, ()):
                    row[column] = value
            yield block

    for number, (head, indicator, _) in enumerate(world.satellites):
        if (head, indicator) == (layout.CO2_HEAD, layout.CO2_INDICATOR):
            yq[number] = household
        elif (head, indicator) == (layout.CO2_OECD_HEAD, layout.CO2_OECD_INDICATOR):
            yq[number] = 0.98 * household
    return rows(), yq


# --------------------------------------------------------------------------- text


def _rounded(values: np.ndarray) -> np.ndarray:
    """``values`` at :data:`DIGITS` significant digits: the nearest doubles to the decimals,
    whose shortest text has at most that many digits (integer / 10^k and integer x 10^k
    are exact operations, so no further digits appear)."""
    out = np.zeros_like(values)
    nonzero = values != 0
    v = values[nonzero]
    shift = DIGITS - 1 - np.floor(np.log10(np.abs(v))).astype(int)
    up = shift >= 0
    scale = 10.0 ** np.abs(shift)
    out[nonzero] = np.where(up, np.round(v * scale) / scale, np.round(v / scale) * scale)
    return out


def csv_text(values: np.ndarray) -> bytes:
    """Rows of ``values`` (rows, columns) as comma-separated lines, zeros as ``0``."""
    columns = values.shape[1]
    text = pc.cast(pa.array(_rounded(values).ravel()), pa.string())
    offsets = np.frombuffer(text.buffers()[1], dtype=np.int32, count=len(text) + 1)
    data = np.frombuffer(text.buffers()[2], dtype=np.uint8, count=int(offsets[-1]))
    count = len(text)
    out = np.empty(data.size + count, dtype=np.uint8)
    separators = offsets[1:] + np.arange(count)
    is_separator = np.zeros(out.size, dtype=bool)
    is_separator[separators] = True
    out[~is_separator] = data
    out[separators] = ord(",")
    out[separators[columns - 1 :: columns]] = ord("\n")
    return out.tobytes()


# --------------------------------------------------------------------------- files


def _member(version: int, year: int, table: str) -> str:
    return MEMBER_DATES[version][table] + layout.member_suffix(table, version, year)


def _zip_member(archive: zipfile.ZipFile, name: str, blocks: Iterator[np.ndarray]) -> None:
    info = zipfile.ZipInfo(name, date_time=MEMBER_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    # Python 3.11's ZipInfo has no public level; later versions keep this name as an alias.
    info._compresslevel = COMPRESS_LEVEL
    with archive.open(info, "w", force_zip64=True) as stream:
        for block in blocks:
            stream.write(csv_text(np.atleast_2d(block)))


def _chunks(table: np.ndarray, rows: int = 4096) -> Iterator[np.ndarray]:
    for start in range(0, table.shape[0], rows):
        yield table[start : start + rows]


def write_readme(world: GloriaWorld, target: Path) -> None:
    """GLORIA_ReadMe_0{v}.xlsx of the world (emission indicators in single quotes)."""
    sheets = {
        layout.REGIONS_SHEET: pd.DataFrame(
            {
                layout.NUMBER_COLUMN: range(1, len(world.regions) + 1),
                layout.REGION_CODE_COLUMN: world.regions,
                layout.REGION_NAME_COLUMN: world.region_names,
            }
        ),
        layout.SECTORS_SHEET: pd.DataFrame(
            {
                layout.NUMBER_COLUMN: range(1, len(world.sectors) + 1),
                layout.SECTOR_COLUMN: world.sectors,
            }
        ),
        layout.VA_FD_SHEET: pd.DataFrame(
            {
                layout.NUMBER_COLUMN: range(1, 7),
                layout.VALUE_ADDED_COLUMN: layout.VALUE_ADDED_CATEGORIES,
                layout.FINAL_DEMAND_COLUMN: layout.FINAL_DEMAND_CATEGORIES,
            }
        ),
        layout.VALUATIONS_SHEET: pd.DataFrame(
            {layout.NUMBER_COLUMN: range(1, 6), layout.VALUATION_COLUMN: layout.VALUATIONS}
        ),
        layout.SATELLITES_SHEET: pd.DataFrame(
            {
                layout.NUMBER_COLUMN: range(1, len(world.satellites) + 1),
                layout.SATELLITE_HEAD_COLUMN: [head for head, _, _ in world.satellites],
                layout.SATELLITE_COLUMN: [
                    f"{layout.QUOTE}{name}{layout.QUOTE}" if head.startswith("Emissions") else name
                    for head, name, _ in world.satellites
                ],
                layout.SATELLITE_UNIT_COLUMN: [unit for _, _, unit in world.satellites],
            }
        ),
    }
    with atomic_path(target) as tmp, pd.ExcelWriter(tmp, engine="openpyxl") as writer:
        for name, table in sheets.items():
            table.to_excel(writer, sheet_name=name, index=False)


def write_release(world: GloriaWorld, folder: Path, version: int, year: int) -> dict[str, Path]:
    """Write the world as GLORIA release ``version`` (59 or 60), year ``year``, into
    ``folder``; returns the paths by role (``mrio``, ``satellites``, ``readme``)."""
    if version not in layout.VERSIONS:
        raise ValueError(f"GLORIA release {version} is not one of {layout.VERSIONS}")
    folder.mkdir(parents=True, exist_ok=True)
    names = layout.release_files(version, year)
    paths = {role: folder / name for role, name in names.items()}
    purchases = np.zeros(len(world.output))

    def transactions() -> Iterator[np.ndarray]:
        r, s, _ = world.shape
        industry = (np.arange(r)[:, None] * 2 * s + np.arange(s)).ravel()
        for block in t_blocks(world):
            purchases[:] += block[s:, industry].sum(axis=0)
            yield block

    r, s, k = world.shape
    with atomic_path(paths["mrio"]) as tmp, zipfile.ZipFile(tmp, "w", allowZip64=True) as archive:
        _zip_member(archive, _member(version, year, "T"), transactions())
        y = np.zeros((2 * r * s, r * k))
        product_rows = (np.arange(r)[:, None] * 2 * s + s + np.arange(s)).ravel()
        y[product_rows] = final_demand(world)
        _zip_member(archive, _member(version, year, "Y"), _chunks(y))
        _zip_member(archive, _member(version, year, "V"), _chunks(value_added(world, purchases)))
    tq_rows, yq = satellite_tables(world)
    with (
        atomic_path(paths["satellites"]) as tmp,
        zipfile.ZipFile(tmp, "w", allowZip64=True) as archive,
    ):
        _zip_member(archive, _member(version, year, "TQ"), tq_rows)
        _zip_member(archive, _member(version, year, "YQ"), _chunks(yq))
    write_readme(world, paths["readme"])
    return paths

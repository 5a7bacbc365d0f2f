"""The GLORIA release layout: file names, member names, ReadMe sheets and label spellings.

GLORIA (Global Resource Input-Output Assessment, University of Sydney IELab) publishes one
release as three kinds of files, downloaded by hand after registration:

- ``GLORIA_MRIOs_{v}_{year}.zip``: the supply-use table T, final demand Y and value added
  V of one year, as CSV files without labels, one per valuation layer (Markup001 = basic
  prices; Markup002-005: trade and transport margins, taxes, subsidies);
- ``GLORIA_SatelliteAccounts_0{v}_{year}.zip``: the satellite accounts of industries (TQ)
  and of final demand (YQ);
- ``GLORIA_ReadMe_0{v}.xlsx``: the labels of every row and column (sheets "Regions",
  "Sectors", "Value added and final demand", "Satellites").

T is region-major: per region, its 120 industries then its 120 products (rows and columns
alike), so n_T = 2 x 120 x regions (39,360 for 164 regions). The industry rows hold the
supply (an industry's output of products, on the diagonal of its own region's block), the
product rows the use (products bought by the industries of every region). Y has T's rows
and 6 categories per region as columns; V has 6 value-added categories per region as rows
and T's columns; TQ has one row per satellite and T's columns; YQ one row per satellite and
Y's columns. Money is thousand current US dollars.

Everything here is copied from public code that reads the real files (named next to each
constant); :mod:`bri_carbon.sources.synthetic_gloria` writes the same strings.
"""

from __future__ import annotations

from typing import Final

#: Where to get the release files (named in messages).
HOMEPAGE: Final = "https://ielab.info/labs/ielab-gloria"

#: GLORIA releases the workflow reads (config key ``gloria.version``).
VERSIONS: Final[tuple[int, ...]] = (59, 60)

#: ``GLORIA_MRIOs_{version}_{year}.zip`` (the release number without its leading zero):
#: pymrio 0.7.0 pymrio/core/constants.py GLORIA_URLS["059"] (``GLORIA_MRIOs_59_1990.zip`` ...
#: ``GLORIA_MRIOs_59_2028.zip``) and pymrio/tools/ioparser.py parse_gloria_sut
#: (``GLORIA_MRIOs_{version}_{year}``); it-is-me-mario/MARIO tests/test_gloria_parser.py
#: (``GLORIA_MRIOs_60_{year}``).
MRIO_ARCHIVE: Final[str] = "GLORIA_MRIOs_{version}_{year}.zip"
#: ``GLORIA_SatelliteAccounts_0{version}_{year}.zip``: pymrio GLORIA_URLS
#: (``GLORIA_SatelliteAccounts_059_1990.zip``) and parse_gloria_sut; MARIO's test
#: (``GLORIA_SatelliteAccounts_060_{year}``).
SATELLITE_ARCHIVE: Final[str] = "GLORIA_SatelliteAccounts_0{version}_{year}.zip"
#: ``GLORIA_ReadMe_0{version}.xlsx``: pymrio GLORIA_URLS (``GLORIA_ReadMe_059.xlsx``) and
#: parse_gloria_sut; MARIO's test (``GLORIA_ReadMe_060.xlsx``).
README: Final[str] = "GLORIA_ReadMe_0{version}.xlsx"

#: The member names end in ``_120secMother_AllCountries_002_{table}-Results_{year}_0{version}
#: _Markup001(full).csv``, after a date that differs between files and releases
#: (``20240111_`` ... for 059: etiennebert/forest_club 1_MRIO_part/GLORIA/data/Readme.txt;
#: ``20260121_`` and ``20260122_`` for 060: MARIO's test). pymrio's parse_gloria_sut finds
#: them by this ending (``fn.endswith(filename)``), as the reader does.
MEMBER_SUFFIX: Final[str] = (
    "_120secMother_AllCountries_002_{table}-Results_{year}_0{version}_{markup}(full).csv"
)
#: The valuation layer of basic prices (pymrio parse_gloria_sut: price "bp" ->
#: ``Markup001(full)``; value added and satellites exist in Markup001 only).
BASIC_PRICES: Final[str] = "Markup001"
#: The tables of the MRIO archive and of the satellite archive (pymrio parse_gloria_sut).
MRIO_TABLES: Final[tuple[str, ...]] = ("T", "Y", "V")
SATELLITE_TABLES: Final[tuple[str, ...]] = ("TQ", "YQ")

#: ReadMe sheets and their columns, as pymrio's parse_gloria_sut reads them (and MARIO's
#: load_gloria_metadata, mario/parsers/gloria.py).
REGIONS_SHEET: Final[str] = "Regions"
REGION_CODE_COLUMN: Final[str] = "Region_acronyms"
REGION_NAME_COLUMN: Final[str] = "Region_names"
SECTORS_SHEET: Final[str] = "Sectors"
SECTOR_COLUMN: Final[str] = "Sector_names"
VA_FD_SHEET: Final[str] = "Value added and final demand"
VALUE_ADDED_COLUMN: Final[str] = "Value_added_names"
FINAL_DEMAND_COLUMN: Final[str] = "Final_demand_names"
SATELLITES_SHEET: Final[str] = "Satellites"
SATELLITE_HEAD_COLUMN: Final[str] = "Sat_head_indicator"
SATELLITE_COLUMN: Final[str] = "Sat_indicator"
SATELLITE_UNIT_COLUMN: Final[str] = "Sat_unit"
#: The running number in the first column of every sheet (GLORIA_ReadMe_059.xlsx; MARIO's
#: test writes it too).
NUMBER_COLUMN: Final[str] = "Lfd_Nr"
#: A further sheet of the 060 ReadMe (MARIO's load_gloria_metadata reads it, and its test
#: writes these five names); the reader does not need it.
VALUATIONS_SHEET: Final[str] = "Valuations"
VALUATION_COLUMN: Final[str] = "Valuation_names"
VALUATIONS: Final[tuple[str, ...]] = (
    "Basic prices",
    "Trade margins",
    "Transport margins",
    "Taxes on products",
    "Subsidies on products",
)

#: The two halves of each region's block of T's rows and columns, in this order (pymrio
#: parse_gloria_sut: ``system = ["Industry", "Product"]``; the 39,360 rows of T are
#: regions x (120 industries, 120 products): MARIO's _row_maps, and the public scripts
#: that slice T by ``r*240 .. r*240+119`` for industries).
SYSTEM: Final[tuple[str, str]] = ("Industry", "Product")

#: The fossil CO2 row (kilotonnes), head indicator and indicator as GLORIA_ReadMe_059.xlsx
#: sheet "Satellites" spells them (row 2147 of 5982; the unit in column Sat_unit). The
#: official ReadMe writes emission indicator names inside single quotes ('co2_excl_...');
#: the reader removes them before matching.
CO2_HEAD: Final[str] = "Emissions (EDGAR)"
CO2_INDICATOR: Final[str] = "co2_excl_short_cycle_org_c_total_EDGAR_consistent"
#: The same quantity consistent with OECD data (row 4922 of the 059 ReadMe), a real label
#: that differs from the default only in its suffix and head indicator.
CO2_OECD_HEAD: Final[str] = "Emissions (OECD)"
CO2_OECD_INDICATOR: Final[str] = "co2_excl_short_cycle_org_c_total_OECD_consistent"
#: Unit of the emission rows in sheet "Satellites" (column Sat_unit).
EMISSION_UNIT: Final[str] = "kilotonnes"
#: The quote character around names in the official ReadMe.
QUOTE: Final[str] = "'"

#: Money unit of T, Y and V: thousand current US dollars (pymrio parse_gloria writes the
#: unit ``'000 US$`` for A and VA); spelled as bri_carbon.core.units knows it.
MONEY_UNIT: Final[str] = "000 USD"

#: Value-added categories (rows of V per region) and final-demand categories (columns of Y
#: per region), sheet "Value added and final demand" of GLORIA_ReadMe_059.xlsx (columns
#: Value_added_names and Final_demand_names); the same strings as Eora26's.
VALUE_ADDED_CATEGORIES: Final[tuple[str, ...]] = (
    "Compensation of employees D.1",
    "Taxes on production D.29",
    "Subsidies on production D.39",
    "Net operating surplus B.2n",
    "Net mixed income B.3n",
    "Consumption of fixed capital K.1",
)
FINAL_DEMAND_CATEGORIES: Final[tuple[str, ...]] = (
    "Household final consumption P.3h",
    "Non-profit institutions serving households P.3n",
    "Government final consumption P.3g",
    "Gross fixed capital formation P.51",
    "Changes in inventories P.52",
    "Acquisitions less disposals of valuables P.53",
)
#: The final-demand category whose satellite column holds households' direct emissions.
HOUSEHOLD_CATEGORY: Final[str] = FINAL_DEMAND_CATEGORIES[0]

#: Rest-of-region aggregates of GLORIA's region list (sheet "Regions", rows 1-4 of the 059
#: ReadMe), kept as regions of their own.
AGGREGATES: Final[tuple[str, ...]] = ("XAM", "XEU", "XAF", "XAS")


def mrio_archive(version: int, year: int) -> str:
    """``GLORIA_MRIOs_{version}_{year}.zip``, e.g. ``GLORIA_MRIOs_59_2015.zip``."""
    return MRIO_ARCHIVE.format(version=int(version), year=int(year))


def satellite_archive(version: int, year: int) -> str:
    """``GLORIA_SatelliteAccounts_0{version}_{year}.zip``, e.g. ``..._059_2015.zip``."""
    return SATELLITE_ARCHIVE.format(version=int(version), year=int(year))


def readme(version: int) -> str:
    """``GLORIA_ReadMe_0{version}.xlsx``, e.g. ``GLORIA_ReadMe_059.xlsx``."""
    return README.format(version=int(version))


def release_files(version: int, year: int) -> dict[str, str]:
    """The three upstream files one year needs, by role (``mrio``, ``satellites``,
    ``readme``)."""
    return {
        "mrio": mrio_archive(version, year),
        "satellites": satellite_archive(version, year),
        "readme": readme(version),
    }


def member_suffix(table: str, version: int, year: int, markup: str = BASIC_PRICES) -> str:
    """The ending of a table's member name, e.g. ``_120secMother_AllCountries_002_T-Results_
    2015_059_Markup001(full).csv``."""
    return MEMBER_SUFFIX.format(table=table, year=int(year), version=int(version), markup=markup)


def unquoted(name: object) -> str:
    """A ReadMe label without surrounding blanks and the single quotes the official ReadMe
    puts around emission indicator names."""
    text = str(name).strip()
    if len(text) >= 2 and text[0] == QUOTE and text[-1] == QUOTE:
        text = text[1:-1].strip()
    return text


def missing_files_message(version: int, local_data: str | None, missing: list[str]) -> str:
    """The one-paragraph error for release files that are neither in local_data nor cached:
    where they come from, their exact names and where to put them."""
    folder = f"{local_data}/gloria/" if local_data else "<local_data>/gloria/"
    return (
        f"GLORIA release 0{version} is read from local_data only: its files are downloaded by "
        f"hand after registration at {HOMEPAGE} (the workflow never downloads them). Missing "
        f"in {folder}: {', '.join(missing)}. Put these files there under exactly these names "
        "(the zip files as downloaded, not unpacked) and set config key local_data to the "
        "folder that holds gloria/ (e.g. --config local_data=/data/mrio); config key "
        "gloria.version chooses the release (59 or 60). docs/data.md lists the files of both "
        "releases."
    )

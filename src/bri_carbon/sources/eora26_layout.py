"""The Eora26 release layout: file names, label spellings and categories.

Everything here describes the upstream files exactly as Eora publishes them, typos
included, so that the synthetic world and real downloads go through one parser and one set
of labels. The evidence for each spelling, public code that reads the real release files,
is named in the comment above it.
"""

from typing import Final

#: The 26 sectors in release order, spelled as labels_T.txt spells them: "Restraurants" and
#: "Finacial" are Eora's own typos. Seen in the outputs of pymrio.parse_eora26 on real
#: Eora26 files (theplatters/GNGS results/co2_res.csv), in spjuhel/BoARIO-MRIOT-Tools
#: config/mriot_params/eora26_full_sectors.csv and in scripts that read labels_T.txt.
SECTORS: Final[tuple[str, ...]] = (
    "Agriculture",
    "Fishing",
    "Mining and Quarrying",
    "Food & Beverages",
    "Textiles and Wearing Apparel",
    "Wood and Paper",
    "Petroleum, Chemical and Non-Metallic Mineral Products",
    "Metal Products",
    "Electrical and Machinery",
    "Transport Equipment",
    "Other Manufacturing",
    "Recycling",
    "Electricity, Gas and Water",
    "Construction",
    "Maintenance and Repair",
    "Wholesale Trade",
    "Retail Trade",
    "Hotels and Restraurants",
    "Transport",
    "Post and Telecommunications",
    "Finacial Intermediation and Business Activities",
    "Public Administration",
    "Education, Health and Other Services",
    "Private Households",
    "Others",
    "Re-export & Re-import",
)

#: labels_FD.txt, fourth column, per country (a public script that reads labels_FD.txt maps
#: exactly these six strings).
FINAL_DEMAND_CATEGORIES: Final[tuple[str, ...]] = (
    "Household final consumption P.3h",
    "Non-profit institutions serving households P.3n",
    "Government final consumption P.3g",
    "Gross fixed capital formation P.51",
    "Changes in inventories P.52",
    "Acquisitions less disposals of valuables P.53",
)

#: labels_VA.txt: the group label, then the category (theplatters/GNGS
#: src/share_functions.py reads ``VA.F.loc[("Primary input", "Compensation of employees
#: D.1")]`` from a parsed real release).
VALUE_ADDED_GROUP: Final[str] = "Primary input"
VALUE_ADDED_CATEGORIES: Final[tuple[str, ...]] = (
    "Compensation of employees D.1",
    "Taxes on production D.29",
    "Subsidies on production D.39",
    "Net operating surplus B.2n",
    "Net mixed income B.3n",
    "Consumption of fixed capital K.1",
)

HOUSEHOLD_CATEGORY: Final[str] = FINAL_DEMAND_CATEGORIES[0]

#: The statistical-discrepancy entry ("rest of world"), last in labels_T.txt and
#: labels_FD.txt: name and code columns both "ROW", sector "TOTAL". Seen in
#: it-is-me-mario/MARIO mario/parsers/eora.py (drops the key ("ROW", ..., "TOTAL")) and in
#: scripts that read labels_T.txt (setdiff of "ROW" in column 1, "TOTAL" in column 4). The
#: third column of that line is not shown by any public code; "Total" is an assumption
#: (pymrio does not read that column).
DISCREPANCY_CODE: Final[str] = "ROW"
DISCREPANCY_NAME: Final[str] = "ROW"
DISCREPANCY_SECTOR: Final[str] = "TOTAL"

#: The CO2 satellite row as pymrio indexes it (stressor without the unit, source), in the
#: order tried. Current label files: theplatters/GNGS reads
#: ``eora.Q.F.loc[("Total CO2 emissions from EDGAR", "Total")]`` from Eora26 2017. Older
#: label files (about 2720 rows, downloaded in 2019) name it "CO2 emissions from EDGAR"
#: (from the team's notes on an older download; no public code shows that spelling).
CO2_LABELS: Final[tuple[tuple[str, str], ...]] = (
    ("Total CO2 emissions from EDGAR", "Total"),
    ("CO2 emissions from EDGAR", "Total"),
)
#: The first column of that row as labels_Q.txt writes it, the unit in the middle (pymrio removes
#: " (Gg)" wherever it stands): DaguenetYannis/Remaster src/abm_v5/accounting.py matches
#: "Total CO2 emissions (Gg) from EDGAR | Total" in the raw labels_Q.txt of 1995-2016.
CO2_RAW_LABEL: Final[str] = "Total CO2 emissions (Gg) from EDGAR"
CO2_UNIT: Final[str] = "Gg"

#: Eora26 money unit (thousand current US dollars).
MONEY_UNIT: Final[str] = "000 USD"

LABEL_FILES: Final[tuple[str, ...]] = (
    "labels_T.txt",
    "labels_FD.txt",
    "labels_VA.txt",
    "labels_Q.txt",
)


def archive_name(year: int, price: str = "bp") -> str:
    """Name of the Eora26 zip for one year, e.g. ``Eora26_2015_bp.zip``."""
    return f"Eora26_{year}_{price}.zip"


def table_names(year: int, price: str = "bp") -> dict[str, str]:
    """Member names of the five numeric tables inside the Eora26 zip, keyed T/FD/VA/Q/QY."""
    return {key: f"Eora26_{year}_{price}_{key}.txt" for key in ("T", "FD", "VA", "Q", "QY")}

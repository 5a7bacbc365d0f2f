"""The Eora26 release layout: file names, label spellings and categories.

Everything here describes the upstream files exactly as Eora publishes them (including
Eora's own spelling of sector names), so that the synthetic world and real downloads go
through one parser.
"""

from typing import Final

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
    "Financial Intermediation and Business Activities",
    "Public Administration",
    "Education, Health and Other Services",
    "Private Households",
    "Others",
    "Re-export & Re-import",
)

FINAL_DEMAND_CATEGORIES: Final[tuple[str, ...]] = (
    "Household final consumption P.3h",
    "Non-profit institutions serving households P.3n",
    "Government final consumption P.3g",
    "Gross fixed capital formation P.51",
    "Changes in inventories P.52",
    "Acquisitions less disposals of valuables P.53",
)

VALUE_ADDED_CATEGORIES: Final[tuple[str, ...]] = (
    "Compensation of employees D.1",
    "Taxes on production D.29",
    "Subsidies on production D.39",
    "Net operating surplus B.2n",
    "Net mixed income B.3n",
    "Consumption of fixed capital K.1",
)

HOUSEHOLD_CATEGORY: Final[str] = FINAL_DEMAND_CATEGORIES[0]

#: Code of the statistical-discrepancy row and column ("rest of world") in every table.
DISCREPANCY_CODE: Final[str] = "ROW"
DISCREPANCY_NAME: Final[str] = "Rest of the World"

#: Default CO2 satellite row: stressor label (without the unit) and its source column.
CO2_STRESSOR: Final[str] = "Total CO2 emissions from EDGAR"
CO2_SOURCE: Final[str] = "Total"
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

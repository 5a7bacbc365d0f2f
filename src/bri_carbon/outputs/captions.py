"""Titles and captions of everything the HTML report shows (bri_carbon.outputs.report).

Each caption gives the definition, the units and the data source of one figure or table. The
texts are ``str.format`` templates; the fields they may use are ``source``, ``year``,
``driver_groups`` and ``developed_groups`` (joined names of config keys findings.driver_groups
and findings.developed_groups), ``base`` and ``target`` (the years of the drivers of change),
``data`` (:func:`data_note`) and the abstracts' words of :func:`paper_fields`. What the paper
says comes only from data/paper_values.csv, through groups/headline.csv: a caption never
states a value or wording of its own.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

#: The readings whose paper columns the captions quote: field -> (column, statistic, level,
#: subject) of groups/headline.csv.
PAPER_FIELDS = {
    "paper_a": ("paper_statement", "intensity_ratio", "block", "BRI"),
    "paper_b": ("paper_wording", "positive_net_export_share", "region", "BRI"),
    "paper_c": ("paper_wording", "driven_share", "region", "median"),
}
#: A paper field whose reading carries no words in data/paper_values.csv.
NO_PAPER_WORDS = "no words in data/paper_values.csv"


def paper_fields(headline: pd.DataFrame) -> dict[str, str]:
    """The fields :data:`PAPER_FIELDS` of the captions from one year's headline table:
    the abstracts' words (or statements) for a reading, :data:`NO_PAPER_WORDS` where the
    table holds none."""
    fields = {}
    for field, (column, statistic, level, subject) in PAPER_FIELDS.items():
        rows = headline[
            (headline["statistic"] == statistic)
            & (headline["level"] == level)
            & (headline["subject"] == subject)
        ]
        words = str(rows[column].iloc[0]) if len(rows) and column in rows else ""
        fields[field] = words if words and words != "nan" else NO_PAPER_WORDS
    return fields


def data_note(source: str, synthetic: bool, release: str = "") -> str:
    """The sentence every caption ends with: where the numbers come from (the source and,
    when given, its release)."""
    if synthetic:
        return (
            "Data: the synthetic world, a seeded made-up table in the Eora26 layout whose "
            "years follow fixed growth, intensity and trade paths; synthetic data, not real "
            "emissions."
        )
    named = f"{source}, release {release}" if release else source
    return f"Data: the configured MRIO table ({named})."


#: The report's opening paragraph.
INTRODUCTION = (
    "bri-carbon reproduces \u201cTracking embodied carbon flows in the Belt and Road regions\u201d "
    "(Han, Yao, Liu & Dunford, J. Geogr. Sci. 28(9): 1263\u20131274, 2018; Yao, Han & Liu, Acta "
    "Geographica Sinica 73(11): 2210\u20132222, 2018) from a multi-regional input-output table "
    "with a CO2 satellite account. Production-based emissions (PBA) are the emissions inside a "
    "region; consumption-based emissions (CBA) are all emissions, anywhere, that its final "
    "demand induces (Leontief model, one LU factorization of I \u2212 A). Net embodied exports "
    "are PBA \u2212 CBA. Production-based intensity is PBA / primary inputs (gross output "
    "minus intermediate inputs: value added including net taxes on products), "
    "consumption-based intensity CBA / final demand; the world's two are equal by "
    "construction. Regions are put into groups by the grouping file (config key regions; "
    "by default seven Belt and Road groups, the common \u201cChina + 64\u201d list, and five "
    "other groups). Units: Mt CO2, billion current USD in the tables (million in the CSV "
    "files), kg CO2 per USD."
)

#: What the headline section shows.
HEADLINE = (
    "The paper's three findings, recomputed for each year: (a) production- over "
    "consumption-based intensity of the Belt and Road groups against the developed groups "
    "({developed_groups}); (b) the Belt and Road share of the world's positive net embodied "
    "exports; (c) the share of Belt and Road emissions driven by final demand of "
    "{driver_groups}. Each row is one reading of the abstracts' sentences (its statistic, the "
    "level it is computed at and its subject), next to the abstracts' words for the number "
    "where a sentence gives one (J. Geogr. Sci. and Acta Geographica Sinica differ: "
    "{paper_b}). The quoted sentences are the abstracts' own words; how the project reads "
    "them is each reading's formula, in the table \u201cHeadline findings\u201d of each year "
    "and in groups/headline.csv (column definition). The figure after the tables shows how "
    "the readings move under other choices (groups/robustness.csv). {data}"
)

#: (title, caption) of each figure of a year, by the name of FIGURES in rules/common/targets.smk.
FIGURES: dict[str, tuple[str, str]] = {
    "study_area": (
        "Study area",
        "The regions of the data that the grouping file marks as Belt and Road (bri = true), "
        "coloured by their group (each group has the same colour in every figure); other "
        "regions in grey. Boundaries: Natural Earth 1:110m "
        "countries (public domain), Equal Earth projection. Regions too small for the 1:110m "
        "boundaries (e.g. Singapore, Bahrain) are named under the map; every region without a "
        "polygon is listed in the rule's log. The grouping is the common \u201cChina + 64\u201d "
        "list; the paper's exact list is not published (docs/regions.md). {data}",
    ),
    "intensity_maps": (
        "Carbon intensity maps",
        "(a) Production-based intensity = production-based CO2 / primary inputs (gross "
        "output minus intermediate inputs); (b) consumption-based "
        "intensity = consumption-based CO2 / final demand; both in kg CO2 per USD on one shared "
        "logarithmic colour scale (limits: 2nd and 98th percentile of both maps; values beyond "
        "take the end colours). (c) Their ratio, production-based / consumption-based "
        "intensity (dimensionless), on a diverging logarithmic scale centred on 1 (symmetric "
        "limits from the 2nd and 98th percentiles, at least 1/1.5 to 1.5): red where a "
        "region's output is more carbon-intensive than its final demand, blue where less; the "
        "readings of finding (a) compare these two intensities. Belt and Road regions are "
        "outlined in black; "
        "grey: no data or not in the data. Boundaries: Natural Earth 1:110m (public domain). "
        "{data}",
    ),
    "intensity_gap": (
        "Intensity gap (finding a)",
        "Per group, production-based intensity (filled dot: PBA / primary inputs) and "
        "consumption-based intensity (open dot: CBA / final demand), kg CO2 per USD on a log "
        "axis; the number at the right is their ratio. Groups in their fixed colours, Belt "
        "and Road groups named in bold. The two top rows combine all Belt and "
        "Road groups and the developed groups ({developed_groups}; config key "
        "findings.developed_groups) by summing emissions and money before dividing. The "
        "abstract's finding: {paper_a}. {data}",
    ),
    "flows_chord": (
        "Embodied CO2 flows between groups",
        "Chord diagram of the group flow matrix (groups/flows.csv). A ribbon from group A to "
        "group B is the industry CO2 emitted in A that final demand in B induces; its width at "
        "both ends is proportional to the flow in Mt CO2 (read it off the ring's ticks: the "
        "labelled step, given in the title, is the largest 1-2-5 step that puts at least three "
        "labels on the largest arc). Each group's arc holds its embodied exports first, then "
        "its embodied imports (counter-clockwise). Arcs and ribbons take the fixed colour of "
        "their (origin) group; Belt and Road groups are named in bold. Flows within a group are "
        "not drawn; their total is in the title. {data}",
    ),
    "net_exports_by_group": (
        "Net embodied CO2 exports by group (finding b)",
        "Production-based minus consumption-based emissions, Mt CO2, sorted; bars in the "
        "groups' fixed colours, Belt and Road groups named in bold. Production-based "
        "emissions are the industry emissions inside the group plus its households' direct "
        "emissions; consumption-based emissions are all industry emissions, anywhere, that the "
        "group's final demand induces, plus the same household emissions. Bars right of zero: "
        "net exporters of embodied carbon. The title gives the Belt and Road share of the sum "
        "of positive net exports over regions (the headline definition), next to the abstracts' "
        "words for it ({paper_b}). {data}",
    ),
    "driven_by": (
        "Emissions of each Belt and Road group by the group whose demand drives them (finding c)",
        "For each Belt and Road group, its industry CO2 emissions (the rows of its regions in "
        "the flow matrix, household direct emissions excluded) split by the group of the final "
        "consumer, in percent: the sums of co2_mt of groups/driven_by.csv over the group's "
        "regions, divided by the group's total. From the left: the driver groups "
        "({driver_groups}; config key findings.driver_groups), the other non-BRI groups, the "
        "other Belt and Road groups, each in its fixed colour, and in grey the group's own "
        "final demand (domestic demand included). The number at the right is the share driven "
        "by the driver groups (the headline's group reading); dashed line: the number the "
        "abstract gives for each group's share ({paper_c}). The same split for each Belt and "
        "Road region is the supplementary figure that follows. {data}",
    ),
    "driven_by_regions": (
        "Supplementary: emissions of each Belt and Road region by the group whose demand "
        "drives them (finding c)",
        "One A4 page. For every Belt and Road region, its industry CO2 emissions (its row of "
        "the flow matrix, household direct emissions excluded) split by the group of the final "
        "consumer, in percent (groups/driven_by.csv). Segments as in the figure by group: the "
        "driver groups ({driver_groups}), the other non-BRI groups, the other Belt and Road "
        "groups, and in grey the region's own group including its domestic demand. Regions "
        "sorted by group (named at the right), then by the driver groups' share. Dotted line: "
        "median across Belt and Road regions of the driver groups' share; dashed line: the "
        "number the abstract gives ({paper_c}). {data}",
    ),
    "sector_hotspots": (
        "Sector hot spots",
        "For each Belt and Road group, the five common sectors whose industry CO2 is driven "
        "most by final demand of {driver_groups}, Mt CO2 (groups/sector_hotspots.csv), one "
        "panel per group, (a), (b), ..., in the group's fixed colour. The "
        "Leontief system is solved at the source's own resolution and the results are summed "
        "to the 26 common sectors afterwards. {data}",
    ),
    "robustness": (
        "Robustness of the readings",
        "The key readings of each finding (rows) as configured (black dot) and under three "
        "variants (groups/robustness.csv): final demand without changes in inventories and "
        "valuables (everything they induce taken out: flows, emissions, final demand and "
        "primary inputs), all developed groups ({developed_groups}) as the drivers of "
        "finding (c), and the United States and the 28 EU member states of 2015 as its "
        "drivers (data/us_eu28.csv; each region's own demand excluded). Readings that a "
        "variant does not change keep their value. (a) ratios, with the world's value 1 "
        "in grey; (b) and (c) percent. Dashed lines and open diamonds: the number an "
        "abstract gives, on the readings it is attached to in data/paper_values.csv; the "
        "panel titles give the abstracts' words. {data}",
    ),
}

#: Caption of each table of a year, by the name of TABLES in rules/common/targets.smk (their titles
#: are bri_carbon.outputs.tables.TABLE_TITLES).
TABLES: dict[str, str] = {
    "region_membership": (
        "Every group of the grouping file with its Belt and Road flag, the number of regions "
        "of the data in it and their names and codes. The Belt and Road list is the common "
        "\u201cChina + 64\u201d list; the paper's exact list is not published (docs/regions.md "
        "gives every choice). {data}"
    ),
    "group_accounts": (
        "Production-based (PBA) and consumption-based (CBA) CO2, household direct emissions "
        "and net embodied exports (PBA \u2212 CBA) in Mt CO2; primary inputs (gross output minus "
        "intermediate inputs), final demand, the value-added rows as the table reports them "
        "and gross output in billion current USD; intensities in kg CO2 per USD (PBA / "
        "primary inputs and CBA / final demand) and their ratio (production over "
        "consumption intensity, finding a). Regions are summed to the groups of the grouping "
        "file. {data}"
    ),
    "group_flows": (
        "Industry CO2 emitted in the row group (origin) that final demand of the column group "
        "(destination) induces, Mt CO2, with row totals (production-based minus household "
        "direct emissions) and column totals (consumption-based minus household direct "
        "emissions). {data}"
    ),
    "headline": (
        "The abstracts admit several readings, and each is a row: (a) production over "
        "consumption intensity, production over consumption emissions (the intensity ratio "
        "without the trade balance) and their difference, per group, combined, and for the "
        "world (where both are 1), their ratios Belt and Road over developed, and how many "
        "regions have an intensity ratio above 1; (b) the Belt and Road share of positive net "
        "embodied exports over regions, groups, region pairs, group pairs and the regions of "
        "the Belt and Road and developed groups only, of the developed regions' net imports "
        "and of gross embodied exports (abstracts: {paper_b}); (c) the share of emissions "
        "driven by {driver_groups}, by all developed groups and by the United States and the "
        "EU28, per Belt and Road group, combined, and over Belt and Road regions (abstract: "
        "{paper_c}), the number of Belt and Road groups within 25\u201335%, the share of Belt and "
        "Road exports going to the driver groups, the shares of consumption-based emissions "
        "emitted in Belt and Road or developed regions and the developed share of the world's "
        "consumption-based emissions. Readings that sum Belt and Road regions are repeated "
        "without the regions of config key findings.without_regions. Block headings quote the "
        "abstracts' sentences and the Paper column their words for a number, both from "
        "data/paper_values.csv; the project's reading of a sentence is the row's definition "
        "in groups/headline.csv. {data}"
    ),
}

#: (title, caption) of the trends across years.
TRENDS = (
    "Belt and Road embodied CO2 over time",
    "Each configured year computed independently, at the source's own resolution. The figure "
    "shows three readings of the headline findings, with the names they have in every year's "
    "groups/headline.csv: the Belt and Road regions' share (%) of the sum over regions of "
    "positive net embodied exports (abstracts: {paper_b}); the share of all Belt and Road "
    "industry emissions driven by final demand of {driver_groups}; and "
    "the share of the Belt and Road regions' embodied exports going to those groups. The axis "
    "runs from 0 to 100% so that changes are not exaggerated. The table "
    "gives the headline readings of every year; every reading of every year is in "
    "results/{source}/trends/headline.csv. {data}",
)

#: Captions of the figure and the table of the trends (the section's caption is TRENDS).
TRENDS_FIGURE = "The three shares over the configured years, percent."
TRENDS_TABLE = (
    "The headline readings of every year, each rounded by its unit, with the abstracts' words "
    "where they give a number."
)

#: (title, caption) of the drivers of change between two years.
DRIVERS = (
    "Drivers of the change from {base} to {target}",
    "Structural decomposition of each group's consumption-based emissions (industry part, "
    "household direct emissions excluded) and of the five blocks of Belt and Road flows (BRI "
    "domestic, BRI to BRI across borders, BRI to non-BRI, non-BRI to BRI, non-BRI to non-BRI). "
    "With s the emission intensity, L the Leontief inverse, mix_d = y_d / level_d the origin "
    "mix and level_d = 1\u2032y_d the total final demand of destination d, the flow "
    "E[o, d] = level_d \u00d7 s_o\u2032 L mix_d; its change is split into the four effects by "
    "the average over all 24 orderings of the factors, so that the effects sum exactly to the "
    "change. Mt CO2; money in current prices unless drivers.deflator is set. {data}",
)

#: Captions of the figure and the table of the drivers (the section's caption is DRIVERS).
DRIVERS_FIGURE = (
    "Per quantity the four effects (bars) and the observed change (dot), Mt CO2; the bars "
    "of a quantity sum to its dot."
)
DRIVERS_TABLE = (
    "The same numbers: each quantity in both years, its change and the four effects, Mt CO2."
)

#: (title, caption) of the source comparison of one year.
COMPARISON = (
    "Group accounts by database, {year}",
    "Production- and consumption-based CO2 and net embodied exports (Mt CO2), primary inputs "
    "and final demand (billion current USD) and intensities (kg CO2 per USD) per group, as "
    "each database ({databases}) computes them, with the relative difference (d \u2212 "
    "{reference}) / |{reference}| of every other database d in percent; the World row sums "
    "the additive columns. Differences come from the databases' sector detail, region "
    "coverage (EXIOBASE's rest-of-world regions), emission inventories and releases.",
)

#: (title, caption) of the readings of the findings of one year across databases.
COMPARISON_READINGS = (
    "The findings by database, {year}",
    "The key readings of the three findings as each database ({databases}) computes them on "
    "its own table, next to the paper's values; every reading of every database, with the "
    "differences to {reference}, is in results/compare/{year}/headline.csv (under the "
    "robustness variants: robustness.csv). Where the "
    "databases agree, the finding does not hinge on the data; where they part, the reading "
    "depends on the database or its release.",
)

#: (title, introduction) of the report's section on the findings across databases.
COMPARISON_SECTION = (
    "The findings across databases",
    "The same workflow on each database of config key compare.sources ({databases}), each "
    "solved at its own regions and sectors and grouped by the same grouping file, for every "
    "configured year. {reference} is the reference of the differences.",
)

#: What the provenance section shows.
PROVENANCE = (
    "What went into each year: the dataset version and licence (data/datasets.yaml; for the "
    "synthetic source its seed), the sha256 and size of every raw input file, the sha256 of "
    "every file a config key names, the git commit of the workflow (and whether it had "
    "uncommitted changes), the command line that started the run and the resolved "
    "configuration (credential-like keys removed). The versions of Python and the pinned "
    "packages are in provenance.json."
)


def fill(template: str, fields: Mapping[str, object]) -> str:
    """``template`` with its fields filled in (see the module docstring)."""
    return template.format_map(dict(fields))

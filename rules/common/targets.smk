"""What a run makes: the figures and tables of a year, the results folders and every final
output (rule all)."""

#: The figures of one source and year (results/{source}/{year}/figures/{name}.png|pdf): the
#: paper's six, the sector hot spots of the BRI groups, as a supplementary full page the
#: driven-by shares of every BRI region, and the readings under the robustness variants.
FIGURES = (
    "study_area",
    "intensity_maps",
    "intensity_gap",
    "flows_chord",
    "net_exports_by_group",
    "driven_by",
    "driven_by_regions",
    "sector_hotspots",
    "robustness",
)
#: The paper's four tables (results/{source}/{year}/tables/{name}.csv|md|tex).
TABLES = ("region_membership", "group_accounts", "group_flows", "headline")


def target_folders():
    """The results folders this run writes or reads, as paths below RESULTS (see
    bri_carbon.runtime.scenario.FOLDER)."""
    source, years = config["source"], config_years()
    folders = [f"{source}/{year}" for year in years]
    if len(years) > 1:
        folders.append(f"{source}/trends")
    drivers = drivers_years()
    if drivers:
        folders.append(f"{source}/drivers/{drivers[0]}_{drivers[1]}")
    for year in years if COMPARED else ():
        folders += [f"{database}/{year}" for database in COMPARED]
        folders.append(f"compare/{year}")
    return list(dict.fromkeys(folders))


def all_targets():
    """Every final output of the configured source and years, from the rules' own output
    patterns (called by rule all, after every rule is defined)."""
    per_year = dict(source=config["source"], year=config_years())
    targets = expand(rules.accounts.output, **per_year)
    targets += expand(rules.groups.output, **per_year)
    targets += expand(rules.findings.output, **per_year)
    targets += expand(rules.figure.output, figure=FIGURES, **per_year)
    targets += expand(rules.maps.output, **per_year)
    targets += expand(rules.table.output, table=TABLES, **per_year)
    targets += expand(rules.provenance.output, **per_year)
    if len(config_years()) > 1:
        targets += expand(rules.trends.output, source=config["source"])
    drivers = drivers_years()
    if drivers:
        targets += expand(
            rules.drivers.output, source=config["source"], base=drivers[0], target=drivers[1]
        )
    if COMPARED:
        targets += expand(rules.compare_sources.output, year=config_years())
    targets += expand(rules.report.output, source=config["source"])
    return list(dict.fromkeys(targets))

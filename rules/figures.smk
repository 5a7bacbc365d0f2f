"""Figures stage: PNG (300 dpi) and PDF of each figure, tagged for the report."""


rule figure_study_area:
    input:
        boundaries=config["natural_earth"]["shapefile"],
        accounts="results/{source}/{year}/accounts.csv",
        diagnostics="results/{source}/{year}/diagnostics.json",
        regions=config["regions"],
        iso3_fixes=config["natural_earth"]["iso3_fixes"],
    output:
        png=report(
            "results/{source}/{year}/figures/study_area.png",
            caption="../report/study_area.rst",
            category="Figures",
            subcategory="{source} {year}",
        ),
        pdf="results/{source}/{year}/figures/study_area.pdf",
    log:
        "logs/figures/study_area_{source}_{year}.log",
    benchmark:
        "benchmarks/figures/study_area_{source}_{year}.tsv"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    conda:
        "../envs/bri-carbon.yaml"
    script:
        "../scripts/figure_study_area.py"


rule figure_intensity_maps:
    input:
        boundaries=config["natural_earth"]["shapefile"],
        accounts="results/{source}/{year}/accounts.csv",
        diagnostics="results/{source}/{year}/diagnostics.json",
        regions=config["regions"],
        iso3_fixes=config["natural_earth"]["iso3_fixes"],
    output:
        png=report(
            "results/{source}/{year}/figures/intensity_maps.png",
            caption="../report/intensity_maps.rst",
            category="Figures",
            subcategory="{source} {year}",
        ),
        pdf="results/{source}/{year}/figures/intensity_maps.pdf",
    log:
        "logs/figures/intensity_maps_{source}_{year}.log",
    benchmark:
        "benchmarks/figures/intensity_maps_{source}_{year}.tsv"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    conda:
        "../envs/bri-carbon.yaml"
    script:
        "../scripts/figure_intensity_maps.py"


rule figure_intensity_gap:
    input:
        accounts="results/{source}/{year}/groups/accounts.csv",
        diagnostics="results/{source}/{year}/diagnostics.json",
    output:
        png=report(
            "results/{source}/{year}/figures/intensity_gap.png",
            caption="../report/intensity_gap.rst",
            category="Figures",
            subcategory="{source} {year}",
        ),
        pdf="results/{source}/{year}/figures/intensity_gap.pdf",
    params:
        developed_groups=config["headline"]["developed_groups"],
        production_denominator=config["intensity"]["production_denominator"],
        consumption_denominator=config["intensity"]["consumption_denominator"],
    log:
        "logs/figures/intensity_gap_{source}_{year}.log",
    benchmark:
        "benchmarks/figures/intensity_gap_{source}_{year}.tsv"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    conda:
        "../envs/bri-carbon.yaml"
    script:
        "../scripts/figure_intensity_gap.py"


rule figure_flows_chord:
    input:
        accounts="results/{source}/{year}/groups/accounts.csv",
        flows="results/{source}/{year}/groups/flows.csv",
        diagnostics="results/{source}/{year}/diagnostics.json",
    output:
        png=report(
            "results/{source}/{year}/figures/flows_chord.png",
            caption="../report/flows_chord.rst",
            category="Figures",
            subcategory="{source} {year}",
        ),
        pdf="results/{source}/{year}/figures/flows_chord.pdf",
    log:
        "logs/figures/flows_chord_{source}_{year}.log",
    benchmark:
        "benchmarks/figures/flows_chord_{source}_{year}.tsv"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    conda:
        "../envs/bri-carbon.yaml"
    script:
        "../scripts/figure_flows_chord.py"


rule figure_net_exports:
    input:
        accounts="results/{source}/{year}/groups/accounts.csv",
        headline="results/{source}/{year}/groups/headline.csv",
        diagnostics="results/{source}/{year}/diagnostics.json",
    output:
        png=report(
            "results/{source}/{year}/figures/net_exports_by_group.png",
            caption="../report/net_exports_by_group.rst",
            category="Figures",
            subcategory="{source} {year}",
        ),
        pdf="results/{source}/{year}/figures/net_exports_by_group.pdf",
    log:
        "logs/figures/net_exports_{source}_{year}.log",
    benchmark:
        "benchmarks/figures/net_exports_{source}_{year}.tsv"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    conda:
        "../envs/bri-carbon.yaml"
    script:
        "../scripts/figure_net_exports.py"


rule figure_driven_by:
    input:
        driven_by="results/{source}/{year}/groups/driven_by.csv",
        headline="results/{source}/{year}/groups/headline.csv",
        diagnostics="results/{source}/{year}/diagnostics.json",
        regions=config["regions"],
    output:
        png=report(
            "results/{source}/{year}/figures/driven_by.png",
            caption="../report/driven_by.rst",
            category="Figures",
            subcategory="{source} {year}",
        ),
        pdf="results/{source}/{year}/figures/driven_by.pdf",
    params:
        driver_groups=config["headline"]["driver_groups"],
    log:
        "logs/figures/driven_by_{source}_{year}.log",
    benchmark:
        "benchmarks/figures/driven_by_{source}_{year}.tsv"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    conda:
        "../envs/bri-carbon.yaml"
    script:
        "../scripts/figure_driven_by.py"

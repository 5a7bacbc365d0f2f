"""Report stage: the run's findings, figures and tables in one self-contained HTML file."""

from bri_carbon.sources import databases as bri_databases


rule report:
    """The run's findings, figures and tables in one self-contained HTML report."""
    input:
        unpack(report_inputs),
    output:
        html=REPORT,
    params:
        context=run_context,
        run_name=config["run"]["name"],
        years=config_years(),
        figures=FIGURES,
        tables=TABLES,
        drivers=drivers_years(),
        compare=COMPARED,
        compare_labels=[bri_databases.label(config, database) for database in COMPARED],
        driver_groups=config["findings"]["driver_groups"],
        developed_groups=config["findings"]["developed_groups"],
    log:
        f"{LOGS}report/{{source}}.log",
    benchmark:
        f"{LOGS}benchmarks/report/{{source}}.tsv"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    conda:
        "../envs/bri-carbon.yaml"
    script:
        "../scripts/report.py"

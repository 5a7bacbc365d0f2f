"""Explorer stage: every region, year and flow of one source in one offline HTML page.

Built in the build tree beside the report and published with it by rule publish, as
results/[{name}/]{source}/explorer.html; it reads the build files of every configured year.
"""


rule explorer:
    """Every region, year and flow of the run on a map, in one offline HTML page."""
    input:
        unpack(explorer_inputs),
        boundaries=config["natural_earth"]["shapefile"],
        iso3_fixes=config["natural_earth"]["iso3_fixes"],
    output:
        html=EXPLORER,
    params:
        context=run_context,
        run_name=config["run"]["name"],
        years=config_years(),
    log:
        f"{LOGS}explorer/{{source}}.log",
    benchmark:
        f"{LOGS}benchmarks/explorer/{{source}}.tsv"
    threads: 1
    resources:
        # The flow matrices of every year (27 x 189 x 189 for Eora26) and the page: some MB.
        mem_mb=1000,
        runtime=10,
    conda:
        "../envs/bri-carbon.yaml"
    script:
        "../scripts/explorer.py"

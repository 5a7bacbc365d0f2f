"""Explorer stage: every region, year and flow of one source in one offline HTML page."""


rule explorer:
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

"""Tables stage: the paper's four tables, each as CSV, Markdown and LaTeX (booktabs).

One rule writes every table; the wildcard ``table`` picks the inputs (TABLE_INPUTS in
rules/common/inputs.smk) and the builder of scripts/table.py.
"""


rule table:
    input:
        unpack(table_inputs),
        fingerprint=fingerprint_of(RESULT),
    output:
        csv=f"{RESULT}/tables/{{table}}.csv",
        md=f"{RESULT}/tables/{{table}}.md",
        tex=f"{RESULT}/tables/{{table}}.tex",
    params:
        context=run_context,
        denominators=config["intensity"]["denominators"],
    wildcard_constraints:
        table="|".join(TABLES),
    log:
        f"{LOGS}table/{{table}}_{{source}}_{{year}}.log",
    benchmark:
        f"{LOGS}benchmarks/table/{{table}}_{{source}}_{{year}}.tsv"
    threads: 1
    resources:
        mem_mb=500,
        runtime=10,
    conda:
        "../envs/bri-carbon.yaml"
    script:
        "../scripts/table.py"

"""Figures stage: the paper's six figures and the sector hot spots, PNG (300 dpi) and PDF.

One rule draws every figure; the wildcard ``figure`` picks the inputs (FIGURE_INPUTS in
rules/common/inputs.smk) and the drawing function of scripts/figure.py.
"""


rule figure:
    input:
        unpack(figure_inputs),
        fingerprint=fingerprint_of(RESULT),
    output:
        png=f"{RESULT}/figures/{{figure}}.png",
        pdf=f"{RESULT}/figures/{{figure}}.pdf",
    params:
        context=run_context,
        driver_groups=config["findings"]["driver_groups"],
        developed_groups=config["findings"]["developed_groups"],
        denominators=config["intensity"]["denominators"],
    wildcard_constraints:
        figure="|".join(FIGURES),
    log:
        f"{LOGS}figure/{{figure}}_{{source}}_{{year}}.log",
    benchmark:
        f"{LOGS}benchmarks/figure/{{figure}}_{{source}}_{{year}}.tsv"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    conda:
        "../envs/bri-carbon.yaml"
    script:
        "../scripts/figure.py"

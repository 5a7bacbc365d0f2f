"""Publish stage: the run's results folders, report and explorer, replaced whole or not at all.

Every rule writes into the build tree (BUILD, results/[{name}/].build/). When all of a run's
outputs are there, this one job makes each published folder (results/[{name}/]{source}/{year}/,
the trends, a drivers decomposition, a comparison) a complete snapshot of its build folder,
swaps it in atomically and puts the source's pages (the report, the flow explorer) beside
them last (bri_carbon.runtime.publish). A run that fails or is killed earlier leaves the
published folders as they were; its manifest records the sha256 of every published file,
which the next run checks.
"""


rule publish:
    """Publish the run's results folders, report and explorer whole (atomic swap of each
    folder)."""
    input:
        files=publish_files,
        pages=[REPORT, EXPLORER],
    output:
        manifest=f"{BUILD}{{source}}{bri_publish.MANIFEST_SUFFIX}",
    params:
        folders=published_folders(),
    log:
        f"{LOGS}publish/{{source}}.log",
    benchmark:
        f"{LOGS}benchmarks/publish/{{source}}.tsv"
    threads: 1
    resources:
        mem_mb=500,
        runtime=10,
    conda:
        "../envs/bri-carbon.yaml"
    script:
        "../scripts/publish.py"


rule published:
    """A published path asked for as a target: explains how to get it instead."""
    input:
        published_target,
    output:
        f"{RESULTS}{{path}}",
    wildcard_constraints:
        path=r"(?!\.build/).+",
    log:
        f"{LOGS}published/{{path}}.log",
    localrule: True
    conda:
        "../envs/bri-carbon.yaml"
    shell:
        "true"

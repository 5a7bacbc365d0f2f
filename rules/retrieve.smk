"""Retrieve stage: raw upstream files under resources/raw/{source}/.

The synthetic world is made locally in the exact Eora26 release layout. Eora26 and
EXIOBASE 3 files come from {local_data}/{source}/ (EXIOBASE: {local_data}/exiobase3/{version}/)
or are downloaded as data/datasets.yaml says; GLORIA's come from {local_data}/gloria/ only.
Each is recorded (sha256, origin) in a JSON file next to it.
"""

from snakemake.logging import logger

from bri_carbon.sources import databases as bri_databases
from bri_carbon.sources import local_data as bri_local_data


rule synthetic_world:
    """Write the seeded synthetic world of one year as an Eora26 zip (no network)."""
    input:
        region_codes=config["region_codes"],
        natural_earth=config["natural_earth"]["shapefile"].removesuffix(".shp") + ".dbf",
        iso3_fixes=config["natural_earth"]["iso3_fixes"],
    output:
        archive=f"{raw_dir('synthetic')}/Eora26_{{year}}_bp.zip",
    params:
        content=content_of("region_codes", "natural_earth.shapefile (.dbf)", "natural_earth.iso3_fixes"),
        countries=config["synthetic"]["countries"],
        seed=config["synthetic"]["seed"],
    log:
        f"{RESOURCE_LOGS}synthetic_world/{{year}}.log",
    benchmark:
        f"{RESOURCE_LOGS}benchmarks/synthetic_world/{{year}}.tsv"
    threads: 1
    resources:
        mem_mb=mem_mb_for(4, source="synthetic"),
        runtime=20,
    conda:
        "../envs/bri-carbon.yaml"
    script:
        "../scripts/synthetic_world.py"


# Real data: the file in {local_data}/{source}/ is used when present; otherwise the script
# downloads it as the datasets table says. The local file is not a rule input: the param
# `content` (the sha256 of the content the copy in resources/raw/ must hold, or "download")
# reruns the job exactly when the local file's content differs from the copy, whatever its
# modification time, and a local file that is gone (or a local_data that is unmounted)
# keeps the copy without a rerun (bri_carbon.sources.local_data). Downloads happen inside
# the scripts, never as remote-storage inputs, so `snakemake -n` works offline. The
# datasets table, local_data and download settings are read by the scripts from the config,
# not passed as params: changing a timeout must not re-download gigabytes, and checksums
# guard the content.


rule retrieve_eora26:
    """An Eora26 year archive from local_data, else downloaded with an account."""
    output:
        archive="resources/raw/eora26/Eora26_{year}_bp.zip",
        record="resources/raw/eora26/Eora26_{year}_bp.zip.json",
    params:
        role="archive",
        content=bri_local_data.content_param(
            config, "eora26", "Eora26_{year}_bp.zip", logger.warning, logger.info
        ),
    log:
        "logs/retrieve_eora26/{year}.log",
    benchmark:
        "logs/benchmarks/retrieve_eora26/{year}.tsv"
    threads: 1
    resources:
        mem_mb=500,
        runtime=240,
    conda:
        "../envs/bri-carbon.yaml"
    script:
        "../scripts/retrieve_eora26.py"


rule retrieve_eora26_indices:
    """Eora26's indices.zip (the label files) from local_data, else downloaded."""
    output:
        archive="resources/raw/eora26/indices.zip",
        record="resources/raw/eora26/indices.zip.json",
    params:
        role="indices",
        content=bri_local_data.content_param(
            config, "eora26", "indices.zip", logger.warning, logger.info
        ),
    log:
        "logs/retrieve_eora26_indices/indices.log",
    benchmark:
        "logs/benchmarks/retrieve_eora26_indices/indices.tsv"
    threads: 1
    resources:
        mem_mb=500,
        runtime=30,
    conda:
        "../envs/bri-carbon.yaml"
    script:
        "../scripts/retrieve_eora26.py"


# EXIOBASE releases share upstream file names: each release has its own folder, here and in
# {local_data}/exiobase3/{version}/ (data/datasets.yaml, releases).
rule retrieve_exiobase3:
    """An EXIOBASE 3 archive from local_data, else downloaded from Zenodo."""
    output:
        archive="resources/raw/exiobase3/{version}/IOT_{year}_{system}.zip",
        record="resources/raw/exiobase3/{version}/IOT_{year}_{system}.zip.json",
    params:
        content=bri_local_data.content_param(
            config, "exiobase3", "{version}/IOT_{year}_{system}.zip", logger.warning, logger.info
        ),
    wildcard_constraints:
        version=bri_databases.RELEASE,
        system="ixi|pxp",
    log:
        "logs/retrieve_exiobase3/{version}/{year}_{system}.log",
    benchmark:
        "logs/benchmarks/retrieve_exiobase3/{version}/{year}_{system}.tsv"
    threads: 1
    resources:
        mem_mb=500,
        runtime=240,
    conda:
        "../envs/bri-carbon.yaml"
    script:
        "../scripts/retrieve_exiobase3.py"


# GLORIA: manual download only (registration at IELab), so its files come from
# {local_data}/gloria/ and nothing is downloaded. The file names carry the release, so both
# releases' files lie side by side there and here, with no release folder (data/datasets.yaml,
# gloria). A file that is in neither local_data nor
# resources/raw/gloria/ (copied from the same folder) stops the run before any job
# (check_gloria_files in rules/common/checks.smk). The param `content` and the copy follow
# the local_data guarantees of the rules above (bri_carbon.sources.local_data).
rule retrieve_gloria:
    """A GLORIA file (a year's MRIO or satellite zip, the ReadMe), from local_data only."""
    output:
        file="resources/raw/gloria/{name}",
        record="resources/raw/gloria/{name}.json",
    params:
        content=bri_local_data.content_param(
            config, "gloria", "{name}", logger.warning, logger.info
        ),
    wildcard_constraints:
        name=r"GLORIA_(MRIOs_\d+_\d{4}\.zip|SatelliteAccounts_0\d+_\d{4}\.zip|ReadMe_0\d+\.xlsx)",
    log:
        "logs/retrieve_gloria/{name}.log",
    benchmark:
        "logs/benchmarks/retrieve_gloria/{name}.tsv"
    threads: 1
    resources:
        mem_mb=500,
        runtime=60,
    conda:
        "../envs/bri-carbon.yaml"
    script:
        "../scripts/retrieve_gloria.py"

"""Rule retrieve_gloria: one GLORIA release file, copied from {local_data}/gloria/.

GLORIA is downloaded by hand after registration; the file is checked (a readable zip, or
the ReadMe workbook) and copied with its sha256 recorded, never downloaded. A missing file
stops the job with the message that names the release's files and where to get them.
"""

import dataclasses
from pathlib import Path

from bri_carbon.runtime import logs
from bri_carbon.runtime.config_check import dataset_entry
from bri_carbon.runtime.errors import WorkflowInputError
from bri_carbon.sources import datasets, gloria, local_data, retrieve


def main(smk) -> None:
    config = smk.config
    name = smk.wildcards.name
    if local_data.find(config["local_data"], "gloria", name) is None:
        raise WorkflowInputError(
            gloria.missing_files_message(config["gloria"]["version"], config["local_data"], [name])
        )
    # The release's entry (gloria_059 or gloria_060); its files live in {local_data}/gloria/.
    entry = datasets.read_dataset(Path(config["datasets"]), dataset_entry("gloria", config))
    dataset = dataclasses.replace(entry, source="gloria")
    remote = next(
        (
            dataset.file(role, year)
            for role in dataset.files
            for year in range(dataset.first_year, dataset.last_year + 1)
            if dataset.file(role, year).name == name
        ),
        None,
    )
    if remote is None:
        raise WorkflowInputError(
            f"{name} is not a file of {dataset.title} (config key gloria.version "
            f"{config['gloria']['version']}, years {dataset.first_year}-{dataset.last_year})."
        )
    record = retrieve.retrieve(
        dataset, remote, Path(smk.output.file), config["local_data"], retrieve.download_settings({})
    )
    retrieve.write_record(record, Path(smk.output.record))


logs.run_rule(main, snakemake)

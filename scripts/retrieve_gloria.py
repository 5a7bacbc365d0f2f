"""Rule retrieve_gloria: one GLORIA release file, copied from {local_data}/gloria/.

GLORIA is downloaded by hand after registration; the file is checked (a readable zip, or
the ReadMe workbook) and copied with its sha256 recorded, never downloaded. Its name tells
its release (GLORIA_MRIOs_60_2015.zip is release 60's), so the files of both releases lie
side by side in {local_data}/gloria/ and resources/raw/gloria/. A missing file stops the job
with the message that names the release's files and where to get them.
"""

from pathlib import Path

from bri_carbon.runtime import logs
from bri_carbon.runtime.errors import WorkflowInputError
from bri_carbon.sources import datasets, gloria_layout, local_data, retrieve


def release_file(table: Path, name: str) -> tuple[datasets.Dataset, datasets.RemoteFile]:
    """The GLORIA release (its entry of the datasets table) and file called ``name``."""
    releases = datasets.read_datasets(table)["gloria"].datasets
    for dataset in releases.values():
        for role in dataset.files:
            for year in range(dataset.first_year, dataset.last_year + 1):
                remote = dataset.file(role, year)
                if remote.name == name:
                    return dataset, remote
    raise WorkflowInputError(
        f"{name} is not a file of a GLORIA release of the datasets table {table} (releases "
        f"{', '.join(releases)}; config key gloria.version or compare.sources gloria@60)."
    )


def main(smk) -> None:
    config = smk.config
    name = smk.wildcards.name
    dataset, remote = release_file(Path(config["datasets"]), name)
    if local_data.find(config["local_data"], "gloria", name) is None:
        raise WorkflowInputError(
            gloria_layout.missing_files_message(int(dataset.version), config["local_data"], [name])
        )
    record = retrieve.retrieve(
        dataset, remote, Path(smk.output.file), config["local_data"], retrieve.download_settings({})
    )
    retrieve.write_record(record, Path(smk.output.record))


logs.run_rule(main, snakemake)

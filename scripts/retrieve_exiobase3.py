"""Rule retrieve_exiobase3: IOT_{year}_{system}.zip of one EXIOBASE 3 release, local copy
first.

The local copy in {local_data}/exiobase3/{version}/ is copied without network access;
otherwise the file is downloaded from the release's Zenodo record and its md5 (from the
datasets table or the record's listing) verified before it gets its final name.
"""

import sys
from pathlib import Path

from bri_carbon.runtime import logs
from bri_carbon.sources import datasets, retrieve


def main(smk) -> None:
    dataset = datasets.read_dataset(
        Path(smk.config["datasets"]), "exiobase3", smk.wildcards.version
    )
    year, system = int(smk.wildcards.year), smk.wildcards.system
    dataset.check_year(year)
    dataset.check_system(system)
    record = retrieve.retrieve(
        dataset,
        dataset.file("archive", year, system),
        Path(smk.output.archive),
        smk.config["local_data"],
        retrieve.download_settings(smk.config["download"], terminal=sys.stderr),
    )
    retrieve.write_record(record, Path(smk.output.record))


logs.run_rule(main, snakemake)

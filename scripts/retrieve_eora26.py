"""Rules retrieve_eora26 and retrieve_eora26_indices: an Eora26 file, local copy first.

The local copy in {local_data}/eora26/ is copied without network access; otherwise the file
is downloaded after a form login with the account from EORA_EMAIL/EORA_PASSWORD or
~/.netrc, the yearly zip with the account in its URL's query as the server wants it
(data/datasets.yaml, credentials_in_query; redacted in every log line and message).
The record (sha256, origin, URL without the query) never holds credentials.
"""

import sys
from pathlib import Path

from bri_carbon.runtime import logs
from bri_carbon.sources import datasets, retrieve


def main(smk) -> None:
    dataset = datasets.read_dataset(Path(smk.config["datasets"]), "eora26")
    year = getattr(smk.wildcards, "year", None)
    if year is not None:
        dataset.check_year(int(year))
    record = retrieve.retrieve(
        dataset,
        dataset.file(smk.params.role, None if year is None else int(year)),
        Path(smk.output.archive),
        smk.config["local_data"],
        retrieve.download_settings(smk.config["download"], terminal=sys.stderr),
    )
    retrieve.write_record(record, Path(smk.output.record))


logs.run_rule(main, snakemake)

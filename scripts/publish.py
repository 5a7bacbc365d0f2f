"""Rule publish: each results folder of the run and the report, replaced whole.

Groups the build files (input ``files``) by the published folder they belong to and hands
them to bri_carbon.runtime.publish, which stages, swaps and records them.
"""

from pathlib import Path

from bri_carbon.runtime import logs, publish


def main(smk) -> None:
    build = Path(smk.output.manifest).parent
    results = build.parent
    files = [Path(path) for path in smk.input.files]
    folders = []
    for folder in smk.params.folders:
        root = build / folder
        names = sorted(path.relative_to(root).as_posix() for path in files if root in path.parents)
        folders.append(publish.Folder(root, results / folder, tuple(names)))
    publish.publish(
        folders, (Path(smk.input.report), Path(smk.params.report)), Path(smk.output.manifest)
    )


logs.run_rule(main, snakemake)

"""Rule publish: each results folder of the run and its pages (the report, the flow
explorer), replaced whole.

Groups the build files (input ``files``) by the published folder they belong to, puts each
page (input ``pages``) at the same place below the results root as below the build tree,
and hands them to bri_carbon.runtime.publish, which stages, swaps and records them.
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
    pages = [(Path(page), results / Path(page).relative_to(build)) for page in smk.input.pages]
    publish.publish(folders, pages, Path(smk.output.manifest))


logs.run_rule(main, snakemake)

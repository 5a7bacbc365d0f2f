"""Publishing (bri_carbon.runtime.publish): a results folder is replaced whole or not at all,
the pages (report, explorer) go last, and outputs that differ from what was written are made
anew."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from bri_carbon.runtime import atomic, publish


def _tree(folder: Path) -> dict[str, str]:
    """Every file below ``folder`` (hidden ones included) with its text."""
    return {
        path.relative_to(folder).as_posix(): path.read_text()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


PAGES = ("report.html", "explorer.html")


def _build(
    root: Path, version: str, years=(2014, 2015)
) -> tuple[list[publish.Folder], list[tuple[Path, Path]]]:
    """Build folders of ``years`` under root/results/.build, each with three files that say
    ``version``, and the source's two pages; returns the folders to publish and the pages
    (build path, published path)."""
    results = root / "results"
    build = publish.build_root(results)
    folders = []
    for year in years:
        folder = build / "synthetic" / str(year)
        names = ("accounts.csv", "groups/flows.csv", "fingerprint.json")
        for name in names:
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            atomic.write_text(folder / name, f"{version} {year} {name}\n")
        folders.append(publish.Folder(folder, results / "synthetic" / str(year), names))
    pages = []
    for name in PAGES:
        atomic.write_text(build / "synthetic" / name, f"{name} of {version}\n")
        pages.append((build / "synthetic" / name, results / "synthetic" / name))
    return folders, pages


def _publish(root: Path, version: str) -> dict:
    folders, pages = _build(root, version)
    results = root / "results"
    return publish.publish(folders, pages, publish.manifest_path(results, "synthetic"))


def test_exchange_swaps_two_folders_in_one_step(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    (first / "x").write_text("a")
    (second / "x").write_text("b")
    if not publish.exchange(first, second):
        pytest.skip("this file system cannot exchange paths atomically")
    assert (first / "x").read_text() == "b" and (second / "x").read_text() == "a"


def test_published_folders_are_complete_snapshots_made_of_hard_links(tmp_path):
    content = _publish(tmp_path, "old")
    results = tmp_path / "results"
    year = results / "synthetic" / "2015"
    assert _tree(year) == {
        "accounts.csv": "old 2015 accounts.csv\n",
        "fingerprint.json": "old 2015 fingerprint.json\n",
        "groups/flows.csv": "old 2015 groups/flows.csv\n",
    }
    build = publish.build_root(results) / "synthetic" / "2015" / "accounts.csv"
    assert os.path.samefile(year / "accounts.csv", build)
    for name in PAGES:
        assert (results / "synthetic" / name).read_text() == f"{name} of old\n"
    assert set(content["folders"]) == {f"{results}/synthetic/2014", f"{results}/synthetic/2015"}
    assert set(content["pages"]) == {f"{results}/synthetic/{name}" for name in PAGES}
    # Nothing but the published folders, the pages and the build tree are left.
    assert sorted(p.name for p in (results / "synthetic").iterdir()) == [
        "2014",
        "2015",
        "explorer.html",
        "report.html",
    ]


def test_publishing_again_replaces_the_whole_folder(tmp_path):
    _publish(tmp_path, "old")
    year = tmp_path / "results" / "synthetic" / "2015"
    (year / "stray.csv").write_text("left by hand")
    _publish(tmp_path, "new")
    assert _tree(year) == {
        "accounts.csv": "new 2015 accounts.csv\n",
        "fingerprint.json": "new 2015 fingerprint.json\n",
        "groups/flows.csv": "new 2015 groups/flows.csv\n",
    }


KILL_AFTER_FIRST_SWAP = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from bri_carbon.runtime import publish
    sys.path.insert(0, {tests!r})
    from unit.test_publish import _build

    exchange = publish.exchange
    swaps = []

    def exchange_then_die(first, second):
        if swaps:
            os.kill(os.getpid(), signal.SIGKILL)
        swaps.append(second)
        return exchange(first, second)

    publish.exchange = exchange_then_die
    root = Path({root!r})
    folders, pages = _build(root, "new")
    results = root / "results"
    publish.publish(folders, pages, publish.manifest_path(results, "synthetic"))
    """
)


def test_a_publish_killed_between_two_swaps_leaves_whole_folders_and_no_stale_page(tmp_path):
    """SIGKILL after the first folder's swap, before the second's: each folder is complete
    (the first new, the second old), the old report and explorer, which describe the old
    first folder, are gone, and the next publish completes it all and leaves no staged
    folder behind."""
    _publish(tmp_path, "old")
    results = tmp_path / "results"
    if not publish.exchange(results / "synthetic" / "2014", results / "synthetic" / "2014"):
        pytest.skip("this file system cannot exchange paths atomically")
    script = KILL_AFTER_FIRST_SWAP.format(
        tests=str(Path(__file__).resolve().parents[1]), root=str(tmp_path)
    )
    killed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert killed.returncode == -signal.SIGKILL, killed.stderr

    first, second = (_tree(results / "synthetic" / str(year)) for year in (2014, 2015))
    assert set(first.values()) == {f"new 2014 {n}\n" for n in first}
    assert set(second.values()) == {f"old 2015 {n}\n" for n in second}
    assert not any((results / "synthetic" / name).exists() for name in PAGES)
    left = [p.name for p in (results / "synthetic").iterdir() if p.name.startswith(".")]
    assert left  # the staged folder of 2015, whose writer is gone

    _publish(tmp_path, "new")
    assert sorted(p.name for p in (results / "synthetic").iterdir()) == [
        "2014",
        "2015",
        "explorer.html",
        "report.html",
    ]
    for name in PAGES:
        assert (results / "synthetic" / name).read_text() == f"{name} of new\n"
    assert set(_tree(results / "synthetic" / "2015").values()) == {
        f"new 2015 {n}\n" for n in ("accounts.csv", "groups/flows.csv", "fingerprint.json")
    }


def test_outputs_edited_replaced_or_deleted_are_found_and_made_anew(tmp_path):
    _publish(tmp_path, "old")
    results = tmp_path / "results"
    manifest = publish.manifest_path(results, "synthetic")
    year = results / "synthetic" / "2015"
    build = publish.build_root(results) / "synthetic" / "2015"
    assert publish.changed_outputs(manifest) == []

    with open(year / "accounts.csv", "a") as handle:  # in place: reaches the build file
        handle.write("edited\n")
    replaced = year / "groups" / "flows.csv"  # a new file under the name (sed -i, an editor)
    replaced.unlink()
    replaced.write_text("old 2015 groups/flows.csv, edited\n")
    (results / "synthetic" / "2014" / "fingerprint.json").unlink()
    (results / "synthetic" / "explorer.html").unlink()  # a page is checked like a folder's file

    changes = {change.published: change for change in publish.changed_outputs(manifest)}
    assert set(changes) == {
        year / "accounts.csv",
        year / "groups" / "flows.csv",
        results / "synthetic" / "2014" / "fingerprint.json",
        results / "synthetic" / "explorer.html",
    }
    assert changes[year / "accounts.csv"].build_changed
    assert not changes[results / "synthetic" / "explorer.html"].build_changed
    assert not changes[year / "groups" / "flows.csv"].build_changed

    notes = publish.regenerate_changed(manifest, dry_run=True)
    assert len(notes) == 4 and manifest.exists() and (build / "accounts.csv").exists()
    notes = publish.regenerate_changed(manifest)
    assert any("accounts.csv" in note and "runs again" in note for note in notes)
    assert not (build / "accounts.csv").exists()  # its rule writes it anew
    assert (build / "groups" / "flows.csv").exists()  # intact: published again
    assert not manifest.exists()  # so that rule publish runs again


def test_the_same_content_under_a_new_file_state_is_no_change(tmp_path):
    """A file touched, or copied back with its content unchanged, is not made anew."""
    _publish(tmp_path, "old")
    results = tmp_path / "results"
    accounts = results / "synthetic" / "2015" / "accounts.csv"
    os.utime(accounts, (1, 1))
    assert publish.changed_outputs(publish.manifest_path(results, "synthetic")) == []
    manifest = json.loads(publish.manifest_path(results, "synthetic").read_text())
    assert all(page["sha256"] for page in manifest["pages"].values())

"""local_data through Snakemake: refused inside the workflow's folders before any job,
never changed, decided by content (not modification time), kept when it vanishes, and every
unusable local file named in one paragraph without a traceback (the functions:
tests/sources/test_local_data.py)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from ..support.fixtures import eora26_world, write_eora26
from ..support.permissions import can_enforce, enforce_in_child
from ..support.workflow import copy_workflow, snakemake

YEAR = 2015
NAME = f"Eora26_{YEAR}_bp.zip"


def snapshot(folder: Path) -> dict[str, tuple]:
    """Every entry under ``folder``: sha256 (files), link target (links), mode and mtime."""
    entries = {}
    for path in sorted(folder.rglob("*")):
        info = os.lstat(path)
        if path.is_symlink():
            content = os.readlink(path)
        elif path.is_file():
            with open(path, "rb") as handle:  # readable for root even at mode 000
                content = hashlib.sha256(handle.read()).hexdigest()
        else:
            content = None
        entries[str(path.relative_to(folder))] = (content, info.st_mode, info.st_mtime_ns)
    return entries


def config_args(local: Path | str, year: int = YEAR) -> tuple[str, ...]:
    return ("--config", "source=eora26", f"years=[{year}]", f"local_data={local}")


@pytest.fixture(scope="module")
def upstream_files(tmp_path_factory) -> Path:
    """A valid Eora26 archive with indices.zip, as Eora ships them (written once)."""
    folder = tmp_path_factory.mktemp("upstream")
    write_eora26(folder, YEAR, labels_inside=False)
    return folder


@pytest.mark.parametrize("form", ["relative", "absolute"])
def test_local_data_inside_the_workflow_is_refused_before_any_job(tmp_path, upstream_files, form):
    """The user's zip in resources/raw/ (the outputs' folder) is neither deleted nor read
    as an output: the run stops before any job, naming the key, the path and the fix."""
    workdir = copy_workflow(tmp_path / "work")
    raw = workdir / "resources" / "raw"
    shutil.copytree(upstream_files, raw / "eora26")
    before = snapshot(raw)
    value = "resources/raw" if form == "relative" else str(raw)

    refused = snakemake(
        workdir, "--cores", "1", *config_args(value), check=False, env={"HOME": str(tmp_path)}
    )

    output = refused.stdout + refused.stderr
    assert refused.returncode != 0
    assert f"config key local_data names '{value}'" in output
    assert "inside the workflow's own folder resources/" in output
    assert "set local_data to it" in output
    assert "Traceback" not in output and "Cyclic" not in output
    assert not (workdir / "logs").exists()
    assert snapshot(raw) == before


# ------------------------------------------------------------------ unusable local files


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _duplicate(path: Path) -> None:
    with pytest.warns(UserWarning, match="Duplicate name"), zipfile.ZipFile(path, "a") as zf:
        zf.writestr(f"Eora26_{YEAR}_bp_T.txt", "1\t2\n")


def _dangling(path: Path) -> None:
    path.unlink()
    path.symlink_to(path.parent / "moved_away.zip")


def _loop(path: Path) -> None:
    path.unlink()
    other = path.with_name(f"loop_{path.name}")
    other.symlink_to(path)
    path.symlink_to(other)


#: One year per case: how its local archive is spoiled and what its message says.
SPOILED = {
    1990: ("0 bytes", lambda p: p.write_bytes(b""), "is empty (0 bytes)"),
    1991: ("no files", lambda p: zipfile.ZipFile(p, "w").close(), "without any file in it"),
    1992: ("truncated", _truncate, "is not a readable zip archive"),
    1993: ("not a zip", lambda p: p.write_bytes(b"MZ" * 500), "or not a zip"),
    1994: ("a web page", lambda p: p.write_text("<html>log in</html>"), "web page (HTML)"),
    1995: ("two members of one name", _duplicate, "two or more members under the same name"),
    1996: ("a dangling link", _dangling, "which does not exist (a dangling link"),
    1997: ("a link loop", _loop, "is a symbolic link loop"),
    1998: ("mode 000", lambda p: p.chmod(0), "cannot be read: permission denied (mode 000"),
}
#: A year without any local file: it is downloaded, which needs an account.
MISSING = 1999


def test_each_unusable_local_file_is_named_with_the_fix(tmp_path, upstream_files):
    """One run, --keep-going, one year per problem: each job's log ends in one paragraph
    naming the local file and the fix; the account message appears only for the year
    without a local file, after the fix for the missing file; no traceback in the
    terminal; local_data exactly as before."""
    enforce = enforce_in_child()
    spoiled = dict(SPOILED)
    if enforce is not None and not can_enforce():
        del spoiled[1998]  # root without CAP_SETPCAP: mode 000 cannot be enforced here
    local = tmp_path / "mrio"
    folder = local / "eora26"
    folder.mkdir(parents=True)
    shutil.copy(upstream_files / "indices.zip", folder)
    for year, (_, spoil, _) in spoiled.items():
        path = folder / f"Eora26_{year}_bp.zip"
        shutil.copy(upstream_files / NAME, path)
        spoil(path)
    before = snapshot(local)
    workdir = copy_workflow(tmp_path / "work")
    targets = [f"resources/raw/eora26/Eora26_{year}_bp.zip" for year in [*spoiled, MISSING]]
    years = ",".join(str(year) for year in [*spoiled, MISSING])

    failed = snakemake(
        workdir,
        *targets,
        "--cores",
        "2",
        "--keep-going",
        "--config",
        "source=eora26",
        f"years=[{years}]",
        f"local_data={local}",
        check=False,
        env={"HOME": str(tmp_path), "EORA_EMAIL": "", "EORA_PASSWORD": ""},
        preexec_fn=enforce,
    )

    output = failed.stdout + failed.stderr
    assert failed.returncode != 0
    assert "Traceback" not in output
    for year, (case, _, expected) in spoiled.items():
        path = folder / f"Eora26_{year}_bp.zip"
        last = (workdir / f"logs/retrieve_eora26/{year}.log").read_text().splitlines()[-1]
        assert f"failed: {path} (config key local_data)" in last, case
        assert expected in last, case
        assert "account" not in last, case
        assert not (workdir / f"resources/raw/eora26/Eora26_{year}_bp.zip").exists()
    missing = (workdir / f"logs/retrieve_eora26/{MISSING}.log").read_text().splitlines()[-1]
    fix = f"put it exactly under this name into the folder {folder}"
    assert fix in missing and "downloading eora26 needs an account" in missing
    assert missing.index(fix) < missing.index("needs an account")
    assert output.count("needs an account") == 1
    assert snapshot(local) == before


# ------------------------------------------------------------------ the cached copy


def test_local_data_is_read_only_decided_by_content_and_kept_when_gone(tmp_path, upstream_files):
    """A run from local_data changes nothing there; a local file that is gone, or the
    whole folder, keeps the copy (no rerun, a warning); a file replaced by another with an
    older modification time is picked up and changes the results."""
    local = tmp_path / "mrio"
    shutil.copytree(upstream_files, local / "eora26")
    archive = local / "eora26" / NAME
    workdir = copy_workflow(tmp_path / "work")
    target = f"resources/harmonized/eora26/{YEAR}.nc"
    run = (target, "--cores", "2", *config_args(local))
    before = snapshot(local)
    snakemake(workdir, *run)
    assert snapshot(local) == before
    cache = workdir / "resources" / "raw" / "eora26" / NAME
    first = (workdir / target).read_bytes()

    archive.rename(tmp_path / NAME)  # the file is gone
    gone = snakemake(workdir, *run)
    output = gone.stdout + gone.stderr
    assert "Nothing to be done" in output
    assert f"{archive} is gone from local_data; the copy made of it before" in output
    assert cache.read_bytes() == (tmp_path / NAME).read_bytes()

    (local).rename(tmp_path / "unmounted")  # the whole folder is gone
    unmounted = snakemake(workdir, *run)
    output = unmounted.stdout + unmounted.stderr
    assert "Nothing to be done" in output
    assert f"config key local_data names '{local}', which is not a folder" in output
    assert cache.is_file()
    (tmp_path / "unmounted").rename(local)

    # Another file of an older modification time, as cp -p, rsync -a or wget leave it.
    other = tmp_path / "other"
    write_eora26(other, YEAR, labels_inside=False, world=eora26_world(YEAR, seed=99))
    older = (tmp_path / NAME).stat().st_mtime_ns - 10**12
    os.utime(other / NAME, ns=(older, older))
    os.replace(other / NAME, archive)
    before = snapshot(local)
    replaced = snakemake(workdir, *run)
    output = replaced.stdout + replaced.stderr
    assert "done: retrieve_eora26" in output  # rerun for the new content
    assert (workdir / target).read_bytes() != first
    record = json.loads((workdir / f"resources/raw/eora26/{NAME}.json").read_text())
    assert record["sha256"] == hashlib.sha256(archive.read_bytes()).hexdigest()
    assert snapshot(local) == before
    again = snakemake(workdir, *run)
    assert "Nothing to be done" in again.stdout + again.stderr


def test_local_data_mistakes_are_named_before_any_job_and_never_block(tmp_path, upstream_files):
    """The Eora26 folder itself given as local_data (the message, once, names the folder to
    give), ~ for the home folder (expanded), and a named pipe under the archive's name (a
    dry run used to wait forever for a writer)."""
    local = tmp_path / "mrio"
    shutil.copytree(upstream_files, local / "eora26")
    workdir = copy_workflow(tmp_path / "work")
    home = {"HOME": str(tmp_path)}

    deep = snakemake(workdir, "-n", *config_args(local / "eora26"), check=False, env=home)
    output = deep.stdout + deep.stderr
    assert deep.returncode == 1 and "Traceback" not in output
    assert f"set local_data to {local} (the folder that holds eora26/)" in output
    assert output.count(f"holds {NAME} itself") == 1

    tilde = snakemake(workdir, "-n", *config_args("~/mrio"), env=home)
    assert "rule retrieve_eora26:" in tilde.stdout

    piped = tmp_path / "piped"
    (piped / "eora26").mkdir(parents=True)
    shutil.copy(upstream_files / "indices.zip", piped / "eora26")
    os.mkfifo(piped / "eora26" / NAME)
    executable = Path(sys.executable).with_name("snakemake")
    for arguments in (("-n",), ("--cores", "1")):
        refused = subprocess.run(
            [str(executable), *arguments, *config_args(piped)],
            cwd=workdir,
            capture_output=True,
            text=True,
            timeout=120,
            env=dict(os.environ, **home),
        )
        output = refused.stdout + refused.stderr
        assert refused.returncode == 1, output[-2000:]
        assert f"{piped / 'eora26' / NAME} (config key local_data) is a named pipe (FIFO)" in output
        assert "Traceback" not in output and "steps" not in output


def test_a_copy_from_another_local_data_folder_is_not_used(tmp_path, upstream_files):
    """local_data now names a folder that has indices.zip but not the year's archive: the
    copy made from the old folder is neither used nor mixed with the new folder's files; the
    run says where the copy came from and, without an account, where to put the file."""
    old, new = tmp_path / "old_mrio", tmp_path / "new_mrio"
    shutil.copytree(upstream_files, old / "eora26")
    (new / "eora26").mkdir(parents=True)
    shutil.copy(upstream_files / "indices.zip", new / "eora26")
    workdir = copy_workflow(tmp_path / "work")
    target = f"resources/harmonized/eora26/{YEAR}.nc"
    snakemake(workdir, target, "--cores", "2", *config_args(old))
    env = {"HOME": str(tmp_path), "EORA_EMAIL": "", "EORA_PASSWORD": ""}
    moved = snakemake(workdir, target, "--cores", "2", *config_args(new), check=False, env=env)
    output = moved.stdout + moved.stderr
    assert moved.returncode != 0
    assert f"{new / 'eora26' / NAME} is not in local_data; the copy" in output
    assert f"came from {old / 'eora26' / NAME}, another local_data folder" in output
    log = (workdir / f"logs/retrieve_eora26/{YEAR}.log").read_text().splitlines()[-1]
    assert f"put it exactly under this name into the folder {new / 'eora26'}" in log
    assert not (workdir / f"resources/raw/eora26/{NAME}").exists()

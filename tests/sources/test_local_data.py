"""Files in local_data: where the folder may be, every way a local file can be unusable
(each named with its path and the fix, never mistaken for a missing file), the content
(not the time) that decides whether the cached copy is replaced, and a local file that is
gone keeping its copy. Nothing under local_data is ever changed."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import signal
import socket
import zipfile
from pathlib import Path

import pytest

from bri_carbon.runtime.errors import WorkflowInputError
from bri_carbon.sources import datasets, download, local_data, retrieve
from bri_carbon.sources.local_data import LocalFileError

from ..support.fixtures import write_eora26
from ..support.permissions import permissions_enforced
from ..support.workflow import REPO

YEAR = 2015
NAME = f"Eora26_{YEAR}_bp.zip"
FAST = download.DownloadSettings(retries=0, timeout=5, backoff=0.01)


@pytest.fixture(scope="module")
def eora() -> datasets.Dataset:
    return datasets.read_dataset(REPO / "data" / "datasets.yaml", "eora26")


@pytest.fixture(scope="module")
def upstream_files(tmp_path_factory) -> Path:
    """A valid Eora26 archive and indices.zip, written once."""
    folder = tmp_path_factory.mktemp("upstream")
    write_eora26(folder, YEAR, labels_inside=False)
    return folder


@pytest.fixture
def local(tmp_path, upstream_files) -> Path:
    """A local_data folder with a valid Eora26 archive and indices.zip."""
    folder = tmp_path / "mrio"
    shutil.copytree(upstream_files, folder / "eora26")
    return folder


def snapshot(folder: Path) -> dict[str, tuple]:
    """Every entry under ``folder``: sha256 (files), link target (links), mode and mtime."""
    entries = {}
    for path in sorted(folder.rglob("*")):
        info = os.lstat(path)
        if path.is_symlink():
            content = os.readlink(path)
        elif path.is_file() and info.st_mode & 0o444:
            content = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            content = None
        entries[str(path.relative_to(folder))] = (content, info.st_mode, info.st_mtime_ns)
    return entries


def _retrieve(eora, local: Path | None, target: Path, name: str = NAME, role: str = "archive"):
    return retrieve.retrieve(
        eora,
        eora.file(role, YEAR if role == "archive" else None),
        target,
        str(local) if local else None,
        FAST,
        environ={},
        netrc_path=target.parent / "no.netrc",
    )


# ------------------------------------------------------------------- where local_data may be


@pytest.mark.parametrize("folder", ["resources", "results", "logs", ".snakemake"])
@pytest.mark.parametrize("form", ["absolute", "relative", "through a link"])
def test_local_data_inside_a_generated_folder_is_refused(tmp_path, folder, form):
    workdir = tmp_path / "work"
    inside = workdir / folder / "raw"
    (inside / "eora26").mkdir(parents=True)
    (tmp_path / "alias").symlink_to(inside)
    value = {
        "absolute": str(inside),
        "relative": f"{folder}/raw",
        "through a link": str(tmp_path / "alias"),
    }[form]
    with pytest.raises(WorkflowInputError) as refused:
        local_data.check_local_data(value, workdir)
    message = str(refused.value)
    assert message.startswith(f"config key local_data names {value!r}")
    assert f"inside the workflow's own folder {folder}/" in message
    assert "set local_data to it" in message and "\n" not in message


def test_a_folder_beside_the_generated_ones_is_fine(tmp_path):
    workdir = tmp_path / "work"
    (workdir / "mrio").mkdir(parents=True)
    (workdir / "resources_old").mkdir()
    assert local_data.check_local_data("mrio", workdir) is None
    assert local_data.check_local_data(str(workdir / "resources_old"), workdir) is None
    assert local_data.check_local_data(None, workdir) is None


def test_a_mistyped_local_data_is_refused(tmp_path):
    with pytest.raises(WorkflowInputError, match=r"which is not a folder\. Create it"):
        local_data.check_local_data(str(tmp_path / "no" / "such"), tmp_path)


def test_a_local_data_gone_after_a_run_keeps_its_copies_and_says_so(tmp_path, local, eora):
    workdir = tmp_path / "work"
    workdir.mkdir()
    cache = workdir / "resources" / "raw" / "eora26" / NAME
    record = _retrieve(eora, local, cache)
    retrieve.write_record(record, local_data.record_path(cache))
    for entry in sorted(local.rglob("*"), reverse=True):
        entry.rmdir() if entry.is_dir() else entry.unlink()
    local.rmdir()  # removed, or a mount point that is not mounted

    warning = local_data.check_local_data(str(local), workdir)

    assert warning is not None and "which is not a folder (removed or not mounted?)" in warning
    assert "resources/raw/eora26/Eora26_2015_bp.zip" in warning
    assert cache.is_file()


# ------------------------------------------------------------------ every unusable local file


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _duplicate(path: Path) -> None:
    with pytest.warns(UserWarning, match="Duplicate name"), zipfile.ZipFile(path, "a") as zf:
        zf.writestr("Eora26_2015_bp_T.txt", "1\t2\n")


def _dangling(path: Path) -> None:
    path.unlink()
    path.symlink_to(path.parent / "moved_away.zip")


def _loop(path: Path) -> None:
    path.unlink()
    other = path.with_name("other.zip")
    other.symlink_to(path)
    path.symlink_to(other)


#: How a local file is spoiled, and what the message must say about it.
BROKEN = {
    "0 bytes": (lambda p: p.write_bytes(b""), "is empty (0 bytes)"),
    "a zip without files": (
        lambda p: zipfile.ZipFile(p, "w").close(),
        "is a zip archive without any file in it",
    ),
    "truncated": (_truncate, "is not a readable zip archive"),
    "not a zip": (lambda p: p.write_bytes(b"PK\x03\x04 not really" * 50), "not a zip"),
    "a web page": (lambda p: p.write_text("<html>Please log in</html>"), "web page (HTML)"),
    "two members of one name": (_duplicate, "same name (['Eora26_2015_bp_T.txt'])"),
    "a dangling link": (_dangling, "which does not exist (a dangling link"),
    "a link loop": (_loop, "is a symbolic link loop"),
    "a folder": (lambda p: (p.unlink(), p.mkdir()), "is a folder, not a file"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_an_unusable_local_file_is_named_with_the_fix(tmp_path, local, eora, case):
    """Never mistaken for a missing file: no download, no account message; local_data is
    left exactly as it was."""
    spoil, expected = BROKEN[case]
    path = local / "eora26" / NAME
    spoil(path)
    before = snapshot(local)
    target = tmp_path / "raw" / NAME

    with pytest.raises(LocalFileError) as refused:
        _retrieve(eora, local, target)

    message = str(refused.value)
    assert message.startswith(f"{path} (config key local_data)")
    assert expected in message and "\n" not in message
    assert "needs an account" not in message and "Downloading it" not in message
    assert not target.exists()
    assert snapshot(local) == before


def test_an_unreadable_local_file_is_named_with_the_fix(tmp_path, local, eora):
    path = local / "eora26" / NAME
    path.chmod(0)
    before = snapshot(local)
    with permissions_enforced(), pytest.raises(LocalFileError) as refused:
        _retrieve(eora, local, tmp_path / "raw" / NAME)
    message = str(refused.value)
    assert message.startswith(f"{path} (config key local_data) cannot be read: permission denied")
    assert "(mode 000" in message and f"chmod u+r {path}" in message
    assert snapshot(local) == before


@pytest.mark.parametrize("level", ["local_data/eora26", "local_data"])
def test_an_unreadable_local_folder_is_named_with_the_fix(tmp_path, local, eora, level):
    folder = local / "eora26" if level == "local_data/eora26" else local
    folder.chmod(0)
    try:
        with permissions_enforced(), pytest.raises(LocalFileError) as refused:
            _retrieve(eora, local, tmp_path / "raw" / NAME)
    finally:
        folder.chmod(0o755)
    message = str(refused.value)
    assert message.startswith(f"the folder {folder} (config key local_data) cannot be searched")
    assert f"chmod u+rx {folder}" in message


def test_a_local_file_with_another_checksum_is_named(tmp_path, local, eora):
    path = local / "eora26" / NAME
    remote = eora.file("archive", YEAR)
    wrong = datasets.RemoteFile(remote.role, remote.name, remote.url, sha256="0" * 64)
    with pytest.raises(LocalFileError) as refused:
        retrieve.retrieve(eora, wrong, tmp_path / "raw" / NAME, str(local), FAST, environ={})
    assert str(refused.value).startswith(f"{path} (config key local_data): its sha256 is ")
    assert "the published value is 000" in str(refused.value)


def test_the_account_message_comes_only_without_a_local_file_and_after_its_fix(tmp_path, eora):
    (tmp_path / "mrio" / "eora26").mkdir(parents=True)
    with pytest.raises(download.CredentialsError) as failed:
        _retrieve(eora, tmp_path / "mrio", tmp_path / "raw" / NAME)
    message = str(failed.value)
    folder = tmp_path / "mrio" / "eora26"
    assert message.startswith(f"{NAME} (Eora26 ") and "is not in local_data: put it" in message
    assert message.index(str(folder)) < message.index("downloading eora26 needs an account")
    assert "\n" not in message


def test_a_good_local_file_is_copied_and_local_data_is_left_untouched(tmp_path, local, eora):
    before = snapshot(local)
    target = tmp_path / "raw" / NAME
    record = _retrieve(eora, local, target)
    assert target.read_bytes() == (local / "eora26" / NAME).read_bytes()
    assert os.stat(target).st_ino != os.stat(local / "eora26" / NAME).st_ino  # not a link
    assert record["origin"] == "local_data"
    assert record["location"] == str(local / "eora26" / NAME)
    assert record["sha256"] == hashlib.sha256(target.read_bytes()).hexdigest()
    os.utime(target)  # as Snakemake touches every output after its job
    assert snapshot(local) == before
    assert [p.name for p in target.parent.iterdir() if ".part" in p.name] == []


# ------------------------------------------------------------------ the cached copy


def _cached(tmp_path: Path, local: Path, eora) -> Path:
    cache = tmp_path / "resources" / "raw" / "eora26" / NAME
    retrieve.write_record(_retrieve(eora, local, cache), local_data.record_path(cache))
    return cache


def _decide(local: Path | None, cache: Path) -> local_data.CacheDecision:
    return local_data.cache_decision(str(local) if local else None, "eora26", NAME, cache)


def test_nothing_local_nothing_cached_means_a_download(tmp_path):
    cache = tmp_path / "raw" / NAME
    assert _decide(None, cache) == local_data.CacheDecision(local_data.DOWNLOAD)
    assert _decide(tmp_path, cache) == local_data.CacheDecision(local_data.DOWNLOAD)


def test_the_same_content_keeps_the_copy_whatever_the_times(tmp_path, local, eora):
    cache = _cached(tmp_path, local, eora)
    sha256 = json.loads(local_data.record_path(cache).read_text())["sha256"]
    assert _decide(local, cache).token == f"sha256:{sha256}"
    os.utime(local / "eora26" / NAME, (1, 1))  # touched, or copied again with cp -p
    assert _decide(local, cache) == local_data.CacheDecision(f"sha256:{sha256}")


def test_other_content_with_an_older_time_replaces_the_copy(tmp_path, local, eora):
    cache = _cached(tmp_path, local, eora)
    path = local / "eora26" / NAME
    first = _decide(local, cache).token
    old = path.stat().st_mtime_ns - 10**12
    _duplicate(path)  # any other content; here with a member added
    os.utime(path, ns=(old, old))  # as cp -p, rsync -a or wget keep an older time
    second = _decide(local, cache)
    assert second.token != first and second.token.startswith("sha256:")
    assert second.warning is None


def test_a_local_file_that_is_gone_keeps_the_copy_and_says_so(tmp_path, local, eora):
    cache = _cached(tmp_path, local, eora)
    first = _decide(local, cache).token
    (local / "eora26" / NAME).unlink()
    decision = _decide(local, cache)
    assert decision.token == first
    assert decision.warning.startswith(f"{local / 'eora26' / NAME} is gone from local_data")
    assert str(cache) in decision.warning and "is kept and used" in decision.warning
    local.rename(tmp_path / "elsewhere")  # the folder unmounted
    assert _decide(local, cache).token == first


def test_a_copy_is_not_reused_for_another_local_data_folder(tmp_path, local, eora):
    """local_data now names a folder without the year's archive: the copy made from the
    old folder is not used silently (nor mixed with the new folder's files); the warning
    names the folder it came from and where to put the file."""
    cache = _cached(tmp_path, local, eora)
    other = tmp_path / "new_mrio"
    (other / "eora26").mkdir(parents=True)
    shutil.copy2(local / "eora26" / "indices.zip", other / "eora26" / "indices.zip")
    decision = _decide(other, cache)
    assert decision.token == local_data.DOWNLOAD
    assert decision.warning.startswith(f"{other / 'eora26' / NAME} is not in local_data")
    assert f"came from {local / 'eora26' / NAME}, another local_data folder" in decision.warning


@pytest.mark.parametrize("case", ["a dangling link", "a link loop"])
def test_a_link_that_leads_nowhere_keeps_the_copy(tmp_path, local, eora, case):
    """A link into a file system that is not mounted: the copy stays, with a warning."""
    cache = _cached(tmp_path, local, eora)
    first = _decide(local, cache).token
    BROKEN[case][0](local / "eora26" / NAME)
    decision = _decide(local, cache)
    assert decision.token == first and "cannot be read" in decision.warning


def test_an_unreadable_local_file_keeps_the_copy(tmp_path, local, eora):
    cache = _cached(tmp_path, local, eora)
    first = _decide(local, cache).token
    path = local / "eora26" / NAME
    os.utime(path, (2, 2))  # changed since it was hashed: it must be read again
    path.chmod(0)
    with permissions_enforced():
        decision = _decide(local, cache)
        nothing_cached = _decide(local, tmp_path / "nothing" / NAME)
    assert decision.token == first and "Permission denied" in decision.warning
    assert nothing_cached.token == local_data.UNAVAILABLE


def test_the_sha256_of_a_local_file_is_computed_once_per_change(tmp_path, local, monkeypatch):
    path = local / "eora26" / NAME
    memo = tmp_path / "memo.json"
    calls = []
    real = local_data.file_digests
    monkeypatch.setattr(local_data, "file_digests", lambda p: calls.append(p) or real(p))
    first = local_data.local_sha256(path, memo)
    assert local_data.local_sha256(path, memo) == first and len(calls) == 1
    os.utime(path, (3, 3))
    assert local_data.local_sha256(path, memo) == first and len(calls) == 2


def test_archive_lacks_judges_the_file_that_will_be_installed(tmp_path, local):
    labels = ("labels_T.txt",)
    cache = tmp_path / "raw" / NAME
    assert local_data.archive_lacks(str(local), "eora26", NAME, cache, labels)
    write_eora26(tmp_path / "inside", YEAR, labels_inside=True)
    (local / "eora26" / NAME).write_bytes((tmp_path / "inside" / NAME).read_bytes())
    assert not local_data.archive_lacks(str(local), "eora26", NAME, cache, labels)
    # A broken local file: only the archive's own job runs, and says what is wrong.
    (local / "eora26" / NAME).write_bytes(b"")
    assert not local_data.archive_lacks(str(local), "eora26", NAME, cache, labels)
    # Nothing local, nothing cached: a download, assumed to lack the labels as real ones do.
    assert local_data.archive_lacks(None, "eora26", NAME, cache, labels)


def test_an_error_about_a_copy_names_the_local_file(tmp_path, local, eora):
    cache = _cached(tmp_path, local, eora)
    with pytest.raises(WorkflowInputError) as failed, local_data.naming_origin(cache):
        raise WorkflowInputError(f"{cache} lacks ['labels_Q.txt']. Fetch it again.")
    message = str(failed.value)
    assert f"{cache} is a copy of {local / 'eora26' / NAME} (local_data)" in message
    assert "replace or repair that file" in message and "\n" not in message
    with pytest.raises(WorkflowInputError, match=r"^other$"), local_data.naming_origin(cache):
        raise WorkflowInputError("other")


# ------------------------------------------------------------------ nothing blocks, nothing twice


@contextlib.contextmanager
def within(seconds: int):
    """Fail (instead of hanging the test run) when the block takes longer."""

    def expired(signum, frame):
        raise AssertionError(f"blocked for more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("kind", ["a named pipe (FIFO)", "a folder", "a socket"])
def test_an_entry_that_is_not_a_regular_file_is_refused_at_once(tmp_path, local, kind):
    """Opening a named pipe blocks until a writer comes; the workflow never opens one (not
    while it decides what to run, not in a dry run) and refuses it before any job."""
    path = local / "eora26" / NAME
    path.unlink()
    if kind == "a named pipe (FIFO)":
        os.mkfifo(path)
    elif kind == "a folder":
        path.mkdir()
    else:
        server = socket.socket(socket.AF_UNIX)
        server.bind(str(path))
    expected = {"eora26": [NAME, "indices.zip"]}
    with within(20):
        with pytest.raises(LocalFileError) as refused:
            local_data.check_local_data(str(local), tmp_path, expected)
        cache = tmp_path / "resources" / "raw" / "eora26" / NAME
        assert local_data.archive_lacks(str(local), "eora26", NAME, cache, ("x",)) is False
        with pytest.raises(OSError):
            local_data.local_sha256(path, tmp_path / "memo.json")
    message = str(refused.value)
    assert message.startswith(f"{path} (config key local_data) is {kind}, not the file {NAME}")
    assert "\n" not in message


def test_local_data_one_level_too_deep_names_the_folder_to_give(tmp_path, local):
    """The Eora26 folder itself given as local_data: the message names its parent."""
    folder = local / "eora26"
    expected = {"eora26": [NAME, "indices.zip"]}
    with pytest.raises(WorkflowInputError) as refused:
        local_data.check_local_data(str(folder), tmp_path, expected)
    message = str(refused.value)
    assert message.startswith(f"config key local_data names {str(folder)!r}, which holds")
    assert f"set local_data to {local} (the folder that holds eora26/)" in message
    assert message.count(NAME) == 2


def test_a_folder_holding_the_files_under_another_name_says_where_to_move_them(tmp_path, local):
    other = tmp_path / "downloads"
    other.mkdir()
    shutil.copy2(local / "eora26" / NAME, other / NAME)
    with pytest.raises(WorkflowInputError, match=f"move the eora26 files into {other}/eora26/"):
        local_data.check_local_data(str(other), tmp_path, {"eora26": [NAME]})


def test_a_release_folder_given_one_level_too_deep_or_left_out_is_named(tmp_path):
    """EXIOBASE's files are looked for in {local_data}/exiobase3/{version}/: the
    exiobase3/ folder given as local_data names its parent; release files lying loose in
    local_data name the release folder to move them into."""
    name = "IOT_2023_ixi.zip"
    expected = {"exiobase3": [f"3.10.2/{name}"]}
    mrio = tmp_path / "mrio"
    (mrio / "exiobase3" / "3.10.2").mkdir(parents=True)
    (mrio / "exiobase3" / "3.10.2" / name).write_bytes(b"PK")
    with pytest.raises(WorkflowInputError) as refused:
        local_data.check_local_data(str(mrio / "exiobase3"), tmp_path, expected)
    message = str(refused.value)
    assert f"set local_data to {mrio} (the folder that holds exiobase3/)" in message
    assert f"looks for it in {mrio / 'exiobase3' / 'exiobase3' / '3.10.2' / name}" in message
    loose = tmp_path / "downloads"
    loose.mkdir()
    (loose / name).write_bytes(b"PK")
    with pytest.raises(WorkflowInputError) as refused:
        local_data.check_local_data(str(loose), tmp_path, expected)
    message = str(refused.value)
    assert f"which holds {name} itself" in message
    assert f"move the exiobase3 files into {loose / 'exiobase3' / '3.10.2'}/" in message
    assert local_data.check_local_data(str(mrio), tmp_path, expected) is None


def test_a_rerun_for_an_unchanged_local_file_neither_hashes_nor_copies(
    tmp_path, local, eora, monkeypatch
):
    """The retrieve job runs again (Snakemake reruns it after a change of the workflow's
    code, deleting its output first): the unchanged local file is not read again, and the
    copy comes back from its kept link."""
    target = tmp_path / "resources" / "raw" / "eora26" / NAME
    first = _retrieve(eora, local, target)
    first_inode = target.stat().st_ino
    target.unlink()  # as Snakemake removes a job's outputs before it runs it again
    reads: list[Path] = []
    real_digests, real_copy = local_data.file_digests, shutil.copyfileobj
    monkeypatch.setattr(local_data, "file_digests", lambda p: reads.append(p) or real_digests(p))
    monkeypatch.setattr(retrieve, "file_digests", lambda p: reads.append(p) or real_digests(p))
    monkeypatch.setattr(
        shutil, "copyfileobj", lambda *a, **k: reads.append(a[0]) or real_copy(*a, **k)
    )
    again = _retrieve(eora, local, target)
    assert reads == []
    assert again == first and target.stat().st_ino == first_inode
    assert target.read_bytes() == (local / "eora26" / NAME).read_bytes()

    with zipfile.ZipFile(local / "eora26" / NAME, "a") as archive:  # new content
        archive.writestr("README.txt", "a note")
    target.unlink()
    changed = _retrieve(eora, local, target)
    assert reads and changed["sha256"] != first["sha256"]
    assert target.read_bytes() == (local / "eora26" / NAME).read_bytes()

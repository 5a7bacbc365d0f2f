"""The HTTP client against a fake upstream server on 127.0.0.1 (no outside network)."""

from __future__ import annotations

import builtins
import dataclasses
import io
import logging
import socket
import time
import traceback
from pathlib import Path
from urllib.parse import quote, quote_plus, urlencode

import pytest
import yaml

from bri_carbon.runtime.errors import WorkflowInputError
from bri_carbon.sources import datasets, download, retrieve
from bri_carbon.sources.datasets import CredentialSpec, Dataset, LoginSpec, QueryCredentials
from bri_carbon.sources.local_data import LocalFileError

from ..support.fixtures import FakeUpstream, UpstreamServer, files_containing, md5_of, zip_payload
from ..support.workflow import REPO

PASSWORD = "s3cret-Test-Pa55word"
EMAIL = "reviewer@example.org"
FAST = download.DownloadSettings(retries=3, timeout=5, backoff=0.01, chunk_bytes=16_384)
CREDENTIAL_SPEC = CredentialSpec("EORA_EMAIL", "EORA_PASSWORD", "127.0.0.1")


@pytest.fixture
def payload() -> bytes:
    return zip_payload()


@pytest.fixture(autouse=True)
def no_prompt(monkeypatch):
    """Any attempt to prompt fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError("the downloader tried to prompt")

    monkeypatch.setattr(builtins, "input", refuse)
    monkeypatch.setattr("getpass.getpass", refuse)


def _fetch(upstream: FakeUpstream, path: str, target: Path, **kwargs):
    with download.new_session() as session:
        return download.fetch(session, upstream.url + path, target, **kwargs)


def test_download_succeeds_and_verifies_md5(tmp_path, payload, caplog):
    caplog.set_level(logging.INFO)
    with UpstreamServer(FakeUpstream(files={"/a.zip": payload})) as upstream:
        digests = _fetch(upstream, "/a.zip", tmp_path / "a.zip", md5=md5_of(payload), settings=FAST)
    assert (tmp_path / "a.zip").read_bytes() == payload
    assert digests["md5"] == md5_of(payload)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.zip"]
    assert "100%" in caplog.text and "[####################]" in caplog.text


class _Terminal(io.StringIO):
    """A stand-in for the user's terminal (``isatty`` true)."""

    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("stream", [io.StringIO, _Terminal])
def test_progress_is_shown_on_the_terminal_too(tmp_path, payload, stream):
    """In place on a terminal (carriage returns, one final line), as lines elsewhere."""
    shown = stream()
    settings = dataclasses.replace(FAST, chunk_bytes=1024, terminal=shown)
    with UpstreamServer(FakeUpstream(files={"/a.zip": payload})) as upstream:
        _fetch(upstream, "/a.zip", tmp_path / "a.zip", md5=md5_of(payload), settings=settings)
    text = shown.getvalue()
    assert text.endswith("\n") and "a.zip [####################] 100%" in text
    if stream is _Terminal:
        assert text.startswith("\r") and text.count("\n") == 1
    else:
        assert "\r" not in text
        lines = text.splitlines()
        assert 2 <= len(lines) <= 12 and all(line.startswith("a.zip [") for line in lines)


def test_resume_after_a_cut_on_the_next_call(tmp_path, payload):
    target = tmp_path / "a.zip"
    once = download.DownloadSettings(retries=0, timeout=5, backoff=0.01, chunk_bytes=16_384)
    upstream = FakeUpstream(files={"/a.zip": payload}, cut_first={"/a.zip": 1})
    with UpstreamServer(upstream):
        with pytest.raises(download.DownloadError, match="failed after 1 attempts"):
            _fetch(upstream, "/a.zip", target, md5=md5_of(payload), settings=once)
        partial = download.partial_path(target)
        kept = partial.stat().st_size
        assert 0 < kept < len(payload) and not target.exists()
        _fetch(upstream, "/a.zip", target, md5=md5_of(payload), settings=once)
    gets = upstream.requests_for("/a.zip")
    assert [r["range"] for r in gets] == [None, f"bytes={kept}-"]
    assert target.read_bytes() == payload and not partial.exists()


def test_resume_within_one_call_by_retrying(tmp_path, payload):
    upstream = FakeUpstream(files={"/a.zip": payload}, cut_first={"/a.zip": 2})
    with UpstreamServer(upstream):
        _fetch(upstream, "/a.zip", tmp_path / "a.zip", md5=md5_of(payload), settings=FAST)
    ranges = [r["range"] for r in upstream.requests_for("/a.zip")]
    assert ranges[0] is None and all(r and r.startswith("bytes=") for r in ranges[1:])
    assert len(ranges) == 3
    assert (tmp_path / "a.zip").read_bytes() == payload


def test_checksum_mismatch_leaves_nothing_behind(tmp_path, payload):
    with (
        UpstreamServer(FakeUpstream(files={"/a.zip": payload})) as upstream,
        pytest.raises(download.ChecksumError, match="md5"),
    ):
        _fetch(upstream, "/a.zip", tmp_path / "a.zip", md5="0" * 32, settings=FAST)
    assert list(tmp_path.iterdir()) == []


def test_sha256_is_verified_too(tmp_path, payload):
    with (
        UpstreamServer(FakeUpstream(files={"/a.zip": payload})) as upstream,
        pytest.raises(download.ChecksumError, match="sha256"),
    ):
        _fetch(upstream, "/a.zip", tmp_path / "a.zip", sha256="f" * 64, settings=FAST)
    assert list(tmp_path.iterdir()) == []


def test_a_page_instead_of_a_zip_is_rejected(tmp_path):
    with (
        UpstreamServer(FakeUpstream(files={"/a.zip": b"<html>please log in</html>"})) as up,
        pytest.raises(download.CredentialsError, match="did not send a zip archive but a web"),
    ):
        _fetch(up, "/a.zip", tmp_path / "a.zip", settings=FAST, expect_zip=True)
    assert list(tmp_path.iterdir()) == []


def test_other_bytes_instead_of_a_zip_are_rejected(tmp_path):
    with (
        UpstreamServer(FakeUpstream(files={"/a.zip": b"not a zip at all"})) as up,
        pytest.raises(download.ChecksumError, match="did not send a zip archive"),
    ):
        _fetch(up, "/a.zip", tmp_path / "a.zip", settings=FAST, expect_zip=True)
    assert list(tmp_path.iterdir()) == []


def test_503_then_success_is_retried(tmp_path, payload):
    upstream = FakeUpstream(files={"/a.zip": payload}, fail_first={"/a.zip": [503, 502]})
    with UpstreamServer(upstream):
        _fetch(upstream, "/a.zip", tmp_path / "a.zip", md5=md5_of(payload), settings=FAST)
    assert len(upstream.requests_for("/a.zip")) == 3
    assert (tmp_path / "a.zip").read_bytes() == payload


def test_retries_are_bounded(tmp_path, payload):
    upstream = FakeUpstream(files={"/a.zip": payload}, fail_first={"/a.zip": [503] * 10})
    with UpstreamServer(upstream), pytest.raises(download.DownloadError, match="4 attempts"):
        _fetch(upstream, "/a.zip", tmp_path / "a.zip", settings=FAST)
    assert len(upstream.requests_for("/a.zip")) == 4
    assert not (tmp_path / "a.zip").exists()


def test_timeout_then_success_is_retried(tmp_path, payload):
    upstream = FakeUpstream(files={"/a.zip": payload}, stall_first={"/a.zip": 1})
    quick = download.DownloadSettings(retries=2, timeout=0.3, backoff=0.01, chunk_bytes=16_384)
    with UpstreamServer(upstream):
        _fetch(upstream, "/a.zip", tmp_path / "a.zip", md5=md5_of(payload), settings=quick)
    assert len(upstream.requests_for("/a.zip")) == 2
    assert (tmp_path / "a.zip").read_bytes() == payload


def test_persistent_timeouts_give_a_clear_error(tmp_path, payload):
    upstream = FakeUpstream(files={"/a.zip": payload}, stall_first={"/a.zip": 10})
    quick = download.DownloadSettings(retries=1, timeout=0.3, backoff=0.01, chunk_bytes=16_384)
    with UpstreamServer(upstream), pytest.raises(download.DownloadError, match="2 attempts"):
        _fetch(upstream, "/a.zip", tmp_path / "a.zip", settings=quick)
    assert not (tmp_path / "a.zip").exists()


def test_not_found_fails_without_retry(tmp_path):
    upstream = FakeUpstream()
    with UpstreamServer(upstream), pytest.raises(download.DownloadError, match="HTTP 404"):
        _fetch(upstream, "/missing.zip", tmp_path / "a.zip", settings=FAST)
    assert len(upstream.requests_for("/missing.zip")) == 1


def _eora_like(url: str, tmp_path: Path) -> Dataset:
    return Dataset(
        source="eora26",
        title="Eora26 (fake upstream)",
        version="test",
        homepage=url,
        license="test",
        citation="",
        first_year=1990,
        last_year=2016,
        files={"archive": {"name": "Eora26_{year}_bp.zip", "url": url + "/Eora26_{year}_bp.zip"}},
        checksums={},
        credentials=CREDENTIAL_SPEC,
        login=LoginSpec(
            url=url + "/login",
            email_field="email",
            password_field="pass",
            extra_fields={"submit": "login"},
            failure_markers=("wrong password", "no account found"),
        ),
    )


@pytest.mark.parametrize("deny_status", [401, 403, 200])
def test_bad_credentials_fail_fast_without_prompt_or_leak(tmp_path, payload, caplog, deny_status):
    caplog.set_level(logging.DEBUG)
    upstream = FakeUpstream(
        files={"/Eora26_2015_bp.zip": payload},
        protected={"/Eora26_2015_bp.zip"},
        accounts={EMAIL: "the-right-one"},
        deny_status=deny_status,
    )
    slow = download.DownloadSettings(retries=5, timeout=5, backoff=30)
    env = {"EORA_EMAIL": EMAIL, "EORA_PASSWORD": PASSWORD}
    with UpstreamServer(upstream):
        dataset = _eora_like(upstream.url, tmp_path)
        started = time.monotonic()
        with pytest.raises(download.CredentialsError) as failure:
            retrieve.retrieve(
                dataset,
                dataset.file("archive", 2015),
                tmp_path / "raw" / "Eora26_2015_bp.zip",
                None,
                slow,
                environ=env,
                netrc_path=tmp_path / "no.netrc",
            )
    assert time.monotonic() - started < 5  # no retries, no backoff
    message = str(failure.value)
    assert "refused" in message and "local_data" in message
    assert PASSWORD not in message and PASSWORD not in caplog.text
    assert upstream.requests_for("/Eora26_2015_bp.zip") == []
    assert files_containing(tmp_path, PASSWORD) == []


def test_missing_login_cookie_is_a_credentials_error(tmp_path, payload):
    upstream = FakeUpstream(files={"/a.zip": payload}, protected={"/a.zip"})
    with (
        UpstreamServer(upstream),
        pytest.raises(download.CredentialsError, match="HTTP 401"),
    ):
        _fetch(upstream, "/a.zip", tmp_path / "a.zip", settings=FAST)
    assert len(upstream.requests_for("/a.zip")) == 1


def test_login_then_download_keeps_the_password_out_of_every_file(tmp_path, payload, caplog):
    caplog.set_level(logging.DEBUG)
    upstream = FakeUpstream(
        files={"/Eora26_2015_bp.zip": payload},
        protected={"/Eora26_2015_bp.zip"},
        accounts={EMAIL: PASSWORD},
    )
    env = {"EORA_EMAIL": EMAIL, "EORA_PASSWORD": PASSWORD}
    with UpstreamServer(upstream):
        dataset = _eora_like(upstream.url, tmp_path)
        record = retrieve.retrieve(
            dataset,
            dataset.file("archive", 2015),
            tmp_path / "raw" / "Eora26_2015_bp.zip",
            None,
            FAST,
            environ=env,
        )
    assert (tmp_path / "raw" / "Eora26_2015_bp.zip").read_bytes() == payload
    assert record["origin"] == "download" and record["size_bytes"] == len(payload)
    get = upstream.requests_for("/Eora26_2015_bp.zip")
    assert len(get) == 1 and not get[0]["query"]  # no credentials in the URL
    assert PASSWORD not in repr(record) and PASSWORD not in caplog.text
    assert EMAIL not in caplog.text
    assert files_containing(tmp_path, PASSWORD) == []


def test_credentials_from_env_netrc_or_a_clear_error(tmp_path):
    netrc_file = tmp_path / "netrc"
    netrc_file.write_text(f"machine 127.0.0.1 login {EMAIL} password {PASSWORD}\n")
    netrc_file.chmod(0o600)
    from_env = download.read_credentials(
        CREDENTIAL_SPEC, {"EORA_EMAIL": "a@b", "EORA_PASSWORD": "x"}, netrc_file
    )
    assert (from_env.username, from_env.password) == ("a@b", "x")
    from_netrc = download.read_credentials(CREDENTIAL_SPEC, {}, netrc_file)
    assert (from_netrc.username, from_netrc.password) == (EMAIL, PASSWORD)
    assert PASSWORD not in repr(from_netrc)
    with pytest.raises(download.CredentialsError, match="set both"):
        download.read_credentials(CREDENTIAL_SPEC, {"EORA_EMAIL": "a@b"}, netrc_file)
    with pytest.raises(download.CredentialsError, match="EORA_PASSWORD") as missing:
        download.require_credentials(CREDENTIAL_SPEC, "eora26", {}, tmp_path / "none")
    assert "~/.netrc" in str(missing.value)
    broken = tmp_path / "broken"
    broken.write_text(f"machine 127.0.0.1 login {EMAIL} password {PASSWORD} extra\n")
    with pytest.raises(download.CredentialsError) as unreadable:
        download.read_credentials(CREDENTIAL_SPEC, {}, broken)
    assert PASSWORD not in str(unreadable.value)


def _zenodo_like(url: str, md5: str | None = None) -> Dataset:
    return Dataset(
        source="exiobase3",
        title="EXIOBASE 3 (fake upstream)",
        version="3.8.2",
        homepage=url,
        license="CC BY-SA 4.0",
        citation="",
        first_year=1995,
        last_year=2022,
        files={
            "archive": {
                "name": "IOT_{year}_{system}.zip",
                "url": url + "/records/5589597/files/IOT_{year}_{system}.zip",
            }
        },
        checksums={"IOT_2015_ixi.zip": {"md5": md5}},
        systems=("ixi", "pxp"),
        checksum_listing=url + "/api/records/5589597",
    )


def _record(payload: bytes, listed_md5: str) -> dict:
    return {
        "id": 5589597,
        "files": [
            {"key": "IOT_2015_ixi.zip", "size": len(payload), "checksum": f"md5:{listed_md5}"},
            {"key": "IOT_2015_pxp.zip", "size": 1, "checksum": "md5:" + "1" * 32},
        ],
    }


def test_zenodo_md5_is_fetched_and_verified(tmp_path, payload):
    path = "/records/5589597/files/IOT_2015_ixi.zip"
    upstream = FakeUpstream(
        files={path: payload},
        records={"/api/records/5589597": _record(payload, md5_of(payload))},
    )
    with UpstreamServer(upstream):
        dataset = _zenodo_like(upstream.url)
        with download.new_session() as session:
            listing = download.checksum_listing(session, dataset.checksum_listing, FAST)
        assert listing["IOT_2015_ixi.zip"] == md5_of(payload)
        record = retrieve.retrieve(
            dataset, dataset.file("archive", 2015, "ixi"), tmp_path / "IOT_2015_ixi.zip", None, FAST
        )
    assert record["verified_checksums"] == ["md5"]
    assert record["md5"] == md5_of(payload)


def test_zenodo_md5_mismatch_rejects_the_file(tmp_path, payload):
    path = "/records/5589597/files/IOT_2015_ixi.zip"
    upstream = FakeUpstream(
        files={path: payload}, records={"/api/records/5589597": _record(payload, "2" * 32)}
    )
    with UpstreamServer(upstream), pytest.raises(download.ChecksumError):
        dataset = _zenodo_like(upstream.url)
        retrieve.retrieve(
            dataset, dataset.file("archive", 2015, "ixi"), tmp_path / "IOT_2015_ixi.zip", None, FAST
        )
    assert list(tmp_path.iterdir()) == []


def test_table_and_zenodo_disagreeing_is_an_error(tmp_path, payload):
    upstream = FakeUpstream(records={"/api/records/5589597": _record(payload, md5_of(payload))})
    with UpstreamServer(upstream), pytest.raises(download.DownloadError, match="correct the"):
        dataset = _zenodo_like(upstream.url, md5="3" * 32)
        retrieve.retrieve(
            dataset, dataset.file("archive", 2015, "ixi"), tmp_path / "IOT_2015_ixi.zip", None, FAST
        )


def test_unreachable_server_names_the_file_and_folder(tmp_path):
    with UpstreamServer(FakeUpstream()) as upstream:
        url = upstream.url
    dataset = _zenodo_like(url)
    once = download.DownloadSettings(retries=1, timeout=2, backoff=0.01)
    with pytest.raises(download.DownloadError) as failure:
        retrieve.retrieve(
            dataset,
            dataset.file("archive", 2015, "ixi"),
            tmp_path / "IOT_2015_ixi.zip",
            str(tmp_path / "mrio"),
            once,
        )
    message = str(failure.value)
    assert "IOT_2015_ixi.zip" in message and str(tmp_path / "mrio" / "exiobase3") in message
    assert "\n" not in message


def test_local_file_is_used_without_network(tmp_path, payload):
    folder = tmp_path / "mrio" / "exiobase3"
    folder.mkdir(parents=True)
    (folder / "IOT_2015_ixi.zip").write_bytes(payload)
    dataset = _zenodo_like("http://127.0.0.1:9", md5=md5_of(payload))
    target = tmp_path / "raw" / "IOT_2015_ixi.zip"
    record = retrieve.retrieve(
        dataset, dataset.file("archive", 2015, "ixi"), target, str(tmp_path / "mrio"), FAST
    )
    assert target.read_bytes() == payload
    assert record["origin"] == "local_data" and record["verified_checksums"] == ["md5"]
    bad = _zenodo_like("http://127.0.0.1:9", md5="4" * 32)
    with pytest.raises(LocalFileError, match="the published value is 4444"):
        retrieve.retrieve(
            bad, bad.file("archive", 2015, "ixi"), target, str(tmp_path / "mrio"), FAST
        )


# ------------------------------------------------- the account in the query (as Eora wants it)

#: A password with every character that a URL query must encode, and an address with "+".
HARD_PASSWORD = "p&ss#w+rd% 100=?/;'\\\"ünï€ 字"
HARD_EMAIL = "reviewer+eora@example.org"
ARCHIVE = "/Eora26_2015_bp.zip"


def secret_forms(*secrets: str) -> set[str]:
    """Each secret as it is and as a URL may carry it (percent- or form-encoded)."""
    return {
        form
        for secret in secrets
        for form in (secret, quote(secret, safe=""), quote(secret), quote_plus(secret))
    }


def assert_nowhere(secrets: tuple[str, ...], folder: Path, log_text: str, failure=None) -> None:
    """No form of any of ``secrets`` in the log, the failure's full traceback or a file."""
    traceback_text = "".join(traceback.format_exception(failure)) if failure else ""
    for form in secret_forms(*secrets):
        assert form not in log_text, f"{form!r} was logged"
        assert form not in traceback_text, f"{form!r} is in the exception: {traceback_text}"
        assert files_containing(folder, form) == [], f"{form!r} was written to a file"


def _eora_query(login_url: str, files_url: str | None = None, in_query: bool = True) -> Dataset:
    """An Eora-like entry: form login first, the archive with the account in its query
    (unless ``in_query`` is False), indices.zip without it."""
    files_url = files_url or login_url
    return Dataset(
        source="eora26",
        title="Eora26 (fake upstream)",
        version="test",
        homepage=login_url,
        license="test",
        citation="",
        first_year=1990,
        last_year=2016,
        files={
            "archive": {"name": "Eora26_{year}_bp.zip", "url": files_url + "/Eora26_{year}_bp.zip"},
            "indices": {"name": "indices.zip", "url": files_url + "/indices.zip"},
        },
        checksums={},
        credentials=CREDENTIAL_SPEC,
        login=LoginSpec(
            url=login_url + "/login",
            email_field="email",
            password_field="pass",
            extra_fields={"targetURL": "null", "submit": "login"},
            failure_markers=("wrong password", "no account found"),
        ),
        credentials_in_query={"archive": QueryCredentials("email", "pass")} if in_query else {},
    )


def _retrieve(dataset: Dataset, role: str, folder: Path, settings, email=EMAIL, password=PASSWORD):
    """Retrieve one file of ``dataset`` into ``folder`` (no local_data), write its record."""
    remote = dataset.file(role, 2015)
    target = folder / remote.name
    record = retrieve.retrieve(
        dataset,
        remote,
        target,
        None,
        settings,
        environ={"EORA_EMAIL": email, "EORA_PASSWORD": password},
        netrc_path=folder / "no.netrc",
    )
    retrieve.write_record(record, target.with_name(target.name + ".json"))
    return record


def test_query_only_server_gets_the_account_with_the_archive_only(tmp_path, payload, caplog):
    caplog.set_level(logging.DEBUG)
    upstream = FakeUpstream(
        files={ARCHIVE: payload, "/indices.zip": zip_payload(seed=2)},
        protected={ARCHIVE},
        accounts={EMAIL: PASSWORD},
        auth="query",
        cut_first={ARCHIVE: 1},
    )
    with UpstreamServer(upstream):
        dataset = _eora_query(upstream.url)
        record = _retrieve(dataset, "archive", tmp_path / "raw", FAST)
        _retrieve(dataset, "indices", tmp_path / "raw", FAST)
    assert (tmp_path / "raw" / "Eora26_2015_bp.zip").read_bytes() == payload
    archive_gets = upstream.requests_for(ARCHIVE)
    assert len(archive_gets) == 2 and archive_gets[1]["range"]  # resumed, account again
    assert all(r["query_fields"] == ["email", "pass"] and r["cookie"] for r in archive_gets)
    assert [r["query"] for r in upstream.requests_for("/indices.zip")] == [False]
    assert record["location"] == f"{upstream.url}/Eora26_2015_bp.zip"  # no query at all
    # urllib3 logs each request line at DEBUG: it is there, with the account redacted.
    assert f"{ARCHIVE}?email=***&pass=*** HTTP/1.1" in caplog.text
    assert_nowhere((PASSWORD, EMAIL), tmp_path, caplog.text)


@pytest.mark.parametrize("deny_status", [401, 200])
def test_query_only_server_refuses_the_cookie_alone(tmp_path, payload, deny_status):
    upstream = FakeUpstream(
        files={ARCHIVE: payload},
        protected={ARCHIVE},
        accounts={EMAIL: PASSWORD},
        auth="query",
        deny_status=deny_status,
    )
    slow = download.DownloadSettings(retries=5, timeout=5, backoff=30)
    with UpstreamServer(upstream), pytest.raises(download.CredentialsError) as failure:
        _retrieve(_eora_query(upstream.url, in_query=False), "archive", tmp_path / "raw", slow)
    message = str(failure.value)
    expected = "access denied" if deny_status == 401 else "web page, usually the login page"
    assert expected in message and "local_data" in message
    assert len(upstream.requests_for(ARCHIVE)) == 1  # not retried
    assert list((tmp_path / "raw").iterdir()) == []


@pytest.mark.parametrize("deny_status", [401, 403, 200])
def test_a_wrong_account_in_the_query_is_refused_at_once(tmp_path, payload, deny_status):
    upstream = FakeUpstream(
        files={ARCHIVE: payload},
        protected={ARCHIVE},
        accounts={EMAIL: "the-right-one"},
        auth="query",
        deny_status=deny_status,
    )
    with UpstreamServer(upstream), pytest.raises(download.CredentialsError) as failure:
        _fetch(
            upstream,
            ARCHIVE,
            tmp_path / "a.zip",
            settings=FAST,
            expect_zip=True,
            secret_query={"email": EMAIL, "pass": PASSWORD},
        )
    assert f"{ARCHIVE}?email=***&pass=***" in str(failure.value)
    assert len(upstream.requests_for(ARCHIVE)) == 1
    assert list(tmp_path.iterdir()) == []
    assert_nowhere((PASSWORD, EMAIL), tmp_path, "", failure.value)


def test_special_characters_in_the_account_are_url_encoded(tmp_path, payload, caplog):
    caplog.set_level(logging.DEBUG)
    upstream = FakeUpstream(
        files={ARCHIVE: payload},
        protected={ARCHIVE},
        accounts={HARD_EMAIL: HARD_PASSWORD},
        auth="query",
    )
    with UpstreamServer(upstream):
        dataset = _eora_query(upstream.url)
        _retrieve(dataset, "archive", tmp_path, FAST, HARD_EMAIL, HARD_PASSWORD)
    assert (tmp_path / "Eora26_2015_bp.zip").read_bytes() == payload
    (get,) = upstream.requests_for(ARCHIVE)
    assert get["query_fields"] == ["email", "pass"]  # '&', '#', ';' did not split the query
    assert_nowhere((HARD_PASSWORD, HARD_EMAIL), tmp_path, caplog.text)


def _leak_case(case: str, payload: bytes, closed_url: str):
    """The server, settings and expected error of one failure mode of the leak test."""
    upstream = FakeUpstream(
        files={ARCHIVE: payload},
        protected={ARCHIVE},
        accounts={EMAIL: PASSWORD},
        auth="query",
    )
    settings = download.DownloadSettings(retries=2, timeout=5, backoff=0.01)
    files_url, expected = None, download.DownloadError
    if case == "success":
        expected = None
    elif case == "wrong password at login":
        upstream.accounts = {EMAIL: "another"}
        upstream.deny_status = 200
        expected = download.CredentialsError
    elif case == "401 on the file":
        upstream.query_accounts = {EMAIL: "another"}
        expected = download.CredentialsError
    elif case == "login page for the file":
        upstream.query_accounts, upstream.deny_status = {EMAIL: "another"}, 200
        expected = download.CredentialsError
    elif case == "5xx retries exhausted":
        upstream.fail_first = {ARCHIVE: [503] * 10}
    elif case == "connection refused":
        files_url = closed_url
    elif case == "timeouts":
        upstream.stall_first, upstream.stall_seconds = {ARCHIVE: 10}, 0.6
        settings = download.DownloadSettings(retries=1, timeout=0.2, backoff=0.01)
    return upstream, settings, files_url, expected


LEAK_CASES = [
    "success",
    "wrong password at login",
    "401 on the file",
    "login page for the file",
    "5xx retries exhausted",
    "connection refused",
    "timeouts",
]


@pytest.mark.parametrize("case", LEAK_CASES)
def test_the_account_leaks_nowhere(tmp_path, payload, caplog, case):
    caplog.set_level(logging.DEBUG)
    with UpstreamServer(FakeUpstream()) as closed:
        closed_url = closed.url  # nothing listens there after the block
    upstream, settings, files_url, expected = _leak_case(case, payload, closed_url)
    failure = None
    with UpstreamServer(upstream):
        dataset = _eora_query(upstream.url, files_url)
        try:
            _retrieve(dataset, "archive", tmp_path / "raw", settings)
        except download.DownloadError as err:
            failure = err
    if expected is None:
        assert failure is None and (tmp_path / "raw" / "Eora26_2015_bp.zip").exists()
    else:
        assert type(failure) is expected, failure
        assert "\n" not in str(failure)
    assert_nowhere((PASSWORD, EMAIL), tmp_path, caplog.text, failure)
    for record in caplog.records:  # the records themselves, not only their formatted text
        assert_nowhere((PASSWORD, EMAIL), tmp_path / "raw", record.getMessage())


def test_redact_hides_query_fields_and_secrets_in_any_form():
    fields, secrets = ("email", "pass"), (EMAIL, HARD_PASSWORD)
    encoded = urlencode({"email": EMAIL, "pass": HARD_PASSWORD})
    texts = [
        f"Max retries exceeded with url: /a.zip?{encoded} (Caused by X)",
        f"HTTPConnectionPool(url='/a.zip?x=1&{encoded}')",
        f"echo {HARD_PASSWORD} and {quote(HARD_PASSWORD)}",
    ]
    for text in texts:
        assert_nowhere(secrets, Path("/nonexistent"), download.redact(text, fields, secrets))
    assert download.redact(f"/a.zip?x=1&{encoded} HTTP", fields) == (
        "/a.zip?x=1&email=***&pass=*** HTTP"
    )
    assert download.shown_url("https://h/a.zip", {"email": "e", "pass": "p"}) == (
        "https://h/a.zip?email=***&pass=***"
    )
    assert (
        download.shown_url("https://h/a.zip?v=1", {"pass": "p"}) == "https://h/a.zip?v=1&pass=***"
    )
    assert download.shown_url("https://h/a.zip", None) == "https://h/a.zip"


def test_the_datasets_table_puts_the_account_in_the_archive_query_only():
    eora = datasets.read_dataset(REPO / "data" / "datasets.yaml", "eora26")
    archive, indices = eora.file("archive", 2015), eora.file("indices")
    assert archive.credentials_in_query == QueryCredentials("email", "pass")
    assert indices.credentials_in_query is None
    assert "?" not in archive.url and "?" not in indices.url
    assert eora.login is not None and eora.login.password_field == "pass"
    exio = datasets.read_dataset(REPO / "data" / "datasets.yaml", "exiobase3", "3.9.6")
    assert exio.file("archive", 2015, "ixi").credentials_in_query is None


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"email": "email"}, "exactly the keys email and password"),
        ("pass", "exactly the keys email and password"),
        ({"email": "email", "password": "pass", "token": "t"}, "exactly the keys"),
        ({"email": "", "password": "pass"}, "non-empty text"),
        ({"email": "pass", "password": "pass"}, "two different query fields"),
    ],
)
def test_a_malformed_credentials_in_query_names_the_table_and_key(tmp_path, value, message):
    table = yaml.safe_load((REPO / "data" / "datasets.yaml").read_text())
    table["eora26"]["files"]["archive"]["credentials_in_query"] = value
    path = tmp_path / "datasets.yaml"
    path.write_text(yaml.safe_dump(table))
    with pytest.raises(WorkflowInputError, match=message) as failure:
        datasets.read_datasets(path)
    assert f"{path}: eora26.files.archive.credentials_in_query" in str(failure.value)


def test_the_datasets_table_refuses_unknown_file_keys_and_accountless_queries(tmp_path):
    table = yaml.safe_load((REPO / "data" / "datasets.yaml").read_text())
    archive = table["eora26"]["files"]["archive"]
    archive["credential_in_query"] = archive.pop("credentials_in_query")  # a typo
    path = tmp_path / "datasets.yaml"
    path.write_text(yaml.safe_dump(table))
    with pytest.raises(WorkflowInputError, match=r"unknown keys \['credential_in_query'\]"):
        datasets.read_datasets(path)
    archive["credentials_in_query"] = archive.pop("credential_in_query")
    table["eora26"]["credentials"] = None
    path.write_text(yaml.safe_dump(table))
    with pytest.raises(WorkflowInputError, match="needs the entry's key credentials") as failure:
        datasets.read_datasets(path)
    assert str(path) in str(failure.value)


@pytest.fixture
def no_dns(monkeypatch) -> list[str]:
    """Host names under .invalid fail to resolve without asking any name server (a real
    lookup would send a DNS query off the machine); returns the names looked up."""
    real = socket.getaddrinfo
    looked_up: list[str] = []

    def getaddrinfo(host, *args, **kwargs):
        if str(host).endswith(".invalid"):
            looked_up.append(str(host))
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return looked_up


def test_an_unresolvable_host_fails_at_once_with_one_clear_message(tmp_path, no_dns, caplog):
    caplog.set_level(logging.DEBUG)
    slow = download.DownloadSettings(retries=2, timeout=5, backoff=3)
    started = time.monotonic()
    with download.new_session() as session, pytest.raises(download.DownloadError) as failure:
        download.fetch(
            session,
            "https://nonexistent.invalid/Eora26_2015_bp.zip",
            tmp_path / "Eora26_2015_bp.zip",
            settings=slow,
            secret_query={"email": EMAIL, "pass": PASSWORD},
        )
    assert time.monotonic() - started < 3  # a retry would wait 3 s first
    assert no_dns == ["nonexistent.invalid"]
    message = str(failure.value)
    assert "host name nonexistent.invalid cannot be resolved" in message
    assert "network" in message and "local_data" in message and "\n" not in message
    assert "retry" not in caplog.text
    assert_nowhere((PASSWORD, EMAIL), tmp_path, caplog.text, failure.value)


def test_an_unresolvable_login_host_fails_at_once_naming_the_folder(tmp_path, no_dns):
    slow = download.DownloadSettings(retries=2, timeout=5, backoff=3)
    started = time.monotonic()
    with pytest.raises(download.DownloadError) as failure:
        _retrieve(_eora_query("https://nonexistent.invalid"), "archive", tmp_path, slow)
    assert time.monotonic() - started < 3
    assert no_dns == ["nonexistent.invalid"]
    message = str(failure.value)
    assert "login at https://nonexistent.invalid/login failed" in message
    assert "nonexistent.invalid cannot be resolved" in message
    assert "put the file Eora26_2015_bp.zip exactly under this name" in message


@pytest.mark.parametrize(
    ("key", "url"),
    [
        ("login", "http://worldmrio.com/Register2?submit=login"),
        ("archive", "http://worldmrio.com/simplified/Eora26_{year}_bp.zip"),
        ("indices", "ftp://worldmrio.com/simplified/indices.zip"),
    ],
)
def test_a_datasets_table_sending_the_account_without_https_is_refused(tmp_path, key, url):
    """The account (in the query, or the session its login opens) goes only over HTTPS."""
    table = yaml.safe_load((REPO / "data" / "datasets.yaml").read_text())
    entry = table["eora26"]
    (entry["login"] if key == "login" else entry["files"][key])["url"] = url
    path = tmp_path / "datasets.yaml"
    path.write_text(yaml.safe_dump(table))
    with pytest.raises(WorkflowInputError) as failure:
        datasets.read_datasets(path)
    where = "login" if key == "login" else f"files.{key}"
    assert f"{path}: eora26.{where}.url is {url}, which is not an https:// address" in str(
        failure.value
    )


def test_an_account_is_never_sent_to_a_plain_http_address(tmp_path, payload, caplog, no_dns):
    """Even past the table's check: fetch and login refuse before any request (no DNS
    lookup, nothing on the wire), naming no secret."""
    caplog.set_level(logging.DEBUG)
    with download.new_session() as session:
        with pytest.raises(download.CredentialsError, match="not an https:// address"):
            download.fetch(
                session,
                "http://mirror.invalid/Eora26_2015_bp.zip",
                tmp_path / "Eora26_2015_bp.zip",
                settings=FAST,
                secret_query={"email": EMAIL, "pass": PASSWORD},
            )
        spec = LoginSpec("http://mirror.invalid/login", "email", "pass")
        with pytest.raises(download.CredentialsError, match="not an https:// address"):
            download.login(session, spec, download.Credentials(EMAIL, PASSWORD), FAST)
    assert no_dns == []
    assert_nowhere((PASSWORD, EMAIL), tmp_path, caplog.text)

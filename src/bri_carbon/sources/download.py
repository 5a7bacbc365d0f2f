"""HTTP downloads of upstream files: resume, checksums, bounded retries, progress, accounts.

- :func:`fetch` writes to ``.{name}.part`` next to the target, resumes it with an HTTP
  ``Range`` request after a cut, retries 5xx answers, timeouts and dropped connections a
  bounded number of times with exponential backoff (tenacity), verifies every known checksum
  and only then renames the file to its final name. A checksum mismatch deletes the partial
  file. A host name that cannot be resolved (DNS) fails at once: retrying cannot help offline.
- Progress is written to the log (a text bar every 10 % or every ``progress_seconds``) and,
  when ``DownloadSettings.terminal`` is set (the retrieve scripts pass the job's stderr, which
  is the user's terminal in a local run), shown there too: a tqdm bar redrawn in place on a
  terminal, the log's lines otherwise (a file, a pipe, a cluster job's output).
- Credentials come only from two environment variables or ``~/.netrc``. :func:`login` sends
  them in the body of a form POST (which checks them and keeps the session cookie). Where the
  server wants the account with every file request (Eora), :func:`fetch` sends it as URL query
  parameters (``secret_query``). An account is only ever sent over HTTPS
  (:func:`require_https`; a test server on the loopback interface aside). Their values are
  redacted (``pass=***``) from every log record, including those of urllib3 and requests,
  from every message and exception text, and are never written to any file.
  HTTP 401/403, a login page instead of a zip, or a login answer that reports wrong
  credentials fail at once with a clear message; nothing ever prompts.
"""

from __future__ import annotations

import io
import logging
import netrc
import os
import re
import socket
import time
import zipfile
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO, TypeVar
from urllib.parse import quote, quote_plus, urlsplit

import requests
import tenacity
from tqdm import tqdm

from bri_carbon import __version__
from bri_carbon.runtime.digests import file_digests
from bri_carbon.runtime.errors import WorkflowInputError
from bri_carbon.sources.datasets import (
    CredentialSpec,
    LoginSpec,
    QueryCredentials,
    safe_for_account,
)

log = logging.getLogger(__name__)

_T = TypeVar("_T")

#: HTTP statuses worth another try: server errors and "too many requests".
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
#: HTTP statuses that mean "not allowed": wrong or missing credentials.
DENIED_STATUSES = frozenset({401, 403})
#: What a secret is replaced with in logs, messages and exception texts.
REDACTED = "***"
#: Seconds between two redraws of the progress bar on a terminal.
REDRAW_SECONDS = 0.2
#: Loggers that may write a request's URL (urllib3 logs every request line at DEBUG). A
#: filter only acts on records created by its own logger, hence the full names.
URL_LOGGERS = (
    "urllib3",
    "urllib3.connection",
    "urllib3.connectionpool",
    "urllib3.poolmanager",
    "urllib3.response",
    "urllib3.util.retry",
    "requests",
    __name__,
)


class DownloadError(WorkflowInputError):
    """A file could not be downloaded (network, server or URL problem)."""


class CredentialsError(DownloadError):
    """Credentials are missing or were refused; retrying cannot help."""


class ChecksumError(DownloadError):
    """A downloaded file does not have the published checksum; it was deleted."""


class _TransientError(Exception):
    """A transient failure of one attempt (5xx, bad range answer)."""


@dataclass(frozen=True)
class DownloadSettings:
    """Limits of one download: ``retries`` further attempts after the first, ``timeout``
    seconds per connect/read, ``backoff`` seconds before the first retry (doubled each time,
    at most ``max_backoff``), progress logged at least every ``progress_seconds`` and also
    shown on ``terminal`` when it is set (see the module docstring)."""

    retries: int = 5
    timeout: float = 60.0
    backoff: float = 2.0
    max_backoff: float = 120.0
    chunk_bytes: int = 1 << 14
    progress_seconds: float = 30.0
    terminal: TextIO | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Credentials:
    """An account; the password never appears in ``repr`` or in any message."""

    username: str
    password: str = field(repr=False)
    origin: str = ""


def account_query(spec: QueryCredentials, credentials: Credentials) -> dict[str, str]:
    """The URL query fields that carry ``credentials`` as ``spec`` names them.

    The values are secret: pass them only as :func:`fetch`'s ``secret_query``, which
    URL-encodes them and redacts them from everything it logs or raises.
    """
    return {spec.email_field: credentials.username, spec.password_field: credentials.password}


@dataclass(frozen=True)
class Redaction:
    """Secrets to hide from text: the values of the query fields ``fields`` (whatever their
    encoding) and each of ``secrets`` as it is, percent-encoded or form-encoded."""

    fields: tuple[str, ...] = ()
    secrets: tuple[str, ...] = field(default=(), repr=False)

    @classmethod
    def of_query(cls, query: Mapping[str, str]) -> Redaction:
        """The redaction of a query whose every value is secret (an account)."""
        return cls(tuple(query), tuple(value for value in query.values() if value))

    def __call__(self, text: str) -> str:
        """``text`` with every secret replaced by :data:`REDACTED`."""
        return redact(text, self.fields, self.secrets)


#: The redaction that changes nothing (requests without secrets).
NO_REDACTION = Redaction()


def redact(text: str, fields: Collection[str] = (), secrets: Collection[str] = ()) -> str:
    """``text`` with the value of each query field in ``fields`` (``?pass=...`` or
    ``&pass=...``) and every occurrence of each of ``secrets`` (raw, percent-encoded or
    form-encoded) replaced by :data:`REDACTED`.

    The field rule covers URLs as any library prints them, since an encoded value never
    holds ``&``, ``#``, quotes or white space; the secret rule covers the rest.
    """
    for name in fields:
        pattern = rf"([?&;]{re.escape(quote_plus(name))}=)[^&#;\s'\"<>]*"
        text = re.sub(pattern, rf"\g<1>{REDACTED}", text)
    forms = {form for secret in secrets if secret for form in _encodings(secret)}
    for form in sorted(forms, key=len, reverse=True):
        text = text.replace(form, REDACTED)
    return text


def _encodings(secret: str) -> tuple[str, ...]:
    """``secret`` as it is, percent-encoded and form-encoded (the forms a URL may show)."""
    return (secret, quote(secret, safe=""), quote(secret), quote_plus(secret))


def shown_url(url: str, secret_query: Mapping[str, str] | None = None) -> str:
    """``url`` as it may be logged: with ``secret_query``'s fields, each valued ``***``."""
    if not secret_query:
        return url
    hidden = "&".join(f"{quote_plus(name)}={REDACTED}" for name in secret_query)
    return f"{url}{'&' if urlsplit(url).query else '?'}{hidden}"


class _RedactingFilter(logging.Filter):
    """Rewrites a log record's message, exception and stack text through a redaction."""

    def __init__(self, redaction: Callable[[str], str]) -> None:
        super().__init__()
        self.redaction = redaction

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = self.redaction(message)
        if clean != message:
            record.msg, record.args = clean, ()
        if record.exc_info:
            text = record.exc_text or logging.Formatter().formatException(record.exc_info)
            record.exc_info, record.exc_text = None, self.redaction(text)
        elif record.exc_text:
            record.exc_text = self.redaction(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redaction(record.stack_info)
        return True


@contextmanager
def redacted_logs(redaction: Callable[[str], str]) -> Iterator[None]:
    """Within the block, records of :data:`URL_LOGGERS` pass through ``redaction``."""
    hide = _RedactingFilter(redaction)
    loggers = [logging.getLogger(name) for name in URL_LOGGERS]
    for logger in loggers:
        logger.addFilter(hide)
    try:
        yield
    finally:
        for logger in loggers:
            logger.removeFilter(hide)


def read_credentials(
    spec: CredentialSpec,
    environ: Mapping[str, str] | None = None,
    netrc_path: Path | None = None,
) -> Credentials | None:
    """Credentials from ``spec``'s environment variables, else from ``~/.netrc``; None if neither.

    Both variables must be set together. ``netrc_path`` defaults to ``~/.netrc``.
    """
    env = os.environ if environ is None else environ
    user, password = env.get(spec.email_variable), env.get(spec.password_variable)
    if user and password:
        return Credentials(user, password, f"environment ({spec.email_variable})")
    if user or password:
        raise CredentialsError(
            f"only one of {spec.email_variable} and {spec.password_variable} is set; set both "
            "(or neither, to use ~/.netrc)."
        )
    path = Path(netrc_path) if netrc_path is not None else Path.home() / ".netrc"
    if not path.is_file():
        return None
    try:
        entry = netrc.netrc(str(path)).authenticators(spec.netrc_host)
    except (netrc.NetrcParseError, OSError) as err:
        line = getattr(err, "lineno", None)
        raise CredentialsError(
            f"{path} cannot be read (line {line}); fix its syntax "
            f"('machine {spec.netrc_host} login EMAIL password PASSWORD')."
        ) from None
    if entry is None or not entry[0] or not entry[2]:
        return None
    return Credentials(entry[0], entry[2], f"{path} (machine {spec.netrc_host})")


def require_credentials(
    spec: CredentialSpec,
    source: str,
    environ: Mapping[str, str] | None = None,
    netrc_path: Path | None = None,
) -> Credentials:
    """Like :func:`read_credentials`, but fail with instructions when there are none."""
    credentials = read_credentials(spec, environ, netrc_path)
    if credentials is None:
        raise CredentialsError(
            f"downloading {source} needs an account: set the environment variables "
            f"{spec.email_variable} and {spec.password_variable}, or add the line "
            f"'machine {spec.netrc_host} login EMAIL password PASSWORD' to ~/.netrc "
            "(chmod 600). Credentials are never read from the config."
        )
    return credentials


def require_https(url: str, what: str) -> None:
    """Refuse to send an account to ``url`` unless it is HTTPS (a test server on the
    loopback interface aside): :class:`CredentialsError`, before anything is sent."""
    if not safe_for_account(url):
        raise CredentialsError(
            f"{what}: {shown_url(url)} is not an https:// address, so the account would "
            "travel in clear text; nothing was sent. Use the https:// address in the datasets "
            "table."
        )


def new_session() -> requests.Session:
    """A session with an identifying User-Agent that asks for unencoded bodies."""
    session = requests.Session()
    session.headers.update(
        {"User-Agent": f"bri-carbon/{__version__}", "Accept-Encoding": "identity"}
    )
    return session


def is_name_resolution_failure(err: BaseException) -> bool:
    """True when ``err`` comes from a failed host-name lookup: a :class:`socket.gaierror`
    anywhere in its chain (requests' ``ConnectionError`` holds urllib3's ``MaxRetryError``,
    whose ``reason`` is a ``NameResolutionError`` caused by the ``gaierror``)."""
    pending: list[BaseException] = [err]
    seen: set[int] = set()
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, socket.gaierror):
            return True
        linked = (current.__cause__, current.__context__, getattr(current, "reason", None))
        pending.extend(e for e in (*linked, *current.args) if isinstance(e, BaseException))
    return False


def _unresolved_message(what: str, url: str) -> str:
    """The one message for a host name that cannot be resolved."""
    host = urlsplit(url).hostname or url
    return (
        f"{what} failed: the host name {host} cannot be resolved (DNS lookup failed; not "
        "retried). Check the network connection and its name server, or put the file into "
        "local_data to work offline."
    )


def _transient(err: BaseException) -> bool:
    """Whether another attempt may help: a 5xx or a bad range answer, a timeout, a dropped
    or refused connection (not a host name that cannot be resolved)."""
    if isinstance(err, requests.ConnectionError):
        return not is_name_resolution_failure(err)
    return isinstance(
        err, (_TransientError, requests.Timeout, requests.exceptions.ChunkedEncodingError)
    )


def _retrying(
    action: Callable[[], _T],
    what: str,
    settings: DownloadSettings,
    url: str,
    redaction: Callable[[str], str] = NO_REDACTION,
) -> _T:
    """Run ``action()`` (a request of ``url``) with up to ``settings.retries`` further
    attempts on transient failures, waiting ``backoff`` seconds, doubled each time (at most
    ``max_backoff``); return its result.

    ``what`` names the action in messages and must be safe to show; ``redaction`` cleans
    the texts of requests' exceptions, which hold the full URL of the request. A host name
    that cannot be resolved and any non-transient requests error fail at once as a
    :class:`DownloadError` with a clean text.
    """

    def warn(state: tenacity.RetryCallState) -> None:
        log.warning(
            "%s: %s; retry %d of %d in %.1f s",
            what,
            _reason(state.outcome.exception(), redaction),
            state.attempt_number,
            settings.retries,
            state.next_action.sleep,
        )

    retrying = tenacity.Retrying(
        stop=tenacity.stop_after_attempt(settings.retries + 1),
        wait=tenacity.wait_exponential(multiplier=settings.backoff, max=settings.max_backoff),
        retry=tenacity.retry_if_exception(_transient),
        before_sleep=warn,
        reraise=True,
    )
    try:
        return retrying(action)
    except (requests.RequestException, _TransientError) as err:
        error = err
    # Raised here, outside the except clause, so that no exception carries the original
    # (unredacted) one as its context.
    if is_name_resolution_failure(error):
        raise DownloadError(_unresolved_message(what, url))
    if _transient(error):
        attempts = retrying.statistics["attempt_number"]
        raise DownloadError(f"{what} failed after {attempts} attempts: {_reason(error, redaction)}")
    raise DownloadError(f"{what} failed: {_reason(error, redaction)}")


def _reason(err: Exception, redaction: Callable[[str], str] = NO_REDACTION) -> str:
    """A short description of a failure (exception type and first line of its text),
    redacted before it is shortened so that no secret can be cut in half."""
    text = redaction(str(err))
    text = text.splitlines()[0] if text else ""
    return f"{type(err).__name__}: {text}"[:300]


def login(
    session: requests.Session,
    spec: LoginSpec,
    credentials: Credentials,
    settings: DownloadSettings,
) -> None:
    """Log ``session`` in with a form POST; the session keeps the cookies for later GETs.

    Raises :class:`CredentialsError` on HTTP 401/403 or when the answer contains one of
    ``spec.failure_markers``. Neither the password nor the answer's text is ever logged.
    """
    require_https(spec.url, "login")
    form = dict(spec.extra_fields)
    form[spec.email_field] = credentials.username
    form[spec.password_field] = credentials.password
    redaction = Redaction(secrets=(credentials.username, credentials.password))

    def post() -> requests.Response:
        response = session.post(spec.url, data=form, timeout=settings.timeout)
        if response.status_code in RETRY_STATUSES:
            raise _TransientError(f"HTTP {response.status_code}")
        return response

    with redacted_logs(redaction):
        response = _retrying(post, f"login at {spec.url}", settings, spec.url, redaction)
    denied = response.status_code in DENIED_STATUSES or any(
        marker.lower() in response.text.lower() for marker in spec.failure_markers
    )
    if denied:
        raise CredentialsError(
            f"the login at {spec.url} refused the account from {credentials.origin} "
            f"(HTTP {response.status_code}). Check the email and password; nothing was "
            "downloaded."
        )
    if not response.ok:
        raise DownloadError(f"the login at {spec.url} answered HTTP {response.status_code}")
    log.info("logged in at %s with the account from %s", spec.url, credentials.origin)


def checksum_listing(
    session: requests.Session, url: str, settings: DownloadSettings
) -> dict[str, str]:
    """md5 per file name from a Zenodo record API answer (``files[].checksum = "md5:..."``)."""

    def get() -> requests.Response:
        response = session.get(url, timeout=settings.timeout)
        if response.status_code in RETRY_STATUSES:
            raise _TransientError(f"HTTP {response.status_code}")
        return response

    response = _retrying(get, f"checksum listing {url}", settings, url)
    if not response.ok:
        raise DownloadError(f"checksum listing {url} answered HTTP {response.status_code}")
    try:
        files = response.json()["files"]
    except (ValueError, KeyError, TypeError) as err:
        raise DownloadError(f"checksum listing {url} is not a Zenodo record ({err})") from err
    listing = {}
    for item in files:
        name = item.get("key") or item.get("filename")
        algorithm, _, digest = str(item.get("checksum", "")).partition(":")
        if name and algorithm == "md5" and digest:
            listing[name] = digest.lower()
    return listing


def verify(path: Path, expected: Mapping[str, str | None], label: str) -> dict[str, str]:
    """Compare ``path``'s digests with every non-None ``expected`` value; return the digests.

    Raises :class:`ChecksumError` naming the algorithm and both values on a mismatch.
    """
    digests = file_digests(path)
    for algorithm, value in expected.items():
        if value and digests[algorithm] != value.lower():
            raise ChecksumError(
                f"{label}: {algorithm} is {digests[algorithm]}, the published value is "
                f"{value}. The file is damaged or not the published release."
            )
    return digests


def partial_path(target: Path) -> Path:
    """Where :func:`fetch` keeps the bytes received so far (next to ``target``)."""
    return target.with_name(f".{target.name}.part")


class _Discard(io.TextIOBase):
    """A text stream that drops what it is given (the bar where it is not drawn)."""

    def write(self, text: str) -> int:
        return len(text)


class _Progress:
    """Progress of one transfer: a tqdm bar redrawn in place on ``terminal`` when that is a
    terminal, and a line (the bar as text) in the log every 10 % or every ``seconds`` (when
    the size is unknown), also written to ``terminal`` when that is not a terminal."""

    def __init__(
        self, name: str, total: int | None, done: int, seconds: float, terminal: TextIO | None
    ) -> None:
        in_place = bool(terminal is not None and terminal.isatty())
        shape = "{desc} [{bar:20}] {percentage:3.0f}% " if total else "{desc} "
        self.bar = tqdm(
            desc=name,
            total=total,
            initial=done,
            unit="B",
            unit_scale=True,
            ascii=".#",
            bar_format=shape + "{n_fmt}/{total_fmt}, {rate_fmt}"
            if total
            else shape + "{n_fmt} received, {rate_fmt}",
            file=terminal if in_place else _Discard(),
            mininterval=REDRAW_SECONDS,
            dynamic_ncols=False,
        )
        self.echo = None if in_place else terminal
        self.total, self.seconds = total, seconds
        self.last_step, self.last_time = self._step(), time.monotonic()

    def _step(self) -> int:
        return int(self.bar.n * 10 / self.total) if self.total else 0

    def text(self) -> str:
        """The bar as one line of text (the same whether or not it is drawn)."""
        return self.bar.format_meter(**self.bar.format_dict)

    def update(self, received: int) -> None:
        self.bar.update(received)
        now = time.monotonic()
        if self._step() > self.last_step or now - self.last_time >= self.seconds:
            self.last_step, self.last_time = self._step(), now
            self.report()

    def report(self) -> None:
        """Log the current state (and write it as a line where the terminal is not one)."""
        line = self.text()
        log.info("%s", line)
        if self.echo is not None:
            self.echo.write(line + "\n")
            self.echo.flush()

    def close(self, complete: bool) -> None:
        """End the bar; a ``complete`` transfer logs its final state first (unless its last
        line already showed it)."""
        if complete and (not self.total or self.last_step < 10):
            self.report()
        self.bar.close()


_CONTENT_RANGE = re.compile(r"bytes (\d+)-(\d+)/(\d+|\*)")


def _transfer(
    session: requests.Session,
    url: str,
    secret_query: Mapping[str, str] | None,
    partial: Path,
    name: str,
    shown: str,
    settings: DownloadSettings,
) -> bool:
    """One attempt: append the missing bytes to ``partial``; True when the file is complete.

    ``shown`` is the URL as messages may give it (secrets redacted).
    """
    offset = partial.stat().st_size if partial.exists() else 0
    headers = {"Range": f"bytes={offset}-"} if offset else {}
    with session.get(
        url, params=secret_query, headers=headers, stream=True, timeout=settings.timeout
    ) as response:
        status = response.status_code
        if status in DENIED_STATUSES:
            raise CredentialsError(
                f"{shown} answered HTTP {status} (access denied): the account is missing, "
                "wrong or has no access to this file."
            )
        if status == 416 and offset:
            partial.unlink()
            raise _TransientError("the server refused to resume; starting again")
        if status in RETRY_STATUSES:
            raise _TransientError(f"HTTP {status}")
        if status not in (200, 206):
            raise DownloadError(
                f"{shown} answered HTTP {status}; check the URL in the datasets table."
            )
        total: int | None
        if status == 206:
            match = _CONTENT_RANGE.fullmatch(response.headers.get("Content-Range", ""))
            if not match or int(match.group(1)) != offset:
                partial.unlink()
                raise _TransientError("the server answered a different range; starting again")
            total = None if match.group(3) == "*" else int(match.group(3))
            mode = "ab"
            log.info("%s: resuming at byte %d", name, offset)
        else:
            length = response.headers.get("Content-Length")
            total = int(length) if length and length.isdigit() else None
            offset, mode = 0, "wb"
        progress = _Progress(name, total, offset, settings.progress_seconds, settings.terminal)
        received = False
        try:
            with open(partial, mode) as handle:
                for chunk in response.iter_content(chunk_size=settings.chunk_bytes):
                    handle.write(chunk)
                    progress.update(len(chunk))
            received = True
        finally:
            size = partial.stat().st_size if partial.exists() else 0
            progress.close(received and (total is None or size == total))
        if total is not None and size < total:
            raise _TransientError(f"connection closed after {size} of {total} bytes")
        if total is not None and size > total:
            partial.unlink()
            raise _TransientError(f"received {size} bytes, more than the announced {total}")
        return True


def is_web_page(path: Path) -> bool:
    """True when the file at ``path`` starts (after white space) like an HTML or XML page."""
    with open(path, "rb") as handle:
        return handle.read(512).lstrip().startswith(b"<")


def fetch(
    session: requests.Session,
    url: str,
    target: Path,
    *,
    md5: str | None = None,
    sha256: str | None = None,
    settings: DownloadSettings | None = None,
    expect_zip: bool = False,
    secret_query: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Download ``url`` to ``target`` (resumable, retried, verified); return its digests.

    The bytes go to :func:`partial_path` first; ``target`` appears only after the non-None
    checksums (and, with ``expect_zip``, the zip signature) have been verified. A mismatch
    deletes the partial file and raises :class:`ChecksumError`; a web page where a zip was
    expected (a login page) deletes it and raises :class:`CredentialsError`; a failed
    transfer keeps it so that the next call resumes with a ``Range`` request.

    ``secret_query`` (an account, see :func:`account_query`) is added, URL-encoded, to the
    query of every request for this file. Its values are redacted from every log record
    (those of urllib3 and requests included), message and exception text: they show as
    ``name=***`` (:func:`shown_url`). ``url`` itself must hold no secret.
    """
    settings = settings or DownloadSettings()
    if secret_query:
        require_https(url, f"download of {target.name}")
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = partial_path(target)
    redaction = Redaction.of_query(secret_query or {})
    shown = shown_url(url, secret_query)
    with redacted_logs(redaction):
        log.info("downloading %s to %s", shown, target)
        _retrying(
            lambda: _transfer(session, url, secret_query, partial, target.name, shown, settings),
            f"download of {shown}",
            settings,
            url,
            redaction,
        )
    try:
        if expect_zip and not zipfile.is_zipfile(partial):
            if is_web_page(partial):
                raise CredentialsError(
                    f"{shown} did not send a zip archive but a web page, usually the login "
                    "page: the server did not accept the account for this file. Check the "
                    "email and password and that the account may download this file, or the "
                    "URL in the datasets table."
                )
            raise ChecksumError(
                f"{shown} did not send a zip archive (the server may have answered with an "
                "error page). Check the account and the URL in the datasets table."
            )
        digests = verify(partial, {"md5": md5, "sha256": sha256}, f"{target.name} from {shown}")
    except (ChecksumError, CredentialsError):
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, target)
    verified = [name for name, value in (("md5", md5), ("sha256", sha256)) if value]
    log.info("%s complete, checksums verified: %s", target.name, verified or "none published")
    return digests

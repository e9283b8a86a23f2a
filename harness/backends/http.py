"""JSON over HTTP for the API backends: retries, backoff, ``Retry-After``, a connection limit.

Standard library only (``urllib``, so proxies from the environment are honoured). A request is
retried with exponential backoff and jitter on 408/409/429, 5xx (529 included), timeouts,
refused or dropped connections and unreadable bodies; ``Retry-After`` / ``retry-after-ms``
replace the computed delay. Other 4xx answers fail at once with the server's message. When a
request runs out of retries for a transport reason (the server is gone), the client is marked
dead so the other threads stop at their next attempt instead of each waiting out its own
retries. Secrets (API keys) are scrubbed from every message this module produces.
"""
from __future__ import annotations

import email.utils
import http.client
import json
import logging
import random
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from harness.backend import BackendOptions
from harness.errors import BackendError

log = logging.getLogger(__name__)

RETRY_STATUS = frozenset({408, 409, 429})
#: error codes of a 429 that waiting does not cure
FATAL_429_CODES = frozenset({"insufficient_quota", "billing_hard_limit_reached"})


@dataclass(frozen=True)
class RetryPolicy:
    max_retries: int = 5
    base_s: float = 1.0
    max_s: float = 60.0
    retry_after_cap_s: float = 600.0

    def delay(self, attempt: int, retry_after: float | None) -> float:
        """Seconds to wait before retry number ``attempt`` (0-based)."""
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.retry_after_cap_s)
        return min(self.max_s, self.base_s * 2 ** attempt) * random.uniform(0.5, 1.0)

    @classmethod
    def from_options(cls, options: BackendOptions) -> RetryPolicy:
        return cls(max_retries=max(0, options.max_retries),
                   base_s=options.get("retry_base_s", 1.0, float),
                   max_s=options.get("retry_max_s", 60.0, float))


#: ``-B`` options every HTTP backend accepts
RETRY_OPTIONS = {"retry_base_s": "first backoff delay in seconds (default 1.0; doubles per retry)",
                 "retry_max_s": "longest backoff delay in seconds (default 60)"}


class HttpStatusError(BackendError):
    """The server answered with an error status that retrying does not cure (or retries ran out)."""

    def __init__(self, message: str, status: int, body: Any) -> None:
        super().__init__(message)
        self.status = status
        self.body = body

    @property
    def code(self) -> str:
        """The API's error code or type (``content_filter``, ``invalid_request_error``...), or ''."""
        err = self.body.get("error") if isinstance(self.body, dict) else None
        if isinstance(err, dict):
            return str(err.get("code") or err.get("type") or "")
        return ""


def parse_retry_after(headers: Any) -> float | None:
    """Seconds from ``retry-after-ms``, or ``Retry-After`` (seconds or an HTTP date)."""
    if headers is None:
        return None
    ms = headers.get("retry-after-ms")
    if ms:
        try:
            return float(ms) / 1000.0
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def redact_url(url: str) -> str:
    """The URL without user:password and without query values that look like credentials."""
    parts = urllib.parse.urlsplit(url)
    netloc = parts.hostname or ""
    if parts.port:
        netloc += f":{parts.port}"
    query = urllib.parse.urlencode(
        [(k, "REDACTED" if any(s in k.lower() for s in ("key", "token", "secret", "sig", "auth")) else v)
         for k, v in urllib.parse.parse_qsl(parts.query, keep_blank_values=True)])
    return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, query, ""))


def error_message(body: Any, raw: bytes) -> str:
    """The human part of an API error body (OpenAI, Anthropic and most servers nest it)."""
    if isinstance(body, dict):
        err = body.get("error", body)
        if isinstance(err, dict):
            msg = err.get("message") or err.get("detail") or err.get("type")
            if msg:
                return str(msg)[:500]
        elif isinstance(err, str):
            return err[:500]
        if "detail" in body:
            return str(body["detail"])[:500]
    return raw.decode("utf-8", "replace").strip()[:500] or "(empty body)"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect would replay the key to another URL (and drop the POST body): refuse it."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        return None


class _Transient(Exception):
    """One failed attempt that may succeed if tried again."""

    def __init__(self, reason: str, retry_after: float | None = None, transport: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after
        self.transport = transport


class HttpClient:
    """POSTs JSON to ``base_url + path`` with retries; at most ``max_connections`` at once."""

    def __init__(self, name: str, base_url: str, headers: dict[str, str], *, timeout_s: float,
                 retry: RetryPolicy, max_connections: int, secrets: tuple[str, ...] = ()) -> None:
        self.name = name
        self.base_url = base_url.rstrip("/")
        self._headers = {"Content-Type": "application/json", "Accept": "application/json",
                         "User-Agent": "hweval", **headers}
        self.timeout_s = timeout_s
        self.retry = retry
        self._slots = threading.BoundedSemaphore(max(1, max_connections))
        self._secrets = tuple(s for s in secrets if s)
        self._opener = urllib.request.build_opener(_NoRedirect())
        self._dead: str | None = None
        self._lock = threading.Lock()

    def scrub(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text

    def post_json(self, path: str, body: dict[str, Any]) -> tuple[dict[str, Any], float]:
        """The decoded JSON answer and the seconds the successful attempt took."""
        url = self.base_url + path
        shown = redact_url(url)
        data = json.dumps(body).encode("utf-8")
        last = ""
        for attempt in range(self.retry.max_retries + 1):
            if self._dead is not None:
                raise BackendError(f"{self.name}: giving up, another request found {self._dead}")
            try:
                return self._attempt(url, shown, data)
            except _Transient as exc:
                last = exc.reason
                if attempt == self.retry.max_retries:
                    if exc.transport:
                        with self._lock:
                            self._dead = self._dead or f"{shown} unreachable ({last})"
                    break
                delay = self.retry.delay(attempt, exc.retry_after)
                log.warning("%s: %s from %s; retry %d/%d in %.1fs", self.name, last, shown, attempt + 1,
                            self.retry.max_retries, delay)
                time.sleep(delay)
        raise BackendError(self.scrub(f"{self.name}: request to {shown} failed after "
                                      f"{self.retry.max_retries} retries: {last}"))

    def _attempt(self, url: str, shown: str, data: bytes) -> tuple[dict[str, Any], float]:
        req = urllib.request.Request(url, data=data, headers=self._headers, method="POST")
        with self._slots:
            start = time.monotonic()
            try:
                with self._opener.open(req, timeout=self.timeout_s) as resp:
                    raw = resp.read()
                    status = resp.status
            except urllib.error.HTTPError as exc:
                status, raw = exc.code, _read_quietly(exc)
                headers = exc.headers
                exc.close()
                return self._failed(status, raw, headers, shown)
            except TimeoutError as exc:
                raise _Transient(f"no answer within {self.timeout_s:g}s ({exc or 'timed out'})",
                                 transport=True) from exc
            except urllib.error.URLError as exc:
                reason = exc.reason
                if isinstance(reason, TimeoutError):
                    raise _Transient(f"no answer within {self.timeout_s:g}s", transport=True) from exc
                raise _Transient(f"cannot connect ({reason})", transport=True) from exc
            except (http.client.HTTPException, ConnectionError, OSError) as exc:
                raise _Transient(f"connection dropped ({type(exc).__name__}: {exc})", transport=True) from exc
            latency = time.monotonic() - start
        try:
            decoded = json.loads(raw)
        except ValueError as exc:
            raise _Transient(f"HTTP {status} with a body that is not JSON: {raw[:120]!r}") from exc
        if not isinstance(decoded, dict):
            raise _Transient(f"HTTP {status} with a JSON body that is not an object")
        if "error" in decoded and not any(k in decoded for k in ("choices", "content")):
            raise _Transient(f"HTTP {status} carrying an error: {self.scrub(error_message(decoded, raw))}")
        return decoded, latency

    def _failed(self, status: int, raw: bytes, headers: Any, shown: str) -> tuple[dict[str, Any], float]:
        try:
            body: Any = json.loads(raw) if raw else None
        except ValueError:
            body = None
        message = self.scrub(error_message(body, raw))
        err = HttpStatusError(f"{self.name}: HTTP {status} from {shown}: {message}{_hint(status)}", status, body)
        if status == 429 and err.code in FATAL_429_CODES:
            raise err
        if status in RETRY_STATUS or status >= 500:
            raise _Transient(f"HTTP {status} ({message[:200]})", retry_after=parse_retry_after(headers))
        raise err


def _read_quietly(exc: urllib.error.HTTPError) -> bytes:
    try:
        return exc.read()
    except (OSError, http.client.HTTPException):
        return b""


def _hint(status: int) -> str:
    if status in (401, 403):
        return " (check the API key variable: --api-key-env NAME)"
    if status == 404:
        return " (check --base-url, e.g. http://HOST:PORT/v1 for OpenAI-compatible servers, and the model name)"
    return ""

"""Fetching feeds over HTTP like a good citizen: many at once but few per host, timeouts, a size cap,
compression, redirects (a permanent one moves the subscription), conditional GET (ETag and
Last-Modified: a 304 costs no parsing), Retry-After honoured, and a User-Agent naming the reader.

httpx does the HTTP (asynchronous, HTTP/1.1 with keep-alive and gzip); this module never raises for
what a server or the network does: every outcome is a `Fetched`, with an error in words when it failed.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import httpx

from reader import __version__
from reader.text import one_line

USER_AGENT = f"reader/{__version__} (a terminal news reader; httpx/{httpx.__version__})"
ACCEPT = (
    "application/atom+xml, application/rss+xml, application/feed+json, application/json;q=0.9,"
    " application/xml;q=0.9, text/xml;q=0.9, text/html;q=0.5, */*;q=0.1"
)
_PERMANENT = {301, 308}


@dataclass(frozen=True, slots=True)
class FetchSettings:
    """How feeds are fetched; each is a setting a user may change."""

    connect_timeout: float = 10.0
    total_timeout: float = 30.0
    max_bytes: int = 16 * 1024 * 1024  # a response bigger than this is refused (a feed is rarely over 1 MB)
    per_host: int = 4
    at_once: int = 32
    max_redirects: int = 5


@dataclass(slots=True)
class Fetched:
    """What asking for one URL gave."""

    url: str  # as asked
    final_url: str  # after redirects
    moved: bool = False  # every redirect on the way was permanent: the subscription should follow
    status: int | None = None
    content: bytes | None = None
    content_type: str = ""
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False
    error: str | None = None
    retry_at: float | None = None
    gone: bool = False
    headers: dict[str, str] = field(default_factory=dict)


class Fetcher:
    """One HTTP client for a whole refresh (connections are kept alive per host)."""

    def __init__(self, settings: FetchSettings | None = None) -> None:
        self.settings = settings or FetchSettings()
        s = self.settings
        self._client = httpx.AsyncClient(
            headers={"User-Agent": USER_AGENT, "Accept": ACCEPT},
            timeout=httpx.Timeout(s.total_timeout, connect=s.connect_timeout),
            limits=httpx.Limits(max_connections=s.at_once, max_keepalive_connections=s.at_once),
            follow_redirects=True,
            max_redirects=s.max_redirects,
        )
        self._hosts: dict[str, asyncio.Semaphore] = {}
        self._all = asyncio.Semaphore(s.at_once)

    async def close(self) -> None:
        await self._client.aclose()

    async def fetch(self, url: str, etag: str | None = None, last_modified: str | None = None) -> Fetched:
        host = urlsplit(url).netloc.lower()
        per_host = self._hosts.setdefault(host, asyncio.Semaphore(self.settings.per_host))
        async with self._all, per_host:
            try:
                return await asyncio.wait_for(self._fetch(url, etag, last_modified), self.settings.total_timeout)
            except TimeoutError:
                return Fetched(url, url, error=f"timed out after {self.settings.total_timeout:g} s")

    async def _fetch(self, url: str, etag: str | None, last_modified: str | None) -> Fetched:
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        try:
            async with self._client.stream("GET", url, headers=headers) as response:
                return await self._read(url, response)
        except httpx.TooManyRedirects:
            return Fetched(url, url, error=f"more than {self.settings.max_redirects} redirects")
        except httpx.TimeoutException:
            return Fetched(url, url, error="timed out")
        except httpx.InvalidURL as error:
            return Fetched(url, url, error=f"not a URL that can be fetched ({one_line(str(error))})")
        except httpx.UnsupportedProtocol:
            return Fetched(url, url, error="only http and https feeds can be fetched")
        except httpx.HTTPError as error:
            return Fetched(url, url, error=_network_reason(error))

    async def _read(self, url: str, response: httpx.Response) -> Fetched:
        final = str(response.url)
        moved = bool(response.history) and all(step.status_code in _PERMANENT for step in response.history)
        result = Fetched(url, final, moved=moved, status=response.status_code)
        result.content_type = response.headers.get("content-type", "")
        if response.status_code == 304:
            result.not_modified = True
            return result
        if response.status_code >= 400:
            result.error = f"HTTP {response.status_code} {response.reason_phrase}".strip()
            if response.status_code == 410:
                result.gone = True
                result.error += ": the publisher removed this feed"
            if response.status_code in (429, 503):
                wait = _retry_after(response.headers.get("retry-after"))
                if wait is not None:
                    result.retry_at = time.time() + wait
                    result.error += f"; asked to wait {_duration(wait)}"
            return result
        declared = response.headers.get("content-length")
        limit = self.settings.max_bytes
        if declared and declared.isdigit() and int(declared) > limit:
            result.error = f"too large ({_size(int(declared))}; the limit is {_size(limit)}): not read"
            return result
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > limit:
                result.error = f"too large (over {_size(limit)} once decompressed): not read"
                return result
            chunks.append(chunk)
        result.content = b"".join(chunks)
        result.etag = response.headers.get("etag")
        result.last_modified = response.headers.get("last-modified")
        return result


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait, from a Retry-After header (seconds, or an HTTP date); capped at a day."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), 86400.0)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return min(max(when.timestamp() - time.time(), 0.0), 86400.0)


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def _size(count: int) -> str:
    return f"{count / 1024 / 1024:.0f} MB" if count >= 1024 * 1024 else f"{count / 1024:.0f} KB"


def _network_reason(error: httpx.HTTPError) -> str:
    text = one_line(str(error)) or type(error).__name__
    if isinstance(error, httpx.ConnectError):
        return f"could not connect ({text})"
    if isinstance(error, httpx.DecodingError):
        return f"the response could not be decompressed ({text})"
    return f"network error ({text})"

"""One sync server over HTTP, as the feeds are fetched (reader.sources.feeds.fetch): aiohttp with a connect and
a total timeout, a size cap, a User-Agent naming the reader, and never a request to another host: a redirect is
followed only within the configured server's scheme, host and port (a login must not be sent elsewhere)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urljoin, urlsplit

import aiohttp

from reader.sources.feeds.fetch import USER_AGENT, FetchSettings, _network_reason
from reader.sources.sync import SyncError
from reader.text import one_line

MAX_BYTES = 64 * 1024 * 1024  # an answer bigger than this is refused (a page of 1,000 items is a few MB)
MAX_REDIRECTS = 5


def host_of(url: str) -> str:
    try:
        return urlsplit(url).netloc or url
    except ValueError:
        return url


class Server:
    """The configured server: every request goes to its scheme, host and port, or fails with a `SyncError`."""

    def __init__(self, url: str, settings: FetchSettings | None = None) -> None:
        self.url = url
        self.settings = settings or FetchSettings()
        parts = urlsplit(url)
        self._origin = (parts.scheme.lower(), (parts.hostname or "").lower(), parts.port)
        self.host = parts.netloc
        s = self.settings
        self._session = aiohttp.ClientSession(
            headers={"User-Agent": USER_AGENT},
            timeout=aiohttp.ClientTimeout(total=s.total_timeout, sock_connect=s.connect_timeout),
            connector=aiohttp.TCPConnector(limit=s.per_host, limit_per_host=s.per_host),
        )

    async def close(self) -> None:
        await self._session.close()

    async def text(
        self,
        method: str,
        url: str,
        *,
        params: list[tuple[str, str]] | None = None,
        data: list[tuple[str, str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, str]:
        """The status and text of one request (redirects within the server followed)."""
        for _ in range(MAX_REDIRECTS + 1):
            if not self._same_origin(url):
                raise SyncError(
                    f"{self.host} sent the reader to another server ({one_line(url)}); nothing was sent there"
                )
            try:
                async with self._session.request(
                    method, url, params=params, data=data, headers=headers, allow_redirects=False
                ) as response:
                    if response.status in (301, 302, 303, 307, 308) and "Location" in response.headers:
                        url = urljoin(str(response.url), response.headers["Location"])
                        if response.status == 303:
                            method, data = "GET", None
                        params = None  # the new address carries its own query
                        continue
                    return response.status, await self._read(response)
            except TimeoutError as error:
                raise SyncError(f"{self.host} did not answer in time ({self._timeout(error)})") from error
            except aiohttp.ClientError as error:
                raise SyncError(f"{self.host} could not be reached: {_network_reason(error)}") from error
            except ValueError as error:  # a URL aiohttp cannot use
                raise SyncError(f"{one_line(url)} is not an address that can be asked ({error})") from error
        raise SyncError(f"{self.host} redirected more than {MAX_REDIRECTS} times")

    async def json(self, method: str, url: str, **options: Any) -> tuple[int, Any]:
        """The status and the JSON of one request; an answer that is not JSON is a `SyncError`."""
        status, text = await self.text(method, url, **options)
        if status >= 400:
            return status, None
        try:
            return status, json.loads(text)
        except ValueError as error:
            raise SyncError(f"{self.host} answered with something that is not JSON ({one_line(text[:80])})") from error

    def _same_origin(self, url: str) -> bool:
        try:
            parts = urlsplit(url)
            return (parts.scheme.lower(), (parts.hostname or "").lower(), parts.port) == self._origin
        except ValueError:
            return False

    def _timeout(self, error: BaseException) -> str:
        if "onnect" in str(error):
            return f"no connection within {self.settings.connect_timeout:g} s"
        return f"no answer within {self.settings.total_timeout:g} s"

    async def _read(self, response: aiohttp.ClientResponse) -> str:
        declared = response.content_length
        if declared is not None and declared > MAX_BYTES:
            raise SyncError(f"{self.host} sent an answer too large to read ({declared:,} bytes)")
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.content.iter_chunked(256 * 1024):
            size += len(chunk)
            if size > MAX_BYTES:
                raise SyncError(f"{self.host} sent an answer too large to read (over {MAX_BYTES:,} bytes)")
            chunks.append(chunk)
        return b"".join(chunks).decode(response.charset or "utf-8", errors="replace")

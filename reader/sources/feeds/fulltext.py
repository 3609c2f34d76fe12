"""Full text: for a feed that gives only a summary, each entry's page fetched and its main text kept.

Pages are asked with the feeds' own `Fetcher` (its timeouts, redirects, gzip, conditional GET), under tighter
limits: 2 at once per host, 5 MB and 20 s a page, only http and https links. trafilatura (Apache-2.0) finds the
page's main text, leaving navigation, ads, related links and footers out. The text is kept once per article
(`Subscriptions.keep_page`) and read in place of the summary from then on, offline; a page that fails keeps
the summary and the reason.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from reader.sources.feeds.fetch import Fetcher, FetchSettings

PAGE_BYTES = 5 * 1024 * 1024  # a page over this (once decompressed) is not kept: an article is rarely 200 KB
PAGE_SECONDS = 20.0
PAGES_PER_HOST = 2  # a site is asked for a few pages at once, never a burst
PAGES_PER_REFRESH = 200  # the newest entries' pages first; the rest at the next refresh
MIN_WORDS = 20  # less than this is not an article's text (a cookie wall, a "subscribe" box): the summary stays


def page_settings(settings: FetchSettings | None = None) -> FetchSettings:
    """The feeds' fetch settings with a page's own limits."""
    base = settings or FetchSettings()
    return replace(
        base,
        max_bytes=min(base.max_bytes, PAGE_BYTES),
        total_timeout=min(base.total_timeout, PAGE_SECONDS),
        per_host=min(base.per_host, PAGES_PER_HOST),
    )


@dataclass(slots=True)
class Page:
    """What asking for one article's page gave: its main text, or why there is none."""

    article_id: str
    url: str
    text: str | None = None
    error: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False


def fetchable(url: str) -> bool:
    """Only http and https pages are ever asked (never file:, javascript:, data:)."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def main_text(document: bytes, url: str | None = None) -> str | None:
    """The page's main text, paragraphs apart by a blank line; None when it has none worth showing."""
    import trafilatura  # loaded only when a page is read, never on the start-up path

    text = trafilatura.extract(
        document,
        url=url,
        include_comments=False,
        include_tables=False,
        include_links=False,
        include_images=False,
        favor_precision=True,
        deduplicate=False,
    )
    if not text:
        return None
    paragraphs = [line.strip() for line in text.splitlines() if line.strip()]
    if sum(len(paragraph.split()) for paragraph in paragraphs) < MIN_WORDS:
        return None
    return "\n\n".join(paragraphs)


async def fetch_page(
    fetcher: Fetcher, article_id: str, url: str, etag: str | None = None, last_modified: str | None = None
) -> tuple[Page, bytes | None]:
    """Ask for one page (conditionally when it was fetched before); the document is read by the caller."""
    if not fetchable(url):
        return Page(article_id, url, error="only http and https pages are fetched"), None
    fetched = await fetcher.fetch(url, etag, last_modified)
    page = Page(article_id, url, etag=fetched.etag, last_modified=fetched.last_modified)
    if fetched.error is not None:
        page.error = fetched.error
        return page, None
    if fetched.not_modified:
        page.not_modified = True
        return page, None
    return page, fetched.content or b""


def read_page(page: Page, document: bytes | None) -> Page:
    """The page with its main text found (or why not), for a document fetched."""
    if document is None:
        return page
    try:
        page.text = main_text(document, page.url)
    except Exception as error:  # a page trafilatura cannot read fails alone
        page.error = f"could not be read ({type(error).__name__})"
        return page
    if page.text is None:
        page.error = "no article text found on the page"
    return page


async def fetch_pages(fetcher: Fetcher, wanted: list[tuple[str, str]]) -> list[Page]:
    """Every wanted (article id, link) page, read on a thread so the event loop keeps fetching."""

    async def one(article_id: str, url: str) -> Page:
        page, document = await fetch_page(fetcher, article_id, url)
        return await asyncio.to_thread(read_page, page, document)

    return list(await asyncio.gather(*(one(identity, url) for identity, url in wanted)))

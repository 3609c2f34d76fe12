"""Refreshing feeds: fetch many at once, read and keep each document as it arrives, report as it goes.

Fetching runs on an asyncio loop in the calling thread (the command line's, or a worker's in the app);
reading and keeping each document runs on one thread beside it, which owns the database connection,
so the network is never idle while a document is parsed and the database is written by one writer.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import time
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urljoin

from reader.analysis.pool import process_pool
from reader.articles import is_openable
from reader.sources.feeds import documents, fulltext
from reader.sources.feeds.fetch import Fetched, Fetcher, FetchSettings
from reader.sources.feeds.parse import ParsedFeed
from reader.sources.feeds.subscriptions import Feed, Stored, Subscriptions
from reader.text import one_line

POOL_MIN_FEEDS = 50  # fewer feeds are read on the keeper thread: starting the pool would cost more

T = TypeVar("T")
Progress = Callable[[int, int, int], None]  # (feeds done, feeds in all, failed so far)
Arrived = Callable[[Feed, Stored], None]  # a feed's new and changed articles, once kept


@dataclass(slots=True)
class Split:
    """Where a refresh's time went, in seconds: each part's own work, so the parts overlap in wall time."""

    fetch: float = 0.0  # HTTP on the event loop's thread (CPU): requests, responses, decompression
    network: float = 0.0  # wall clock from the first request until the last response was in
    parse: float = 0.0  # reading documents into entries (CPU, added up over the readers)
    store: float = 0.0  # keeping them in the database (the keeper thread's CPU)

    def summary(self) -> str:
        return (
            f"fetch {self.fetch:.2f} s CPU (last response at {self.network:.2f} s), parse {self.parse:.2f} s CPU, "
            f"store {self.store:.2f} s CPU"
        )


@dataclass(slots=True)
class RefreshReport:
    feeds: int = 0
    not_modified: int = 0
    waiting: int = 0  # asked to wait (Retry-After) or gone: not asked this time
    new: int = 0
    changed: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (url, reason)
    seconds: float = 0.0
    stopped: str | None = None  # why the refresh stopped before every feed was asked (a full disk)
    split: Split = field(default_factory=Split)
    pages: int = 0  # full-text feeds' pages whose main text was kept
    pages_failed: list[tuple[str, str]] = field(default_factory=list)  # (page url, reason): the summary stays

    def summary(self) -> str:
        parts = [f"{self.feeds} feeds", f"{self.new} new articles"]
        if self.changed:
            parts.append(f"{self.changed} changed")
        if self.not_modified:
            parts.append(f"{self.not_modified} unchanged")
        if self.waiting:
            parts.append(f"{self.waiting} not asked (gone, or asked us to wait)")
        parts.append(f"{len(self.failed)} failed")
        if self.pages or self.pages_failed:
            parts.append(f"{self.pages} full texts kept ({len(self.pages_failed)} pages failed)")
        stopped = f"; stopped: {self.stopped}" if self.stopped else ""
        return ", ".join(parts) + f" in {self.seconds:.1f} s" + stopped


def refresh(
    db: Path,
    *,
    urls: list[str] | None = None,
    settings: FetchSettings | None = None,
    progress: Progress | None = None,
    arrived: Arrived | None = None,
    stop: Callable[[], bool] | None = None,
) -> RefreshReport:
    """Fetch every subscribed feed (or those of `urls`) and keep what they bring."""
    return _run(lambda: _refresh(db, urls, settings, progress, arrived, stop))


async def _refresh(
    db: Path,
    urls: list[str] | None,
    settings: FetchSettings | None,
    progress: Progress | None,
    arrived: Arrived | None,
    stop: Callable[[], bool] | None,
) -> RefreshReport:
    started = time.monotonic()
    loop_cpu = time.thread_time()
    report = RefreshReport()
    loop = asyncio.get_running_loop()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="feeds") as keeper:
        subscriptions = await loop.run_in_executor(keeper, Subscriptions.open, db)
        try:
            feeds = await loop.run_in_executor(keeper, subscriptions.feeds)
            if urls is not None:
                wanted = set(urls)
                feeds = [feed for feed in feeds if feed.url in wanted]
            now = time.time()
            due = [f for f in feeds if not f.gone and not (f.retry_at and f.retry_at > now)]
            report.feeds, report.waiting = len(feeds), len(feeds) - len(due)
            fetcher = Fetcher(settings)
            keep_days = fetcher.settings.keep_days
            done = 0
            cores = os.cpu_count() or 1
            # Many feeds: their documents are read on the other cores while this process fetches and keeps on
            # its own (which costs it as much CPU as reading costs one core: a reader on each core made the
            # refresh slower on 2 cores, each reader process's start costing 0.2-0.3 s of CPU more).
            readers = process_pool(cores - 1) if len(due) >= POOL_MIN_FEEDS and cores > 1 else keeper

            async def one(feed: Feed) -> None:
                nonlocal done
                if (stop is not None and stop()) or report.stopped:
                    return
                try:
                    fetched = await fetcher.fetch(feed.url, feed.etag, feed.last_modified)
                    report.split.network = time.monotonic() - started
                    read: ParsedFeed | str | None = None
                    if fetched.error is None and not fetched.not_modified:
                        content, kind = fetched.content or b"", fetched.content_type
                        read, seconds = await loop.run_in_executor(
                            readers, documents.read_timed, content, kind, fetched.final_url
                        )
                        report.split.parse += seconds
                    if report.stopped:
                        return
                    await loop.run_in_executor(
                        keeper, _keep, subscriptions, feed, fetched, read, report, arrived, keep_days
                    )
                except Exception as error:  # a fault nobody foresaw: that feed fails, the others go on
                    if _disk_full(error):  # nothing more can be kept: stop, what is kept stays as it was
                        report.stopped = "the disk is full (database or disk is full); what was kept is intact"
                        reason = "not kept: the disk is full"
                    else:
                        reason = f"could not be kept ({type(error).__name__}: {one_line(str(error))[:160]})"
                    report.failed.append((feed.url, reason))
                    await loop.run_in_executor(keeper, _failed_quietly, subscriptions, feed, reason)
                done += 1
                if progress is not None:
                    progress(done, len(due), len(report.failed))

            try:
                if progress is not None:
                    progress(0, len(due), 0)
                await asyncio.gather(*(one(feed) for feed in due))
            finally:
                await fetcher.close()
                if readers is not keeper:
                    readers.shutdown(cancel_futures=True)
            if not report.stopped and not (stop is not None and stop()):
                await _full_texts(subscriptions, keeper, urls, settings, report, arrived)
        finally:
            await loop.run_in_executor(keeper, subscriptions.close)
    report.seconds = time.monotonic() - started
    report.split.fetch = time.thread_time() - loop_cpu
    return report


async def _full_texts(
    subscriptions: Subscriptions,
    keeper: ThreadPoolExecutor,
    urls: list[str] | None,
    settings: FetchSettings | None,
    report: RefreshReport,
    arrived: Arrived | None,
) -> None:
    """The pages of full-text feeds' new entries: fetched, their main text kept (or why not); the articles with
    their full text arrive as changed ones."""
    loop = asyncio.get_running_loop()
    wanted = await loop.run_in_executor(keeper, subscriptions.pages_wanted, fulltext.PAGES_PER_REFRESH, urls)
    if not wanted:
        return
    pages = Fetcher(fulltext.page_settings(settings))
    try:
        found = await fulltext.fetch_pages(pages, wanted)
    finally:
        await pages.close()
    await loop.run_in_executor(keeper, _keep_pages, subscriptions, found, report, arrived)


def _keep_pages(
    subscriptions: Subscriptions, pages: list[fulltext.Page], report: RefreshReport, arrived: Arrived | None
) -> None:
    for page in pages:
        subscriptions.keep_page(page.article_id, page.url, page.text, page.error, page.etag, page.last_modified)
        if page.error is not None:
            report.pages_failed.append((page.url, page.error))
        elif page.text is not None:
            report.pages += 1
            article = subscriptions.article(page.article_id)
            feed = subscriptions.feed(article.feed) if article is not None and article.feed else None
            if arrived is not None and article is not None and feed is not None:
                arrived(feed, Stored([], [article], feed.url, feed.name))


def full_text(db: Path, identity: str, settings: FetchSettings | None = None) -> fulltext.Page | None:
    """Fetch one article's page now (whatever its feed's setting; conditionally when it was fetched before) and keep
    its main text, or why there is none. None: no feed carries that article."""
    return _run(lambda: _full_text(db, identity, settings))


async def _full_text(db: Path, identity: str, settings: FetchSettings | None) -> fulltext.Page | None:
    subscriptions = Subscriptions.open(db)
    try:
        article = subscriptions.article(identity)
        if article is None:
            return None
        link = article.link or ""
        kept, _, etag, last_modified = subscriptions.page(identity)
        fetcher = Fetcher(fulltext.page_settings(settings))
        try:
            page, document = await fulltext.fetch_page(
                fetcher, identity, link, etag if kept else None, last_modified if kept else None
            )
        finally:
            await fetcher.close()
        page = await asyncio.to_thread(fulltext.read_page, page, document)
        if page.not_modified:
            page.text = kept
            return page
        if fulltext.fetchable(link):  # a link that is not a page's is never kept as one
            subscriptions.keep_page(identity, link, page.text, page.error, page.etag, page.last_modified)
        return page
    finally:
        subscriptions.close()


def _run(work: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run `work` on an event loop of its own: on this thread, or (when this thread runs a loop already,
    as an async caller's does) on a thread beside it."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(work())
    with ThreadPoolExecutor(max_workers=1) as beside:
        return beside.submit(lambda: asyncio.run(work())).result()


def read_or_reason(fetched: Fetched) -> ParsedFeed | str:
    """The fetched document's feed, or why it is not one."""
    return documents.read_or_reason(fetched.content or b"", fetched.content_type, fetched.final_url)


def _keep(
    subscriptions: Subscriptions,
    feed: Feed,
    fetched: Fetched,
    read: ParsedFeed | str | None,
    report: RefreshReport,
    arrived: Arrived | None,
    keep_days: float = 0,
) -> None:
    """Keep what one fetch brought, read already (on the keeper thread)."""
    started = time.thread_time()
    try:
        _keep_now(subscriptions, feed, fetched, read, report, arrived, keep_days)
    finally:
        report.split.store += time.thread_time() - started


def _keep_now(
    subscriptions: Subscriptions,
    feed: Feed,
    fetched: Fetched,
    read: ParsedFeed | str | None,
    report: RefreshReport,
    arrived: Arrived | None,
    keep_days: float,
) -> None:
    if fetched.moved:
        feed = subscriptions.moved(feed, fetched.final_url)
    if fetched.error is not None:
        subscriptions.failed(feed, fetched.error, retry_at=fetched.retry_at, gone=fetched.gone)
        report.failed.append((feed.url, fetched.error))
        return
    if fetched.not_modified:
        subscriptions.unchanged(feed)
        report.not_modified += 1
        return
    if read is None:
        read = read_or_reason(fetched)
    if isinstance(read, str):
        subscriptions.failed(feed, read)
        report.failed.append((feed.url, read))
        return
    stored = subscriptions.store(feed, read, fetched.etag, fetched.last_modified, keep_days)
    report.new += len(stored.new)
    report.changed += len(stored.changed)
    if arrived is not None and (stored.new or stored.changed):
        arrived(feed, stored)


def _disk_full(error: Exception) -> bool:
    return isinstance(error, sqlite3.OperationalError) and "full" in str(error).lower()


def _failed_quietly(subscriptions: Subscriptions, feed: Feed, reason: str) -> None:
    """Record a feed's error when the database lets it (the fault may be the database's own)."""
    try:
        subscriptions.failed(feed, reason)
    except Exception:  # the error is in the report already
        pass


def read_document(fetched: Fetched) -> ParsedFeed:
    """The feed in a fetched document, read in the encoding its server declared when it declares none itself."""
    return documents.read_document(fetched.content or b"", fetched.content_type, fetched.final_url)


# Subscribing: a feed's URL, or a page that names its feed --------------------------------------------


class SubscribeError(Exception):
    """No feed could be subscribed to at that address; the message says why."""


@dataclass(frozen=True, slots=True)
class Subscribed:
    feed: Feed
    new: bool  # False: already subscribed
    stored: Stored | None
    found_on: str | None  # the page it was discovered on, when the address given was a page


def subscribe(db: Path, url: str, settings: FetchSettings | None = None) -> Subscribed:
    """Subscribe to the feed at `url`, or to the feed a web page at `url` names; keep its entries at once."""
    return _run(lambda: _subscribe(db, url, settings))


async def _subscribe(db: Path, url: str, settings: FetchSettings | None) -> Subscribed:
    subscriptions = Subscriptions.open(db)
    try:
        existing = subscriptions.feed(url)
        if existing is not None:
            return Subscribed(existing, False, None, None)
        fetcher = Fetcher(settings)
        try:
            fetched = await fetcher.fetch(url)
            page: str | None = None
            read = read_or_reason(fetched) if fetched.error is None else None
            if isinstance(read, str):  # a page, perhaps, that names its feed
                alternates = feed_links(fetched.content or b"", fetched.final_url)
                if not alternates:
                    raise SubscribeError(f"{url}: {read}, and no feed is named on it")
                page = url
                fetched = await fetcher.fetch(alternates[0])
                read = read_or_reason(fetched) if fetched.error is None else None
            if fetched.error is not None:
                raise SubscribeError(f"{fetched.url}: {fetched.error}")
            if not isinstance(read, ParsedFeed):
                raise SubscribeError(f"{fetched.url}: {read}, and no feed is named on it")
        finally:
            await fetcher.close()
        address = fetched.final_url if (fetched.moved or page is not None) else fetched.url
        feed, new = subscriptions.add(address, read.title)
        stored = subscriptions.store(feed, read, fetched.etag, fetched.last_modified) if new else None
        return Subscribed(subscriptions.feed(address) or feed, new, stored, page)
    finally:
        subscriptions.close()


_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json", "application/json")


def feed_links(document: bytes, base: str) -> list[str]:
    """The feeds a web page names in its <link rel="alternate"> tags, best first (Atom and RSS before JSON)."""
    finder = _FeedLinks()
    try:
        finder.feed(document[:1_000_000].decode("utf-8", "replace"))
    except (AssertionError, ValueError):
        pass
    found = sorted(finder.found, key=lambda pair: _FEED_TYPES.index(pair[0]))
    links = [urljoin(base, href) for _, href in found]
    return [link for link in dict.fromkeys(links) if is_openable(link)]


class _FeedLinks(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "link":
            return
        values = {name: (value or "") for name, value in attrs}
        kind = values.get("type", "").lower().split(";")[0].strip()
        if "alternate" in values.get("rel", "").lower().split() and kind in _FEED_TYPES and values.get("href"):
            self.found.append((kind, values["href"].strip()))

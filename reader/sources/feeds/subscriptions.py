"""Feed subscriptions and their entries, kept in the reader's SQLite database beside the read marks.

Nothing a fetch brings removes or changes what is kept, except an entry's own newer text: an entry is
found again by its key within its feed, keeps the article id it was first given (and so its read mark),
and stays after it drops out of the feed's document. An entry with its own id (guid) is its feed's own
article, whatever its link; one without is known by its link, so two feeds carrying that link give one.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from reader.articles import Article
from reader.sources.files import Collection
from reader.storage import database
from reader.storage.database import transaction

if TYPE_CHECKING:  # the feed parser (fastfeedparser, lxml) loads only when a feed is fetched, not at start-up
    from reader.sources.feeds.parse import ParsedFeed

# An article's text is its page's main text once fetched (full text), else the feed's own.
_FULL_TEXT = "LEFT JOIN fulltexts t ON t.article_id = e.article_id AND t.text IS NOT NULL"
_BODY = "coalesce(t.text, e.body)"
_FEED_COLUMNS = (
    "id, url, title, site, tags, added_at, etag, last_modified, fetched_at, error, error_at, retry_at, gone, fulltext"
)


@dataclass(slots=True)
class Feed:
    """One subscription and what is known of its last fetch."""

    id: int
    url: str
    title: str | None
    site: str | None
    tags: str
    added_at: float
    etag: str | None
    last_modified: str | None
    fetched_at: float | None
    error: str | None
    error_at: float | None
    retry_at: float | None
    gone: bool
    fulltext: bool = False  # each entry's page is fetched after a refresh and its main text kept

    @property
    def name(self) -> str:
        return self.title or self.url


@dataclass(frozen=True, slots=True)
class Stored:
    """What one fetch changed: articles new to the reader, and articles whose text changed; with the feed's
    URL and title as they are now."""

    new: list[Article]
    changed: list[Article]
    url: str = ""
    title: str = ""


def article_id(feed_url: str, key: str, link: str | None, guid: bool = False) -> str:
    """A new entry's article id: from its feed and its own id (guid) when it has one (five entries that give
    the site's home page as link are five articles); else from its link (so two feeds carrying one link give
    one article), else from its key within its feed. Kept with the entry from then on, whatever changes."""
    source = f"link\n{_canonical(link)}" if link and not guid else f"entry\n{feed_url}\n{key}"
    return hashlib.blake2b(source.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


def _canonical(link: str) -> str:
    return link.strip().split("#", 1)[0]


def _digest(title: str, body: str, link: str | None) -> str:
    text = f"{title}\n{link or ''}\n{body}"
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


class Subscriptions:
    """The feeds table and the entries table, on one connection (made by `ReadState.open`'s schema)."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection

    @classmethod
    def open(cls, path: Path) -> Subscriptions:
        """The subscriptions in the database at `path` (which `ReadState.open` made or brought up to date)."""
        connection = database.connect(path, database.FEEDS_WAIT)
        connection.execute("PRAGMA synchronous=NORMAL")
        return cls(connection)

    def close(self) -> None:
        self._connection.close()

    # Subscriptions ----------------------------------------------------------------------------

    def feeds(self) -> list[Feed]:
        rows = self._connection.execute(f"SELECT {_FEED_COLUMNS} FROM feeds ORDER BY lower(coalesce(title, url))")
        return [_feed(row) for row in rows]

    def feed(self, url: str) -> Feed | None:
        row = self._connection.execute(f"SELECT {_FEED_COLUMNS} FROM feeds WHERE url = ?", (url,)).fetchone()
        return None if row is None else _feed(row)

    def has_feeds(self) -> bool:
        return self._connection.execute("SELECT 1 FROM feeds LIMIT 1").fetchone() is not None

    def add(self, url: str, title: str | None = None, tags: str = "", *, named: bool = False) -> tuple[Feed, bool]:
        """Subscribe to `url`; returns the feed and whether it is new (an existing one is left as it is). `named`:
        the title is the subscriber's name for the feed (a urls file's "~Title"), which a refresh keeps."""
        existing = self.feed(url)
        if existing is not None:
            return existing, False
        with transaction(self._connection):
            self._connection.execute(
                "INSERT INTO feeds (url, title, tags, added_at, named) VALUES (?, ?, ?, ?, ?)",
                (url, title, tags, time.time(), int(named and bool(title))),
            )
        found = self.feed(url)
        assert found is not None
        return found, True

    def set_fulltext(self, url: str, on: bool) -> bool:
        """Fetch this feed's articles in full from now on (or stop); False when `url` is not subscribed."""
        with transaction(self._connection):
            done = self._connection.execute("UPDATE feeds SET fulltext = ? WHERE url = ?", (int(on), url)).rowcount
        return bool(done)

    def set_tags(self, url: str, tags: list[str]) -> None:
        with transaction(self._connection):
            self._connection.execute("UPDATE feeds SET tags = ? WHERE url = ?", ("\n".join(tags), url))

    def remove(self, url: str) -> int | None:
        """Unsubscribe: the feed and its entries go (read marks stay). Returns how many entries it had."""
        feed = self.feed(url)
        if feed is None:
            return None
        with transaction(self._connection):
            count = self._connection.execute("SELECT count(*) FROM entries WHERE feed = ?", (feed.id,)).fetchone()[0]
            self._connection.execute("DELETE FROM entries WHERE feed = ?", (feed.id,))
            self._connection.execute("DELETE FROM feeds WHERE id = ?", (feed.id,))
            self._connection.execute("DELETE FROM analyses WHERE source = ?", (feed.url,))
            self._connection.execute("DELETE FROM sources WHERE path = ?", (feed.url,))
        return int(count)

    def counts(self, read: frozenset[str] | set[str]) -> dict[str, tuple[int, int]]:
        """Each feed's entries and how many of them are unread, by URL."""
        totals: dict[str, tuple[int, int]] = {}
        for url, ids in self._connection.execute(
            "SELECT f.url, group_concat(e.article_id) FROM feeds f LEFT JOIN entries e ON e.feed = f.id GROUP BY f.id"
        ):
            members = ids.split(",") if ids else []
            totals[url] = (len(members), sum(1 for member in members if member not in read))
        return totals

    # Fetches ----------------------------------------------------------------------------------

    def store(
        self, feed: Feed, parsed: ParsedFeed, etag: str | None, last_modified: str | None, keep_days: float = 0
    ) -> Stored:
        """Keep a fetched document's entries (one transaction): new ones added, changed ones updated. An entry
        under a key not seen before with the text of one the document no longer carries is that one again (a
        guid that changes on every fetch). With `keep_days`, entries the feed has not carried for that long
        go, but starred ones; 0 keeps everything."""
        now = time.time()
        first_seen = datetime.fromtimestamp(now, UTC)
        entries = {entry.key: entry for entry in parsed.entries}  # a key twice in one document: the last wins
        new: list[Article] = []
        changed: list[Article] = []
        with transaction(self._connection):
            parted = self._part(feed)
            known = {
                key: (article, digest)
                for key, article, digest in self._connection.execute(
                    "SELECT key, article_id, digest FROM entries WHERE feed = ?", (feed.id,)
                )
            }
            inserts, updates, rekeyed = [], [], []
            gone_by_text = {digest: key for key, (_, digest) in known.items() if key not in entries}
            for entry in entries.values():
                digest = _digest(entry.title, entry.body, entry.link)
                kept = known.get(entry.key)
                if kept is None and (earlier := gone_by_text.pop(digest, None)) is not None:
                    rekeyed.append((entry.key, feed.id, earlier))  # the same text under a new key: the same entry
                    continue
                if kept is not None:
                    if kept[1] != digest:
                        published = entry.published.isoformat() if entry.published else None
                        updates.append((entry.link, entry.title, published, entry.body, digest, feed.id, entry.key))
                        changed.append(
                            _article(kept[0], feed.url, entry.link, entry.title, entry.published, entry.body)
                        )
                    continue
                identity = article_id(feed.url, entry.key, entry.link, entry.guid)
                published_at = entry.published or first_seen  # undated: when it was first seen
                inserts.append(
                    (
                        feed.id,
                        entry.key,
                        identity,
                        entry.link,
                        entry.title,
                        published_at.isoformat(),
                        entry.body,
                        digest,
                        now,
                    )
                )
                new.append(_article(identity, feed.url, entry.link, entry.title, published_at, entry.body))
            self._connection.executemany("UPDATE entries SET key = ? WHERE feed = ? AND key = ?", rekeyed)
            self._connection.executemany(  # seen_at: when the feed last carried the entry
                "UPDATE entries SET seen_at = ? WHERE feed = ? AND key = ?", ((now, feed.id, key) for key in entries)
            )
            self._connection.executemany(
                "INSERT INTO entries (feed, key, article_id, link, title, published, body, digest, seen_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                inserts,
            )
            self._connection.executemany(
                "UPDATE entries SET link = ?, title = ?, published = coalesce(?, published), body = ?, digest = ?"
                " WHERE feed = ? AND key = ?",
                updates,
            )
            pruned = 0
            if keep_days > 0:
                pruned = self._connection.execute(
                    "DELETE FROM entries WHERE feed = ? AND seen_at < ?"
                    " AND article_id NOT IN (SELECT article_id FROM stars)",
                    (feed.id, now - keep_days * 86400),
                ).rowcount
            grew = 1 if inserts or updates or parted or pruned else 0
            kept_title = self._connection.execute(
                "UPDATE feeds SET title = CASE WHEN named THEN title ELSE ? END, site = ?, etag = ?, last_modified = ?,"
                " fetched_at = ?, error = NULL, error_at = NULL, retry_at = NULL, gone = 0, version = version + ?"
                " WHERE id = ? RETURNING title",
                (parsed.title, parsed.site, etag, last_modified, now, grew, feed.id),
            ).fetchone()
        fresh = {article.id for article in new}
        new += [article for article in parted if article.id not in fresh]
        title = kept_title[0] if kept_title and kept_title[0] else parsed.title
        return Stored(new, changed, feed.url, title)

    def _part(self, feed: Feed) -> list[Article]:
        """Entries with their own ids that an earlier reader merged into one article by their shared link
        (a site's home page, say) get an article each, with the read mark and star the shared one had; the
        first by feed and key keeps the shared id. Inside `store`'s transaction; nothing to do once parted."""
        merged = self._connection.execute(
            "SELECT e.key, e.article_id, e.link, e.title, e.published, e.body FROM entries e"
            " WHERE e.feed = ? AND e.key != coalesce(e.link, '') AND EXISTS (SELECT 1 FROM entries o"
            " WHERE o.article_id = e.article_id AND (o.feed != e.feed OR o.key != e.key))",
            (feed.id,),
        ).fetchall()
        parted: list[Article] = []
        for key, shared, link, title, published, body in merged:
            first = self._connection.execute(
                "SELECT feed, key FROM entries WHERE article_id = ? ORDER BY feed, key LIMIT 1", (shared,)
            ).fetchone()
            if tuple(first) == (feed.id, key):
                continue
            identity = article_id(feed.url, key, link, guid=True)
            self._connection.execute(
                "UPDATE entries SET article_id = ? WHERE feed = ? AND key = ?", (identity, feed.id, key)
            )
            for table, column in (("read_marks", "read_at"), ("stars", "starred_at")):
                self._connection.execute(
                    f"INSERT OR IGNORE INTO {table} (article_id, {column})"
                    f" SELECT ?, {column} FROM {table} WHERE article_id = ?",
                    (identity, shared),
                )
            parted.append(_article(identity, feed.url, link, title, _parsed_date(published), body))
        return parted

    def unchanged(self, feed: Feed) -> None:
        """The server said nothing changed (304): only when it was asked is noted."""
        with transaction(self._connection):
            self._connection.execute(
                "UPDATE feeds SET fetched_at = ?, error = NULL, error_at = NULL, retry_at = NULL WHERE id = ?",
                (time.time(), feed.id),
            )

    def failed(self, feed: Feed, reason: str, *, retry_at: float | None = None, gone: bool = False) -> None:
        """A fetch failed: its entries stay as they are; the error and when are kept."""
        with transaction(self._connection):
            self._connection.execute(
                "UPDATE feeds SET error = ?, error_at = ?, retry_at = ?, gone = ? WHERE id = ?",
                (reason, time.time(), retry_at, int(gone), feed.id),
            )

    def moved(self, feed: Feed, url: str) -> Feed:
        """A permanent redirect: the feed is known by its new URL from now on (unless already subscribed)."""
        if url == feed.url or self.feed(url) is not None:
            return feed
        with transaction(self._connection):
            self._connection.execute("UPDATE feeds SET url = ? WHERE id = ?", (url, feed.id))
            self._connection.execute("UPDATE analyses SET source = ? WHERE source = ?", (url, feed.url))
            self._connection.execute("DELETE FROM sources WHERE path = ?", (feed.url,))
        moved = self.feed(url)
        return moved if moved is not None else feed

    def last_refresh(self) -> float | None:
        """When feeds were last asked (the latest fetch or error of any feed)."""
        row = self._connection.execute(
            "SELECT max(max(coalesce(fetched_at, 0)), max(coalesce(error_at, 0))) FROM feeds"
        )
        value = row.fetchone()[0]
        return float(value) if value else None

    def article(self, identity: str) -> Article | None:
        """One article by id, as the newest entry that carries it."""
        row = self._connection.execute(
            f"SELECT e.article_id, f.url, e.link, e.title, e.published, {_BODY} FROM entries e"
            f" JOIN feeds f ON f.id = e.feed {_FULL_TEXT} WHERE e.article_id = ? ORDER BY e.seen_at DESC LIMIT 1",
            (identity,),
        ).fetchone()
        if row is None:
            return None
        identity, url, link, title, published, body = row
        return _article(identity, url, link, title, _parsed_date(published), body)

    # Full text ------------------------------------------------------------------------------

    def pages_wanted(self, limit: int, urls: list[str] | None = None) -> list[tuple[str, str]]:
        """(article id, link) of the entries of full-text feeds (or of the feeds of `urls`) whose page was never
        asked, newest first, at most `limit`."""
        wanted = f" AND f.url IN ({','.join('?' * len(urls))})" if urls is not None else ""
        rows = self._connection.execute(
            "SELECT e.article_id, e.link FROM entries e JOIN feeds f ON f.id = e.feed"
            " WHERE f.fulltext = 1 AND e.link IS NOT NULL"
            f" AND NOT EXISTS (SELECT 1 FROM fulltexts t WHERE t.article_id = e.article_id){wanted}"
            " GROUP BY e.article_id ORDER BY max(e.published) DESC LIMIT ?",
            (*(urls or ()), limit),
        )
        return [(identity, link) for identity, link in rows]

    def page(self, identity: str) -> tuple[str | None, str | None, str | None, str | None]:
        """What is kept of an article's page: (text, error, etag, last modified), all None when never asked."""
        row = self._connection.execute(
            "SELECT text, error, etag, last_modified FROM fulltexts WHERE article_id = ?", (identity,)
        ).fetchone()
        return (None, None, None, None) if row is None else (row[0], row[1], row[2], row[3])

    def keep_page(
        self, identity: str, url: str, text: str | None, error: str | None,
        etag: str | None = None, last_modified: str | None = None,
    ) -> None:
        """Keep an article's page's main text, or why there is none (its summary stays what is shown). A text
        kept earlier stays when this fetch failed or brought nothing new."""
        with transaction(self._connection):
            self._connection.execute(
                "INSERT INTO fulltexts (article_id, url, text, error, etag, last_modified, fetched_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (article_id) DO UPDATE SET url = excluded.url,"
                " text = coalesce(excluded.text, text), error = excluded.error,"
                " etag = coalesce(excluded.etag, etag),"
                " last_modified = coalesce(excluded.last_modified, last_modified),"
                " fetched_at = excluded.fetched_at",
                (identity, url, text, error, etag, last_modified, time.time()),
            )
            self._connection.execute(
                "UPDATE feeds SET version = version + 1 WHERE id IN (SELECT feed FROM entries WHERE article_id = ?)",
                (identity,),
            )

    # Articles ---------------------------------------------------------------------------------

    def articles(self, first: int = 500) -> Iterator[Collection]:
        """Every subscribed feed's articles, each once: the newest `first` in a first batch, then the rest."""
        urls = [feed.url for feed in self.feeds()]
        query = (
            f"SELECT e.article_id, f.url, e.link, e.title, e.published, {_BODY} FROM entries e"
            f" JOIN feeds f ON f.id = e.feed {_FULL_TEXT} ORDER BY e.published DESC"
        )
        seen: set[str] = set()
        batch: list[Article] = []
        size = first
        for identity, url, link, title, published, body in self._connection.execute(query):
            if identity in seen:
                continue
            seen.add(identity)
            batch.append(_article(identity, url, link, title, _parsed_date(published), body))
            if len(batch) >= size:
                yield Collection(batch, [], urls)
                batch, size, urls = [], size * 4, []
        yield Collection(batch, [], urls)


def _feed(row: tuple[object, ...]) -> Feed:
    values = list(row)
    values[-2], values[-1] = bool(values[-2]), bool(values[-1])
    return Feed(*values)  # type: ignore[arg-type]


def _article(identity: str, url: str, link: str | None, title: str, published: datetime | None, body: str) -> Article:
    """An entry as an article. Its date is kept with the feed's own offset in the database; the article's
    is in UTC without an offset, as every file's date is, so that articles of all sources sort together."""
    if published is not None and published.tzinfo is not None:
        published = published.astimezone(UTC).replace(tzinfo=None)
    return Article(identity, url, published, title, body, feed=url, link=link)


def _parsed_date(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def feeds_json(feeds: list[Feed], counts: dict[str, tuple[int, int]]) -> str:
    """`reader feeds list --json`: one object per feed."""
    return json.dumps(
        [
            {
                "url": feed.url,
                "title": feed.title,
                "entries": counts.get(feed.url, (0, 0))[0],
                "unread": counts.get(feed.url, (0, 0))[1],
                "last_fetched": _iso(feed.fetched_at),
                "last_error": feed.error,
            }
            for feed in feeds
        ],
        ensure_ascii=False,
        indent=2,
    )


def _iso(moment: float | None) -> str | None:
    return None if moment is None else datetime.fromtimestamp(moment, UTC).isoformat(timespec="seconds")

"""What a sync keeps in the reader's database: the server's feeds as subscriptions (`feeds`) and its items as
their entries (`entries`), so every part of the reader reads them as it reads any feed's; beside them
(`sync_feeds`, `sync_items`) which server feed and item each one is, with the read and starred state the
server had when last asked, the queue of marks made in the reader (`sync_queue`, filled by
`read_marks._commit`) and when the last sync was done or failed (`sync_state`). The tables are made by
`reader.storage.database`."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from reader.articles import Article
from reader.sources.feeds.html import to_text
from reader.sources.feeds.subscriptions import Feed, Subscriptions, _article, _digest, article_id
from reader.sources.sync.service import RemoteFeed, RemoteItem
from reader.storage import database
from reader.storage.database import transaction
from reader.text import headline


@dataclass(frozen=True, slots=True)
class Known:
    """An item the reader has: its article, and its state on the server when last asked (or last sent)."""

    article: str
    feed: str
    read: bool
    starred: bool


@dataclass(frozen=True, slots=True)
class Queued:
    """A mark (or star) made in the reader and not yet taken by the server."""

    row: int
    article: str
    star: bool
    value: bool
    made_at: float


@dataclass(frozen=True, slots=True)
class Status:
    """When the last sync reached the server, and when and why the last one failed (if after it)."""

    synced_at: float | None
    failed_at: float | None
    failure: str | None
    queued: int


class SyncStore:
    """The sync's rows in the database at a path (made ready by `ReadState.open`)."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection
        self.subscriptions = Subscriptions(connection)

    @classmethod
    def open(cls, path: Path) -> SyncStore:
        connection = database.connect(path, database.FEEDS_WAIT)
        connection.execute("PRAGMA synchronous=NORMAL")
        return cls(connection)

    def close(self) -> None:
        self._connection.close()

    # The account and its record ---------------------------------------------------------------

    def value(self, name: str) -> str | None:
        row = self._connection.execute("SELECT value FROM sync_state WHERE name = ?", (name,)).fetchone()
        return None if row is None else str(row[0]) if row[0] is not None else None

    def _put(self, **values: str | None) -> None:
        self._connection.executemany(
            "INSERT OR REPLACE INTO sync_state (name, value) VALUES (?, ?)", list(values.items())
        )

    def for_account(self, account: str) -> tuple[int, int] | None:
        """Make the rows those of `account` (service, address, user): another account's feeds, items and queue go
        (their read marks stay, by article id). Returns how many feeds and queued marks were another's, or None
        when they were this account's (or there were none)."""
        kept = self.value("account")
        if kept == account:
            return None
        dropped = None
        with transaction(self._connection):
            if kept is not None:
                feeds = self._connection.execute("SELECT count(*) FROM sync_feeds").fetchone()[0]
                marks = self._connection.execute("SELECT count(*) FROM sync_queue").fetchone()[0]
                dropped = (int(feeds), int(marks))
                for (feed,) in self._connection.execute("SELECT feed FROM sync_feeds").fetchall():
                    self._remove_feed(int(feed))
                for table in ("sync_feeds", "sync_items", "sync_queue", "sync_state"):
                    self._connection.execute(f"DELETE FROM {table}")
            self._put(account=account)
        return dropped

    def status(self) -> Status:
        def moment(name: str) -> float | None:
            text = self.value(name)
            try:
                return float(text) if text else None
            except ValueError:
                return None

        queued = self._connection.execute("SELECT count(*) FROM sync_queue").fetchone()[0]
        return Status(moment("synced_at"), moment("failed_at"), self.value("failure"), int(queued))

    def failed(self, reason: str) -> None:
        with transaction(self._connection):
            self._put(failed_at=repr(time.time()), failure=reason)

    # Feeds ------------------------------------------------------------------------------------

    def take_feeds(self, remote: list[RemoteFeed]) -> tuple[dict[str, Feed], int, int]:
        """The server's subscriptions made the reader's: new ones added (a feed the reader had already keeps its
        row), titles and groups (as tags) updated, those the server dropped removed with their entries. Returns
        each remote feed's local one, and how many were added and removed."""
        now = time.time()
        with transaction(self._connection):
            mapped = dict(self._connection.execute("SELECT remote, feed FROM sync_feeds").fetchall())
            wanted = {feed.id for feed in remote}
            removed = 0
            for gone, feed in list(mapped.items()):
                if gone not in wanted:
                    self._remove_feed(int(feed))
                    self._connection.execute("DELETE FROM sync_feeds WHERE remote = ?", (gone,))
                    self._connection.execute("DELETE FROM sync_items WHERE feed = ?", (gone,))
                    removed += 1
            added = 0
            for feed in remote:
                tags = "\n".join(feed.groups)
                row = self._connection.execute("SELECT id FROM feeds WHERE url = ?", (feed.url,)).fetchone()
                if row is None:
                    cursor = self._connection.execute(
                        "INSERT INTO feeds (url, title, site, tags, added_at, fetched_at) VALUES (?, ?, ?, ?, ?, ?)",
                        (feed.url, feed.title, feed.site, tags, now, now),
                    )
                    local = int(cursor.lastrowid or 0)
                else:
                    local = int(row[0])
                    self._connection.execute(
                        "UPDATE feeds SET title = coalesce(?, title), site = coalesce(?, site), tags = ?,"
                        " fetched_at = ?, error = NULL, error_at = NULL WHERE id = ?",
                        (feed.title, feed.site, tags, now, local),
                    )
                if mapped.get(feed.id) != local:
                    added += feed.id not in mapped
                    self._connection.execute(
                        "INSERT OR REPLACE INTO sync_feeds (remote, feed) VALUES (?, ?)", (feed.id, local)
                    )
        by_id = {feed.id: feed for feed in self.subscriptions.feeds()}
        local_of = dict(self._connection.execute("SELECT remote, feed FROM sync_feeds").fetchall())
        found = {remote_id: by_id[int(local)] for remote_id, local in local_of.items() if int(local) in by_id}
        return found, added, removed

    def _remove_feed(self, feed: int) -> None:
        """Inside a transaction: a synced feed and its entries go (read marks stay)."""
        row = self._connection.execute("SELECT url FROM feeds WHERE id = ?", (feed,)).fetchone()
        self._connection.execute("DELETE FROM entries WHERE feed = ?", (feed,))
        self._connection.execute("DELETE FROM feeds WHERE id = ?", (feed,))
        if row is not None:
            self._connection.execute("DELETE FROM analyses WHERE source = ?", (row[0],))
            self._connection.execute("DELETE FROM sources WHERE path = ?", (row[0],))

    def unsynced_feeds(self) -> list[str]:
        """The URLs of the feeds subscribed here alone (the reader fetches them itself)."""
        return [
            str(url)
            for (url,) in self._connection.execute(
                "SELECT url FROM feeds WHERE id NOT IN (SELECT feed FROM sync_feeds) ORDER BY url"
            )
        ]

    def synced_feeds(self) -> set[str]:
        """The URLs of the feeds the server gives (the reader does not fetch them itself)."""
        return {
            str(url)
            for (url,) in self._connection.execute("SELECT f.url FROM sync_feeds s JOIN feeds f ON f.id = s.feed")
        }

    # Items ------------------------------------------------------------------------------------

    def known(self) -> dict[str, Known]:
        return {
            remote: Known(article, feed, bool(read), bool(starred))
            for remote, article, feed, read, starred in self._connection.execute(
                "SELECT remote, article_id, feed, read, starred FROM sync_items"
            )
        }

    def synced_articles(self, article_ids: Iterable[str]) -> set[str]:
        """Those of `article_ids` that are the server's items."""
        found: set[str] = set()
        for identity in article_ids:
            if self._connection.execute("SELECT 1 FROM sync_items WHERE article_id = ?", (identity,)).fetchone():
                found.add(identity)
        return found

    def keep_items(self, items: list[RemoteItem], feeds: dict[str, Feed]) -> dict[str, list[Article]]:
        """Keep new items as their feeds' entries (one transaction), with the server's read mark and star as
        their own; returns the new articles by feed URL. Items of a feed the server did not list are left."""
        now = time.time()
        new: dict[str, list[Article]] = {}
        entries: list[tuple[object, ...]] = []
        synced: list[tuple[object, ...]] = []
        read: list[tuple[str]] = []
        unread: list[tuple[str]] = []
        starred: list[tuple[str]] = []
        unstarred: list[tuple[str]] = []
        for item in items:
            feed = feeds.get(item.feed)
            if feed is None:
                continue
            body, _ = to_text(item.html, item.link or feed.url)
            title = headline(item.title, body)
            if not body:
                body = title
            identity = article_id(feed.url, item.id, None, guid=True)
            published = item.published or datetime.now(UTC)  # undated: when first seen
            entries.append(
                (
                    feed.id,
                    item.id,
                    identity,
                    item.link,
                    title,
                    published.isoformat(),
                    body,
                    _digest(title, body, item.link),
                    now,
                )
            )
            synced.append((item.id, identity, item.feed, int(item.read), int(item.starred)))
            (read if item.read else unread).append((identity,))
            (starred if item.starred else unstarred).append((identity,))
            new.setdefault(feed.url, []).append(_article(identity, feed.url, item.link, title, published, body))
        with transaction(self._connection):
            self._connection.executemany(
                "INSERT OR IGNORE INTO entries (feed, key, article_id, link, title, published, body, digest, seen_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                entries,
            )
            self._connection.executemany(
                "INSERT OR REPLACE INTO sync_items (remote, article_id, feed, read, starred) VALUES (?, ?, ?, ?, ?)",
                synced,
            )
            self._set(read, unread, starred, unstarred, now)
            self._connection.executemany(  # the analysis index sees these feeds changed
                "UPDATE feeds SET version = version + 1 WHERE id = ?", ((feed,) for feed in {e[0] for e in entries})
            )
        return new

    def _set(
        self,
        read: list[tuple[str]],
        unread: list[tuple[str]],
        starred: list[tuple[str]],
        unstarred: list[tuple[str]],
        now: float,
    ) -> None:
        """Inside a transaction: read marks and stars as the server has them (never queued: they came from it)."""
        self._connection.executemany(f"INSERT OR IGNORE INTO read_marks VALUES (?, {now!r})", read)
        self._connection.executemany("DELETE FROM read_marks WHERE article_id = ?", unread)
        self._connection.executemany(f"INSERT OR IGNORE INTO stars VALUES (?, {now!r})", starred)
        self._connection.executemany("DELETE FROM stars WHERE article_id = ?", unstarred)

    # The queue --------------------------------------------------------------------------------

    def queue(self) -> list[Queued]:
        return [
            Queued(int(row), str(article), bool(star), bool(value), float(made_at))
            for row, article, star, value, made_at in self._connection.execute(
                "SELECT id, article_id, star, value, made_at FROM sync_queue ORDER BY id"
            )
        ]

    def settle(
        self,
        from_server: list[tuple[str, bool, bool]],
        seen: list[tuple[str, bool, bool]],
        done: list[int],
        synced: bool,
        partial: list[tuple[str, bool | None, bool | None]] | None = None,
    ) -> list[tuple[str, bool, bool]]:
        """After a round, in one transaction: the server's marks that won kept here (`from_server`: article,
        value, star; not where a mark was queued meanwhile, whose own turn comes), the server's state as now
        known (`seen`: item, read, starred), the queued rows settled (`done`) gone, and the round noted.
        Returns the server's marks that were kept."""
        now = time.time()
        with transaction(self._connection):
            last = max(done, default=0)
            newer = {
                (str(article), bool(star))
                for article, star in self._connection.execute(
                    "SELECT article_id, star FROM sync_queue WHERE id > ?", (last,)
                )
            }
            kept = [change for change in from_server if (change[0], change[2]) not in newer]
            read = [(a,) for a, value, star in kept if not star and value]
            unread = [(a,) for a, value, star in kept if not star and not value]
            starred = [(a,) for a, value, star in kept if star and value]
            unstarred = [(a,) for a, value, star in kept if star and not value]
            self._set(read, unread, starred, unstarred, now)
            self._connection.executemany(
                "UPDATE sync_items SET read = ?, starred = ? WHERE remote = ?",
                ((int(r), int(s), remote) for remote, r, s in seen),
            )
            for remote, r, s in partial or []:  # only what was sent is known of these (a push without a pull)
                if r is not None:
                    self._connection.execute("UPDATE sync_items SET read = ? WHERE remote = ?", (int(r), remote))
                if s is not None:
                    self._connection.execute("UPDATE sync_items SET starred = ? WHERE remote = ?", (int(s), remote))
            self._connection.executemany("DELETE FROM sync_queue WHERE id = ?", ((row,) for row in done))
            if synced:
                self._put(synced_at=repr(now), failed_at=None, failure=None)
        return kept

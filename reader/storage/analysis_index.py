"""The analysis index: the names found in each article, and where it is, kept in the reader's SQLite database.

Finding names is the slow part of opening a big archive, so it is done once. Each source file is
remembered with its size and modification time; while they are unchanged its articles' names are read
back instead of found again. When a file changes, only its articles whose text changed (by digest)
are analysed again. Files that no longer exist, and files not opened for `FORGET_AFTER_DAYS`, are
forgotten, so the database does not grow without bound. Read marks live in their own table and are
never touched here. With each article's names go its headline, date, line and byte offset, so that a
second start can list the newest articles before reading any file.

Names merged across articles and story threads are built over a whole collection (a set of source
files), so they are kept per collection with a signature of every file's size and modification time:
while no file changed, a second start reads them back instead of merging and grouping again.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
from collections.abc import Iterable, KeysView
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reader.articles import Article, content_id
from reader.storage import database
from reader.storage.database import transaction

if TYPE_CHECKING:  # the name finder and the stories load only when names or threads are read back
    from reader.analysis.related import RelatedTable
    from reader.analysis.stories import SavedStories
    from reader.names.entities import ArticleName, NameIndex, NamesSummary, SavedNames

FORGET_AFTER_DAYS = 90
ANALYSIS_VERSION = 19  # change when names or threads are built differently: what an older reader kept is rebuilt


@dataclass(frozen=True, slots=True)
class Stamp:
    """What a source file looked like when it was indexed."""

    size: int
    mtime_ns: int


def stamp(path: str) -> Stamp | None:
    try:
        status = os.stat(path)
    except OSError:
        return None
    return Stamp(status.st_size, status.st_mtime_ns)


FEED_SCHEMES = ("http://", "https://")  # a source that is a feed is named by its URL; a file path never is


def is_feed(source: str) -> bool:
    return source.startswith(FEED_SCHEMES)


def _compact_json(value: object) -> str:
    return _COMPACT.encode(value)


_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))  # made once: json.dumps makes one per call


def decode(text: str) -> list[ArticleName]:
    """An article's names as kept (`names.entities.encode_names`)."""
    from reader.names.entities import decode_names

    return decode_names(text)


class AnalysisIndex:
    """What was found per (source file, article), and what was built per collection, on its own connection
    (it is used from a worker thread)."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self._connection = connection
        self._path = path
        self._moved: list[Article] = []  # read back from a changed file: their line may have moved

    @classmethod
    def open(cls, path: Path) -> AnalysisIndex | None:
        """The index in the database at `path` (made by `ReadState.open`), or None if it cannot be used."""
        try:
            connection = database.connect(path, database.ANALYSIS_WAIT)
            # A cache: a commit need not wait for the disk (in WAL mode that risks only the last commits on
            # a power cut, never the file). Per connection; without it each chunk's commit is an fsync.
            connection.execute("PRAGMA synchronous=NORMAL")
            # Both tables are there (counting them would read every row: 25 ms at 400,000 articles).
            connection.execute("SELECT (SELECT 1 FROM analyses LIMIT 1), (SELECT 1 FROM collections LIMIT 1)")
        except sqlite3.Error:
            return None
        return cls(connection, path)

    def close(self) -> None:
        self._connection.close()

    def stored(self, articles: list[Article]) -> tuple[dict[str, str], list[Article]]:
        """The names already found for `articles` (encoded), by article id, and the articles still to analyse."""
        found: dict[str, str] = {}
        todo: list[Article] = []
        grouped = _by_source(articles)
        feeds = self._feed_stamps() if any(is_feed(path) for path in grouped) else {}
        for path, members in grouped.items():
            if not _storable(path):
                todo.extend(members)  # a file name that is not UTF-8: analysed each time, never kept
                continue
            row = self._connection.execute(
                "SELECT size, mtime_ns, analysis FROM sources WHERE path = ?", (path,)
            ).fetchone()
            if row is not None and row[2] != ANALYSIS_VERSION:  # analysed by older rules: found again
                todo.extend(members)
                continue
            unchanged = row is not None and Stamp(row[0], row[1]) == self._stamp(path, feeds)
            rows = self._connection.execute(
                "SELECT article_id, digest, names, title FROM analyses WHERE source = ?", (path,)
            ).fetchall()
            known = {article_id: (digest, names, title) for article_id, digest, names, title in rows}
            for article in members:
                entry = known.get(article.id)
                # An unchanged file's articles are what they were; in a changed one, only unchanged text counts.
                if entry is not None and (unchanged or entry[0] == content_id(article.body)):
                    found[article.id] = entry[1]
                    if not unchanged or entry[2] is None:
                        self._moved.append(article)
                else:
                    todo.append(article)
        return found, todo

    def save(self, results: Iterable[tuple[Article, str]]) -> None:
        """Keep what was found (each article's names encoded), in one transaction (a chunk of work survives
        quitting mid-way)."""
        rows = [(a.path, a.id, content_id(a.body), names, *_placed(a)) for a, names in results if _storable(a.path)]
        with transaction(self._connection):
            self._connection.executemany(
                "INSERT OR REPLACE INTO analyses"
                " (source, article_id, digest, names, title, published, line, byte_offset)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )

    def finish(self, articles: list[Article]) -> None:
        """Every article of these sources is analysed: stamp the files (and when they were last opened) and
        drop the stored articles they no longer hold."""
        now = time.time()
        with transaction(self._connection):
            self._connection.executemany(
                "UPDATE analyses SET title = ?, published = ?, line = ?, byte_offset = ?"
                " WHERE source = ? AND article_id = ?",
                ((*_placed(a), a.path, a.id) for a in self._moved if _storable(a.path)),
            )
            self._moved = []
            grouped = _by_source(articles)
            feeds = self._feed_stamps() if any(is_feed(path) for path in grouped) else {}
            for path, members in grouped.items():
                current = self._stamp(path, feeds) if _storable(path) else None
                if current is None:
                    continue
                rows = self._connection.execute("SELECT article_id FROM analyses WHERE source = ?", (path,))
                gone = {row[0] for row in rows} - {article.id for article in members}
                self._connection.executemany(
                    "DELETE FROM analyses WHERE source = ? AND article_id = ?", ((path, a) for a in gone)
                )
                self._connection.execute(
                    "INSERT OR REPLACE INTO sources (path, size, mtime_ns, seen_at, analysis) VALUES (?, ?, ?, ?, ?)",
                    (path, current.size, current.mtime_ns, now, ANALYSIS_VERSION),
                )

    def newest(self, files: list[str], limit: int) -> list[Article]:
        """The newest `limit` articles of the collection of these files, without their text (read it
        with `sources.read_article`), if none of the files changed since it was indexed."""
        if self._kept(files, "signature") is None:
            return []
        rows = []
        for path in files:  # each file's newest along the (source, published) index, then its undated ones
            for condition in ("published IS NOT NULL ORDER BY published DESC", "published IS NULL"):
                rows += self._connection.execute(
                    # Named: without statistics SQLite may walk the whole file's rows instead (0.1 s at 400k).
                    "SELECT published, article_id, source, title, line, byte_offset FROM analyses"
                    f" INDEXED BY analyses_by_date WHERE source = ? AND {condition} LIMIT ?",
                    (path, limit),
                ).fetchall()
        rows.sort(key=lambda row: row[0] or "", reverse=True)  # newest first, undated last (stable sorts)
        rows.sort(key=lambda row: row[0] is None)
        return [
            Article(
                article_id,
                source,
                datetime.fromisoformat(published) if published else None,
                title,
                "",
                line,
                offset=offset,
            )
            for published, article_id, source, title, line, offset in rows[:limit]
        ]

    def source_of(self, article_id: str) -> tuple[str, int | None, int | None, str] | None:
        """Where an article is (source, line, byte offset) and its names as kept, from a file that still exists."""
        rows = self._connection.execute(
            "SELECT source, line, byte_offset, names FROM analyses WHERE article_id = ?", (article_id,)
        ).fetchall()
        feeds = self._feed_stamps() if any(is_feed(row[0]) for row in rows) else {}
        return next((tuple(row) for row in rows if row[0] in feeds or os.path.exists(row[0])), None)

    def known(self, article_ids: list[str]) -> set[str]:
        """Those of `article_ids` that some indexed source holds."""
        rows = self._connection.execute(
            "SELECT DISTINCT article_id FROM analyses WHERE article_id IN (SELECT value FROM json_each(?))",
            (json.dumps(article_ids),),
        )
        return {row[0] for row in rows}

    def stored_names(self, files: list[str], article_ids: KeysView[str] | None = None) -> NameIndex | None:
        """The names merged over the collection of these files when none of them changed since it was
        indexed (and, given `article_ids`, it holds exactly those articles); None otherwise."""
        from reader.names.entities import NameIndex, SavedNames

        kept = self._kept(files, "names")
        if not isinstance(kept, str):
            return None
        try:
            saved = SavedNames(*json.loads(kept))
        except (TypeError, ValueError):
            return None  # not what this reader writes: found again instead
        if article_ids is not None and (len(saved.articles) != len(article_ids) or article_ids != set(saved.articles)):
            return None
        restored = NameIndex.restored(saved, _NameFetcher(self._path, files), decode)
        if restored is not None:
            now = time.time()
            with transaction(self._connection):  # opened today: not to be forgotten for a while
                self._connection.execute("UPDATE collections SET seen_at = ? WHERE collection = ?", (now, _key(files)))
                self._connection.executemany("UPDATE sources SET seen_at = ? WHERE path = ?", ((now, f) for f in files))
        return restored

    def encoded_names(self, files: list[str]) -> dict[str, str]:
        """Every article's names in these files, as kept (for going through all of them at once)."""
        encoded: dict[str, str] = {}
        for path in files:
            encoded.update(self._connection.execute("SELECT article_id, names FROM analyses WHERE source = ?", (path,)))
        return encoded

    def stored_summary(self, files: list[str]) -> tuple[NamesSummary, int | None] | None:
        """The head of the names kept for the collection of these files, and how many stories are told in
        two or more of its articles (None until threads are kept), if none of the files changed since.
        A few kilobytes: quick enough for the first screen of any collection."""
        from reader.names.entities import NamesSummary

        row = self._kept_row(files, "head, stories")
        if row is None:
            return None
        try:
            top, totals = json.loads(row[0])
            summary = NamesSummary(
                {kind: [(int(i), str(name), int(count)) for i, name, count in rows] for kind, rows in top.items()},
                {kind: int(total) for kind, total in totals.items()},
            )
        except (TypeError, ValueError, AttributeError):
            return None  # not what this reader writes: the names are read back whole instead
        return summary, row[1]

    def save_names(self, files: list[str], names: SavedNames, summary: NamesSummary) -> None:
        """Keep the names merged over the collection of these files, with their head (threads built before
        are dropped)."""
        signature = self._signature(files)
        if signature is None:
            return  # a file vanished while reading: nothing trustworthy to keep
        text = _compact_json([names.entities, names.articles, names.counts, names.ids, names.ranked])
        head = _compact_json([summary.top, summary.totals])
        with transaction(self._connection):
            self._connection.execute(
                "INSERT OR REPLACE INTO collections (collection, signature, seen_at, head, names)"
                " VALUES (?, ?, ?, ?, ?)",
                (_key(files), signature, time.time(), head, text),
            )

    def stored_stories(self, files: list[str]) -> SavedStories | None:
        """The threads kept for the collection of these files, unchanged since; None when there are none."""
        from reader.analysis.stories import SavedStories

        kept = self._kept(files, "threads")
        if not isinstance(kept, str):
            return None
        count, threads = json.loads(kept)
        return SavedStories(count, [(thread_id, title, members) for thread_id, title, members in threads])

    def save_stories(self, files: list[str], stories: SavedStories) -> None:
        """Keep the threads built over the collection of these files, next to its names."""
        text = _compact_json([stories.count, stories.threads])
        with transaction(self._connection):
            self._connection.execute(
                "UPDATE collections SET threads = ?, stories = ? WHERE collection = ? AND signature = ?",
                (text, len(stories.threads), _key(files), self._signature(files)),
            )

    def stored_related(self, files: list[str]) -> RelatedTable | None:
        """Every article's related articles kept for the collection of these files, unchanged since."""
        from reader.analysis.related import RelatedTable

        kept = self._kept(files, "related")
        return RelatedTable.decode(kept) if isinstance(kept, bytes) else None

    def save_related(self, files: list[str], table: RelatedTable) -> None:
        """Keep the related articles found over the collection of these files, next to its threads."""
        pieces = table.pieces()
        with transaction(self._connection):
            # Written piece by piece into a blob of the right size, not built whole first: at 400,000
            # articles it is 90 MB, and SQLite would take a copy of it too.
            row = self._connection.execute(
                "UPDATE collections SET related = zeroblob(?) WHERE collection = ? AND signature = ? RETURNING rowid",
                (sum(len(piece) for piece in pieces), _key(files), self._signature(files)),
            ).fetchall()
            if row:
                with self._connection.blobopen("collections", "related", row[0][0]) as blob:
                    for piece in pieces:
                        blob.write(piece)

    def stored_copies(self, files: list[str]) -> list[list[str]] | None:
        """The groups of copies of one story kept for the collection of these files, unchanged since."""
        kept = self._kept(files, "copies")
        return [list(map(str, group)) for group in json.loads(kept)] if isinstance(kept, str) else None

    def save_copies(self, files: list[str], groups: list[list[str]]) -> None:
        """Keep which articles of the collection of these files are copies of one story (groups of two or more)."""
        with transaction(self._connection):
            self._connection.execute(
                "UPDATE collections SET copies = ? WHERE collection = ? AND signature = ?",
                (_compact_json(groups), _key(files), self._signature(files)),
            )

    def _kept(self, files: list[str], column: str) -> Any:
        """What is kept in `column` of the collection of these files, if none of them changed since (None
        otherwise; "signature" asks only whether it is kept)."""
        row = self._kept_row(files, column)
        return None if row is None else row[0]

    def _kept_row(self, files: list[str], columns: str) -> tuple[Any, ...] | None:
        """The `columns` kept for the collection of these files, if none of them changed since."""
        signature = self._signature(files)
        row = self._connection.execute(
            f"SELECT {columns} FROM collections WHERE collection = ? AND signature = ?", (_key(files), signature)
        ).fetchone()
        return None if row is None or signature is None else row

    def _stamp(self, source: str, feeds: dict[str, Stamp] | None = None) -> Stamp | None:
        """A file's size and modification time; a feed's entry count and version (raised at every change)."""
        if is_feed(source):
            return (feeds if feeds is not None else self._feed_stamps()).get(source)
        return stamp(source)

    def _feed_stamps(self) -> dict[str, Stamp]:
        try:
            rows = self._connection.execute(
                "SELECT f.url, (SELECT count(*) FROM entries e WHERE e.feed = f.id), f.version FROM feeds f"
            ).fetchall()
        except sqlite3.Error:
            return {}
        return {url: Stamp(count, version) for url, count, version in rows}

    def _signature(self, files: list[str]) -> str | None:
        """The files' sizes and modification times (feeds': entry counts and versions), and how they were
        analysed (None if one cannot be read)."""
        feeds = self._feed_stamps() if any(is_feed(path) for path in files) else {}
        stamps = [self._stamp(path, feeds) for path in sorted(set(files))]
        if not stamps or any(found is None for found in stamps):
            return None
        described = json.dumps([ANALYSIS_VERSION, [[s.size, s.mtime_ns] for s in stamps if s]])
        return hashlib.blake2b(described.encode(), digest_size=16).hexdigest()

    def forget_missing(self) -> int:
        """Forget files that are gone or were not opened for `FORGET_AFTER_DAYS`; returns how many."""
        cutoff = time.time() - FORGET_AFTER_DAYS * 86400
        paths = {r[0] for r in self._connection.execute("SELECT DISTINCT source FROM analyses")}
        stale = {r[0] for r in self._connection.execute("SELECT path FROM sources WHERE seen_at < ?", (cutoff,))}
        feeds = self._feed_stamps()
        forget = stale | {p for p in paths if p not in feeds and not os.path.exists(p)}
        with transaction(self._connection):
            for path in forget:
                self._connection.execute("DELETE FROM analyses WHERE source = ?", (path,))
                self._connection.execute("DELETE FROM sources WHERE path = ?", (path,))
            self._connection.execute("DELETE FROM collections WHERE seen_at < ?", (cutoff,))
        return len(forget)


def _key(files: list[str]) -> str:
    """Which collection: the set of its files."""
    joined = "\n".join(sorted(set(files)))
    return hashlib.blake2b(joined.encode("utf-8", "surrogateescape"), digest_size=16).hexdigest()


class _NameFetcher:
    """One article's names as kept, for a NameIndex read back: on its own connection, which stays open as
    long as that index is in use (from the UI thread or a worker)."""

    def __init__(self, path: Path, files: list[str]) -> None:
        self._connection = database.connect(path, database.ANALYSIS_WAIT)
        self._files = json.dumps(files)

    def __call__(self, article_id: str) -> str | None:
        try:
            row = self._connection.execute(
                "SELECT names FROM analyses WHERE source IN (SELECT value FROM json_each(?)) AND article_id = ?",
                (self._files, article_id),
            ).fetchone()
        except sqlite3.Error:
            return None  # the database went away: the article shows without names
        return None if row is None else row[0]


def _storable(path: str) -> bool:
    """A path SQLite can keep as text: not one whose name is not UTF-8 (Python holds its bytes as surrogates)."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _placed(article: Article) -> tuple[str, str | None, int | None, int | None]:
    """What the list shows of an article and where it is in its file: title, date, line, byte offset."""
    published = article.published.isoformat() if article.published else None
    return article.title, published, article.line, article.offset


def _by_source(articles: list[Article]) -> dict[str, list[Article]]:
    grouped: dict[str, list[Article]] = {}
    for article in articles:
        grouped.setdefault(article.path, []).append(article)
    return grouped

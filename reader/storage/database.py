"""The reader's database file, its one owner: where it lives, how it is connected to, its schema (nine tables, four
more for sync) and how an older one is brought up to date, one transaction, and what counts as damage.

The database lives in the user's data directory (platformdirs) unless `--db` or `READER_DB` says
otherwise. WAL mode with immediate commits means a change survives the process being killed the moment
after it was made. A database that is corrupt or from an unknown version is moved aside, never deleted.
Read marks (`read_marks`), the analysis (`analysis_index`) and the feeds (`reader.sources.feeds.subscriptions`)
each keep their own rows; every connection to the file is made here.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SCHEMA_VERSION = 8
ENV_VAR = "READER_DB"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS read_marks (
    article_id TEXT PRIMARY KEY,
    read_at    REAL NOT NULL
) WITHOUT ROWID;
"""
# Version 8 also keeps stars (`*`), by article id, as read marks are kept, and saved filters (`b`): a name
# and the filter as JSON (search words, a name by its text, a feed, unread or starred only).
_STARS_SCHEMA = """
CREATE TABLE IF NOT EXISTS stars (
    article_id TEXT PRIMARY KEY,
    starred_at REAL NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS saved_filters (
    name     TEXT PRIMARY KEY,
    filter   TEXT NOT NULL,
    saved_at REAL NOT NULL
);
"""
# Later, where the reader left each session's list (the article under its cursor), to open there again.
_PLACES_SCHEMA = """
CREATE TABLE IF NOT EXISTS places (
    session    TEXT PRIMARY KEY,
    article_id TEXT NOT NULL,
    left_at    REAL NOT NULL
);
"""
# Version 2 adds the analysis index (reader.storage.analysis_index): what was found in each source file, so a second
# start does not analyse unchanged files again. Read marks are kept by article id, apart from it.
# Version 4 adds what was built over each collection (a set of source files): its names, merged
# across articles, and its story threads, so a second start neither merges nor groups them again.
# (Version 3 kept the threads alone, in a table that version 4 drops.)
_INDEX_SCHEMA = """
CREATE TABLE IF NOT EXISTS sources (
    path       TEXT PRIMARY KEY,
    size       INTEGER NOT NULL,
    mtime_ns   INTEGER NOT NULL,
    seen_at    REAL NOT NULL,
    analysis   INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS analyses (
    source     TEXT NOT NULL,
    article_id TEXT NOT NULL,
    digest     TEXT NOT NULL,
    names      TEXT NOT NULL,
    title      TEXT,
    published  TEXT,
    line       INTEGER,
    byte_offset INTEGER,
    PRIMARY KEY (source, article_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS collections (
    collection TEXT PRIMARY KEY,
    signature  TEXT NOT NULL,
    seen_at    REAL NOT NULL,
    head       TEXT NOT NULL,
    stories    INTEGER,
    names      TEXT NOT NULL,
    threads    TEXT,
    related    BLOB,
    copies     TEXT
);
DROP TABLE IF EXISTS stories;
"""
# Version 6 makes `collections` an ordinary (rowid) table with its small columns first: the first
# screen reads a collection's signature, its head (the most mentioned names) and its story count
# without touching the megabytes of names and threads after them. Version 5's table is dropped (its
# names and threads are merged and grouped again once, from the articles' names kept in `analyses`).
_OLD_COLLECTIONS = "DROP TABLE IF EXISTS collections"
# Version 5 keeps each article's headline, date and place in its file, so a second start can show the
# newest articles before reading the files. Older tables gain the columns (empty until re-indexed).
_ARTICLE_COLUMNS = {"title": "TEXT", "published": "TEXT", "line": "INTEGER", "byte_offset": "INTEGER"}
# Version 7 keeps each collection's related articles (reader.analysis.related), found in bulk, beside its threads,
# and finds an article by id alone (`reader show`, `reader mark`).
# Later, which articles are copies of one story (reader.analysis.copies), so a list reopened shows each story once
# without weighing the articles again.
_COLLECTION_COLUMNS = {"related": "BLOB", "copies": "TEXT"}
# Version 8 also notes which analysis found each source's names (index.ANALYSIS_VERSION): a source analysed by
# older rules has its articles' names found again, not read back.
_SOURCE_COLUMNS = {"analysis": "INTEGER NOT NULL DEFAULT 0"}
# Later, whether a feed's title is the one its subscriber gave it (newsboat's "~Title", OPML's text), which a
# refresh keeps, rather than the feed's own.
_NAMED_FEED_COLUMNS = {"named": "INTEGER NOT NULL DEFAULT 0"}
# Later still, whether a feed's articles are fetched in full (`fulltext`, reader.sources.feeds.fulltext): the page
# each entry links to is fetched after a refresh and its main text kept, in place of the feed's summary.
_FULLTEXT_FEED_COLUMNS = {"fulltext": "INTEGER NOT NULL DEFAULT 0"}
_ADDED_COLUMNS = (("analyses", _ARTICLE_COLUMNS), ("collections", _COLLECTION_COLUMNS), ("sources", _SOURCE_COLUMNS),
                  ("feeds", _NAMED_FEED_COLUMNS), ("feeds", _FULLTEXT_FEED_COLUMNS))
# Version 8 adds feed subscriptions and their entries (reader.sources.feeds.subscriptions): an entry is kept by its
# key within its feed (guid, Atom id, link or a digest), with the article id it was first given, so a
# changed entry keeps its read mark; entries that drop out of a feed's document are kept.
_FEEDS_SCHEMA = """
CREATE TABLE IF NOT EXISTS feeds (
    id            INTEGER PRIMARY KEY,
    url           TEXT NOT NULL UNIQUE,
    title         TEXT,
    site          TEXT,
    tags          TEXT NOT NULL DEFAULT '',
    added_at      REAL NOT NULL,
    etag          TEXT,
    last_modified TEXT,
    fetched_at    REAL,
    error         TEXT,
    error_at      REAL,
    retry_at      REAL,
    gone          INTEGER NOT NULL DEFAULT 0,
    version       INTEGER NOT NULL DEFAULT 0,
    named         INTEGER NOT NULL DEFAULT 0,
    fulltext      INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS entries (
    feed       INTEGER NOT NULL,
    key        TEXT NOT NULL,
    article_id TEXT NOT NULL,
    link       TEXT,
    title      TEXT NOT NULL,
    published  TEXT,
    body       TEXT NOT NULL,
    digest     TEXT NOT NULL,
    seen_at    REAL NOT NULL,
    PRIMARY KEY (feed, key)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS entries_by_article ON entries (article_id);
CREATE INDEX IF NOT EXISTS entries_by_date ON entries (published);
"""
# Sync (reader.sources.sync), a step of its own that any version's database takes when it lacks it (no version
# number of its own, so it never collides with another change of the schema): which server feed and item each
# synced feed and entry is, with the read and starred state the server last had for it, and the queue of marks
# and stars made in the reader that the server has not taken yet. A mark is queued in the transaction that keeps
# it (read_marks._commit), so a crash between the two never loses one.
_SYNC_SCHEMA = """
CREATE TABLE IF NOT EXISTS sync_feeds (
    remote TEXT PRIMARY KEY,
    feed   INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sync_items (
    remote     TEXT PRIMARY KEY,
    article_id TEXT NOT NULL,
    feed       TEXT NOT NULL,
    read       INTEGER NOT NULL,
    starred    INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS sync_items_by_article ON sync_items (article_id);
CREATE TABLE IF NOT EXISTS sync_queue (
    id         INTEGER PRIMARY KEY,
    article_id TEXT NOT NULL,
    star       INTEGER NOT NULL,
    value      INTEGER NOT NULL,
    made_at    REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS sync_state (
    name  TEXT PRIMARY KEY,
    value TEXT
) WITHOUT ROWID;
"""
# Full text (reader.sources.feeds.fulltext), a step of its own like sync's, taken by any database that lacks it: each
# article's page, fetched once, as its main text (or, when the page failed, why, so it is not asked every refresh),
# with the page's ETag and Last-Modified for a conditional fetch when asked again. One row per article, whichever
# feeds carry it; the text is read in place of the entry's body, and works offline.
_FULLTEXT_SCHEMA = """
CREATE TABLE IF NOT EXISTS fulltexts (
    article_id    TEXT PRIMARY KEY,
    url           TEXT NOT NULL,
    text          TEXT,
    error         TEXT,
    etag          TEXT,
    last_modified TEXT,
    fetched_at    REAL NOT NULL
) WITHOUT ROWID;
"""
_NEWEST_INDEX = """
CREATE INDEX IF NOT EXISTS analyses_by_date ON analyses (source, published);
CREATE INDEX IF NOT EXISTS analyses_by_article ON analyses (article_id);
"""


class StoreError(Exception):
    """The read-state database cannot be used; the message says why and what to do."""


def default_db_path() -> Path:
    """`READER_DB` if set, else `reader.db` in the user's data directory."""
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR]).expanduser()
    from platformdirs import user_data_path

    return user_data_path("reader", appauthor=False) / "reader.db"


@contextmanager
def transaction(connection: sqlite3.Connection) -> Iterator[None]:
    """All of the block's writes, or (on an error) none. Connections here are in autocommit mode, so
    the transaction is opened by hand; IMMEDIATE takes the write lock at once."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        if connection.in_transaction:  # SQLite itself rolls back on some errors (a full disk)
            try:
                connection.execute("ROLLBACK")
            except sqlite3.Error:
                pass  # the first error is the one to tell
        raise
    connection.execute("COMMIT")


class Unusable(Exception):
    """The file exists but is not a database this version can use."""


BUSY_SECONDS = 15  # how long a database another process holds is waited for


class Busy(Exception):
    """Another process holds the database (locked, busy): wait, never move it aside."""


def is_busy(error: sqlite3.Error) -> bool:
    text = str(error).lower()
    return "locked" in text or "busy" in text


# How long each owner's connection waits for another writer: read marks and the schema the longest a person
# should wait (`BUSY_SECONDS`), the analysis a little (it is a cache), the feeds longest (a refresh writes in bulk),
# the read marks' retry beside the screen a moment (it tries again every second).
ANALYSIS_WAIT = 10
FEEDS_WAIT = 30
RETRY_WAIT = 1


def connect(path: Path, timeout: float) -> sqlite3.Connection:
    """A connection to the database at `path` as every owner of rows uses it (autocommit, from any thread),
    waiting up to `timeout` seconds for another writer; the schema is taken as made (`made_ready` makes it)."""
    return sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=timeout)


def connect_readonly(path: Path) -> sqlite3.Connection:
    """A connection that can never write to the file (for export, and for what is salvaged from a broken one)."""
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def made_ready(path: Path) -> sqlite3.Connection:
    """A connection to the database at `path` with its schema made, or an older one brought up to date."""
    connection = connect(path, BUSY_SECONDS)
    try:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        # Made or brought up to date inside one write transaction, the version read again inside it: several
        # readers starting at once on a new database see it whole, never half made.
        with transaction(connection):
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            tables = {r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if version == 0 and not tables:
                _run_script(connection, _SCHEMA + _STARS_SCHEMA + _PLACES_SCHEMA + _INDEX_SCHEMA + _FEEDS_SCHEMA
                            + _NEWEST_INDEX)
                _run_script(connection, _SYNC_SCHEMA)
                _run_script(connection, _FULLTEXT_SCHEMA)
                connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            elif 1 <= version < SCHEMA_VERSION and "read_marks" in tables:  # an older reader's: keep it, add
                if version < 6:
                    connection.execute(_OLD_COLLECTIONS)
                _run_script(connection, _STARS_SCHEMA + _PLACES_SCHEMA + _INDEX_SCHEMA + _FEEDS_SCHEMA)
                _add_columns(connection)
                _run_script(connection, _NEWEST_INDEX)
                _run_script(connection, _SYNC_SCHEMA)
                _run_script(connection, _FULLTEXT_SCHEMA)
                connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            elif version != SCHEMA_VERSION or "read_marks" not in tables:
                raise Unusable(f"unknown schema version {version}, this reader uses {SCHEMA_VERSION}")
            else:  # this version's, perhaps made before it kept stars, saved filters or the analysis's version
                if "saved_filters" not in tables:
                    _run_script(connection, _STARS_SCHEMA)
                if "places" not in tables:
                    _run_script(connection, _PLACES_SCHEMA)
                _add_columns(connection)
                if "sync_queue" not in tables:
                    _run_script(connection, _SYNC_SCHEMA)
                if "fulltexts" not in tables:
                    _run_script(connection, _FULLTEXT_SCHEMA)
    except sqlite3.DatabaseError as error:
        connection.close()
        if is_permission_problem(error) or is_busy(error):
            raise
        raise Unusable(str(error)) from error
    except Unusable:
        connection.close()
        raise
    return connection


def _add_columns(connection: sqlite3.Connection) -> None:
    """The columns later versions added to the index's tables, where they are missing."""
    for table, columns in _ADDED_COLUMNS:
        present = {row[1] for row in connection.execute(f"PRAGMA table_info({table})")}
        for column, kind in columns.items():
            if column not in present:
                connection.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")


def _run_script(connection: sqlite3.Connection, script: str) -> None:
    """Statements one by one, inside the caller's transaction (executescript would commit it first)."""
    for statement in script.split(";"):
        if statement.strip():
            connection.execute(statement)


def is_damage(error: BaseException) -> bool:
    """SQLite says the file is broken (not merely busy, read-only or full)."""
    text = str(error).lower()
    return "malformed" in text or "not a database" in text or "file is encrypted" in text


def is_permission_problem(error: sqlite3.Error) -> bool:
    text = str(error).lower()
    return "readonly" in text or "unable to open" in text or "permission" in text or "disk i/o" in text


def move_aside(path: Path) -> Path:
    stamp = time.strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"{path.name}.broken-{stamp}")
    n = 1
    while aside.exists():
        aside = path.with_name(f"{path.name}.broken-{stamp}-{n}")
        n += 1
    path.rename(aside)
    for suffix in ("-wal", "-shm"):
        extra = path.with_name(path.name + suffix)
        if extra.exists():
            extra.rename(aside.with_name(aside.name + suffix))
    return aside




def unwritable(path: Path, error: BaseException) -> str:
    reason = getattr(error, "strerror", None) or str(error)
    return (
        f"cannot keep read marks in {path}: {reason}. "
        f"Choose a writable place with --db PATH or the {ENV_VAR} environment variable."
    )

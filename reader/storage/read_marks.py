"""Read marks and stars, kept in the reader's database (`database`): every change is committed before the call
returns, and one the database cannot take now is kept until it can. A database found broken is started again
with the marks and stars that can still be read from it."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterable, KeysView
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from pathlib import Path

from reader.storage import database, saved_filters
from reader.storage.database import StoreError, transaction


@dataclass(frozen=True, slots=True)
class ReadChange:
    """One user action on read marks (or stars): the articles it changed, each to `read` (starred, for a
    star; before: the opposite)."""

    ids: tuple[str, ...]
    read: bool
    star: bool = False  # a change of stars, not of read marks


@dataclass
class ReadState:
    """Which articles are read. Marks are held in memory for speed and written through at once."""

    path: Path | None
    _connection: sqlite3.Connection | None
    _read: set[str] = field(default_factory=set)
    _starred: set[str] = field(default_factory=set)
    _saved: dict[str, dict[str, object]] = field(default_factory=dict)  # without a database
    _places: dict[str, str] = field(default_factory=dict)  # without a database
    keep_trying: bool = False  # the app's way: never wait on a busy database, retry beside the screen
    last_error: str | None = None  # why the waiting changes are waiting
    _pending: list[tuple[tuple[str, ...], bool, bool]] = field(default_factory=list)
    _pending_lock: threading.Lock = field(default_factory=threading.Lock)
    _flushing: threading.Lock = field(default_factory=threading.Lock)
    _closing: threading.Event = field(default_factory=threading.Event)
    _retrier: threading.Thread | None = None
    _undo: list[ReadChange] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @classmethod
    def open(cls, path: Path) -> ReadState:
        """Open (or create) the database at `path` for reading and writing.

        A database another process holds (locked, busy) is waited for, up to `database.BUSY_SECONDS`, then reported:
        it is never taken for a broken one. Only one SQLite itself calls malformed, or of a version this
        reader does not know, is moved aside; the read marks and stars that can still be read from it are
        carried into the new one."""
        warnings: list[str] = []
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StoreError(database.unwritable(path, error)) from error
        try:
            connection, read, starred = _opened(path)
        except database.Unusable as problem:
            try:
                aside, marks, stars = _start_again(path)
                connection, read, starred = _opened(path)
            except (database.Unusable, sqlite3.Error) as error:
                raise StoreError(database.unwritable(path, error)) from error
            kept = f"; {marks:,} read marks and {stars:,} stars were carried over from it"
            warnings.append(
                f"The read-state database {path} could not be used ({problem}); "
                f"it was moved to {aside} and a new one was started{kept}."
            )
        except database.Busy as error:
            raise StoreError(
                f"the database {path} is in use by another program ({error}) and stayed so for "
                f"{database.BUSY_SECONDS} s; nothing was changed: try again in a moment"
            ) from error
        except sqlite3.Error as error:
            raise StoreError(database.unwritable(path, error)) from error
        state = cls(path, connection, warnings=warnings)
        state._read, state._starred = read, starred
        state._write_kept_aside()
        return state

    def _write_kept_aside(self) -> None:
        """Changes a closing reader could not write (the database was busy or full) are written now."""
        assert self.path is not None and self._connection is not None
        aside = _pending_path(self.path)
        if not aside.exists():
            return
        try:
            lines = aside.read_text(encoding="utf-8").splitlines()
            for line in lines:
                change = json.loads(line)
                ids, read, star = tuple(str(i) for i in change["ids"]), bool(change["read"]), bool(change["star"])
                _commit(self._connection, ids, read, star)
                self._remember(ids, read, star)
            aside.unlink()
        except (OSError, ValueError, KeyError, TypeError, sqlite3.Error) as error:
            self.warnings.append(f"changes kept in {aside} could not all be written yet ({error}); they stay there")

    @classmethod
    def open_readonly(cls, path: Path) -> ReadState:
        """Read marks without ever writing (for export): a missing or broken database means none read."""
        state = cls(None, None)
        if not path.exists():
            return state
        try:
            connection = database.connect_readonly(path)
            try:
                rows = connection.execute("SELECT article_id FROM read_marks").fetchall()
                try:
                    state._starred = {row[0] for row in connection.execute("SELECT article_id FROM stars")}
                except sqlite3.Error:
                    pass  # an older database: no stars yet
            finally:
                connection.close()
        except sqlite3.Error as error:
            state.warnings.append(f"read marks in {path} could not be read ({error}); all shown as unread")
            return state
        state._read = {row[0] for row in rows}
        return state

    @classmethod
    def in_memory(cls) -> ReadState:
        """A state that is never saved (for tests and scripts)."""
        return cls(None, None)

    def is_read(self, article_id: str) -> bool:
        return article_id in self._read

    def count_read(self, article_ids: KeysView[str]) -> int:
        """How many of `article_ids` are read (in C, walking the smaller of the two)."""
        return len(article_ids & self._read)

    @property
    def read_ids(self) -> frozenset[str]:
        return frozenset(self._read)

    def mark(self, article_ids: Iterable[str], read: bool) -> ReadChange | None:
        """Set the mark of `article_ids`; commit; remember it for undo. None when nothing changed."""
        changed = tuple(aid for aid in dict.fromkeys(article_ids) if (aid in self._read) != read)
        if not changed:
            return None
        self._write(changed, read)
        change = ReadChange(changed, read)
        self._undo.append(change)
        return change

    def saved_filters(self) -> list[tuple[str, dict[str, object]]]:
        """The saved filters, by name, in the order they were saved."""
        return list(self._saved.items()) if self._connection is None else saved_filters.listed(self._connection)

    def save_filter(self, name: str, value: dict[str, object]) -> None:
        """Keep a filter under `name` (one saved before under that name is replaced)."""
        if self._connection is None:
            self._saved[name] = value
            return
        try:
            saved_filters.save(self._connection, name, value)
        except sqlite3.Error as error:
            raise StoreError(f"could not save the filter to {self.path}: {error}") from error

    def forget_filter(self, name: str) -> None:
        if self._connection is None:
            self._saved.pop(name, None)
            return
        try:
            saved_filters.forget(self._connection, name)
        except sqlite3.Error as error:
            raise StoreError(f"could not remove the filter from {self.path}: {error}") from error

    def place(self, session: str) -> str | None:
        """The article the reader's list was left on in `session` (its sources, named by the app), if kept."""
        if self._connection is None:
            return self._places.get(session)
        try:
            row = self._connection.execute("SELECT article_id FROM places WHERE session = ?", (session,)).fetchone()
        except sqlite3.Error:
            return None  # where the list was left is a convenience: without it, the list opens at the top
        return None if row is None else str(row[0])

    def keep_place(self, session: str, article_id: str) -> None:
        """Keep the article the list is on in `session`, to open there next time (a failure is not worth a word:
        the marks are what must be kept)."""
        if self._connection is None:
            self._places[session] = article_id
            return
        try:
            with transaction(self._connection):
                self._connection.execute("INSERT OR REPLACE INTO places VALUES (?, ?, ?)",
                                         (session, article_id, time.time()))
        except sqlite3.Error:
            pass

    def is_starred(self, article_id: str) -> bool:
        return article_id in self._starred

    def star(self, article_ids: Iterable[str], starred: bool) -> ReadChange | None:
        """Star (or unstar) `article_ids`; commit; remember it for undo. None when nothing changed."""
        changed = tuple(aid for aid in dict.fromkeys(article_ids) if (aid in self._starred) != starred)
        if not changed:
            return None
        self._write(changed, starred, star=True)
        change = ReadChange(changed, starred, star=True)
        self._undo.append(change)
        return change

    def toggle(self, article_id: str) -> bool:
        """Flip one article's mark; returns the new state."""
        new = not self.is_read(article_id)
        self.mark([article_id], new)
        return new

    def undo(self) -> ReadChange | None:
        """Put back the marks changed by the last action; returns that action, or None if none is left."""
        if not self._undo:
            return None
        change = self._undo.pop()
        self._write(change.ids, not change.read, star=change.star)
        return change

    def _write(self, article_ids: tuple[str, ...], read: bool, *, star: bool = False) -> None:
        """Save the marks (or stars) in one transaction: all of them, or (on an error) none.

        Patient (the app's way, `keep_trying`): a change the database cannot take now (another process holds
        it, the disk is full) is kept in memory, shown at once, and written by a thread beside the screen as
        soon as it can be; the screen never waits more than a moment. Otherwise the error is raised."""
        connection = self._connection
        if connection is not None:
            if self.keep_trying:
                with self._pending_lock:
                    self._pending.append((article_ids, read, star))
                self._flush(connection)
                if self._pending:
                    self._retry_in_background()
            else:
                try:
                    _commit(connection, article_ids, read, star)
                except sqlite3.Error as error:
                    what = "stars" if star else "read marks"
                    raise StoreError(f"could not save {what} to {self.path}: {error}") from error
        self._remember(article_ids, read, star)

    def take(self, article_ids: Iterable[str], value: bool, *, star: bool = False) -> None:
        """Marks (or stars) made elsewhere and already kept in the database by a sync: taken into memory only."""
        self._remember(tuple(article_ids), value, star)

    def _remember(self, article_ids: tuple[str, ...], read: bool, star: bool) -> None:
        """The change in memory, where the screen reads marks and stars from."""
        kept = self._starred if star else self._read
        if read:
            kept.update(article_ids)
        else:
            kept.difference_update(article_ids)

    def recover(self, reason: str) -> str:
        """The database broke under the reader (SQLite calls it malformed): move it aside and start a new one,
        carrying over the read marks and stars it still gives and those in memory. Returns what was done."""
        assert self.path is not None
        if self._connection is not None:
            self._connection.close()
            self._connection = None
        message = recover(self.path, reason, self._read, self._starred)
        self._connection, self._read, self._starred = _opened(self.path)
        if self.keep_trying:
            self.be_patient()
        return message

    def be_patient(self) -> None:
        """The app's way: writes wait a moment at most; what the database cannot take now waits beside."""
        self.keep_trying = True
        if self._connection is not None:
            self._connection.execute(f"PRAGMA busy_timeout = {QUICK_WAIT_MS}")

    @property
    def pending(self) -> int:
        """Changes made but not yet written (the database was busy, or could not be written)."""
        return len(self._pending)

    def _flush(self, connection: sqlite3.Connection) -> None:
        """Write the waiting changes in order, as far as the database takes them (one flusher at a time)."""
        if not self._flushing.acquire(blocking=False):
            return
        try:
            while self._pending:
                ids, read, star = self._pending[0]
                try:
                    _commit(connection, ids, read, star)
                except sqlite3.Error as error:
                    self.last_error = str(error)
                    return
                with self._pending_lock:
                    self._pending.pop(0)
            self.last_error = None
        finally:
            self._flushing.release()

    def _retry_in_background(self) -> None:
        if self._retrier is not None and self._retrier.is_alive():
            return

        def retry() -> None:
            assert self.path is not None
            try:
                connection = database.connect(self.path, database.RETRY_WAIT)
            except sqlite3.Error as error:
                self.last_error = str(error)
                return
            try:
                while self._pending and not self._closing.wait(RETRY_SECONDS):
                    self._flush(connection)
            finally:
                connection.close()

        self._retrier = threading.Thread(target=retry, name="read-marks", daemon=True)
        self._retrier.start()

    def _keep_aside(self) -> None:
        """At close, what could still not be written goes to a file beside the database, taken in at the next
        open: a mark is never dropped."""
        if not self._pending or self.path is None:
            return
        aside = _pending_path(self.path)
        try:
            with aside.open("a", encoding="utf-8") as out:
                for ids, read, star in self._pending:
                    out.write(json.dumps({"ids": list(ids), "read": read, "star": star}) + "\n")
        except OSError as error:
            self.warnings.append(
                f"{len(self._pending)} change(s) of read marks could not be written to {self.path} "
                f"({self.last_error}) nor kept beside it ({error.strerror or error}): make room or allow writing there"
            )
            return
        self.warnings.append(
            f"{len(self._pending)} change(s) of read marks could not be written to {self.path} "
            f"({self.last_error}); they are kept in {aside} and written at the next start"
        )
        self._pending.clear()

    def close(self) -> None:
        self._closing.set()
        if self._retrier is not None:
            self._retrier.join(timeout=5)
        if self._connection is not None:
            if self._pending:
                self._connection.execute(f"PRAGMA busy_timeout = {int(CLOSING_WAIT * 1000)}")
                self._flush(self._connection)
            self._keep_aside()
            self._connection.close()
            self._connection = None


RETRY_SECONDS = 1.0  # how often a waiting change is tried again
CLOSING_WAIT = 3.0  # at close, how long the database is waited for before changes are kept aside
QUICK_WAIT_MS = 100  # the app's writes wait at most this long for the database, then go on in the background


def _pending_path(path: Path) -> Path:
    return path.with_name(path.name + ".pending")


def _commit(connection: sqlite3.Connection, article_ids: tuple[str, ...], read: bool, star: bool) -> None:
    """Keep the marks (or stars); those of articles a sync server gave are queued for it in the same
    transaction (reader.sources.sync), so the server hears of every one, even after a crash."""
    table = "stars" if star else "read_marks"
    now = time.time()
    with transaction(connection):
        if read:
            connection.executemany(f"INSERT OR REPLACE INTO {table} VALUES (?, ?)", ((a, now) for a in article_ids))
        else:
            connection.executemany(f"DELETE FROM {table} WHERE article_id = ?", ((a,) for a in article_ids))
        connection.executemany(
            "INSERT INTO sync_queue (article_id, star, value, made_at) SELECT ?, ?, ?, ?"
            " WHERE EXISTS (SELECT 1 FROM sync_items WHERE article_id = ?)",
            ((a, int(star), int(read), now, a) for a in article_ids),
        )


def _opened(path: Path) -> tuple[sqlite3.Connection, set[str], set[str]]:
    """A connection to the database at `path` made ready, with its read marks and stars; waits while another
    process holds it (`database.Busy` after `database.BUSY_SECONDS`); `database.Unusable` when SQLite says it is
    broken."""
    deadline = time.monotonic() + database.BUSY_SECONDS
    while True:
        try:
            connection = database.made_ready(path)
            try:
                read = {row[0] for row in connection.execute("SELECT article_id FROM read_marks")}
                starred = {row[0] for row in connection.execute("SELECT article_id FROM stars")}
            except sqlite3.DatabaseError as error:
                connection.close()
                if database.is_busy(error):
                    raise
                if database.is_permission_problem(error):
                    raise
                raise database.Unusable(str(error)) from error
            return connection, read, starred
        except sqlite3.OperationalError as error:
            if not database.is_busy(error):
                raise
            if time.monotonic() >= deadline:
                raise database.Busy(str(error)) from error
            time.sleep(0.1)


def recover(
    path: Path, reason: str, read: AbstractSet[str] = frozenset(), starred: AbstractSet[str] = frozenset()
) -> str:
    """Move a damaged database aside and start a new one with the read marks and stars still readable from it
    (and `read` and `starred`, known otherwise). Returns the message for the user."""
    aside, marks, stars = _start_again(path, read, starred)
    return (
        f"The database {path} is damaged ({reason}); it was moved to {aside} and a new one started with "
        f"{marks:,} read marks and {stars:,} stars carried over; names and threads are found again."
    )


def _start_again(
    path: Path, read: AbstractSet[str] = frozenset(), starred: AbstractSet[str] = frozenset()
) -> tuple[Path, int, int]:
    """Move the database at `path` aside and make a new one holding the read marks and stars that can still be
    read from the old one, and `read` and `starred`; returns where the old one went, and how many of each."""
    aside = database.move_aside(path)
    saved_read, saved_starred = _salvage(aside)
    saved_read |= read
    saved_starred |= starred
    connection, _, _ = _opened(path)
    try:
        _commit(connection, tuple(saved_read), True, False)
        _commit(connection, tuple(saved_starred), True, True)
    finally:
        connection.close()
    return aside, len(saved_read), len(saved_starred)


def _salvage(old: Path) -> tuple[set[str], set[str]]:
    """The read marks and stars that can still be read from a database moved aside (none, if none can)."""
    found: list[set[str]] = []
    for table in ("read_marks", "stars"):
        ids: set[str] = set()
        try:
            connection = database.connect_readonly(old)
            try:
                for row in connection.execute(f"SELECT article_id FROM {table}"):
                    if isinstance(row[0], str):
                        ids.add(row[0])
            finally:
                connection.close()
        except sqlite3.Error:
            pass  # what was read before the damage is kept
        found.append(ids)
    return found[0], found[1]

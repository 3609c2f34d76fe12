"""The one analysis sequence, for the reader and the headless commands alike: names, then story threads, then
related articles, each read back from the analysis index where no file changed and kept there for next time.

Around it: the index opened and closed by one context manager (`opened_index`), what to do when the database
breaks under the analysis (`recover_index`), and feed articles that arrive between runs (`Arrivals`): they wait
while an analysis reads the articles, then join; a few are added to the names and threads one by one, many (or
rewritten ones) mean analysing again.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from reader.articles import Article
from reader.library import Library
from reader.sources.files import Collection

if TYPE_CHECKING:  # the index, the name finder and the feeds load when an analysis or a refresh starts
    from reader.analysis.stories import Progress
    from reader.names import ArticleName, NameIndex
    from reader.sources.feeds.subscriptions import Stored
    from reader.storage.analysis_index import AnalysisIndex

INCREMENTAL_MOST = 1000  # new articles from one refresh added one by one; more are grouped again with the rest


def _never() -> bool:
    return False


def _nothing() -> None:
    pass


@contextmanager
def opened_index(path: Path | None) -> Iterator[AnalysisIndex | None]:
    """The analysis index in the database at `path` for the block, closed after it; None when there is no
    database or its index cannot be used (the analysis then keeps nothing)."""
    from reader.storage.analysis_index import AnalysisIndex

    index = AnalysisIndex.open(path) if path is not None else None
    try:
        yield index
    finally:
        if index is not None:
            index.close()


def analyse(
    library: Library,
    index: AnalysisIndex | None = None,
    *,
    again: bool = False,
    progress: Progress | None = None,
    stop: Callable[[], bool] = _never,
    ready: Callable[[], None] = _nothing,
    articles_read: Callable[[], bool] | None = None,
    every_name: bool = False,
) -> NameIndex | None:
    """Analyse `library`: its names, threads and related articles. Returns the names, or None when `stop` said
    to give up (what was found so far stays in the index).

    When no file changed since the index was written, names and threads are read back first, before
    `articles_read` (which waits for the rest of the articles to be read; False: give up). `ready` is called
    each time the names or threads shown can change. `again`: articles came, so names and threads are found
    again (every unchanged article's names read back). `every_name`: names read back are all loaded now rather
    than fetched as they are asked for (the index closes before they would be). Last, which articles are copies of
one story, for a list that shows each story once (kept in the index, read back with the threads)."""
    if index is not None and not again and not library.analysed and library.restore(index):
        if every_name and library.names is not None and library.names.fetching:
            library.names.load(index.encoded_names(library.files))  # every article's, at once
        ready()
    if articles_read is not None and not articles_read():
        return None
    if again or library.names is None:
        if library.find_names(progress, stop, index) is None or stop():
            return None
        ready()
    library.prepare_name_filters()  # choosing a name then looks up none of its articles by id
    if again or library.stories is None:
        if progress is not None:
            progress("profiles", 0, len(library))
        library.build_stories(index, progress)
        if stop():
            return None
        ready()
    stories = library.stories
    if stories is not None and stories.table is None:  # related articles: read back, or found in bulk
        if progress is not None:
            progress("related", 0, len(library))
        library.find_related(index, progress)
    if stories is not None and not stop():
        library.prepare_copies(index)
        ready()
    return library.names


def recover_index(library: Library, error: sqlite3.Error, db: Path | None) -> str | None:
    """The index failed under an analysis: a damaged database (at `db`) is moved aside and a new one started, the
    read marks and stars carried over; returns what was done, or None when the failure was not damage (or no
    new database could be made: then the message says so too, and the caller goes on without the index). The
    library's names and threads are dropped either way, to be found again."""
    from reader.storage.database import is_damage
    from reader.storage.read_marks import recover

    library.names = None
    library.stories = None
    if not is_damage(error) or db is None:
        return None
    try:
        return library.read.recover(str(error)) if library.read.path is not None else recover(db, str(error))
    except (sqlite3.Error, OSError) as failure:
        raise IndexLost(f"The database is damaged ({error}) and could not be replaced ({failure}).") from failure


class IndexLost(Exception):
    """The database is damaged and could not be replaced: the analysis goes on without keeping anything."""


def arrived_names(articles: list[Article], library: Library, db: Path | None, stop: Callable[[], bool] = _never
                  ) -> list[tuple[Article, list[ArticleName]]] | None:
    """The names of newly arrived articles, found here (off the screen's thread), and restored threads weighed
    first so that the new articles can join them; None when stopped."""
    from reader.names import article_names

    found = []
    for article in articles:
        if stop():
            return None
        found.append((article, article_names(article.body)))
    stories = library.stories
    if stories is not None and not stories.profiled:  # threads read back: weighed first, aside
        try:
            with opened_index(db) as index:
                library.profile_stories(index)
        except sqlite3.Error:
            pass  # weighed without the index's names: the names already in memory serve
    return found


class Arrivals:
    """Feed articles that arrive while the reader runs, and the analysis runs they must not disturb.

    While an analysis reads the articles, arrivals are held (extending the list under the related-articles
    table being built broke it); when the analysis is over they join. After a refresh, what joined gets its
    names and threads: `settled` says how."""

    def __init__(self) -> None:
        self._runs = 0  # analyses whose threads have not ended (a cancelled one counts until it has)
        self._runs_lock = threading.Lock()
        self._held: list[Stored] = []
        self._new: list[Article] = []
        self._revised = False
        self.joined = False  # articles joined since names and threads were last settled

    def analysis_started(self) -> None:
        with self._runs_lock:
            self._runs += 1

    def analysis_ended(self) -> None:
        with self._runs_lock:
            self._runs -= 1

    @property
    def analysing(self) -> bool:
        with self._runs_lock:
            return self._runs > 0

    @property
    def held(self) -> bool:
        return bool(self._held)

    def join(self, library: Library, stored: list[Stored]) -> list[Stored]:
        """The feeds' kept articles join `library` (new ones added, changed ones revised), with any held before;
        returns what joined (nothing while an analysis runs: they are held until it is over)."""
        if self.analysing:
            self._held.extend(stored)
            return []
        taken, self._held = self._held + stored, []
        if not taken:
            return []
        new = [article for kept in taken for article in kept.new]
        if new:
            library.extend(Collection(new, [], list(dict.fromkeys(a.path for a in new))))
            self._new.extend(a for a in new if library.article(a.id) is a)
        revised = library.revise([article for kept in taken for article in kept.changed])
        self._revised = self._revised or bool(revised)
        self.joined = True
        return taken

    def settled(self, library: Library) -> list[Article] | None:
        """After a refresh and any analysis: the new articles to add to the names and threads one by one, or
        None when the whole collection is to be analysed again (many articles, rewritten ones, or no names and
        threads yet). Call only when `joined`."""
        self.joined = False
        new, self._new = self._new, []
        revised, self._revised = self._revised, False
        analysed = library.names is not None and library.stories is not None
        return new if analysed and not revised and 0 < len(new) <= INCREMENTAL_MOST else None

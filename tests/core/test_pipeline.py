"""The one analysis pipeline, headless, as the reader's screen runs it: read back first, then the rest; the index
closed after it; feed arrivals held while it runs."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from reader.articles import Article
from reader.library import Library
from reader.pipeline import INCREMENTAL_MOST, Arrivals, analyse, opened_index, recover_index
from reader.sources.feeds.subscriptions import Stored
from reader.sources.files import load, seeds_dir
from reader.storage.read_marks import ReadState


def _library(news: Path, db: Path) -> Library:
    return Library(load([news]), ReadState.open(db))


def test_the_pipeline_reads_names_and_threads_back_before_it_waits_for_the_articles(tmp_path: Path) -> None:
    news, db = tmp_path / "seeds", tmp_path / "reader.db"
    shutil.copytree(seeds_dir(), news)
    first = _library(news, db)
    with opened_index(db) as index:
        assert index is not None
        names = analyse(first, index)
    assert names is not None and first.stories is not None and first.stories.table is not None
    first.read.close()

    again = _library(news, db)
    steps: list[str] = []

    def ready() -> None:
        steps.append("ready" if again.names is not None else "ready without names")

    def articles_read() -> bool:
        steps.append("articles read")
        return True

    with opened_index(db) as index:
        assert analyse(again, index, ready=ready, articles_read=articles_read, every_name=True) is not None
    assert steps[:2] == ["ready", "articles read"], "what the index kept is shown before the rest is awaited"
    assert again.names is not None and {e.name for e in again.names.entities} == {e.name for e in names.entities}
    assert again.stories is not None and again.stories.table is not None
    again.read.close()


def test_a_stopped_pipeline_says_so_and_an_unwaited_one_gives_up(tmp_path: Path) -> None:
    library = Library(load([seeds_dir()]), ReadState.in_memory())
    assert analyse(library, stop=lambda: True) is None
    assert analyse(library, articles_read=lambda: False) is None and library.names is None


def test_the_index_is_closed_after_the_block_and_missing_without_a_database(tmp_path: Path) -> None:
    ReadState.open(tmp_path / "reader.db").close()
    with opened_index(tmp_path / "reader.db") as index:
        assert index is not None
    with pytest.raises(sqlite3.ProgrammingError):  # closed
        index._connection.execute("SELECT 1")
    with opened_index(None) as none:
        assert none is None


def test_a_damaged_database_is_started_again_with_the_marks(tmp_path: Path) -> None:
    db = tmp_path / "reader.db"
    state = ReadState.open(db)
    state.mark(["kept"], True)
    library = Library(load([seeds_dir()]), state)
    analyse(library)
    message = recover_index(library, sqlite3.DatabaseError("database disk image is malformed"), db)
    assert message is not None and "1 read marks" in message
    assert library.names is None and library.stories is None, "found again after the recovery"
    assert recover_index(library, sqlite3.OperationalError("disk I/O error"), db) is None
    library.read.close()


def _article(number: int) -> Article:
    feed = "https://example.org/rss"
    return Article(f"feed-{number}", feed, None, f"Story {number}", f"Story {number}.", feed=feed)


def test_arrivals_wait_while_an_analysis_runs_then_join() -> None:
    library = Library(load([seeds_dir()]), ReadState.in_memory())
    analyse(library)
    before = len(library)
    arrivals = Arrivals()
    arrivals.analysis_started()
    assert arrivals.join(library, [Stored([_article(1)], [])]) == [] and arrivals.held
    assert len(library) == before, "nothing joins under a running analysis"
    arrivals.analysis_ended()
    joined = arrivals.join(library, [Stored([_article(2)], [])])
    assert len(joined) == 2 and len(library) == before + 2 and arrivals.joined
    assert [a.id for a in arrivals.settled(library) or []] == ["feed-1", "feed-2"], "a few: added one by one"


def test_many_arrivals_or_no_names_yet_mean_analysing_again() -> None:
    library = Library(load([seeds_dir()]), ReadState.in_memory())
    arrivals = Arrivals()
    arrivals.join(library, [Stored([_article(1)], [])])
    assert arrivals.settled(library) is None, "no names yet: the whole collection is analysed"
    analyse(library)
    arrivals.join(library, [Stored([_article(n) for n in range(2, INCREMENTAL_MOST + 3)], [])])
    assert arrivals.settled(library) is None

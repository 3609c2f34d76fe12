"""The analysis index: kept between starts, redone only where files changed, never losing read marks."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from reader.analysis import workers
from reader.library import Library
from reader.names import NameIndex, article_names
from reader.pipeline import analyse
from reader.query import ListQuery
from reader.sources.files import load, seeds_dir, source_files, stream
from reader.storage.analysis_index import AnalysisIndex
from reader.storage.read_marks import ReadState
from tests.conftest import write

ARTICLES = {
    "a.txt": "date 2022-09-01 Angela Merkel met Emmanuel Macron in Paris on Monday.",
    "b.txt": "date 2022-09-02 Fumio Kishida spoke in Tokyo about Narendra Modi.",
    "c.txt": "date 2022-09-03 Olaf Scholz visited Berlin and then Warsaw.",
}


def _collection(folder: Path) -> Path:
    for name, text in ARTICLES.items():
        write(folder / "news" / name, text)
    return folder / "news"


def _open(news: Path, db: Path) -> tuple[Library, AnalysisIndex]:
    state = ReadState.open(db)  # makes the database and its tables
    index = AnalysisIndex.open(db)
    assert index is not None
    return Library(load([news]), state), index


def _analyse(library: Library, index: AnalysisIndex) -> tuple[int, int]:
    """Analyse; returns (articles already known when it started, total)."""
    first: list[tuple[int, int]] = []
    library.find_names(lambda stage, done, total: first.append((done, total)), index=index)
    return first[0]


def _names(library: Library) -> set[str]:
    assert library.names is not None
    return {entity.name for entity in library.names.entities}


def test_a_second_start_reads_unchanged_files_back_instead_of_analysing(tmp_path: Path) -> None:
    news, db = _collection(tmp_path), tmp_path / "reader.db"
    library, index = _open(news, db)
    assert _analyse(library, index) == (0, 3)
    again, index = _open(news, db)
    assert _analyse(again, index) == (3, 3)  # the progress bar starts full: nothing left to find
    assert _names(again) == _names(library)
    assert "Angela Merkel" in _names(again)


def test_an_edited_file_is_analysed_again_and_a_deleted_one_disappears(tmp_path: Path) -> None:
    news, db = _collection(tmp_path), tmp_path / "reader.db"
    library, index = _open(news, db)
    _analyse(library, index)
    edited = news / "a.txt"
    edited.write_text("date 2022-09-01 Giorgia Meloni met Pedro Sánchez in Madrid.", encoding="utf-8")
    os.utime(edited, ns=(1, 1))  # a different mtime, whatever the file system's clock resolution
    (news / "c.txt").unlink()

    again, index = _open(news, db)
    assert _analyse(again, index) == (1, 2)  # b.txt read back; only the edited a.txt analysed
    assert {"Giorgia Meloni", "Madrid", "Fumio Kishida"} <= _names(again)
    assert not {"Angela Merkel", "Olaf Scholz", "Warsaw"} & _names(again)
    stored = sqlite3.connect(db).execute("SELECT source FROM analyses").fetchall()
    assert sorted(Path(row[0]).name for row in stored) == ["a.txt", "b.txt"]  # c.txt's rows are gone


def test_read_marks_survive_re_indexing(tmp_path: Path) -> None:
    news, db = _collection(tmp_path), tmp_path / "reader.db"
    library, index = _open(news, db)
    _analyse(library, index)
    merkel = next(a for a in library.articles if "Merkel" in a.body)
    library.mark([merkel], True)
    (news / "b.txt").write_text("date 2022-09-02 Fumio Kishida spoke in Osaka.", encoding="utf-8")
    os.utime(news / "b.txt", ns=(1, 1))

    again, index = _open(news, db)
    _analyse(again, index)
    assert [a.id for a in again.articles if again.is_read(a)] == [merkel.id]


def test_interrupted_indexing_keeps_what_was_done_and_finishes_later(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(workers, "CHUNK", 1)  # save after every article
    news, db = _collection(tmp_path), tmp_path / "reader.db"
    library, index = _open(news, db)
    seen: list[int] = []
    result = library.find_names(lambda stage, done, total: seen.append(done), stop=lambda: len(seen) >= 2, index=index)
    assert result is None and library.names is None  # stopped: no half-built names shown

    again, index = _open(news, db)
    known, total = _analyse(again, index)
    assert 0 < known < total == 3
    complete, fresh = _open(news, tmp_path / "fresh.db")
    _analyse(complete, fresh)
    assert _names(again) == _names(complete)


def test_files_gone_from_disk_are_forgotten_but_other_collections_kept(tmp_path: Path) -> None:
    news, db = _collection(tmp_path), tmp_path / "reader.db"
    other = write(tmp_path / "other" / "d.txt", "date 2022-09-04 Joe Biden spoke in Washington.")
    library, index = _open(other.parent, db)
    _analyse(library, index)
    library, index = _open(news, db)  # a different collection: d.txt must stay indexed
    _analyse(library, index)
    assert _analyse(*_open(other.parent, db)) == (1, 1)
    other.unlink()
    _analyse(*_open(news, db))
    stored = {Path(row[0]).name for row in sqlite3.connect(db).execute("SELECT path FROM sources")}
    assert stored == {"a.txt", "b.txt", "c.txt"}


def _described(library: Library) -> list[object]:
    """Everything a reader sees of the names: each entity with its aliases and articles, each article's names."""
    assert library.names is not None
    entities = [(e.id, e.name, e.kind, sorted(e.aliases), e.articles) for e in library.names.ranked()]
    per_article = [
        (a.id, [(e.id, n.name, n.aliases, n.spans) for e, n in library.names_in(a)]) for a in library.articles
    ]
    return [entities, per_article]


def test_a_second_start_reads_the_merged_names_back_as_they_were(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    news, db = tmp_path / "seeds", tmp_path / "reader.db"
    shutil.copytree(seeds_dir(), news)
    first, index = _open(news, db)
    first.find_names(index=index)
    again, index = _open(news, db)

    def merge_again(*_: object) -> None:
        raise AssertionError("names were merged again instead of read back")

    with monkeypatch.context() as patch:
        patch.setattr(NameIndex, "add", merge_again)
        again.find_names(index=index)
    assert _described(again) == _described(first)
    assert again.names is not None and first.names is not None
    # A name met later still joins the entity read back ("Jaishankar" alone is the collection's one).
    jaishankar = next(e for e in first.names.entities if e.name.endswith("Jaishankar"))
    again.names.add("later", article_names("External Affairs Minister Jaishankar met reporters in Tokyo."))
    assert jaishankar.id in [e.id for e, _ in again.names.names_in("later")]


def _threads(library: Library) -> list[tuple[int, str, list[str]]]:
    assert library.stories is not None
    return [(t.id, t.title, t.articles) for t in library.stories.stories()]


def test_a_second_start_reads_the_story_threads_back_and_an_edit_rebuilds_them(tmp_path: Path) -> None:
    news, db = tmp_path / "seeds", tmp_path / "reader.db"
    shutil.copytree(seeds_dir(), news)
    first, index = _open(news, db)
    analyse(first, index=index)
    assert _threads(first) and all(title for _, title, _ in _threads(first))

    again, index = _open(news, db)
    again.find_names(index=index)
    stories = again.build_stories(index)
    assert stories is not None and not stories.profiled  # read back, not grouped again
    assert _threads(again) == _threads(first)
    opened = again.articles[0]
    # Related articles are read back too: no article is weighed again.
    again.find_related(index)
    assert again.related(opened) == first.related(first.articles[0]) != []
    assert not stories.profiled

    edited = next(news.glob("*"))
    edited.write_text(edited.read_text(encoding="utf-8") + "\n\nOne more line.", encoding="utf-8")
    rebuilt, index = _open(news, db)
    rebuilt.find_names(index=index)
    stories = rebuilt.build_stories(index)
    assert stories is not None and stories.profiled  # a file changed: the threads are grouped afresh
    assert stories.table is None  # and related articles found again
    rebuilt.find_related(index)
    assert [t[1:] for t in _threads(rebuilt)] != [] and rebuilt.related(rebuilt.articles[0]) != []


def test_the_head_of_the_names_and_the_story_count_are_kept_for_the_first_screen(tmp_path: Path) -> None:
    news, db = tmp_path / "seeds", tmp_path / "reader.db"
    shutil.copytree(seeds_dir(), news)
    first, index = _open(news, db)
    analyse(first, index=index)
    assert first.names is not None
    kept = index.stored_summary(first.files)
    assert kept is not None
    summary, stories = kept
    for kind, ranked in first.names.ranked_by_kind().items():  # the sidebar's order, with article counts
        assert summary.top[kind] == [(e.id, e.name, len(e.articles)) for e in ranked]
        assert summary.totals[kind] == len(ranked)
    assert stories == first.story_count() == 1

    listed, index = _open(news, db)
    assert listed.restore_summary(index) and listed.story_count() == 1 and listed.names is None
    top = summary.top["person"][0]
    assert listed.entity_name(top[0]) == top[1] == "Rajnath Singh"  # named before the names are read back

    edited = next(news.glob("*"))
    edited.write_text(edited.read_text(encoding="utf-8") + "\n\nOne more line.", encoding="utf-8")
    assert index.stored_summary(first.files) is None  # a file changed: nothing to show until analysed


def test_a_process_pool_finds_the_same_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workers, "CHUNK", 2)
    articles = load([_collection(tmp_path)]).articles
    inline = [names for chunk in workers.find_names(articles) for _, names in chunk]
    monkeypatch.setattr(workers, "POOL_MIN_ARTICLES", 1)
    pooled = [(a.id, names) for chunk in workers.find_names(articles, workers=2) for a, names in chunk]
    assert [a for a, _ in pooled] == [a.id for a in articles]  # in order
    assert [names for _, names in pooled] == inline


def test_words_counted_in_a_process_pool_group_the_same_threads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reader.analysis.stories import Stories

    news = tmp_path / "seeds"
    shutil.copytree(seeds_dir(), news)
    inline = Library(load([news]), ReadState.open(tmp_path / "inline.db"))
    analyse(inline)
    monkeypatch.setattr(workers, "CHUNK", 2)
    monkeypatch.setattr(workers, "POOL_MIN_ARTICLES", 1)
    counted = list(workers.count_words([a.text for a in inline.articles], workers=2))
    assert len(counted) == len(inline.articles) and all(counted)  # every article's words, in order
    pooled = Library(load([news]), ReadState.open(tmp_path / "pooled.db"))
    analyse(pooled)  # now with the words counted in the pool
    assert isinstance(pooled.stories, Stories) and isinstance(inline.stories, Stories)
    assert _threads(pooled) == _threads(inline) != []
    first = pooled.articles[0]
    assert pooled.related(first) == inline.related(inline.articles[0]) != []


def test_an_older_database_keeps_its_marks_and_gains_the_index(tmp_path: Path) -> None:
    db = tmp_path / "reader.db"
    connection = sqlite3.connect(db)
    connection.execute("CREATE TABLE read_marks (article_id TEXT PRIMARY KEY, read_at REAL NOT NULL) WITHOUT ROWID")
    connection.execute("INSERT INTO read_marks VALUES ('kept', 1.0)")
    connection.execute("PRAGMA user_version = 1")
    connection.commit()
    connection.close()
    state = ReadState.open(db)
    assert state.read_ids == {"kept"} and not state.warnings
    assert AnalysisIndex.open(db) is not None  # the names and the story threads tables are there


def test_a_broken_pool_costs_time_not_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from concurrent.futures import Future
    from concurrent.futures.process import BrokenProcessPool

    articles = load([_collection(tmp_path)]).articles
    expected = [names for chunk in workers.find_names(articles) for _, names in chunk]

    def broken(*_: object) -> Future[object]:
        future: Future[object] = Future()
        future.set_exception(BrokenProcessPool("a worker was killed"))
        return future

    monkeypatch.setattr(workers, "POOL_MIN_ARTICLES", 1)
    monkeypatch.setattr("concurrent.futures.ProcessPoolExecutor.submit", broken)
    pooled = [names for chunk in workers.find_names(articles, workers=2) for _, names in chunk]
    assert pooled == expected


def _archive(folder: Path) -> Path:
    """Thirty dated reports in a JSON Lines archive, some of them about the same people."""
    people = ["Angela Merkel met Emmanuel Macron in Paris", "Fumio Kishida visited Narendra Modi in Delhi"]
    records = [
        json.dumps({"id": f"r{i}", "date": f"2022-05-{i + 1:02d}", "text": f"{people[i % 2]} on day {i}. More talks."})
        for i in range(30)
    ]
    return write(folder / "archive.jsonl", "\n".join(records) + "\n")


def test_a_warm_start_lists_the_newest_from_the_index_before_reading_the_file(tmp_path: Path) -> None:
    # Two outlets' archives of the same reports: their retellings share threads (one outlet's alone rarely do).
    archive, db = tmp_path / "news", tmp_path / "reader.db"
    own = _archive(archive)
    write(archive / "other.jsonl", own.read_text(encoding="utf-8").replace('"id": "r', '"id": "s'))
    first, index = _open(archive, db)
    analyse(first, index=index)
    files = source_files([archive])

    newest = index.newest(files, 5)
    assert [a.id for a in newest] == [a.id for a in first.view(ListQuery())[:5]]
    assert [a.title for a in newest] == [a.title for a in first.view(ListQuery())[:5]]
    assert all(a.body == "" for a in newest)  # listed only: the text is read when needed
    library = Library.listed(newest, files, ReadState.open(db))
    assert library.restore(index)  # names and threads, before the file is read
    assert library.names is not None and first.names is not None
    assert [(e.name, e.articles) for e in library.names.ranked()] == [
        (e.name, e.articles) for e in first.names.ranked()
    ]
    assert library.stories is not None and first.stories is not None
    assert [t.articles for t in library.stories.stories()] == [t.articles for t in first.stories.stories()] != []

    def shown(lib: Library, article_id: str) -> list[tuple[str, list[tuple[int, int]]]]:
        return [(e.name, n.spans) for e, n in lib.names.names_in(article_id)]  # type: ignore[union-attr]

    assert all(shown(library, a.id) == shown(first, a.id) != [] for a in newest)  # fetched one by one

    opened = library.articles[2]  # opened before the file is read: its line is read alone
    assert library.ensure_text(opened) is None
    assert opened.body == first.article(opened.id).body != ""  # type: ignore[union-attr]
    for batch in stream([archive], first=4):
        library.extend(batch)
    assert [a.id for a in library.view(ListQuery())] == [a.id for a in first.view(ListQuery())]
    assert [a.body for a in library.view(ListQuery())] == [a.body for a in first.view(ListQuery())]

    with own.open("a", encoding="utf-8") as handle:  # changed: nothing is listed from the index
        handle.write(json.dumps({"id": "new", "date": "2022-07-01", "text": "Olaf Scholz in Berlin."}) + "\n")
    assert index.newest(files, 5) == [] and not Library.listed([], files, ReadState.open(db)).restore(index)


def test_an_article_read_back_from_a_changed_file_is_listed_where_it_now_is(tmp_path: Path) -> None:
    archive, db = _archive(tmp_path), tmp_path / "reader.db"
    first, index = _open(archive, db)
    analyse(first, index=index)
    lines = archive.read_text(encoding="utf-8").splitlines()
    added = json.dumps({"id": "top", "date": "2021-01-01", "text": "An old note put first."})
    archive.write_text("\n".join([added, *lines]) + "\n", encoding="utf-8")  # every other line moves down one
    again, index = _open(archive, db)
    analyse(again, index=index)  # only the new record is analysed; the others are read back
    newest = index.newest(source_files([archive]), 3)
    assert [a.line for a in newest] == [a.line for a in again.view(ListQuery())[:3]]
    library = Library.listed(newest, source_files([archive]), ReadState.open(db))
    opened = library.articles[0]
    assert library.ensure_text(opened) is None and opened.body == again.article(opened.id).body  # type: ignore[union-attr]


def test_articles_analysed_by_older_rules_have_their_names_found_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reader.storage import analysis_index

    news, db = _collection(tmp_path), tmp_path / "reader.db"
    library, index = _open(news, db)
    assert _analyse(library, index) == (0, 3)
    monkeypatch.setattr(analysis_index, "ANALYSIS_VERSION", analysis_index.ANALYSIS_VERSION + 1)  # the rules changed
    again, index = _open(news, db)
    assert _analyse(again, index) == (0, 3), "nothing is read back from the older rules"
    third, index = _open(news, db)
    assert _analyse(third, index) == (3, 3), "and what the new rules found is kept"


def test_an_index_from_before_the_analysis_was_noted_is_brought_up_to_date(tmp_path: Path) -> None:
    news, db = _collection(tmp_path), tmp_path / "reader.db"
    library, index = _open(news, db)
    _analyse(library, index)
    index.close()
    library.read.close()
    with sqlite3.connect(db) as connection:  # as version 7 left it: no `analysis` column
        connection.execute("CREATE TABLE sources_old AS SELECT path, size, mtime_ns, seen_at FROM sources")
        connection.execute("DROP TABLE sources")
        connection.execute("ALTER TABLE sources_old RENAME TO sources")
        connection.execute("PRAGMA user_version = 7")
        connection.execute("DELETE FROM collections")  # kept under the older analysis's signature: not read back
    again, index = _open(news, db)
    assert _analyse(again, index) == (0, 3)  # found again once, under the rules of now


def test_a_database_of_this_version_made_before_the_analysis_column_gains_it(tmp_path: Path) -> None:
    news, db = _collection(tmp_path), tmp_path / "reader.db"
    library, index = _open(news, db)
    _analyse(library, index)
    index.close()
    library.read.close()
    with sqlite3.connect(db) as connection:  # this schema version, as it was before `analysis` was added
        connection.execute("CREATE TABLE sources_old AS SELECT path, size, mtime_ns, seen_at FROM sources")
        connection.execute("DROP TABLE sources")
        connection.execute("ALTER TABLE sources_old RENAME TO sources")
        connection.execute("DELETE FROM collections")  # so each source's row is read
    again, index = _open(news, db)
    assert _analyse(again, index) == (0, 3)  # no "no such column": found again once, under the rules of now
    assert "Angela Merkel" in _names(again)

"""Nothing a file or the machine does crashes the reader, hangs it or loses a read mark (issue 17's cases).

Each test builds the hostile input the issue describes and asserts what a user would notice: export prints
valid JSON with every good article, the problem is named, the app keeps running, marks stay.
"""

from __future__ import annotations

import gzip
import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from reader.library import Library
from reader.sources import files as sources
from reader.sources.files import load, stream
from reader.storage.database import StoreError
from reader.storage.read_marks import ReadState
from reader.tui.app import ReaderApp
from tests.conftest import FIXED_NOW, write
from tests.tui.test_app import _ready, _screen_text

GOOD = [json.dumps({"id": f"g{i}", "date": f"2024-05-0{i + 1}", "text": f"Good story {i}."}) for i in range(4)]

BAD_RECORDS = {
    "year-1-with-offset": '{"text": "Early.", "date": "0001-01-01T00:00:00+05:00"}',
    "year-9999-with-offset": '{"text": "Late.", "date": "9999-12-31T23:00:00-05:00"}',
    "huge-integer-id": '{"text": "Big id.", "id": ' + "9" * 5000 + "}",
    "huge-timestamp": '{"text": "Big date.", "date": 1' + "0" * 40 + "}",
    "deep-nesting": '{"text": "Deep.", "x": ' + "[" * 5000 + "]" * 5000 + "}",
    "surrogate-text": '{"text": "Broken \\udc80 text.", "id": "s1"}',
    "surrogate-id": '{"text": "Broken id.", "id": "\\udc80"}',
}


def _export(*arguments: str, db: Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reader", "export", "--json", "--db", str(db), *arguments],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=timeout,
    )


@pytest.mark.parametrize("case", sorted(BAD_RECORDS))
def test_one_bad_record_beside_good_ones_loses_nothing_else(tmp_path: Path, case: str) -> None:
    write(tmp_path / "news" / "good.jsonl", "\n".join(GOOD) + "\n")
    write(tmp_path / "news" / "bad.jsonl", BAD_RECORDS[case] + "\n")
    result = _export(str(tmp_path / "news"), db=tmp_path / "reader.db")
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    document = json.loads(result.stdout)
    titles = {a["title"] for a in document["articles"]}
    assert {f"Good story {i}." for i in range(4)} <= titles
    assert all("\udc80" not in a["id"] + a["title"] for a in document["articles"])


def test_a_seed_file_whose_date_is_out_of_range_loads_undated(tmp_path: Path) -> None:
    write(tmp_path / "early.txt", "date 0001-01-01T00:00:00+05:00 An early story.")
    [article] = load([tmp_path]).articles
    assert article.published is None and article.body == "An early story."


async def test_a_bad_record_after_the_first_screen_keeps_the_app_and_its_marks(tmp_path: Path) -> None:
    records = [json.dumps({"id": f"n{i}", "date": "2024-05-01", "text": f"Story {i}."}) for i in range(3000)]
    records.append(BAD_RECORDS["deep-nesting"])
    records.append(json.dumps({"id": "last", "date": "2024-05-02", "text": "The last story."}))
    archive = write(tmp_path / "archive.jsonl", "\n".join(records) + "\n")
    db = tmp_path / "reader.db"
    batches = stream([archive])
    app = ReaderApp(Library(next(batches), ReadState.open(db)), loading=batches, now=lambda: FIXED_NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("m")  # marked before the loader reaches the bad line
        marked = app.article_list.current
        await _ready(pilot)
        assert app.is_running and len(app.library) == 3001
        assert any(p.path == f"{archive}:3001" and "nested too deeply" in p.reason for p in app.library.problems)
        await pilot.press("exclamation_mark")
        assert "nested too deeply" in _screen_text(app)
    app.library.read.close()
    assert marked is not None and ReadState.open(db).is_read(marked.id)


def test_escape_sequences_in_file_names_never_reach_the_terminal(tmp_path: Path) -> None:
    news = tmp_path / "news"
    write(news / "good.txt", "date 2024-05-01 A good story.")
    write(news / "\x1b]0;owned\x07evil.txt", "no date header and \x00 binary")
    result = _export(str(news), db=tmp_path / "reader.db")
    assert result.returncode == 0 and "\x1b" not in result.stderr and "\x07" not in result.stderr
    assert "␛]0;owned␇evil.txt" in result.stderr
    empty = tmp_path / "\x1b[2Jempty"
    empty.mkdir()
    result = subprocess.run([sys.executable, "-m", "reader", "--db", str(tmp_path / "r.db"), str(empty)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and "\x1b" not in result.stderr and "no articles found" in result.stderr


def test_a_file_name_that_is_not_utf8_and_a_surrogate_id_load(tmp_path: Path) -> None:
    news = tmp_path / "news"
    news.mkdir()
    bad_name = os.fsdecode(b"caf\xe9.txt")  # not UTF-8: Python holds its byte as a surrogate
    (news / bad_name).write_text("date 2024-05-01 A story in a file with an odd name.", encoding="utf-8")
    write(news / "ids.jsonl", BAD_RECORDS["surrogate-id"] + "\n")
    result = _export(str(news), db=tmp_path / "reader.db")
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)["articles"]) == 2


async def test_the_app_shows_a_file_name_that_is_not_utf8(tmp_path: Path) -> None:
    news = tmp_path / "news"
    news.mkdir()
    (news / os.fsdecode(b"caf\xe9.txt")).write_text("date 2024-05-01 An odd name.", encoding="utf-8")
    app = ReaderApp(Library(load([news]), ReadState.open(tmp_path / "reader.db")), now=lambda: FIXED_NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot)
        await pilot.press("enter")
        assert "caf�.txt" in _screen_text(app)
    app.library.read.close()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
def test_a_named_pipe_is_not_read(tmp_path: Path) -> None:
    news = tmp_path / "news"
    write(news / "good.txt", "date 2024-05-01 A good story.")
    os.mkfifo(news / "news.txt")
    result = _export(str(news), db=tmp_path / "reader.db", timeout=30)  # a hang fails here
    assert result.returncode == 0 and "not a regular file" in result.stderr
    assert len(json.loads(result.stdout)["articles"]) == 1


def test_symlink_loops_are_walked_once(tmp_path: Path) -> None:
    news = tmp_path / "news"
    write(news / "a" / "story.txt", "date 2024-05-01 A story.")
    (news / "a" / "up").symlink_to(news, target_is_directory=True)
    (news / "loop").symlink_to(news / "loop")
    started = time.monotonic()
    collection = load([news])
    assert time.monotonic() - started < 10
    assert [a.body for a in collection.articles] == ["A story."]
    assert len(collection.problems) <= 2


def test_huge_articles_are_refused_and_memory_stays_bounded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sources, "MAX_ARTICLE_BYTES", 1000)
    write(tmp_path / "huge.txt", "date 2024-05-01 " + "word " * 1000)
    write(tmp_path / "long.jsonl", json.dumps({"text": "x" * 5000}) + "\n" + GOOD[0] + "\n")
    collection = load([tmp_path])
    assert [a.body for a in collection.articles] == ["Good story 0."]
    reasons = {Path(p.path.split(":")[0]).name: p.reason for p in collection.problems}
    assert "too large" in reasons["huge.txt"] and "over" in reasons["long.jsonl"]


def test_a_gzip_bomb_is_cut_off_with_a_problem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("READER_MAX_FILE_MB", "2")  # the setting (the default is 2,048)
    record = (json.dumps({"id": "same", "text": "The same record, again and again."}) + "\n").encode()
    bomb = tmp_path / "bomb.jsonl.gz"
    with gzip.open(bomb, "wb", compresslevel=1) as out:
        for _ in range(200):
            out.write(record * 1000)  # about 11 MB in all
    started = time.monotonic()
    collection = load([bomb])
    assert time.monotonic() - started < 20
    assert len(collection.articles) == 1
    assert any("cut off after" in p.reason for p in collection.problems)
    assert len(collection.problems) <= sources.PROBLEMS_PER_FILE + 2


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("bom.txt", "\ufeffdate 2024-05-01 Grüße from Zürich.".encode("utf-16")),
        ("le.txt", "date 2024-05-01 Grüße from Zürich.".encode("utf-16-le")),
        ("be.txt", "date 2024-05-01 Grüße from Zürich.".encode("utf-16-be")),
        ("records.jsonl", ("\ufeff" + json.dumps({"text": "Grüße from Zürich."}, ensure_ascii=False)).encode("utf-16")),
        ("windows.txt", "date 2024-05-01 Grüße from Zürich.".encode("cp1252")),
    ],
)
def test_utf16_and_windows_1252_are_read_as_written(tmp_path: Path, name: str, content: bytes) -> None:
    write(tmp_path / name, content)
    [article] = load([tmp_path]).articles
    assert article.body == "Grüße from Zürich."


def test_ids_are_scoped_to_their_source_and_marks_stay_apart(tmp_path: Path) -> None:
    for name in ("a", "b"):
        records = [json.dumps({"id": str(i), "text": f"Story {i} of {name}."}) for i in range(100)]
        write(tmp_path / f"{name}.jsonl", "\n".join(records) + "\n")
    collection = load([tmp_path])
    assert len(collection.articles) == 200 and len({a.id for a in collection.articles}) == 200
    state = ReadState.in_memory()
    first_a = next(a for a in collection.articles if a.body == "Story 0 of a.")
    first_b = next(a for a in collection.articles if a.body == "Story 0 of b.")
    state.mark([first_a.id], True)
    assert not state.is_read(first_b.id)


def test_odd_ids_and_far_future_dates_are_said(tmp_path: Path) -> None:
    write(tmp_path / "odd.jsonl", "\n".join([
        json.dumps({"id": True, "text": "A boolean id."}),
        json.dumps({"id": 1.5, "text": "A float id."}),
        json.dumps({"id": "ok", "date": "9999-12-31", "text": "From the far future."}),
    ]) + "\n")
    collection = load([tmp_path])
    reasons = " | ".join(p.reason for p in collection.problems)
    assert "id True is not a string" in reasons and "id 1.5 is not a string" in reasons
    assert "in the future" in reasons
    assert all(a.id != "True" for a in collection.articles)


def test_readers_starting_at_once_on_a_new_database_never_move_it_aside(tmp_path: Path) -> None:
    for round_number in range(10):
        db = tmp_path / f"round{round_number}.db"
        errors: list[BaseException] = []

        def start(db: Path = db, errors: list[BaseException] = errors) -> None:
            try:
                state = ReadState.open(db)
                assert not state.warnings, state.warnings
                state.close()
            except BaseException as error:  # collected for the assertion below
                errors.append(error)

        threads = [threading.Thread(target=start) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == [] and not list(tmp_path.glob(f"round{round_number}.db.broken*"))


def test_a_database_held_by_another_process_is_waited_for_not_moved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reader.storage import database

    db = tmp_path / "reader.db"
    state = ReadState.open(db)
    state.mark(["kept"], True)
    state.close()
    holder = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN EXCLUSIVE")
    monkeypatch.setattr(database, "BUSY_SECONDS", 1)
    with pytest.raises(StoreError, match="in use by another program"):
        ReadState.open(db)
    assert not list(tmp_path.glob("reader.db.broken*")), "never taken for a broken database"
    threading.Timer(0.5, holder.rollback).start()
    monkeypatch.setattr(database, "BUSY_SECONDS", 10)
    again = ReadState.open(db)  # waits for the lock to go
    assert again.is_read("kept")
    again.close()
    holder.close()


def test_a_database_damaged_in_the_middle_is_moved_aside_with_its_marks_carried_over(tmp_path: Path) -> None:
    db = tmp_path / "reader.db"
    state = ReadState.open(db)
    state.mark([f"article-{i}" for i in range(50)], True)
    state.close()
    with sqlite3.connect(db) as connection:  # make the file big enough to damage one page past the marks
        connection.execute("CREATE TABLE padding (x)")
        connection.executemany("INSERT INTO padding VALUES (?)", ((os.urandom(512),) for _ in range(200)))
    size = db.stat().st_size
    with db.open("r+b") as handle:
        handle.seek(size // 2)
        handle.write(os.urandom(4096))
    opened = ReadState.open(db)  # no exception, whatever the damage hit
    assert opened.path == db
    if opened.warnings:
        assert "moved to" in opened.warnings[0] and list(tmp_path.glob("reader.db.broken*"))
    opened.mark(["new"], True)
    opened.close()
    assert ReadState.open(db).is_read("new")


def test_marks_made_while_another_process_holds_the_database_wait_and_are_written(tmp_path: Path) -> None:
    db = tmp_path / "reader.db"
    state = ReadState.open(db)
    state.be_patient()
    holder = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN EXCLUSIVE")
    started = time.monotonic()
    for article in ("a", "b", "c"):
        state.mark([article], True)
    assert time.monotonic() - started < 1.5, "the screen never waits on the lock"
    assert state.pending == 3 and all(state.is_read(a) for a in "abc") and "locked" in str(state.last_error)
    holder.rollback()
    deadline = time.monotonic() + 10
    while state.pending and time.monotonic() < deadline:
        time.sleep(0.1)
    assert state.pending == 0
    holder.close()
    with sqlite3.connect(db) as check:
        assert {row[0] for row in check.execute("SELECT article_id FROM read_marks")} == {"a", "b", "c"}
    state.close()


def test_marks_that_cannot_be_written_by_the_end_are_kept_aside_and_taken_in_next_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reader.storage import read_marks as store

    monkeypatch.setattr(store, "CLOSING_WAIT", 0.2)
    db = tmp_path / "reader.db"
    state = ReadState.open(db)
    state.be_patient()
    holder = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN EXCLUSIVE")
    state.mark(["kept"], True)
    state.close()
    assert (tmp_path / "reader.db.pending").exists() and "written at the next start" in state.warnings[-1]
    holder.rollback()
    holder.close()
    again = ReadState.open(db)
    assert again.is_read("kept") and not (tmp_path / "reader.db.pending").exists()
    again.close()


async def test_the_app_never_freezes_on_a_locked_database(tmp_path: Path) -> None:
    from tests.conftest import make_library

    db = tmp_path / "reader.db"
    library = make_library(db=db)
    library.read.be_patient()
    app = ReaderApp(library, now=lambda: FIXED_NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot)
        holder = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
        holder.execute("BEGIN EXCLUSIVE")
        started = time.monotonic()
        await pilot.press("m", "j", "m", "j", "m")
        assert time.monotonic() - started < 3
        assert app.sub_title == "2 unread / 5 articles"
        assert any("wait to be saved" in n.message for n in app._notifications)
        holder.rollback()
        holder.close()
        await pilot.pause(2.5)
        assert library.read.pending == 0
        assert any("waiting read marks are saved" in n.message for n in app._notifications)
    library.read.close()
    assert sum(ReadState.open(db).is_read(a.id) for a in library.articles) == 3


def test_a_full_disk_keeps_the_marks_waiting_and_the_database_consistent(tmp_path: Path) -> None:
    db = tmp_path / "reader.db"
    state = ReadState.open(db)
    state.be_patient()
    assert state._connection is not None
    pages = state._connection.execute("PRAGMA page_count").fetchone()[0]
    state._connection.execute(f"PRAGMA max_page_count = {pages}")  # the disk is full: no page more
    state.mark([f"article-{i:05d}-" + "x" * 200 for i in range(2000)], True)
    assert state.pending == 1 and "full" in str(state.last_error)
    assert state.is_read("article-00000-" + "x" * 200), "shown read at once"
    state._connection.execute("PRAGMA max_page_count = 1073741823")  # room again
    deadline = time.monotonic() + 10
    while state.pending and time.monotonic() < deadline:
        time.sleep(0.1)
    state.close()
    with sqlite3.connect(db) as check:
        assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert check.execute("SELECT count(*) FROM read_marks").fetchone()[0] == 2000


def test_a_read_only_database_gives_one_clear_message_and_stays_as_it_was(tmp_path: Path) -> None:
    db = tmp_path / "reader.db"
    state = ReadState.open(db)
    state.mark(["before"], True)
    state.close()
    # Read-only at the SQLite layer (the tests may run as root, whom file modes do not stop).
    original = sqlite3.connect

    def read_only(database: object, *arguments: object, **options: object) -> sqlite3.Connection:
        if str(database) == str(db):
            database, options = f"{db.resolve().as_uri()}?mode=ro", {**options, "uri": True}
        return original(database, *arguments, **options)  # type: ignore[arg-type]

    sqlite3.connect = read_only  # type: ignore[assignment]
    try:
        try:
            opened = ReadState.open(db)
        except StoreError as error:  # refused at once: one clear sentence
            assert "readonly" in str(error) and "--db" in str(error)
        else:
            with pytest.raises(StoreError, match="could not save read marks .*readonly"):
                opened.mark(["after"], True)
            opened.close()
    finally:
        sqlite3.connect = original  # type: ignore[assignment]
    assert not list(tmp_path.glob("reader.db.broken*"))
    again = ReadState.open(db)
    assert again.is_read("before") and not again.is_read("after")
    again.close()


_MARKER = """
import sys, time
from pathlib import Path
from reader.storage.read_marks import ReadState
state = ReadState.open(Path(sys.argv[1]))
state.be_patient()
for number in range(int(sys.argv[3])):
    article = f"{sys.argv[2]}-{number}"
    state.mark([article], True)
    print(article, flush=True)  # the screen shows it: from here on it must not be lost
state.close()
"""


def test_no_mark_shown_is_lost_when_the_reader_is_killed(tmp_path: Path) -> None:
    import random

    db = tmp_path / "reader.db"
    ReadState.open(db).close()
    generator = random.Random(17)
    for attempt in range(20):
        child = subprocess.Popen([sys.executable, "-c", _MARKER, str(db), f"try{attempt}", "100000"],
                                 stdout=subprocess.PIPE, text=True)
        time.sleep(generator.uniform(0.3, 0.8))
        child.kill()  # kill -9: no clean-up at all
        shown = [line.strip() for line in child.communicate()[0].splitlines() if line.strip()]
        assert shown, "the child marked something before it was killed"
        with sqlite3.connect(db) as check:
            kept = {row[0] for row in check.execute("SELECT article_id FROM read_marks WHERE article_id LIKE ?",
                                                    (f"try{attempt}-%",))}
        assert set(shown) <= kept, f"attempt {attempt}: {len(set(shown) - kept)} shown marks lost"


def test_two_readers_marking_at_once_lose_no_mark(tmp_path: Path) -> None:
    db = tmp_path / "reader.db"
    ReadState.open(db).close()
    children = [subprocess.Popen([sys.executable, "-c", _MARKER, str(db), name, "300"], stdout=subprocess.PIPE)
                for name in ("left", "right")]
    for child in children:
        child.communicate(timeout=120)
        assert child.returncode == 0
    with sqlite3.connect(db) as check:
        kept = {row[0] for row in check.execute("SELECT article_id FROM read_marks")}
    assert {f"{name}-{n}" for name in ("left", "right") for n in range(300)} <= kept


def test_processes_opening_a_new_database_at_once_never_move_it_aside(tmp_path: Path) -> None:
    opener = (
        "import sys; from pathlib import Path; from reader.storage.read_marks import ReadState; "
        "s = ReadState.open(Path(sys.argv[1])); print(len(s.warnings)); s.close()"
    )
    for round_number in range(6):
        db = tmp_path / f"new{round_number}.db"
        children = [subprocess.Popen([sys.executable, "-c", opener, str(db)], stdout=subprocess.PIPE, text=True,
                                     stderr=subprocess.PIPE) for _ in range(3)]
        for child in children:
            out, err = child.communicate(timeout=60)
            assert child.returncode == 0 and out.strip() == "0", err
        assert not list(tmp_path.glob(f"new{round_number}.db.broken*"))


def _damaged_index(tmp_path: Path) -> tuple[Path, Path]:
    """An archive and a database whose index (megabytes of it) is damaged in the middle, with two marks."""
    import random

    words = "Tokyo Delhi President Biden said the Bank of England rates markets rose fell in on".split()
    generator = random.Random(1)
    lines = [json.dumps({"id": f"x{i}", "date": "2024-05-01", "text": " ".join(generator.choice(words)
                         for _ in range(60)) + "."}) for i in range(3000)]
    archive = write(tmp_path / "a.jsonl", "\n".join(lines) + "\n")
    db = tmp_path / "reader.db"
    assert _export(str(archive), db=db, timeout=300).returncode == 0
    state = ReadState.open(db)
    state.mark(["x1", "x2"], True)
    state.close()
    size = db.stat().st_size
    with db.open("r+b") as handle:
        handle.seek(size // 2)
        handle.write(os.urandom(8192))
    return archive, db


def test_export_recovers_from_a_database_damaged_in_the_middle(tmp_path: Path) -> None:
    archive, db = _damaged_index(tmp_path)
    result = _export(str(archive), db=db, timeout=300)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr[-2000:]
    document = json.loads(result.stdout)
    assert len(document["articles"]) == 3000
    assert {a["id"] for a in document["articles"] if a["read"]} == {"x1", "x2"}, "the marks were carried over"
    if "damaged" in result.stderr:
        assert list(tmp_path.glob("reader.db.broken*"))


async def test_files_vanishing_while_a_folder_is_read_never_end_the_app(tmp_path: Path) -> None:
    news = tmp_path / "news"
    for number in range(700):
        write(news / f"{number:04d}.txt", f"date 2024-05-01 Story number {number}.")
    db = tmp_path / "reader.db"
    batches = stream([news])
    first = next(batches)  # the first screen's 500 files are read; the rest vanish before the loader gets there
    for number in range(500, 700):
        (news / f"{number:04d}.txt").unlink()
    app = ReaderApp(Library(first, ReadState.open(db)), loading=batches, now=lambda: FIXED_NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("m")
        marked = app.article_list.current
        await _ready(pilot)
        assert app.is_running and len(app.library) == 500
        assert any("cannot be read" in p.reason or "no such file" in p.reason for p in app.library.problems)
    app.library.read.close()
    assert marked is not None and ReadState.open(db).is_read(marked.id)

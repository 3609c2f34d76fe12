"""Read state: saved at once, survives SIGKILL, undo, and broken or unwritable databases."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from reader.storage.database import StoreError
from reader.storage.read_marks import ReadState


def test_marks_persist_across_restarts(tmp_path: Path) -> None:
    db = tmp_path / "reader.db"
    state = ReadState.open(db)
    state.mark(["a", "b"], True)
    state.toggle("b")
    state.close()
    assert ReadState.open(db).read_ids == {"a"}


def test_undo_restores_exactly_what_each_action_changed(tmp_path: Path) -> None:
    db = tmp_path / "reader.db"
    state = ReadState.open(db)
    state.mark(["a"], True)
    state.mark(["a", "b", "c"], True)  # like M: only b and c change
    assert state.read_ids == {"a", "b", "c"}
    state.undo()
    assert state.read_ids == {"a"}
    state.undo()
    assert state.read_ids == set()
    assert state.undo() is None
    assert ReadState.open(db).read_ids == set()  # undo is saved too


_KILLED_RIGHT_AFTER = """
import os, signal, sys
from pathlib import Path
from reader.storage.read_marks import ReadState
state = ReadState.open(Path(sys.argv[1]))
state.mark(["article-1"], True)
os.kill(os.getpid(), signal.SIGKILL)  # no close, no atexit, no flush
"""


def test_a_mark_survives_sigkill_the_moment_after(tmp_path: Path) -> None:
    db = tmp_path / "reader.db"
    result = subprocess.run([sys.executable, "-c", _KILLED_RIGHT_AFTER, str(db)], capture_output=True)
    assert result.returncode == -signal.SIGKILL
    assert ReadState.open(db).read_ids == {"article-1"}


def test_a_corrupt_database_is_moved_aside_and_a_new_one_started(tmp_path: Path) -> None:
    db = tmp_path / "reader.db"
    db.write_bytes(b"this is not sqlite" * 100)
    state = ReadState.open(db)
    [warning] = state.warnings
    assert "could not be used" in warning and "moved to" in warning
    aside = list(tmp_path.glob("reader.db.broken-*"))
    assert len(aside) == 1 and aside[0].read_bytes().startswith(b"this is not sqlite")
    state.mark(["x"], True)
    assert ReadState.open(db).read_ids == {"x"}


def test_a_database_from_an_unknown_version_is_moved_aside(tmp_path: Path) -> None:
    db = tmp_path / "reader.db"
    connection = sqlite3.connect(db)
    connection.execute("CREATE TABLE future (x)")
    connection.execute("PRAGMA user_version = 99")
    connection.commit()
    connection.close()
    state = ReadState.open(db)
    assert "unknown schema version 99" in state.warnings[0]
    assert list(tmp_path.glob("reader.db.broken-*"))


def test_an_unwritable_place_gives_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(StoreError) as caught:
        ReadState.open(blocker / "reader.db")
    message = str(caught.value)
    assert str(blocker / "reader.db") in message and "--db" in message and "READER_DB" in message


def test_readonly_opening_never_creates_or_changes_a_database(tmp_path: Path) -> None:
    missing = tmp_path / "none.db"
    assert ReadState.open_readonly(missing).read_ids == set()
    assert not missing.exists()
    broken = tmp_path / "broken.db"
    broken.write_bytes(b"junk" * 100)
    state = ReadState.open_readonly(broken)
    assert state.read_ids == set() and state.warnings
    assert broken.read_bytes() == b"junk" * 100


def test_marking_many_is_all_or_nothing(tmp_path: Path) -> None:
    db = tmp_path / "reader.db"
    state = ReadState.open(db)
    assert state._connection is not None
    state._connection.execute(
        "CREATE TRIGGER refuse BEFORE INSERT ON read_marks WHEN NEW.article_id = 'bad' "
        "BEGIN SELECT RAISE(ABORT, 'refused'); END"
    )
    with pytest.raises(StoreError):
        state.mark(["a", "bad", "c"], True)
    assert state.read_ids == set()
    state.close()
    assert ReadState.open(db).read_ids == set(), "a failed M must not leave half the list marked"

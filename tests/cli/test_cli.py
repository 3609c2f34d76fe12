"""The `reader` command as a user types it: help, version, and clear errors instead of tracebacks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from reader import __version__
from tests.conftest import write


def _reader(*arguments: str, env_db: Path | None = None) -> subprocess.CompletedProcess[str]:
    import os

    env = dict(os.environ)
    if env_db is not None:
        env["READER_DB"] = str(env_db)
    return subprocess.run(
        [sys.executable, "-m", "reader", *arguments], capture_output=True, text=True, env=env, timeout=60
    )


def test_help_and_version() -> None:
    result = _reader("--help")
    assert result.returncode == 0
    assert all(command in result.stdout for command in ("reader export", "reader mark", "reader show", "--db"))
    assert _reader("--version").stdout.strip() == f"reader {__version__}"
    export_help = _reader("export", "--help")
    assert export_help.returncode == 0 and "--body" in export_help.stdout and "--jsonl" in export_help.stdout
    for command in ("mark", "show"):
        assert _reader(command, "--help").returncode == 0


def test_an_unwritable_database_is_a_clear_error_not_a_traceback(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = _reader("--db", str(blocker / "reader.db"))
    assert result.returncode == 2
    assert result.stderr.startswith("reader: cannot keep read marks in")
    assert "Traceback" not in result.stderr


def test_nothing_to_read_says_so_with_the_reasons(tmp_path: Path) -> None:
    write(tmp_path / "empty.txt", "")
    result = _reader(str(tmp_path), str(tmp_path / "nope"), env_db=tmp_path / "r.db")
    assert result.returncode == 1
    assert f"reader: {tmp_path / 'empty.txt'}: empty file" in result.stderr
    assert f"reader: {tmp_path / 'nope'}: no such file or folder" in result.stderr
    assert "no articles found" in result.stderr
    assert "Traceback" not in result.stderr


def test_export_honours_the_READER_DB_variable(tmp_path: Path) -> None:
    from reader.sources.files import load, seeds_dir
    from reader.storage.read_marks import ReadState

    db = tmp_path / "via-env.db"
    state = ReadState.open(db)
    state.mark([load([seeds_dir()]).articles[0].id], True)
    state.close()
    result = _reader("export", "--json", env_db=db)
    assert result.returncode == 0
    assert result.stdout.count('"read": true') == 1


def test_export_of_a_path_that_is_not_there_is_an_error(tmp_path: Path) -> None:
    write(tmp_path / "here.txt", "Title: Here\n\nThe council met in Leeds.\n")
    for paths in ([str(tmp_path / "nonexistent")], [str(tmp_path / "here.txt"), str(tmp_path / "nonexistent")]):
        result = _reader("export", *paths, env_db=tmp_path / "r.db")
        assert result.returncode == 1 and result.stdout == ""
        assert f"reader export: {tmp_path / 'nonexistent'}: no such file or folder" in result.stderr
        assert "Traceback" not in result.stderr
    assert _reader("export", str(tmp_path / "here.txt"), env_db=tmp_path / "r.db").returncode == 0

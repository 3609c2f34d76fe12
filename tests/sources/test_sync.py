"""The sync's own rules: which change wins, the [sync] settings, the queue's place in the mark's transaction,
and a server that sends the reader elsewhere."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from reader.config import SyncAccount, load
from reader.sources.sync import SyncError
from reader.sources.sync.round import decide, password, sync
from reader.sources.sync.service import RemoteState
from reader.sources.sync.store import Known, Queued
from reader.storage.read_marks import ReadState

KNOWN = {"7": Known("a7", "f", read=False, starred=False)}


def test_a_change_on_one_side_only_is_taken_by_the_other() -> None:
    server_read = decide(KNOWN, RemoteState(frozenset(), frozenset()), [], 1000.0, 2000.0)
    assert server_read.from_server == [("a7", True, False)] and not len(server_read.marks)
    starred_here = decide(
        KNOWN, RemoteState(frozenset({"7"}), frozenset()), [Queued(1, "a7", True, True, 1500)], 1000.0, 2000.0
    )
    assert starred_here.marks.star == ("7",) and not starred_here.from_server


def test_when_both_sides_changed_the_later_change_wins() -> None:
    # The server marked item 7 read some time between the last round (1000) and this one (2000): taken as 1500.
    # Here it was marked read and then unread again: the last change here is what counts.
    state = RemoteState(frozenset(), frozenset())
    later_here = [Queued(1, "a7", False, True, 1400.0), Queued(2, "a7", False, False, 1800.0)]
    plan = decide(KNOWN, state, later_here, 1000.0, 2000.0)
    assert plan.marks.unread == ("7",) and not plan.from_server and plan.overruled == 0
    earlier_here = [Queued(1, "a7", False, True, 1100.0), Queued(2, "a7", False, False, 1200.0)]
    plan = decide(KNOWN, state, earlier_here, 1000.0, 2000.0)
    assert plan.from_server == [("a7", True, False)] and not len(plan.marks) and plan.overruled == 1
    assert sorted(plan.settled) == [1, 2]  # the queued rows it overruled go


def test_a_queued_mark_the_server_already_has_is_not_sent() -> None:
    plan = decide(KNOWN, RemoteState(frozenset(), frozenset()), [Queued(3, "a7", False, True, 1500.0)], 1000, 2000)
    assert not len(plan.marks) and plan.settled == [3] and not plan.from_server


def test_a_mark_is_queued_in_the_transaction_that_keeps_it_and_survives_a_crash(tmp_path: Path) -> None:
    db = tmp_path / "reader.db"
    ReadState.open(db).close()
    connection = sqlite3.connect(db)
    with connection:
        connection.execute("INSERT INTO sync_items VALUES ('7', 'a7', 'f', 0, 0)")
    connection.close()
    killed = subprocess.run(  # marks, then dies at once: no close, no flush
        [
            sys.executable,
            "-c",
            "import os, sys; from pathlib import Path; from reader.storage.read_marks import "
            "ReadState; s = ReadState.open(Path(sys.argv[1])); s.mark(['a7', 'other'], True); os._exit(9)",
            str(db),
        ],
        capture_output=True,
        text=True,
    )
    assert killed.returncode == 9, killed.stderr
    connection = sqlite3.connect(db)
    queued = connection.execute("SELECT article_id, star, value FROM sync_queue").fetchall()
    connection.close()
    assert queued == [("a7", 0, 1)]  # only the synced article is queued for the server


def test_sync_settings_are_read_and_a_bad_one_is_named_with_its_line(tmp_path: Path) -> None:
    config = tmp_path / "reader.toml"
    config.write_text(
        '[sync]\nservice = "fever"\nurl = "https://rss.example.org/fever/"\nuser = "me"\n'
        'password_command = "echo s3cret; echo ignored"\n'
    )
    loaded = load(config)
    assert loaded.problems == []
    assert loaded.settings.sync == SyncAccount(
        "fever", "https://rss.example.org/fever/", "me", "", "echo s3cret; echo ignored"
    )
    assert password(loaded.settings.sync) == "s3cret"
    config.write_text(
        '[display]\ntheme = "textual-dark"\n\n[sync]\nservice = "newsblur"\nurl = "ftp://x"\n'
        'user = "me"\npassword = "p"\n'
    )
    loaded = load(config)
    assert loaded.settings.sync is None
    text = "\n".join(loaded.problems)
    assert "line 5: [sync] service: 'newsblur' is not one of fever, greader" in text
    assert "line 6: [sync] url: 'ftp://x' is not an http or https address" in text
    assert "line 4: [sync] needs service, url: no sync until it is set" in text


def test_a_failing_password_command_is_a_sync_error_in_words() -> None:
    with pytest.raises(SyncError, match=r"password_command failed \(exit 3\): no such entry"):
        password(SyncAccount("fever", "http://127.0.0.1:9/", "me", "", "echo no such entry >&2; exit 3"))


def test_a_server_that_redirects_elsewhere_is_not_followed(tmp_path: Path) -> None:
    asked: list[str] = []

    class Elsewhere(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            asked.append(self.path)
            self.send_response(307)
            self.send_header("Location", "http://example.invalid/fever/?api")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *_: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Elsewhere)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    db = tmp_path / "reader.db"
    ReadState.open(db).close()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/fever/"
        with pytest.raises(SyncError, match="sent the reader to another server"):
            sync(db, SyncAccount("fever", url, "me", "p"))
    finally:
        server.shutdown()
        server.server_close()
    assert len(asked) == 1


def test_reader_sync_with_a_failing_password_command_says_so_and_leaves_nothing_open(tmp_path: Path) -> None:
    config = tmp_path / "reader.toml"
    config.write_text(
        '[sync]\nservice = "fever"\nurl = "http://127.0.0.1:9/fever/"\nuser = "me"\n'
        'password_command = "echo locked >&2; exit 1"\n'
    )
    done = subprocess.run(
        [sys.executable, "-m", "reader", "sync", "--db", str(tmp_path / "reader.db")],
        capture_output=True,
        text=True,
        env={"READER_CONFIG": str(config), "PATH": "/usr/bin:/bin"},
        timeout=60,
    )
    assert done.returncode == 1
    assert done.stderr == "reader sync: password_command failed (exit 1): locked\n"


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ('[sync]\nservice = fever\nurl = "http://127.0.0.1:9/fever/"\n', "Invalid value (at line 2"),
        ('[snyc]\nservice = "fever"\n', "unknown section [snyc]"),
    ],
)
def test_reader_sync_says_what_is_wrong_with_the_settings_not_that_there_is_no_section(
    tmp_path: Path, text: str, said: str
) -> None:
    """A [sync] written as TOML cannot read, or a misspelt section: the problem is said, and the last line does
    not claim there is no [sync] section when the user wrote one."""
    config = tmp_path / "reader.toml"
    config.write_text(text)
    done = subprocess.run(
        [sys.executable, "-m", "reader", "sync", "--db", str(tmp_path / "reader.db")],
        capture_output=True,
        text=True,
        env={"READER_CONFIG": str(config), "PATH": "/usr/bin:/bin"},
        timeout=60,
    )
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert said in done.stderr
    assert "no [sync] section" not in done.stderr

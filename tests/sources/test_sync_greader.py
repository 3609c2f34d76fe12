"""Sync over the Google Reader API, against the loopback server of `greader_server` (FreshRSS's documented API)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.config import SyncAccount
from reader.sources.sync import SyncError
from reader.sources.sync.greader import short_id
from reader.sources.sync.round import sync
from reader.storage.read_marks import ReadState
from tests.sources.greader_server import READ, STARRED, GReaderServer


@pytest.fixture
def server() -> Iterator[GReaderServer]:
    running = GReaderServer("me", "secret")
    yield running
    running.close()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "reader.db"
    ReadState.open(path).close()
    return path


def article(db: Path, remote: int) -> str:
    connection = sqlite3.connect(db)
    try:
        return str(
            connection.execute("SELECT article_id FROM sync_items WHERE remote = ?", (str(remote),)).fetchone()[0]
        )
    finally:
        connection.close()


def test_items_arrive_through_every_page_with_their_state(server: GReaderServer, db: Path) -> None:
    server.items[3].tags.add(READ)
    server.items[4].tags.add(STARRED)
    report = sync(db, SyncAccount("greader", server.url, "me", "secret"))
    assert (report.feeds, report.new) == (2, 8)
    state = ReadState.open(db)
    try:
        assert state.is_read(article(db, 3)) and not state.is_read(article(db, 5))
        assert state.is_starred(article(db, 4))
    finally:
        state.close()
    connection = sqlite3.connect(db)
    tags = dict(connection.execute("SELECT url, tags FROM feeds"))
    connection.close()
    assert tags == {"http://example.invalid/wire.xml": "News", "http://example.invalid/desk.xml": "Local"}


def test_marks_go_both_ways(server: GReaderServer, db: Path) -> None:
    account = SyncAccount("greader", server.url, "me", "secret")
    sync(db, account)
    state = ReadState.open(db)
    state.mark([article(db, 2), article(db, 6)], True)
    state.star([article(db, 7)], True)
    state.close()
    server.items[1].tags.add(READ)  # another client's
    report = sync(db, account)
    assert (report.sent, report.from_server) == (3, 1)
    assert READ in server.items[2].tags and READ in server.items[6].tags and STARRED in server.items[7].tags
    state = ReadState.open(db)
    assert state.is_read(article(db, 1))
    state.close()


def test_a_refused_login_is_said_and_nothing_changes(server: GReaderServer, db: Path) -> None:
    with pytest.raises(SyncError, match="refused the login") as raised:
        sync(db, SyncAccount("greader", server.url, "me", "wrong"))
    assert raised.value.refused


def test_item_ids_are_kept_in_their_short_form() -> None:
    assert short_id("tag:google.com,2005:reader/item/000000000000001f") == "31"
    assert short_id("31") == "31"
    assert short_id("-1") == str(2**64 - 1)  # the signed form some servers give
    assert short_id("tag:google.com,2005:reader/item/zz") is None


def test_a_synced_feed_is_unsubscribed_on_the_server_not_here(
    server: GReaderServer, db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from reader.cli.main import main

    sync(db, SyncAccount("greader", server.url, "me", "secret"))
    assert main(["feeds", "remove", "http://example.invalid/wire.xml", "--db", str(db)]) == 1
    assert "is the sync server's: unsubscribe on the server" in capsys.readouterr().err
    del server.feeds["feed/1"]  # unsubscribed on the server: its items go with it
    server.items = {n: item for n, item in server.items.items() if item.feed != "feed/1"}
    report = sync(db, SyncAccount("greader", server.url, "me", "secret"))
    assert report.feeds_removed == 1
    connection = sqlite3.connect(db)
    urls = [url for (url,) in connection.execute("SELECT url FROM feeds")]
    left = connection.execute("SELECT count(*) FROM entries").fetchone()[0]
    connection.close()
    assert urls == ["http://example.invalid/desk.xml"] and left == 4


def count(db: Path, table: str) -> int:
    connection = sqlite3.connect(db)
    try:
        return int(connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        connection.close()


def test_a_mistyped_account_that_fails_loses_nothing_and_a_slash_is_the_same_account(
    server: GReaderServer, db: Path
) -> None:
    """A sync to a mistyped address or user fails and leaves every synced article and queued mark; the same
    address with or without its trailing slash is the same account, not a new one to download again."""
    sync(db, SyncAccount("greader", server.url, "me", "secret"))
    state = ReadState.open(db)
    state.mark([article(db, 2)], True)
    state.close()
    queued, items = count(db, "sync_queue"), count(db, "sync_items")
    assert queued == 1 and items == 8
    with pytest.raises(SyncError):
        sync(db, SyncAccount("greader", server.url.rstrip("/") + "/nowhere/", "me", "secret"))
    with pytest.raises(SyncError):
        sync(db, SyncAccount("greader", server.url, "someone", "secret"))
    assert (count(db, "sync_queue"), count(db, "sync_items")) == (queued, items)
    other = server.url.rstrip("/") if server.url.endswith("/") else server.url + "/"
    report = sync(db, SyncAccount("greader", other, "me", "secret"))
    assert report.replaced is None and report.new == 0 and report.sent == 1
    assert READ in server.items[2].tags


def test_reader_star_sends_the_star_to_the_server_at_once(server: GReaderServer, db: Path, tmp_path: Path) -> None:
    """`reader star ID` with [sync] set: the server has the star when the command ends, as `reader mark`'s marks."""
    import subprocess
    import sys

    sync(db, SyncAccount("greader", server.url, "me", "secret"))
    config = tmp_path / "reader.toml"
    config.write_text(f'[sync]\nservice = "greader"\nurl = "{server.url}"\nuser = "me"\npassword = "secret"\n')
    done = subprocess.run(
        [sys.executable, "-m", "reader", "star", article(db, 5), "--db", str(db)],
        capture_output=True,
        text=True,
        env={"READER_CONFIG": str(config), "PATH": "/usr/bin:/bin"},
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert STARRED in server.items[5].tags

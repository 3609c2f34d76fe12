"""Sync end to end against a real Fever server: coldsweat, on 127.0.0.1, fetching feeds served on loopback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from reader.config import SyncAccount
from reader.session import opening
from reader.sources.sync import SyncError
from reader.sources.sync.round import sync
from reader.storage.read_marks import ReadState
from tests.sources.sync_servers import PASSWORD, USER, Coldsweat, FeedServer


def account(server: Coldsweat, password: str = PASSWORD) -> SyncAccount:
    return SyncAccount("fever", server.url, USER, password)


def items_by_title(db: Path) -> dict[str, str]:
    """Article id of each synced article, by its headline (from the reader's own database)."""
    import sqlite3

    connection = sqlite3.connect(db)
    try:
        return dict(connection.execute("SELECT title, article_id FROM entries"))
    finally:
        connection.close()


def remote_of(db: Path, article: str) -> int:
    import sqlite3

    connection = sqlite3.connect(db)
    try:
        return int(connection.execute("SELECT remote FROM sync_items WHERE article_id = ?", (article,)).fetchone()[0])
    finally:
        connection.close()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "reader.db"
    ReadState.open(path).close()
    return path


def test_every_server_item_arrives_with_its_feed_and_state(coldsweat: Coldsweat, db: Path) -> None:
    coldsweat.fever(mark="item", **{"as": "read"}, id="1")
    report = sync(db, account(coldsweat))
    assert (report.feeds, report.new) == (2, 12)
    titles = items_by_title(db)
    assert sorted(titles) == sorted([f"Wire story {n}" for n in range(7)] + [f"Desk story {n}" for n in range(5)])
    state = ReadState.open(db)
    try:
        opened = opening(state, [])  # the synced feeds are the reader's feeds
        assert opened.feeds and opened.library is not None
        shown = {article.title: article for article in opened.library.articles}
        assert set(shown) == set(titles)
        assert shown["Wire story 3"].body.startswith("Text 3 of the wire.")
        read = [title for title, identity in titles.items() if state.is_read(identity)]
        assert len(read) == 1  # item 1, read on the server
    finally:
        state.close()
    again = sync(db, account(coldsweat))
    assert again.new == 0  # nothing comes twice


def test_a_mark_and_a_star_made_in_the_reader_reach_the_server(coldsweat: Coldsweat, db: Path) -> None:
    sync(db, account(coldsweat))
    story = items_by_title(db)["Desk story 2"]
    state = ReadState.open(db)
    state.mark([story], True)
    state.star([story], True)
    state.close()
    report = sync(db, account(coldsweat))
    assert report.sent == 2
    remote = remote_of(db, story)
    assert remote not in coldsweat.unread() and remote in coldsweat.saved()


def test_a_mark_and_a_star_made_by_another_client_reach_the_reader(coldsweat: Coldsweat, db: Path) -> None:
    sync(db, account(coldsweat))
    titles = items_by_title(db)
    read, starred = titles["Wire story 5"], titles["Desk story 0"]
    coldsweat.fever(mark="item", **{"as": "read"}, id=str(remote_of(db, read)))
    coldsweat.fever(mark="item", **{"as": "saved"}, id=str(remote_of(db, starred)))
    report = sync(db, account(coldsweat))
    assert report.from_server == 2
    state = ReadState.open(db)
    try:
        assert state.is_read(read) and not state.is_starred(read)
        assert state.is_starred(starred) and not state.is_read(starred)
    finally:
        state.close()


def test_with_the_server_stopped_the_reader_starts_and_a_mark_then_reaches_it_once_back(
    coldsweat: Coldsweat, db: Path
) -> None:
    sync(db, account(coldsweat))
    coldsweat.stop()
    state = ReadState.open(db)
    opened = opening(state, [])
    assert opened.library is not None and len(opened.library.articles) == 12  # from the database alone
    story = items_by_title(db)["Wire story 0"]
    state.mark([story], True)
    state.close()
    with pytest.raises(SyncError, match="could not be reached"):
        sync(db, account(coldsweat))
    state = ReadState.open(db)
    assert state.is_read(story)  # kept here
    state.close()
    coldsweat.start()
    report = sync(db, account(coldsweat))
    assert report.sent == 1 and report.waiting == 0
    assert remote_of(db, story) not in coldsweat.unread()


def test_new_items_the_server_fetched_later_arrive(coldsweat: Coldsweat, feed_server: FeedServer, db: Path) -> None:
    sync(db, account(coldsweat))
    feed_server.atom("/desk.xml", "Desk", [(f"d{n}", f"Desk story {n}", f"Text {n}.") for n in range(7)])
    coldsweat.fetch()
    report = sync(db, account(coldsweat))
    assert report.new == 2
    assert {"Desk story 5", "Desk story 6"} <= set(items_by_title(db))


def _reader(db: Path, config: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    environment = {"READER_CONFIG": str(config), "READER_DB": str(db), "PATH": "/usr/bin:/bin"}
    return subprocess.run(
        [sys.executable, "-m", "reader", *arguments], capture_output=True, text=True, env=environment, timeout=60
    )


def test_reader_sync_says_what_it_did_and_never_prints_a_traceback(
    coldsweat: Coldsweat, db: Path, tmp_path: Path
) -> None:
    config = tmp_path / "reader.toml"
    config.write_text(f'[sync]\nservice = "fever"\nurl = "{coldsweat.url}"\nuser = "{USER}"\npassword = "{PASSWORD}"\n')
    done = _reader(db, config, "sync")
    assert done.returncode == 0, done.stderr
    assert "2 feeds, 12 new articles" in done.stdout
    story = items_by_title(db)["Wire story 1"]
    marked = _reader(db, config, "mark", "read", story)  # `reader mark` goes to the server
    assert marked.returncode == 0 and "1 marked read" in marked.stdout, marked.stderr
    assert remote_of(db, story) not in coldsweat.unread()

    coldsweat.stop()
    marked = _reader(db, config, "mark", "unread", story)
    assert marked.returncode == 0 and "not sent to the server yet" in marked.stderr
    down = _reader(db, config, "sync")
    assert down.returncode == 1
    assert "could not be reached" in down.stderr and "1 queued mark kept" in down.stderr
    assert "Traceback" not in down.stderr + down.stdout
    coldsweat.start()
    config.write_text(config.read_text().replace(PASSWORD, "not-the-password"))
    refused = _reader(db, config, "sync")
    assert refused.returncode == 1 and "refused the login" in refused.stderr
    assert "Traceback" not in refused.stderr + refused.stdout
    config.write_text(config.read_text().replace("not-the-password", PASSWORD))
    done = _reader(db, config, "sync")
    assert done.returncode == 0 and "1 sent" in done.stdout, done.stderr
    assert remote_of(db, story) in coldsweat.unread()


def test_reader_refresh_with_sync_set_syncs_and_fetches_nothing_itself(
    coldsweat: Coldsweat, feed_server: FeedServer, db: Path, tmp_path: Path
) -> None:
    config = tmp_path / "reader.toml"
    config.write_text(f'[sync]\nservice = "fever"\nurl = "{coldsweat.url}"\nuser = "{USER}"\npassword = "{PASSWORD}"\n')
    asked_before = len(feed_server.agents)
    done = _reader(db, config, "refresh")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Synced with 127.0.0.1") and "12 new articles" in done.stdout
    assert "Feeds:" not in done.stdout and "feeds, 0 new" not in done.stdout
    assert len(feed_server.agents) == asked_before, "the server fetches the feeds; the reader never does"

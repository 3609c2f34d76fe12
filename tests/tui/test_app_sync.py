"""[sync] in the terminal UI: r syncs (new articles join, the server's marks show), the header says when it last
synced or that a sync failed, and ! says why; against the loopback Google Reader API server of the sync tests."""

from __future__ import annotations

from pathlib import Path

from reader.config import Config, Settings, SyncAccount
from reader.library import Library
from reader.sources.feeds import subscribed
from reader.sources.sync.round import sync
from reader.storage.read_marks import ReadState
from reader.tui.app import ReaderApp
from tests.conftest import FIXED_NOW
from tests.sources.greader_server import READ, GReaderServer, Item
from tests.tui.test_app import _ready, _screen_text


async def test_r_syncs_and_the_header_says_when_it_last_synced_or_that_it_failed(tmp_path: Path) -> None:
    server = GReaderServer("me", "secret")
    account = SyncAccount("greader", server.url, "me", "secret")
    db = tmp_path / "reader.db"
    ReadState.open(db).close()
    sync(db, account)
    server.items[9] = Item(9, "feed/1", "Story nine", "Text of story nine.")
    server.items[1].tags.add(READ)  # another client read it
    batches = subscribed(db)
    assert batches is not None
    library = Library(next(batches), ReadState.open(db))
    config = Config(tmp_path / "reader.toml", Settings(sync=account))
    app = ReaderApp(library, now=lambda: FIXED_NOW, loading=batches, feeds=True, refresh_every=0, config=config)
    try:
        async with app.run_test(size=(160, 45)) as pilot:
            await _ready(pilot)
            assert app.sub_title.startswith("8 unread / 8 articles · synced ")
            await pilot.press("r")
            await _ready(pilot)
            await _ready(pilot)
            assert "Story nine" in [a.title for a in app.article_list.articles]
            first = next(a for a in app.library.articles if a.title == "Story 1")
            assert app.library.read.is_read(first.id)
            assert app.sub_title.startswith("8 unread / 9 articles · synced ")
            assert any(n.message.startswith("Synced with 127.0.0.1") for n in app._notifications)
            assert not any("Feeds refreshed" in n.message for n in app._notifications), "nothing fetched by the reader"
            server.close()
            await pilot.press("r")
            await _ready(pilot)
            assert " · sync failed " in app.sub_title and "(! says why)" in app.sub_title
            await pilot.press("exclamation_mark")
            assert "the last sync failed" in _screen_text(app)
    finally:
        app.library.read.close()


async def test_every_start_syncs_when_sync_is_set(tmp_path: Path) -> None:
    server = GReaderServer("me", "secret")
    account = SyncAccount("greader", server.url, "me", "secret")
    db = tmp_path / "reader.db"
    ReadState.open(db).close()
    sync(db, account)  # just now: a feed refresh would wait refresh_minutes
    server.items[2].tags.add(READ)
    batches = subscribed(db)
    assert batches is not None
    library = Library(next(batches), ReadState.open(db))
    config = Config(tmp_path / "reader.toml", Settings(sync=account))
    app = ReaderApp(library, now=lambda: FIXED_NOW, loading=batches, feeds=True, refresh_every=1800, config=config)
    try:
        async with app.run_test(size=(160, 45)) as pilot:
            await _ready(pilot)
            await _ready(pilot)
            second = next(a for a in app.library.articles if a.title == "Story 2")
            assert app.library.read.is_read(second.id)
    finally:
        app.library.read.close()
        server.close()


async def test_a_mark_made_here_reaches_the_server_without_a_refresh(tmp_path: Path) -> None:
    """m on an article: a moment later the server has it read, with no r and no restart; the header says
    when marks still wait (the server gone: queued)."""
    import asyncio

    server = GReaderServer("me", "secret")
    account = SyncAccount("greader", server.url, "me", "secret")
    db = tmp_path / "reader.db"
    ReadState.open(db).close()
    sync(db, account)
    batches = subscribed(db)
    assert batches is not None
    library = Library(next(batches), ReadState.open(db))
    config = Config(tmp_path / "reader.toml", Settings(sync=account))
    app = ReaderApp(library, now=lambda: FIXED_NOW, loading=batches, feeds=True, refresh_every=0, config=config)
    try:
        async with app.run_test(size=(160, 45)) as pilot:
            await _ready(pilot)
            marked = app.article_list.articles[0]
            number = next(i for i, item in server.items.items() if item.title == marked.title)
            await pilot.press("m")
            for _ in range(60):
                await asyncio.sleep(0.1)
                if READ in server.items[number].tags:
                    break
            assert READ in server.items[number].tags
            server.close()
            await pilot.press("j", "m")
            for _ in range(60):
                await asyncio.sleep(0.1)
                await pilot.pause()
                if "queued" in app.sub_title:
                    break
            assert ", 1 queued" in app.sub_title and " · sync failed " in app.sub_title
    finally:
        app.library.read.close()
        server.close()

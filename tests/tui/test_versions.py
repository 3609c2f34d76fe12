"""A story told by several sources is one row of the list: unfolded with v, marked read in every version."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from reader.articles import Article
from reader.library import Library
from reader.sources.files import Collection
from reader.storage.read_marks import ReadState
from tests.conftest import make_app
from tests.tui.test_app import _ready, _screen_text

CRANE = ("A container crane collapsed at the Port of Velmora on Monday, crushing two trucks and closing "
         "berth four; the harbour master said no one was hurt and engineers from Ostrand Lifting were "
         "inspecting the crane's cracked boom before cargo ships could dock again.")
QUAKE = ("A strong earthquake shook northern Hokkaido early on Tuesday, cutting power to thousands of homes "
         "in Asahikawa; the weather agency warned of aftershocks and rail services were halted for checks.")
CARS = ("Toyota Motor raised its profit forecast for the year after a weaker yen lifted the value of cars "
        "sold abroad, the carmaker said in Nagoya; its shares rose four percent in Tokyo trading.")


async def _copies_found(pilot) -> None:  # type: ignore[no-untyped-def]
    """Until the analysis has told which articles are copies (it starts after the first frame)."""
    for _ in range(200):
        await _ready(pilot)
        if pilot.app.library.copies_made:
            break
    await pilot.pause()


def _library(db: Path) -> Library:
    articles = [
        Article("a", "https://one.example/feed", datetime(2024, 5, 6, 9), "Harbour crane collapse", CRANE,
                feed="https://one.example/feed"),
        Article("b", "https://two.example/rss", datetime(2024, 5, 6, 10), "Crane collapses at Velmora port",
                "  " + CRANE.upper().replace(" ", "  ") + "\n", feed="https://two.example/rss"),
        Article("c", "https://one.example/feed", datetime(2024, 5, 5), "Hokkaido quake", QUAKE,
                feed="https://one.example/feed"),
        Article("d", "https://two.example/rss", datetime(2024, 5, 4), "Toyota profit", CARS,
                feed="https://two.example/rss"),
    ]
    return Library(Collection(articles, [], ["https://one.example/feed", "https://two.example/rss"]),
                   ReadState.open(db))


async def test_identical_copies_share_a_row_that_v_unfolds_and_folds(tmp_path: Path) -> None:
    app = make_app(_library(tmp_path / "reader.db"))
    async with app.run_test(size=(56, 24)) as pilot:
        await _copies_found(pilot)
        listed = app.article_list
        assert [a.id for a in listed.articles] == ["b", "c", "d"]  # the newest version stands for the story
        assert "▸2 Crane collapses at" in _screen_text(app)  # a list under 60 columns: the mark is short
        await pilot.press("v")
        await pilot.pause()
        assert [a.id for a in listed.articles] == ["b", "a", "c", "d"]
        assert "▾2 Crane collapses at" in _screen_text(app) and "↳ one.example: Har" in _screen_text(app)
        assert listed.row_count == 4 and "Toyota profit" in _screen_text(app)  # the rows below stay listed
        await pilot.press("j", "v")  # folded again from the version's own row
        assert [a.id for a in listed.articles] == ["b", "c", "d"] and listed.current.id == "b"
    app.library.read.close()


async def test_marking_a_story_row_read_marks_every_copy_at_once_and_undo_restores_them(tmp_path: Path) -> None:
    db = tmp_path / "reader.db"
    app = make_app(_library(db))
    async with app.run_test(size=(120, 40)) as pilot:
        await _copies_found(pilot)
        await pilot.press("m")
        kept = ReadState.open(db)  # what the database holds now, not what the screen remembers
        assert kept.read_ids == {"a", "b"}
        kept.close()
        assert app.sub_title == "2 unread / 4 articles"
        await pilot.press("u")
        assert app.library.unread_count() == 4
        await pilot.press("enter")  # reading the story in one version reads it in every version
        assert app.library.is_read(app.library.article("a")) and app.library.is_read(app.library.article("b"))
        assert app.sub_title == "2 unread / 4 articles"
    app.library.read.close()


async def test_the_reading_pane_names_the_other_versions_and_capital_v_opens_them(tmp_path: Path) -> None:
    app = make_app(_library(tmp_path / "reader.db"))
    async with app.run_test(size=(160, 45)) as pilot:
        await _copies_found(pilot)
        await pilot.press("enter")
        assert app.opened.id == "b"
        assert "Also in: one.example" in _screen_text(app)
        await pilot.press("V")
        assert app.opened.id == "a"
        assert "Also in: two.example" in _screen_text(app)
        await pilot.press("V")
        assert app.opened.id == "b"
    app.library.read.close()


async def test_a_wide_list_spells_the_sources_out_and_a_click_on_them_unfolds_the_story(tmp_path: Path) -> None:
    app = make_app(_library(tmp_path / "reader.db"))
    async with app.run_test(size=(200, 50)) as pilot:
        await _copies_found(pilot)
        await pilot.press("plus", "plus", "plus", "plus")  # a list of 60 columns or more
        await pilot.pause()
        assert "▸ 2 sources  Crane collapses at Velmora port" in _screen_text(app)
        await pilot.click("#articles", offset=(15, 0))
        assert [a.id for a in app.article_list.articles] == ["b", "a", "c", "d"] and app.opened is None
        await pilot.click("#articles", offset=(40, 2))  # elsewhere on a row: it opens
        assert app.opened is not None and app.opened.id == "c"
    app.library.read.close()

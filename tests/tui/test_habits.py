"""Habits from newsboat and mutt: h / l and the arrows, N, A, and the list opening where it was left."""

from __future__ import annotations

from pathlib import Path

from reader.library import Library
from reader.storage.read_marks import ReadState
from tests.conftest import make_app, make_library
from tests.tui.test_app import _ready
from tests.tui.test_versions import _library as feed_library


async def test_l_and_right_open_the_article_and_h_left_and_backspace_go_back_to_the_list() -> None:
    app = make_app(make_library())
    async with app.run_test(size=(80, 24)) as pilot:
        await _ready(pilot)
        for opening, back in (("l", "h"), ("right", "left"), ("l", "backspace")):
            await pilot.press(opening)
            assert app.pane == "article" and app.opened is not None, opening
            await pilot.press(back)
            assert app.pane == "list" and app.focused is app.article_list, back
        await pilot.press("c", "h")  # from the names too
        assert app.pane == "list"
    async with make_app(make_library()).run_test(size=(160, 45)) as pilot:
        await _ready(pilot)
        await pilot.press("l", "tab")
        assert pilot.app.focused is pilot.app.reading
        await pilot.press("h")
        assert pilot.app.focused is pilot.app.article_list


async def test_capital_n_toggles_the_read_mark_as_m_does() -> None:
    app = make_app(make_library())
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot)
        await pilot.press("N")
        assert app.library.unread_count() == 4
        await pilot.press("N")
        assert app.library.unread_count() == 5


async def test_capital_a_marks_every_article_of_this_feed_read_and_u_undoes_it(tmp_path: Path) -> None:
    app = make_app(feed_library(tmp_path / "reader.db"))
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot)
        await pilot.press("G")  # the Toyota report, from two.example
        assert app.article_list.current.feed == "https://two.example/rss"
        await pilot.press("A")
        library: Library = app.library
        assert {a.id for a in library.articles if library.is_read(a)} == {"b", "d"}  # two.example's: b and d
        await pilot.press("u")
        assert library.unread_count() == 4
    app.library.read.close()


async def test_the_list_opens_where_it_was_left(tmp_path: Path) -> None:
    db = tmp_path / "reader.db"
    app = make_app(make_library(db=db))
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot)
        await pilot.press("j", "j", "j")
        left = app.article_list.current
        await pilot.press("q")
    app.library.read.close()
    again = make_app(make_library(db=db))
    async with again.run_test(size=(120, 40)) as pilot:
        await _ready(pilot)
        assert again.article_list.current.id == left.id and again.article_list.cursor == 3
    again.library.read.close()
    other = ReadState.open(db)  # kept by session: another set of files opens at its own place
    assert other.place("files elsewhere") is None
    other.close()

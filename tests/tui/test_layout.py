"""Headline room at every width: the list on top from 100 columns, three columns only when each has its room."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reader.tui.layout import ARTICLE_LEAST, LIST_LEAST, ONE_PANE_BELOW, layout_for
from reader.tui.widgets.article_list import MARK_FROM
from tests.conftest import make_app, make_library, write
from tests.tui.test_app import _pane_text, _ready

SIZES = [(80, 24), (100, 30), (120, 40), (140, 40), (160, 45), (171, 45), (172, 45), (200, 50), (240, 50)]


def _archive(tmp_path: Path) -> Path:
    """Sixty wire stories with long headlines: enough rows that the list scrolls (and shows its scroll bar)."""
    records = [
        {
            "title": f"Central bank number {i} raises its discount rate by half a point to curb inflation at home",
            "text": f"The central bank number {i} said on Monday it raised its discount rate.",
            "date": f"1987-10-{1 + i % 28:02d}",
        }
        for i in range(60)
    ]
    return write(tmp_path / "wire.jsonl", "".join(json.dumps(record) + "\n" for record in records))


async def _headline_shown(tmp_path: Path, size: tuple[int, int]) -> int:
    """How many characters of the top row's headline are on screen at `size`."""
    app = make_app(make_library([_archive(tmp_path)]))
    async with app.run_test(size=size) as pilot:
        await _ready(pilot)
        row = _pane_text(app, app.article_list).splitlines()[0]
        shown = row[MARK_FROM:].rstrip().removesuffix("…")
        title = app.article_list.articles[0].title
        assert shown and title.startswith(shown), (row, title)
    return len(shown)


async def test_headlines_have_45_characters_at_100_columns_and_60_at_120(tmp_path: Path) -> None:
    assert await _headline_shown(tmp_path, (100, 30)) >= 45
    assert await _headline_shown(tmp_path, (120, 40)) >= 60


async def test_a_wider_terminal_never_shows_less_of_a_headline_than_80_columns(tmp_path: Path) -> None:
    at_80 = await _headline_shown(tmp_path, (80, 24))
    assert at_80 >= 60
    for size in SIZES[1:]:
        assert await _headline_shown(tmp_path, size) >= at_80, size


async def test_at_120x40_the_article_has_60_columns_and_the_names_are_on_screen() -> None:
    app = make_app(make_library())
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot)
        await pilot.press("j", "enter")
        assert app.opened is not None
        assert app.reading.scrollable_content_region.width >= 60
        sidebar = _pane_text(app, app.names)
        assert "Names · this article" in sidebar and "Rajnath Singh" in sidebar
        assert app.names.region.right <= 120 and app.names.region.height >= 10


@pytest.mark.parametrize("size", SIZES[1:])
async def test_from_100_columns_the_article_has_60_columns_beside_the_names(size: tuple[int, int]) -> None:
    app = make_app(make_library())
    async with app.run_test(size=size) as pilot:
        await _ready(pilot)
        await pilot.press("enter")
        assert app.reading.scrollable_content_region.width >= 60, app.reading.region
        assert "Names · this article" in _pane_text(app, app.names)


def test_three_columns_only_where_the_list_and_the_article_have_their_least() -> None:
    for share in (20, 34, 60):
        for names in (20, 26, 60):
            kinds = []
            for columns in range(60, 400):
                layout = layout_for(columns, share, names)
                kinds.append(layout.kind)
                assert (layout.kind == "one pane") == (columns < ONE_PANE_BELOW)
                if layout.kind == "columns":
                    assert layout.list_width is not None and layout.list_width >= LIST_LEAST
                    assert columns - layout.list_width - names >= ARTICLE_LEAST, (columns, share, names)
            assert "stacked" in kinds and kinds[-1] == "columns"
            assert kinds.index("columns") > len(kinds) - 1 - kinds[::-1].index("stacked"), "no flapping"


async def test_plus_and_minus_make_the_list_over_the_article_taller_or_shorter_for_the_next_start(
    tmp_path: Path,
) -> None:
    from reader.config import load
    from reader.tui.app import ReaderApp

    path = tmp_path / "reader.toml"

    def app() -> ReaderApp:
        return ReaderApp(make_library([_archive(tmp_path)]), config=load(path))

    first = app()
    async with first.run_test(size=(120, 40)) as pilot:
        await _ready(pilot)
        before = first.article_list.size.height
        await pilot.press("plus", "plus")
        await pilot.pause()
        taller = first.article_list.size.height
        assert taller > before and first.reading.size.height < 40 - taller
        await pilot.press("G")  # the list scrolls within its rows, the article stays under it
        last = first.article_list.current
        assert last is first.article_list.articles[-1] and last.title[:60] in _pane_text(first, first.article_list)
        assert first.article_list.size.height == taller and first.reading.region.y > taller
    assert "list_height = 50" in path.read_text()
    again = app()
    async with again.run_test(size=(120, 40)) as pilot:
        await _ready(pilot)
        assert again.article_list.size.height == taller
        await pilot.press("minus")
    assert "list_height = 45" in path.read_text()

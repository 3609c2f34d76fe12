"""SVG snapshots of the main screen at two terminal sizes (Textual is pinned, so they are stable).

After an intended change to the screen: `python3 -m pytest tests/tui/test_snapshots.py --snapshot-update`,
then look at the new SVGs before committing them.
"""

from __future__ import annotations

from tests.conftest import make_app, make_library


async def _open_first_article(pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.press("j", "enter")
    await pilot.pause()


def test_main_screen_120x40(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_app(make_library()), terminal_size=(120, 40), run_before=_open_first_article)


def test_main_screen_80x24(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_app(make_library()), terminal_size=(80, 24), run_before=_open_first_article)


def test_collection_names_and_search_120x40(snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def search(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.app.workers.wait_for_complete()
        await pilot.press("slash", *"tokyo")
        await pilot.pause()

    assert snap_compare(make_app(make_library()), terminal_size=(120, 40), run_before=search)


def test_narrow_names_pane_80x24(snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def names(pilot) -> None:  # type: ignore[no-untyped-def]
        await _open_first_article(pilot)
        await pilot.press("c")
        await pilot.pause()

    assert snap_compare(make_app(make_library()), terminal_size=(80, 24), run_before=names)

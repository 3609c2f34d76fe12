"""Settings that stay: the TOML file read at start, written when the reader changes one, a broken one reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.config import load
from tests.conftest import FIXED_NOW, make_library
from tests.tui.test_app import _ready, _screen_text


def _app(tmp_path: Path, config_text: str | None = None):  # type: ignore[no-untyped-def]
    from reader.tui.app import ReaderApp

    path = tmp_path / "reader.toml"
    if config_text is not None:
        path.write_text(config_text, encoding="utf-8")
    return ReaderApp(make_library(db=tmp_path / "reader.db"), now=lambda: FIXED_NOW, config=load(path)), path


async def test_changes_made_in_the_reader_are_there_after_a_restart(tmp_path: Path) -> None:
    app, path = _app(tmp_path, "# my settings\n[display]\nmeasure = 72  # columns\n")
    async with app.run_test(size=(160, 45)) as pilot:
        await _ready(pilot)
        await pilot.press("s", "c")  # oldest first; all articles' names
        app.theme = "nord"  # as the command palette's theme picker sets it
        await pilot.pause()
    app.library.read.close()
    written = path.read_text()
    assert "# my settings" in written and "measure = 72  # columns" in written, "the file's own words are kept"

    again, _ = _app(tmp_path)
    async with again.run_test(size=(160, 45)) as pilot:
        await _ready(pilot)
        assert again.theme == "nord"
        assert not again.query_state.newest_first and "Articles · oldest first" in _screen_text(again)
        assert again.names.whole_collection
        assert again.reading.body.styles.max_width is not None and again.reading.body.styles.max_width.value == 72
    again.library.read.close()


async def test_a_malformed_file_names_its_line_and_the_reader_starts_with_the_defaults(tmp_path: Path) -> None:
    app, path = _app(tmp_path, '[display]\ntheme = "nord"\nsort = oldest\n')
    async with app.run_test(size=(160, 45)) as pilot:
        await _ready(pilot)
        messages = [n.message for n in app._notifications]
        assert any("line 3" in m and "started with the default settings" in m for m in messages), messages
        assert app.query_state.newest_first and app.theme == "textual-dark"
        await pilot.press("s")  # a change is not written over the broken file
    app.library.read.close()
    assert path.read_text() == '[display]\ntheme = "nord"\nsort = oldest\n'


def test_wrong_values_and_unknown_settings_are_reported_one_by_one(tmp_path: Path) -> None:
    path = tmp_path / "reader.toml"
    path.write_text('[display]\nsort = "sideways"\nlist_width = 95\ncolour = "red"\n[feeds]\nrefresh_minutes = 5\n'
                    '[keys]\nnext_unread = "ctrl+n"\nfly = "f"\n')
    config = load(path)
    assert config.settings.sort == "newest" and config.settings.list_width == 34
    assert config.settings.refresh_minutes == 5 and config.settings.keys == {"next_unread": "ctrl+n", "fly": "f"}
    joined = "\n".join(config.problems)
    assert "'sideways' is not one of newest, oldest" in joined
    assert "95 is not between 20 and 60" in joined and "has no setting 'colour'" in joined


async def test_any_action_can_be_rebound(tmp_path: Path) -> None:
    app, _ = _app(tmp_path, '[keys]\nnext_unread = "x"\nfly = "f"\n')
    async with app.run_test(size=(160, 45)) as pilot:
        await _ready(pilot)
        await pilot.press("n")
        assert app.opened is None, "n is no longer next unread"
        await pilot.press("x")
        assert app.opened is not None
        assert any("fly: no such action" in n.message for n in app._notifications)
        await pilot.press("question_mark")
        left = app.screen.query_one("#help-box").region.x  # the help's own text, not the screen under it
        row = next(line for line in _screen_text(app).splitlines() if "open the next unread article" in line)
        assert row[left:].strip(" │").split()[0] == "x", row
    app.library.read.close()


async def test_the_list_width_changed_with_plus_and_minus_is_kept(tmp_path: Path) -> None:
    app, path = _app(tmp_path)
    async with app.run_test(size=(220, 45)) as pilot:  # three columns: the list's width is its own
        await _ready(pilot)
        before = app.query_one("#list-pane").size.width
        await pilot.press("plus", "plus")
        await pilot.pause()
        assert app.query_one("#list-pane").size.width > before
    app.library.read.close()
    assert "list_width = 42" in path.read_text()
    again, _ = _app(tmp_path)
    async with again.run_test(size=(220, 45)) as pilot:
        await _ready(pilot)
        assert again.query_one("#list-pane").size.width > before
        await pilot.press("minus")
    again.library.read.close()
    assert "list_width = 38" in path.read_text()


# Issue 23: no setting stops the reader ------------------------------------------------------------------


@pytest.mark.parametrize("setting", ['"esc"', '"qq"', '","', '"ctrl+"'])
async def test_a_key_that_is_not_a_key_is_reported_with_its_line_and_ctrl_q_always_quits(
    tmp_path: Path, setting: str
) -> None:
    app, _ = _app(tmp_path, f'# my keys\n[keys]\nnext_unread = "x"\nquit = {setting}\n')
    async with app.run_test(size=(160, 45)) as pilot:
        await _ready(pilot)
        messages = [n.message for n in app._notifications]
        assert any("line 4" in m and "quit" in m and "not a key" in m for m in messages), messages
        await pilot.press("x")
        assert app.opened is not None, "the good setting beside it is taken"
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not app.is_running
    app.library.read.close()


async def test_ctrl_q_quits_whatever_quit_is_bound_to(tmp_path: Path) -> None:
    app, _ = _app(tmp_path, '[keys]\nquit = "x"\nnext_unread = "ctrl+q"\n')
    async with app.run_test(size=(160, 45)) as pilot:
        await _ready(pilot)
        assert any("ctrl+q always quits" in n.message for n in app._notifications)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not app.is_running
    app.library.read.close()


@pytest.mark.parametrize(
    "config_text",
    [
        "display = 5\n",
        'display = "x"\n',
        '[[display]]\nsort = "oldest"\n',
        "[feeds]\nrefresh_minutes = 5\n[[display]]\n",
    ],
)
async def test_a_section_of_the_wrong_type_is_reported_and_saving_never_crashes_or_touches_the_file(
    tmp_path: Path, config_text: str
) -> None:
    app, path = _app(tmp_path, "# mine\n" + config_text)
    async with app.run_test(size=(160, 45)) as pilot:
        await _ready(pilot)
        assert any("[display] is not a section" in n.message for n in app._notifications)
        await pilot.press("s", "minus", "plus")
        app.theme = "nord"
        await pilot.pause()
        assert app.is_running and not app.query_state.newest_first
        assert any("could not be saved" in n.message for n in app._notifications)
    app.library.read.close()
    assert path.read_text() == "# mine\n" + config_text


def test_saving_writes_through_a_symlinked_config_and_keeps_its_mode(tmp_path: Path) -> None:
    import os
    import stat

    (tmp_path / "dotfiles").mkdir()
    real = tmp_path / "dotfiles" / "reader.toml"
    real.write_text("# kept in my dotfiles\n[display]\nmeasure = 72\n")
    real.chmod(0o600)
    link = tmp_path / "reader.toml"
    link.symlink_to(real)
    config = load(link)
    assert config.save(sort="oldest") is None
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert 'sort = "oldest"' in real.read_text() and "# kept in my dotfiles" in real.read_text()
    assert stat.S_IMODE(real.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dotfiles", "reader.toml"]
    assert sorted(p.name for p in real.parent.iterdir()) == ["reader.toml"], "no partial file is left"


def test_only_a_regular_config_file_of_a_sane_size_is_read(tmp_path: Path) -> None:
    import os
    import threading

    fifo = tmp_path / "fifo.toml"
    os.mkfifo(fifo)
    huge = tmp_path / "huge.toml"
    huge.write_text("# padding\n" * 200_000)  # 2 MB of comments
    for path, reason in ((fifo, "not a regular file"), (Path("/dev/zero"), "not a regular file"), (huge, "over 1 MB")):
        loaded: list[object] = []
        reading = threading.Thread(target=lambda path=path, loaded=loaded: loaded.append(load(path)), daemon=True)
        reading.start()
        reading.join(timeout=10)
        assert loaded, f"reading {path} hangs"
        [config] = loaded
        assert isinstance(config, type(load(tmp_path / "none.toml")))
        assert config.settings == type(config.settings)() and not config.writable
        assert any(reason in problem and "default settings" in problem for problem in config.problems)


def test_the_retention_of_entries_a_feed_no_longer_carries_is_a_setting(tmp_path: Path) -> None:
    path = tmp_path / "reader.toml"
    path.write_text("[feeds]\nkeep_days = 30\n")
    assert load(path).settings.keep_days == 30.0 and load(tmp_path / "none.toml").settings.keep_days == 0
    path.write_text("[feeds]\nkeep_days = -1\n")
    config = load(path)
    assert config.settings.keep_days == 0 and any("keep_days" in problem for problem in config.problems)

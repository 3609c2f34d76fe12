"""Key flows in the terminal UI, driven with Pilot: what the user sees and what is stored."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest
from rich.console import Console
from textual.widgets import Input

from reader.library import Library
from reader.pipeline import analyse
from reader.sources.files import seeds_dir, stream
from reader.storage.read_marks import ReadState
from reader.tui.app import ReaderApp
from tests.conftest import FIXED_NOW, make_app, make_library, write


async def _ready(pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def _screen_text(app) -> str:  # type: ignore[no-untyped-def]
    """The characters on screen, as a person sees them (rendered the way export_screenshot does)."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True, record=True)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text(styles=False)


def _pane_text(app, widget) -> str:  # type: ignore[no-untyped-def]
    """What shows on screen inside `widget` (its border included), one line per row."""
    region = widget.region
    lines = _screen_text(app).splitlines()[region.y : region.bottom]
    return "\n".join(line[region.x : region.right] for line in lines)


async def test_navigate_open_marks_read_and_the_mark_survives_a_restart(tmp_path: Path) -> None:
    db = tmp_path / "reader.db"
    app = make_app(make_library(db=db))
    async with app.run_test(size=(160, 45)) as pilot:
        await _ready(pilot)
        assert app.sub_title == "5 unread / 5 articles"
        await pilot.press("j", "j", "k")
        assert app.article_list.current.iso_date == "2022-09-08"
        await pilot.press("enter")
        assert app.opened.iso_date == "2022-09-08"
        assert app.sub_title == "4 unread / 5 articles"
        screen = _screen_text(app)
        assert "Thursday 8 September 2022 · 4 years, 2 months ago" in screen, screen
        await pilot.press("G")
        assert app.article_list.current.iso_date == "2022-04-04"
        await pilot.press("m")  # mark the oldest read without opening it
        assert app.sub_title == "3 unread / 5 articles"
    app.library.read.close()

    again = make_library(db=db)
    assert {a.iso_date for a in again.articles if again.is_read(a)} == {"2022-09-08", "2022-04-04"}
    again.read.close()


async def test_toggle_and_undo_including_mark_all(tmp_path: Path) -> None:
    app = make_app(make_library(db=tmp_path / "reader.db"))
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot)
        await pilot.press("m")
        assert app.library.unread_count() == 4
        await pilot.press("m")
        assert app.library.unread_count() == 5
        await pilot.press("M")
        assert app.library.unread_count() == 0
        assert "0 unread / 5 articles" == app.sub_title
        await pilot.press("u")
        assert app.library.unread_count() == 5
        await pilot.press("u", "u")  # undo the second m, then the first
        assert app.library.unread_count() == 5
    state = ReadState.open(tmp_path / "reader.db")
    assert state.read_ids == set()


async def test_choosing_a_name_filters_the_list_and_escape_clears_it() -> None:
    app = make_app(make_library())
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot)
        await pilot.press("tab", "tab")
        assert app.focused is app.names
        # Collection view: People heading, then the most widely named person.
        await pilot.press("j")
        entity = app.names.current_entity
        assert entity is not None and entity.name == "Rajnath Singh"
        await pilot.press("enter")
        assert app.focused is app.article_list
        assert {a.id for a in app.article_list.articles} == set(entity.articles)
        assert "articles naming Rajnath Singh" in _screen_text(app)
        # Mongolia appears in one article only.
        mongolia = next(e for e in app.library.names.entities if e.name == "Mongolia")
        app.names.post_message(app.names.Chosen(mongolia))
        await pilot.pause()
        assert [a.iso_date for a in app.article_list.articles] == ["2022-09-04"]
        await pilot.press("escape")
        assert len(app.article_list.articles) == 5
        assert "naming" not in _screen_text(app)


async def test_collection_names_are_ranked_by_article_count_and_sections_fold() -> None:
    app = make_app(make_library())
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot)
        await pilot.press("tab", "tab")
        people = [row for row in app.names.rows if row.kind == "person" and row.entity is not None]
        counts = [row.total for row in people]
        assert counts == sorted(counts, reverse=True) and counts[0] == 5  # Jaishankar is in every article
        assert all(row.total == len(row.entity.articles) for row in people)
        assert "▾ People" in _pane_text(app, app.names)
        await pilot.press("enter")  # on the People heading
        sidebar = _pane_text(app, app.names)  # the list's whole headlines name them too
        assert "▸ People" in sidebar and people[0].entity.name not in sidebar
        assert "▾ Places" in sidebar and "Tokyo" in sidebar
        await pilot.press("enter")
        assert people[0].entity.name in _pane_text(app, app.names)


async def test_search_filters_as_you_type_and_escape_clears() -> None:
    app = make_app(make_library())
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot)
        await pilot.press("slash", *"mongol")
        assert app.query_one("#search", Input).value == "mongol"
        assert [a.iso_date for a in app.article_list.articles] == ["2022-09-04"]
        await pilot.press("backspace", "backspace", "backspace", "backspace", "backspace", "backspace", *"djibouti")
        assert [a.iso_date for a in app.article_list.articles] == ["2022-08-24"]
        await pilot.press("enter")
        assert app.focused is app.article_list
        await pilot.press("escape")
        assert len(app.article_list.articles) == 5
        assert app.query_one("#search", Input).value == ""


async def test_a_big_archive_is_searched_once_typing_pauses(monkeypatch: pytest.MonkeyPatch) -> None:
    from reader.tui import app as app_module

    monkeypatch.setattr(app_module, "TYPING_PAUSE_FROM", 5)  # the seeds count as big here
    app = make_app(make_library())
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot)
        await pilot.press("slash", *"mongol")
        assert len(app.article_list.articles) == 5  # still typing
        await pilot.pause(app_module.TYPING_PAUSE + 0.2)
        assert [a.iso_date for a in app.article_list.articles] == ["2022-09-04"]
        await pilot.press(*"ia", "escape")  # Esc before the pause: the waiting search is dropped
        await pilot.pause(app_module.TYPING_PAUSE + 0.2)
        assert len(app.article_list.articles) == 5 and app.query_one("#search", Input).value == ""


async def test_unread_only_sort_flip_and_next_unread() -> None:
    app = make_app(make_library())
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot)
        await pilot.press("enter")  # opens 2022-09-09, now read
        await pilot.press("U")
        shown = [a.iso_date for a in app.article_list.articles]
        assert shown == ["2022-09-08", "2022-09-04", "2022-08-24", "2022-04-04"]
        assert "unread only" in _screen_text(app)
        await pilot.press("escape", "s")
        assert [a.iso_date for a in app.article_list.articles][0] == "2022-04-04"
        await pilot.press("s", "g", "n")
        assert app.opened.iso_date == "2022-09-08"  # the first unread, the 09-09 one being read
        await pilot.press("n")
        assert app.opened.iso_date == "2022-09-04"
        await pilot.press("m", "p")  # 09-04 back to unread; p looks above the cursor: 09-08 is read now
        assert app.opened.iso_date == "2022-09-04"


async def test_space_pages_then_moves_to_the_next_unread() -> None:
    app = make_app(make_library())
    async with app.run_test(size=(100, 20)) as pilot:
        await _ready(pilot)
        await pilot.press("enter")
        first = app.opened
        assert app.reading.max_scroll_y > 0
        presses = 0
        while app.opened is first and presses < 50:
            await pilot.press("space")
            presses += 1
        assert presses > 1, "Space should page through the article before moving on"
        assert app.opened is not first and app.opened.iso_date == "2022-09-08"
        assert app.reading.scroll_y == 0


async def test_help_and_problems_screens(tmp_path: Path) -> None:
    write(tmp_path / "ok.txt", "date 2022-09-04 Fine.")
    write(tmp_path / "broken.jsonl", "{nope\n")
    app = make_app(make_library([tmp_path]))
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot)
        await pilot.press("question_mark")
        assert "mark every article in the list read" in _screen_text(app)
        await pilot.press("escape", "exclamation_mark")
        text = _screen_text(app)
        assert "broken.jsonl:1" in text and "not valid JSON" in text
        await pilot.press("escape")
        assert app.screen is app.screen_stack[0]


async def test_article_text_is_never_markup_and_control_characters_show(tmp_path: Path) -> None:
    body = "[bold]Not bold[/] and [link=x]no link[/link] and \x1b[31mno red\x1b[0m and [/ and [[x]."
    write(tmp_path / "evil.txt", f"date 2022-09-04 {body}")
    app = make_app(make_library([tmp_path]))
    async with app.run_test(size=(140, 30)) as pilot:
        await _ready(pilot)
        await pilot.press("enter")
        text = _screen_text(app)
        for literal in ("[bold]Not", "bold[/]", "[link=x]no", "link[/link]", "␛[31mno", "red␛[0m", "[/", "[[x]."):
            assert literal in text, literal


async def test_the_mouse_opens_articles_and_chooses_names() -> None:
    from reader.tui.widgets.article_list import ArticleList
    from reader.tui.widgets.names_sidebar import NamesSidebar

    app = make_app(make_library())
    async with app.run_test(size=(160, 45)) as pilot:
        await _ready(pilot)
        await pilot.click(ArticleList, offset=(5, 2))  # the third row
        assert app.opened is not None and app.opened.iso_date == "2022-09-04"
        assert app.sub_title == "4 unread / 5 articles"
        await pilot.click(NamesSidebar, offset=(5, 1))  # the first person in this article
        assert app.query_state.name is not None
        named = app.library.entity(app.query_state.name)
        assert named is not None and named.name == "Rajnath Singh"
        assert {a.id for a in app.article_list.articles} == set(named.articles)


async def test_story_keys_walk_the_seed_thread_in_date_order(tmp_path: Path) -> None:
    """The seeds' story is the August-September visit (April's talks, months before, stand alone)."""
    app = make_app(make_library(db=tmp_path / "reader.db"))
    async with app.run_test(size=(160, 45)) as pilot:
        await _ready(pilot)
        await pilot.press("G", "k", "enter")  # the earliest of the story
        story = [a.iso_date for a in app.library.thread_articles(app.opened)]
        assert story[:3] == ["2022-08-24", "2022-09-04", "2022-09-08"]  # and 2022-09-09 when the check is sure
        walked = [app.opened.iso_date]
        for _ in range(len(story) - 1):
            await pilot.press("right_square_bracket")
            walked.append(app.opened.iso_date)
        assert walked == story
        assert f"Story {len(story)} of {len(story)}: " in _screen_text(app)
        await pilot.press("right_square_bracket")  # past the end: stays, and says so
        assert app.opened.iso_date == story[-1]
        await pilot.press("left_square_bracket")
        assert app.opened.iso_date == story[-2]
        assert f"Story {len(story) - 1} of {len(story)}: " in _screen_text(app)


async def test_timeline_opens_an_article_and_marks_the_story_read_undoably(tmp_path: Path) -> None:
    from reader.tui.screens.timeline import TimelineScreen

    app = make_app(make_library(db=tmp_path / "reader.db"))
    async with app.run_test(size=(160, 45)) as pilot:
        await _ready(pilot)
        await pilot.press("j", "enter")  # 2022-09-08, the day of the talks
        await pilot.press("t")
        assert isinstance(app.screen, TimelineScreen)
        screen = _screen_text(app)
        story = [a.iso_date[5:] for a in app.library.thread_articles(app.opened)]
        assert story[:3] == ["08-24", "09-04", "09-08"]
        dates = [line.split("2022-")[1][:5] for line in screen.splitlines() if "│● 2022-" in line or "│  2022-" in line]
        assert dates[5:] == story, screen  # after the list's five: the story's
        await pilot.press("T")
        assert app.library.unread_count() == 5 - len(story)  # April's talks are another story
        await pilot.press("u")
        assert app.library.unread_count() == 4
        await pilot.press("g", "enter")  # the earliest, from the timeline
        assert not isinstance(app.screen, TimelineScreen)
        assert app.opened.iso_date == "2022-08-24"
        await pilot.press("right_curly_bracket")  # next unread in the story
        assert app.opened.iso_date == "2022-09-04"
        await pilot.press("T")
        assert app.library.unread_count() == 5 - len(story)
        await pilot.press("right_curly_bracket")
        assert app.opened.iso_date == "2022-09-04"  # nothing unread left in the story


async def test_a_related_article_in_the_sidebar_opens_it() -> None:
    app = make_app(make_library())
    async with app.run_test(size=(160, 45)) as pilot:
        await _ready(pilot)
        await pilot.press("enter")
        opened = app.opened
        rows = app.names.rows
        related = next(i for i, row in enumerate(rows) if row.article is not None)
        app.names.choose(related)
        await pilot.pause()
        assert app.opened.id == rows[related].article.id != opened.id
        assert "Related stories" in _screen_text(app)


async def test_a_big_archive_is_listed_at_once_and_fills_while_the_rest_is_read(tmp_path: Path) -> None:
    records = [
        json.dumps({"id": f"n{i}", "date": f"2020-{i % 12 + 1:02d}-{i % 28 + 1:02d}", "text": f"Story {i}."})
        for i in range(400)
    ]
    records[250] = "not json"
    archive = write(tmp_path / "archive.jsonl", "\n".join(records) + "\n")
    batches = stream([archive], first=60)
    library = Library(next(batches), ReadState.open(tmp_path / "reader.db"))
    assert len(library) == 60  # what the first screen shows: more than a screenful
    app = ReaderApp(library, loading=batches, now=lambda: FIXED_NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("j", "j")
        under_cursor = app.article_list.current
        await _ready(pilot)
        assert app.sub_title == "399 unread / 399 articles"
        # The list filled round the article under the cursor: it stayed there, on the same line of the screen.
        assert app.article_list.current is under_cursor
        assert app.article_list.cursor > 2 and app.article_list.cursor - round(app.article_list.scroll_offset.y) == 2
        assert library.names is not None  # analysis ran once everything was read
        await pilot.press("exclamation_mark")  # the line read after the first screen is reported
        assert f"{archive}:251" in _screen_text(app)
    library.read.close()


async def test_a_cold_open_of_an_archive_starts_on_its_newest_article_however_the_rows_arrive(tmp_path: Path) -> None:
    from datetime import date, timedelta

    days = [date(1987, 2, 26) + timedelta(days=i) for i in range(300)]  # oldest first, as the Reuters file is
    records = [json.dumps({"id": f"r{i}", "date": day.isoformat(), "body": f"Wire {i}."}) for i, day in enumerate(days)]
    archive = write(tmp_path / "wire.jsonl", "\n".join(records) + "\n")
    batches = stream([archive], first=40)
    library = Library(next(batches), ReadState.open(tmp_path / "reader.db"))
    app = ReaderApp(library, loading=batches, now=lambda: FIXED_NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot)
        assert len(library) == 300
        newest = days[-1].isoformat()
        assert app.article_list.cursor == 0 and app.article_list.current is not None
        assert app.article_list.current.iso_date == newest
        assert round(app.article_list.scroll_offset.y) == 0
        top_row = next(line for line in _screen_text(app).splitlines() if "1987-" in line)
        assert newest in top_row  # the first row shown is the newest, under the cursor
    library.read.close()


async def test_a_warm_start_shows_names_and_stories_read_back_and_opens_listed_articles(tmp_path: Path) -> None:
    from reader.sources.files import load, source_files
    from reader.storage.analysis_index import AnalysisIndex

    news, db = tmp_path / "seeds", tmp_path / "reader.db"
    shutil.copytree(seeds_dir(), news)
    first = Library(load([news]), ReadState.open(db))
    analyse(first, index=AnalysisIndex.open(db))  # what an earlier start left in the index
    index = AnalysisIndex.open(db)
    assert index is not None
    files = source_files([news])
    library = Library.listed(index.newest(files, 2), files, ReadState.open(db))
    app = ReaderApp(library, loading=stream([news]), now=lambda: FIXED_NOW)
    async with app.run_test(size=(160, 45)) as pilot:
        await _ready(pilot)
        assert app.sub_title == "5 unread / 5 articles"
        text = _screen_text(app)
        assert "People" in text and "told in two or more articles" in text
        await pilot.press("j", "enter")  # 2022-09-08, in the visit's thread
        opened = app.opened
        assert opened is not None and opened.body == first.article(opened.id).body != ""  # type: ignore[union-attr]
        thread = first.thread(first.article(opened.id))  # type: ignore[arg-type]
        assert thread is not None  # the threads read back place it where the first start did
        assert f"Story {thread.position(opened.id) + 1} of {len(thread.articles)}" in _screen_text(app)
        assert "Related stories" in _screen_text(app)  # found again once every article was read
    library.read.close()


async def test_a_big_warm_start_shows_the_head_of_the_names_at_once_and_filters_once_they_are_read_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    from reader.sources.files import load, source_files
    from reader.storage.analysis_index import AnalysisIndex

    news, db = tmp_path / "seeds", tmp_path / "reader.db"
    shutil.copytree(seeds_dir(), news)
    first = Library(load([news]), ReadState.open(db))
    analyse(first, index=AnalysisIndex.open(db))
    index = AnalysisIndex.open(db)
    assert index is not None
    files = source_files([news])
    library = Library.listed(index.newest(files, 2), files, ReadState.open(db))  # as if there were thousands
    assert library.restore_summary(index)  # what the command reads back before the first frame
    # Reading back the whole names index takes seconds on a big archive: here it waits for the test.
    released = threading.Event()
    stored_names = AnalysisIndex.stored_names

    def slow_stored_names(self: AnalysisIndex, *args: object, **kwargs: object) -> object:
        released.wait(10)
        return stored_names(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(AnalysisIndex, "stored_names", slow_stored_names)
    app = ReaderApp(library, loading=stream([news]), now=lambda: FIXED_NOW)
    try:
        async with app.run_test(size=(160, 45)) as pilot:
            await pilot.pause()
            assert library.names is None
            text = _screen_text(app)
            people = len(first.names.ranked_by_kind()["person"])  # type: ignore[union-attr]
            assert f"People {people}" in text and "Rajnath Singh" in text
            assert f"{first.story_count()} story told in two or more articles" in text
            await pilot.press("tab", "tab", "j", "enter")
            assert "Reading back the articles naming Rajnath Singh…" in _screen_text(app)
            released.set()
            await _ready(pilot)
            singh = next(e for e in first.names.entities if e.name == "Rajnath Singh")  # type: ignore[union-attr]
            assert {a.id for a in app.article_list.articles} == set(singh.articles)
            text = _screen_text(app)
            assert f"{len(singh.articles)} articles naming Rajnath Singh" in text and "Reading back" not in text
    finally:
        released.set()
        library.read.close()


async def test_a_collection_exported_before_opens_with_its_related_stories_and_weighs_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from reader.cli.main import main
    from reader.session import listed_from_index
    from reader.sources.files import source_files

    news, db = tmp_path / "seeds", tmp_path / "reader.db"
    shutil.copytree(seeds_dir(), news)
    assert main(["export", "--db", str(db), str(news)]) == 0
    capsys.readouterr()
    state = ReadState.open(db)
    library = listed_from_index(state, source_files([news]))
    assert library is not None and library.names is not None  # the index export kept
    app = ReaderApp(library, loading=stream([news]), now=lambda: FIXED_NOW)
    async with app.run_test(size=(160, 45)) as pilot:
        await _ready(pilot)
        await pilot.press("enter")
        await _ready(pilot)
        assert "Related stories" in _screen_text(app)
        stories = app.library.stories
        assert stories is not None and stories.table is not None and not stories.profiled
    state.close()


def _backgrounds(widget) -> list[set[str]]:  # type: ignore[no-untyped-def]
    """The background colours each drawn line of a list uses, as the terminal gets them."""
    return [
        {str(segment.style.bgcolor) for segment in widget.render_line(y) if segment.style and segment.text.strip()}
        for y in range(min(widget.row_count, widget.scrollable_content_region.height))
    ]


async def test_the_cursor_is_visible_in_the_list_the_names_and_the_timeline(tmp_path: Path) -> None:
    app = make_app(make_library(db=tmp_path / "reader.db"))
    async with app.run_test(size=(160, 45)) as pilot:
        await _ready(pilot)
        await pilot.press("j")
        lines = _backgrounds(app.article_list)
        assert lines[1] != lines[0] and lines[1] != lines[2], "the cursor row stands out from its neighbours"
        await pilot.press("G")
        lines = _backgrounds(app.article_list)
        assert lines[4] != lines[3] and lines[1] == lines[0]
        await pilot.press("tab", "tab", "j")  # the names sidebar
        assert app.focused is app.names
        lines = _backgrounds(app.names)
        cursor = app.names.cursor
        assert lines[cursor] != lines[cursor - 1] and lines[cursor] != lines[cursor + 1]
        await pilot.press("shift+tab", "shift+tab", "k", "enter", "t")  # the story's timeline
        timeline = app.screen.query_one("#timeline")
        lines = _backgrounds(timeline)
        others = [line for y, line in enumerate(lines) if y != timeline.cursor]
        assert all(line != lines[timeline.cursor] for line in others)
    app.library.read.close()


async def test_undo_brings_articles_back_into_the_unread_only_list(tmp_path: Path) -> None:
    app = make_app(make_library(db=tmp_path / "reader.db"))
    async with app.run_test(size=(160, 45)) as pilot:
        await _ready(pilot)
        await pilot.press("m", "j", "m", "j", "m", "j", "m")  # one unread left
        assert app.sub_title == "1 unread / 5 articles"
        await pilot.press("M", "U")
        assert len(app.article_list.articles) == 0
        await pilot.press("u")
        assert app.sub_title == "1 unread / 5 articles · 1 shown"
        assert "1 article unread only" in _screen_text(app)
        await pilot.press("n")
        assert app.opened is not None and app.opened.iso_date == "2022-04-04"
    app.library.read.close()


async def test_below_100_columns_one_pane_shows_at_a_time_and_every_feature_is_reachable(tmp_path: Path) -> None:
    app = make_app(make_library(db=tmp_path / "reader.db"))
    async with app.run_test(size=(80, 24)) as pilot:
        await _ready(pilot)
        screen = _screen_text(app)
        assert "Articles" in screen and "Names ·" not in screen and "Article ─" not in screen
        assert "Union Minister of Defence, Rajnath Singh and External Affairs" in screen, "headlines have room"
        await pilot.press("j", "enter")  # the article, alone
        screen = _screen_text(app)
        assert app.pane == "article" and "Thursday 8 September 2022" in screen and "2022-09-09" not in screen
        await pilot.press("c")  # its names, alone
        screen = _screen_text(app)
        assert app.pane == "names" and "Rajnath Singh" in screen and "Related stories" in screen
        await pilot.press("c")  # all articles' names
        assert "Names · all articles" in _screen_text(app)
        await pilot.press("c")
        rows = app.names.rows
        related = next(i for i, row in enumerate(rows) if row.article is not None)
        await pilot.press(*["j"] * related, "enter")  # a related story opens in the article pane
        assert app.pane == "article" and app.opened is rows[related].article
        await pilot.press("escape")  # back to the list
        assert app.pane == "list" and app.focused is app.article_list
        await pilot.press("tab", "tab")  # Tab walks the panes
        assert app.pane == "names"
        await pilot.press("q")  # q steps back to the list before it quits
        assert app.pane == "list" and app.is_running
    app.library.read.close()


async def test_help_scrolls_with_the_readers_keys_at_80x24(tmp_path: Path) -> None:
    app = make_app(make_library(db=tmp_path / "reader.db"))
    async with app.run_test(size=(80, 24)) as pilot:
        await _ready(pilot)
        await pilot.press("question_mark")
        box = app.screen.query_one("#help-box")
        assert box.max_scroll_y > 0, "the keys do not fit at 80x24"
        await pilot.press("j", "j")
        assert box.scroll_y == 2
        await pilot.press("G")
        assert box.scroll_y == box.max_scroll_y
        assert "quit (below 100 columns" in _screen_text(app), "the last key is in view"
        await pilot.press("g")
        assert box.scroll_y == 0
        await pilot.press("escape")
        assert app.screen is app.screen_stack[0]
    app.library.read.close()


async def test_the_command_palette_offers_the_readers_actions(tmp_path: Path) -> None:
    app = make_app(make_library(db=tmp_path / "reader.db"))
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot)
        await pilot.press("ctrl+p", *"unread only")
        await pilot.pause(0.5)
        assert "Show only unread articles" in _screen_text(app)
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert app.query_state.unread_only
        await pilot.press("ctrl+p", *"timeline")
        await pilot.pause(0.5)
        assert "This story as a timeline" in _screen_text(app)
    app.library.read.close()


async def test_marking_more_than_50_articles_at_once_asks_first(tmp_path: Path) -> None:
    records = [json.dumps({"id": f"s{i}", "date": "2024-05-01", "text": f"Note {i} on the port."}) for i in range(60)]
    archive = write(tmp_path / "many.jsonl", "\n".join(records) + "\n")
    app = make_app(make_library([archive], db=tmp_path / "reader.db"))
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot)
        await pilot.press("M")
        assert "Mark 60 articles in this list read?" in _screen_text(app)
        await pilot.press("n")
        assert app.library.unread_count() == 60, "no: nothing changed"
        await pilot.press("M", "y")
        assert app.library.unread_count() == 0
        await pilot.press("u")
        assert app.library.unread_count() == 60
    app.library.read.close()


async def test_search_matches_word_starts_marks_them_in_the_article_and_jumps_between_them(tmp_path: Path) -> None:
    body = "The park reopened.\n\n" + "Filler line of text.\n\n" * 40 + "Markup aside, the ark landed near the Park."
    write(tmp_path / "news" / "a.txt", f"date 2024-05-01 {body}")
    write(tmp_path / "news" / "b.txt", "date 2024-05-02 Markets and parks.")
    app = make_app(make_library([tmp_path / "news"], db=tmp_path / "reader.db"))
    async with app.run_test(size=(120, 30)) as pilot:
        await _ready(pilot)
        await pilot.press("slash", *"ark", "enter")
        assert [a.iso_date for a in app.article_list.articles] == ["2024-05-01"], "'ark' begins no word of b"
        await pilot.press("enter")
        plain = app.reading._shown.plain
        marked = [plain[start : start + 3] for start in app.reading.matches]
        assert marked == ["ark"], "only where 'ark' begins a word: not in park, Markup or Park"
        assert app.reading.scroll_y == 0
        await pilot.press("greater_than_sign")
        assert app.reading.scroll_y > 20, "the pane scrolled to the match, far down the article"
        assert "Match 1 of 1" in [n.message for n in app._notifications]
    app.library.read.close()


async def test_the_list_says_its_order_and_n_says_when_it_wraps(tmp_path: Path) -> None:
    app = make_app(make_library(db=tmp_path / "reader.db"))
    async with app.run_test(size=(160, 45)) as pilot:
        await _ready(pilot)
        assert "Articles · newest first" in _screen_text(app)
        await pilot.press("s")
        assert "Articles · oldest first" in _screen_text(app)
        await pilot.press("s", "G", "enter", "n")  # from the last article, the next unread is back at the top
        assert "No unread article below: back to the top of the list." in [n.message for n in app._notifications]
        assert app.opened is not None and app.opened.iso_date == "2022-09-09"
    app.library.read.close()


async def test_titles_and_banners_are_never_cut_inside_a_word(tmp_path: Path) -> None:
    app = make_app(make_library(db=tmp_path / "reader.db"))
    async with app.run_test(size=(100, 30)) as pilot:
        await _ready(pilot)
        assert "Names · all articles" in _screen_text(app)
        # Longer than the list is wide, even with the whole width of the screen.
        await pilot.press("slash", *"minister quarterly tokyo kishida hamada hayashi jaishankar mongolia khurelsukh")
        screen = _screen_text(app)
        banner = next(line for line in screen.splitlines() if "matching" in line).split("││")[0].strip(" │")
        assert banner == "0 articles matching “minister quarterly tokyo kishida hamada hayashi jaishankar mongolia…", (
            "cut after a whole word, not inside one"
        )
        assert "Back to the list" in screen and "Clear the search" in screen, "the footer while typing"
    app.library.read.close()


async def test_stars_are_kept_undone_and_shown_on_their_own(tmp_path: Path) -> None:
    db = tmp_path / "reader.db"
    app = make_app(make_library(db=db))
    async with app.run_test(size=(160, 45)) as pilot:
        await _ready(pilot)
        await pilot.press("j", "asterisk", "j", "j", "asterisk")
        assert "★" in _screen_text(app)
        await pilot.press("u")  # the second star goes
        await pilot.press("S")
        assert [a.iso_date for a in app.article_list.articles] == ["2022-09-08"]
        assert "1 article starred" in _screen_text(app)
    app.library.read.close()
    again = make_library(db=db)
    assert [a.iso_date for a in again.articles if again.is_starred(a)] == ["2022-09-08"]
    assert not any(again.is_read(a) for a in again.articles), "a star is not a read mark"
    again.read.close()


async def test_a_saved_filter_is_recalled_after_a_restart_from_the_sidebar_and_the_palette(tmp_path: Path) -> None:
    db = tmp_path / "reader.db"
    app = make_app(make_library(db=db))
    async with app.run_test(size=(160, 45)) as pilot:
        await _ready(pilot)
        await pilot.press("slash", *"tokyo", "enter", "U", "b")
        await pilot.press(*["backspace"] * 40, *"Tokyo news", "enter")
        assert "Saved as “Tokyo news”" in [n.message for n in app._notifications][-1]
    app.library.read.close()

    again = make_app(make_library(db=db))
    async with again.run_test(size=(160, 45)) as pilot:
        await _ready(pilot)
        assert "▾ Saved filters 1" in _screen_text(again) and "Tokyo news" in _screen_text(again)
        again.names.focus()
        await pilot.press("j", "enter")
        assert again.query_state.search == "tokyo" and again.query_state.unread_only
        assert again.focused is again.article_list
        await pilot.press("escape")
        assert not again.query_state.filtered
        await pilot.press("ctrl+p", *"tokyo news")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert again.query_state.search == "tokyo"
        again.names.focus()
        await pilot.press("g", "j", "delete")
        assert "Saved filters" not in _screen_text(again)
    again.library.read.close()
    assert ReadState.open(db).saved_filters() == []


async def test_r_in_a_session_of_files_says_where_the_subscribed_feeds_open(tmp_path: Path) -> None:
    from reader.sources.feeds.subscriptions import Subscriptions

    db = tmp_path / "reader.db"
    news = tmp_path / "news"
    shutil.copytree(seeds_dir(), news)
    app = make_app(make_library([news], db=db))
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot)
        await pilot.press("r")
        said = [n.message for n in app._notifications]
        assert "No feeds are subscribed. Subscribe with: reader feeds add URL" in said
        subscriptions = Subscriptions.open(db)  # subscribed in a shell while the reader runs
        for number in range(23):
            subscriptions.add(f"https://news{number}.example/feed.xml")
        subscriptions.close()
        await pilot.press("r")
        said = [n.message for n in app._notifications][-1]
        assert said == ("This session shows files, which r does not fetch; the 23 subscribed feeds open with "
                        "`reader` alone.")
    app.library.read.close()


async def test_an_export_after_the_reader_analysed_reads_everything_back_and_analyses_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from reader.analysis.stories import Stories
    from reader.cli.main import main

    news, db = tmp_path / "seeds", tmp_path / "reader.db"
    shutil.copytree(seeds_dir(), news)
    app = ReaderApp(make_library([news], db=db), now=lambda: FIXED_NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot)
        await _ready(pilot)
        assert app.library.stories is not None and app.library.stories.table is not None
    app.library.read.close()

    def analysed_again(*_: object, **__: object) -> None:
        raise AssertionError("the export analysed what the reader had kept")

    monkeypatch.setattr("reader.analysis.workers.find_names", analysed_again)
    monkeypatch.setattr(Stories, "build", analysed_again)
    monkeypatch.setattr(Stories, "find_related", analysed_again)
    assert main(["export", "--db", str(db), str(news)]) == 0
    document = json.loads(capsys.readouterr().out)
    assert len(document["articles"]) == 5 and document["threads"] and all(a["related"] for a in document["articles"])


async def test_capital_r_shows_the_related_stories_with_whole_headlines_and_enter_opens_one() -> None:
    app = make_app(make_library())
    async with app.run_test(size=(200, 50)) as pilot:
        await _ready(pilot)
        await pilot.press("enter")
        await _ready(pilot)
        related = app.library.related_articles(app.opened)
        assert related
        best = related[0][1]
        await pilot.press("R")
        await pilot.pause()
        screen = _screen_text(app)
        words = best.title.split()  # the whole headline, wrapped, where the sidebar has room for a few words
        assert " ".join(words[:6]) in screen and " ".join(words[-3:]) in screen, screen
        assert f"{round(related[0][0].score * 100)}% alike" in screen
        await pilot.press("enter")
        await pilot.pause()
        assert app.opened is best

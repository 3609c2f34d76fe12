"""Feeds in the terminal UI, driven with Pilot against feeds served on loopback: the Feeds section,
filtering by a feed, `r` with its progress, `o`, and a refresh when the reader starts."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from reader.library import Library
from reader.sources.feeds import subscribed
from reader.sources.feeds.refresh import refresh
from reader.sources.feeds.subscriptions import Subscriptions
from reader.storage.read_marks import ReadState
from reader.tui.app import ReaderApp
from tests.conftest import FIXED_NOW
from tests.sources.test_feeds import rss
from tests.tui.test_app import _ready, _screen_text

HARBOUR = [
    ("h1", "Dock strike in Antwerp", "https://harbour.example/1", "<p>Dockers in Antwerp struck on Monday.</p>"),
    ("h2", "Ferry cancelled", "https://harbour.example/2", "<p>No ferry crossed to Dover today.</p>"),
]
WEATHER = [("w1", "Storm reaches Lisbon", "javascript:alert(1)", "<p>A storm reached Lisbon overnight.</p>")]


@pytest.fixture
def served(httpserver: HTTPServer, tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """Two feeds on loopback, subscribed and fetched once; the documents can be changed by the test."""
    documents = {"/harbour": rss(*HARBOUR), "/weather": rss(*WEATHER).replace("Harbour News", "Weather Desk")}
    for route in documents:
        httpserver.expect_request(route).respond_with_handler(
            lambda request, route=route: Response(documents[route], status=200 if documents[route] else 500)
        )
    db = tmp_path / "reader.db"
    ReadState.open(db).close()
    subscriptions = Subscriptions.open(db)
    for route in documents:
        subscriptions.add(httpserver.url_for(route))
    subscriptions.close()
    refresh(db)
    return db, documents


def _app(db: Path, opened: list[str] | None = None, refresh_every: float = 0) -> ReaderApp:
    batches = subscribed(db)
    assert batches is not None
    library = Library(next(batches), ReadState.open(db))
    return ReaderApp(
        library,
        now=lambda: FIXED_NOW,
        loading=batches,
        feeds=True,
        refresh_every=refresh_every,
        open_link=(opened.append if opened is not None else None),
    )


async def test_the_feeds_section_lists_feeds_and_filters_the_list(served: tuple[Path, dict[str, str]]) -> None:
    db, _ = served
    app = _app(db)
    async with app.run_test(size=(160, 45)) as pilot:
        await _ready(pilot)
        screen = _screen_text(app)
        assert "▾ Feeds 2" in screen and "Harbour News" in screen and "Weather Desk" in screen
        assert app.sub_title == "3 unread / 3 articles"
        rows = app.names.rows
        harbour = next(i for i, row in enumerate(rows) if row.feed is not None and row.feed.title == "Harbour News")
        assert rows[harbour].total == 2
        app.names.focus()
        await pilot.press(*["j"] * harbour, "enter")
        assert [a.title for a in app.article_list.articles] == ["Dock strike in Antwerp", "Ferry cancelled"] or [
            a.title for a in app.article_list.articles
        ] == ["Ferry cancelled", "Dock strike in Antwerp"]
        assert "2 articles from Harbour News" in _screen_text(app)
        await pilot.press("enter")  # open the first; it is read now, and the feed's count says so
        assert app.names.feeds[[f.title for f in app.names.feeds].index("Harbour News")].unread == 1
        await pilot.press("escape")
        assert len(app.article_list.articles) == 3
    app.library.read.close()


async def test_r_fetches_in_the_background_and_new_articles_join_the_list(
    served: tuple[Path, dict[str, str]],
) -> None:
    db, documents = served
    port = ("h3", "Port reopens", "https://harbour.example/3", "<p>The port of Rotterdam reopened.</p>")
    documents["/harbour"] = rss(*HARBOUR, port)
    app = _app(db)
    async with app.run_test(size=(160, 45)) as pilot:
        await _ready(pilot)
        stories = app.library.stories
        shown: list[str] = []
        report = app.indexing.report_text
        app.indexing.report_text = lambda text, progress: (shown.append(text), report(text, progress))  # type: ignore[method-assign]
        await pilot.press("r")
        await _ready(pilot)
        await _ready(pilot)  # the names and threads found again after the refresh
        assert shown[0] == "Fetching feeds…" and shown[-1] == "Fetching feeds: 2 of 2"
        assert "Port reopens" in [a.title for a in app.article_list.articles]
        assert app.sub_title == "4 unread / 4 articles"
        assert "Feeds refreshed: 1 new article." in [n.message for n in app._notifications]
        port = next(a for a in app.library.articles if a.title == "Port reopens")
        assert [entity.name for entity, _ in app.library.names_in(port)] == ["Rotterdam"], "its names are found"
        assert app.library.stories is stories, "added to the threads as they were, not grouped again"
        assert "Rotterdam" in _screen_text(app), "and the sidebar lists them"
    app.library.read.close()


async def test_a_failing_feed_is_marked_and_says_why(served: tuple[Path, dict[str, str]]) -> None:
    db, documents = served
    documents["/weather"] = ""  # the server answers 500 from now on
    refresh(db)
    app = _app(db)
    async with app.run_test(size=(160, 45)) as pilot:
        await _ready(pilot)
        assert "! Weather Desk" in _screen_text(app)
        assert [a.title for a in app.library.articles if a.feed and a.feed.endswith("/weather")] == [
            "Storm reaches Lisbon"
        ], "its articles stay"
        await pilot.press("exclamation_mark")
        assert "HTTP 500" in _screen_text(app)
    app.library.read.close()


async def test_o_opens_only_web_links(served: tuple[Path, dict[str, str]]) -> None:
    db, _ = served
    opened: list[str] = []
    app = _app(db, opened)
    async with app.run_test(size=(160, 45)) as pilot:
        await _ready(pilot)
        titles = [a.title for a in app.article_list.articles]
        app.article_list.move_to(app.article_list.articles[titles.index("Ferry cancelled")])
        await pilot.press("enter", "o")
        assert opened == ["https://harbour.example/2"]
        assert "harbour.example/2  (o opens it)" in _screen_text(app)
        app.article_list.move_to(app.article_list.articles[titles.index("Storm reaches Lisbon")])
        await pilot.press("enter", "o")
        assert opened == ["https://harbour.example/2"], "a javascript: link is never opened"
        assert "This article has no web link to open." in [n.message for n in app._notifications]
    app.library.read.close()


async def test_feeds_are_refreshed_on_start_when_the_last_refresh_is_old(
    served: tuple[Path, dict[str, str]],
) -> None:
    db, documents = served
    documents["/weather"] = rss(*WEATHER, ("w2", "Heat in Seville", "https://weather.example/2", "<p>Hot.</p>"))
    app = _app(db, refresh_every=0.5)  # the refresh a moment ago is "old" for this reader
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause(1.0)
        await _ready(pilot)
        assert "Heat in Seville" in [a.title for a in app.library.articles]
    app.library.read.close()


async def test_offline_every_article_and_read_mark_is_still_there(
    httpserver: HTTPServer, served: tuple[Path, dict[str, str]]
) -> None:
    db, _ = served
    app = _app(db)
    async with app.run_test(size=(160, 45)) as pilot:
        await _ready(pilot)
        await pilot.press("enter")  # opens (and marks read) the newest article
        opened = app.opened
    app.library.read.close()
    assert opened is not None
    httpserver.stop()  # the network is gone: the refresh on start fails for every feed
    try:
        await _offline_restart(db, opened.id)
    finally:
        httpserver.start()


async def _offline_restart(db: Path, read_id: str) -> None:
    again = _app(db, refresh_every=0.5)
    async with again.run_test(size=(160, 45)) as pilot:
        await pilot.pause(1.0)
        await _ready(pilot)
        assert sorted(a.title for a in again.library.articles) == [
            "Dock strike in Antwerp", "Ferry cancelled", "Storm reaches Lisbon"
        ]
        assert again.library.is_read(again.library.article(read_id))  # type: ignore[arg-type]
        assert again.sub_title == "2 unread / 3 articles"
        screen = _screen_text(again)
        assert "! Harbour News" in screen and "! Weather Desk" in screen
    again.library.read.close()


async def test_O_lists_the_articles_links_and_opens_the_one_chosen(httpserver: HTTPServer, tmp_path: Path) -> None:
    body = "<p>See <a href='/report'>the report</a> and <a href='https://other.example/x'>this</a>.</p>"
    httpserver.expect_request("/feed").respond_with_data(rss(("a", "Budget passed", "https://gov.example/1", body)))
    db = tmp_path / "reader.db"
    ReadState.open(db).close()
    subscriptions = Subscriptions.open(db)
    subscriptions.add(httpserver.url_for("/feed"))
    subscriptions.close()
    refresh(db)
    opened: list[str] = []
    app = _app(db, opened)
    async with app.run_test(size=(160, 45)) as pilot:
        await _ready(pilot)
        await pilot.press("enter")
        assert "See the report [1] and this [2]." in _screen_text(app)
        await pilot.press("O")
        screen = _screen_text(app)
        assert "article  https://gov.example/1" in screen and "[2]  https://other.example/x" in screen
        await pilot.press("2")
        assert opened == ["https://other.example/x"]
        await pilot.press("O", "down", "enter")
        assert opened == ["https://other.example/x", "https://gov.example/report"]
    app.library.read.close()


async def test_subscribed_but_never_fetched_opens_empty_and_fetches(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    httpserver.expect_request("/new").respond_with_data(rss(*HARBOUR))
    db = tmp_path / "reader.db"
    ReadState.open(db).close()
    subscriptions = Subscriptions.open(db)
    subscriptions.add(httpserver.url_for("/new"))
    subscriptions.close()
    app = _app(db, refresh_every=1800)  # never refreshed: fetched on start
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause(0.5)
        await _ready(pilot)
        await _ready(pilot)
        assert sorted(a.title for a in app.article_list.articles) == ["Dock strike in Antwerp", "Ferry cancelled"]
    app.library.read.close()


async def test_many_feeds_start_folded_and_the_heading_counts_the_failing(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    db = tmp_path / "reader.db"
    ReadState.open(db).close()
    subscriptions = Subscriptions.open(db)
    for number in range(15):
        route = f"/feed/{number}"
        if number < 13:
            httpserver.expect_request(route).respond_with_data(
                rss((f"g{number}", f"Story {number}", f"https://many.example/{number}", "<p>Text.</p>"))
            )
        else:
            httpserver.expect_request(route).respond_with_data("down", status=503)
        subscriptions.add(httpserver.url_for(route))
    subscriptions.close()
    refresh(db)
    app = _app(db)
    async with app.run_test(size=(160, 45)) as pilot:
        await _ready(pilot)
        screen = _screen_text(app)
        assert "▸ Feeds 15 · 2 failing" in screen and "Harbour News" not in screen
        app.names.focus()
        await pilot.press("enter")  # unfold
        assert _screen_text(app).count("Harbour News") == 13
    app.library.read.close()


async def test_feed_counts_follow_marks_and_undo(served: tuple[Path, dict[str, str]]) -> None:
    db, _ = served
    app = _app(db)
    async with app.run_test(size=(160, 45)) as pilot:
        await _ready(pilot)

        def unread(title: str) -> int:
            return next(feed.unread for feed in app.names.feeds if feed.title == title)

        assert unread("Harbour News") == 2
        await pilot.press("M")  # every article read
        assert unread("Harbour News") == 0 and unread("Weather Desk") == 0
        await pilot.press("u")
        assert unread("Harbour News") == 2 and unread("Weather Desk") == 1
        await pilot.press("m")  # the newest article, whichever feed it is from
        assert unread("Harbour News") + unread("Weather Desk") == 2
    app.library.read.close()


async def test_articles_arriving_during_the_analysis_wait_for_it_and_then_join(
    served: tuple[Path, dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A refresh on start that delivers while the first analysis is grouping threads (a new user's first
    minute): the new article joins once the analysis is over, with its names and threads; nothing crashes."""
    import threading

    db, documents = served
    documents["/weather"] = rss(*WEATHER, ("w2", "Heat wave in Seville", "https://weather.example/2", "<p>Seville"
                                " sweltered in Spain on Monday, said Maria Lopez.</p>"))
    refreshed = threading.Event()
    find_related = Library.find_related

    def slow_related(self: Library, *args: object, **kwargs: object) -> object:
        refreshed.wait(10)  # the refresh's articles reach the screen while related articles are found
        return find_related(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Library, "find_related", slow_related)
    app = _app(db, refresh_every=0.5)
    done = app._refreshed

    def noted(report: object) -> None:
        done(report)  # type: ignore[arg-type]
        refreshed.set()

    monkeypatch.setattr(app, "_refreshed", noted)
    async with app.run_test(size=(160, 45)) as pilot:
        for _ in range(40):
            await pilot.pause(0.25)
            if refreshed.is_set():
                break
        for _ in range(3):  # the analysis, then the arrivals' names and threads
            await _ready(pilot)
        heat = next(a for a in app.library.articles if a.title == "Heat wave in Seville")
        assert heat in app.article_list.articles
        assert "Maria Lopez" in {name.name for name, _ in app.library.names_in(heat)}
        assert app.library.names is not None and app.library.names.knows(heat.id)
        app.library.related(heat)  # its related articles are found among articles the threads know
    app.library.read.close()


# Issue 23 ------------------------------------------------------------------------------------------------


async def test_o_says_when_no_browser_opened_the_link_and_offers_to_copy_it(
    served: tuple[Path, dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    import webbrowser

    asked: list[str] = []
    monkeypatch.delenv("BROWSER", raising=False)
    monkeypatch.setattr(webbrowser, "open", lambda url, *a, **k: asked.append(url) or False)  # no browser found
    db, _ = served
    app = _app(db)
    async with app.run_test(size=(160, 45)) as pilot:
        await _ready(pilot)
        titles = [a.title for a in app.article_list.articles]
        app.article_list.move_to(app.article_list.articles[titles.index("Ferry cancelled")])
        await pilot.press("enter", "o")
        await pilot.pause()
        assert asked == ["https://harbour.example/2"]
        assert not any(n.message.startswith("Opened") for n in app._notifications)
        screen = _screen_text(app)
        assert "No browser opened" in screen and "https://harbour.example/2" in screen
        await pilot.press("y")
        await pilot.pause()
        assert app.clipboard == "https://harbour.example/2"
        assert "Copied the link." in [n.message for n in app._notifications]
    app.library.read.close()


async def test_ctrl_r_refreshes_only_the_feed_of_the_article_under_the_cursor(
    served: tuple[Path, dict[str, str]],
) -> None:
    db, documents = served
    documents["/harbour"] = rss(*HARBOUR, ("h3", "Port reopens", "https://harbour.example/3", "<p>It reopened.</p>"))
    documents["/weather"] = rss(*WEATHER, ("w2", "Fog in Porto", "https://weather.example/2", "<p>Fog.</p>")).replace(
        "Harbour News", "Weather Desk")
    app = _app(db)
    async with app.run_test(size=(160, 45)) as pilot:
        await _ready(pilot)
        titles = [a.title for a in app.article_list.articles]
        app.article_list.move_to(app.article_list.articles[titles.index("Ferry cancelled")])
        await pilot.press("ctrl+r")
        await _ready(pilot)
        await _ready(pilot)
        titles = [a.title for a in app.article_list.articles]
        assert "Port reopens" in titles and "Fog in Porto" not in titles, titles
        assert "Feeds refreshed: 1 new article." in [n.message for n in app._notifications]
    app.library.read.close()


async def test_F_fetches_the_open_articles_full_text_and_shows_it(httpserver: HTTPServer, tmp_path: Path) -> None:
    from tests.sources.test_fulltext import STORY, page

    httpserver.expect_request("/pier.html").respond_with_data(page(STORY), content_type="text/html")
    item = ("p1", "Pier closes", httpserver.url_for("/pier.html"), "<p>The northern pier will close.</p>")
    httpserver.expect_request("/pier.xml").respond_with_data(rss(item), content_type="application/rss+xml")
    db = tmp_path / "reader.db"
    ReadState.open(db).close()
    subscriptions = Subscriptions.open(db)
    subscriptions.add(httpserver.url_for("/pier.xml"))
    subscriptions.close()
    refresh(db)
    app = _app(db)
    async with app.run_test(size=(160, 45)) as pilot:
        await _ready(pilot)
        await pilot.press("enter")
        assert "The northern pier will close." in _screen_text(app)
        await pilot.press("F")
        await _ready(pilot)
        await _ready(pilot)
        messages = [n.message for n in app._notifications]
        assert any(message.startswith("Full text: ") for message in messages), messages
        [article] = app.library.articles
        assert STORY[0] in article.body, "the library has the page's text"
        shown = _screen_text(app)
        assert "Repairs are expected to cost" in shown and "The northern pier will close." not in shown
    app.library.read.close()

"""Full text per feed: each entry's page fetched from a real HTTP server on loopback, its main text kept in the
real database and shown in place of the summary. No test reaches the internet."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from reader.sources.feeds.refresh import refresh
from reader.sources.feeds.subscriptions import Stored, Subscriptions
from reader.storage.read_marks import ReadState


def rss(guid: str, title: str, link: str, body: str) -> str:
    from html import escape

    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Harbour News</title>'
        f"<link>https://harbour.example/</link><item><title>{escape(title)}</title><link>{escape(link)}</link>"
        f"<guid>{guid}</guid><description>{escape(body)}</description></item></channel></rss>"
    )

STORY = [
    "The harbour authority said on Tuesday that the northern pier would close for repairs until the spring,"
    " after divers found the old timber piles had rotted far faster than the engineers expected.",
    "Fishing boats that moor at the pier will move to the southern basin, where twelve new berths were built"
    " last year, and the ferry to the islands will keep its timetable, the authority said.",
    "Repairs are expected to cost four million crowns, paid from the port's own reserves, and a second survey"
    " of the eastern breakwater is planned for the summer once the weather allows divers to work.",
]
NAVIGATION = "Home Sport Weather Subscribe today Sign in Newsletters"
RELATED = "Related: Ten ferries you must see before you die"
FOOTER = "Copyright Harbour Media Group. All rights reserved. Privacy policy Cookie settings"


def page(paragraphs: list[str]) -> str:
    story = "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)
    links = "".join(f'<li><a href="/{word.lower()}">{word}</a></li>' for word in NAVIGATION.split())
    return (
        "<!DOCTYPE html><html><head><title>Pier closes</title></head><body>"
        f'<header><nav><ul>{links}</ul></nav></header>'
        f'<main><article><h1>Northern pier closes for repairs</h1>{story}</article>'
        f'<aside class="related"><h3>{RELATED}</h3></aside></main>'
        f'<footer><p>{FOOTER}</p></footer></body></html>'
    )


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "reader.db"
    ReadState.open(path).close()
    return path


def subscribe_to(db: Path, url: str, *, fulltext: bool) -> None:
    subscriptions = Subscriptions.open(db)
    try:
        subscriptions.add(url)
        if fulltext:
            assert subscriptions.set_fulltext(url, True)
    finally:
        subscriptions.close()


def bodies(db: Path) -> dict[str, str]:
    subscriptions = Subscriptions.open(db)
    try:
        return {article.title: article.body for batch in subscriptions.articles() for article in batch.articles}
    finally:
        subscriptions.close()


def serve_feed(httpserver: HTTPServer, path: str, link: str) -> str:
    document = rss("pier-1", "Pier closes", link, "<p>The northern pier will close.</p>")
    httpserver.expect_request(path).respond_with_data(document, content_type="application/rss+xml")
    return httpserver.url_for(path)


def test_a_fulltext_feed_gets_the_pages_paragraphs_and_not_its_navigation_or_footer(
    httpserver: HTTPServer, db: Path
) -> None:
    httpserver.expect_request("/pier.html").respond_with_data(page(STORY), content_type="text/html")
    subscribe_to(db, serve_feed(httpserver, "/full.xml", httpserver.url_for("/pier.html")), fulltext=True)

    arrivals: list[Stored] = []
    report = refresh(db, arrived=lambda feed, stored: arrivals.append(stored))

    assert report.pages == 1 and not report.pages_failed
    [with_text] = [article for stored in arrivals for article in stored.changed]
    assert STORY[0] in with_text.body, "the article with its full text joins the screen as a changed one"
    body = bodies(db)["Pier closes"]
    for paragraph in STORY:
        assert paragraph in body
    for boilerplate in ("Subscribe today", "Newsletters", RELATED, "All rights reserved", "Cookie settings"):
        assert boilerplate not in body
    assert "The northern pier will close." not in body, "the summary gave way to the full text"


def test_a_feed_without_fulltext_keeps_its_summary_and_its_pages_are_not_asked(
    httpserver: HTTPServer, db: Path
) -> None:
    httpserver.expect_request("/pier.html").respond_with_data(page(STORY), content_type="text/html")
    subscribe_to(db, serve_feed(httpserver, "/summary.xml", httpserver.url_for("/pier.html")), fulltext=False)

    refresh(db)

    assert bodies(db)["Pier closes"] == "The northern pier will close."
    assert all(request.path != "/pier.html" for request, _ in httpserver.log)


def test_a_link_outside_http_is_never_fetched(httpserver: HTTPServer, db: Path, tmp_path: Path) -> None:
    local = tmp_path / "secret.html"
    local.write_text(page(STORY), encoding="utf-8")  # the feeds' fetcher reads file:// feeds: never a page
    subscribe_to(db, serve_feed(httpserver, "/local.xml", local.as_uri()), fulltext=True)

    report = refresh(db)

    assert bodies(db)["Pier closes"] == "The northern pier will close."
    assert report.pages == 0
    assert report.pages_failed == [(local.as_uri(), "only http and https pages are fetched")]


def test_a_page_over_the_size_limit_is_not_kept(httpserver: HTTPServer, db: Path) -> None:
    from reader.sources.feeds import fulltext

    huge = page(STORY * (fulltext.PAGE_BYTES // 500))  # each round of STORY is over 500 bytes
    assert len(huge) > fulltext.PAGE_BYTES
    httpserver.expect_request("/huge.html").respond_with_data(huge, content_type="text/html")
    subscribe_to(db, serve_feed(httpserver, "/huge.xml", httpserver.url_for("/huge.html")), fulltext=True)

    report = refresh(db)

    assert bodies(db)["Pier closes"] == "The northern pier will close.", "the summary stays"
    assert report.pages == 0
    [(url, reason)] = report.pages_failed
    assert url == httpserver.url_for("/huge.html") and reason.startswith("too large")
    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT text, error FROM fulltexts").fetchall() == [(None, reason)]


def test_the_full_text_survives_a_restart_with_the_server_gone(httpserver: HTTPServer, db: Path) -> None:
    httpserver.expect_request("/pier.html").respond_with_data(page(STORY), content_type="text/html")
    subscribe_to(db, serve_feed(httpserver, "/full.xml", httpserver.url_for("/pier.html")), fulltext=True)
    refresh(db)
    httpserver.clear()
    httpserver.stop()
    try:
        ReadState.open(db).close()  # the reader starts again, offline
        body = bodies(db)["Pier closes"]

        assert all(paragraph in body for paragraph in STORY)
        report = refresh(db)  # offline: the feed fails, the page is not asked again, the text stays
        assert report.failed and not report.pages_failed
        assert all(paragraph in bodies(db)["Pier closes"] for paragraph in STORY)
    finally:
        httpserver.start()  # the server is the session's: the next test needs it


def _run(capsys: pytest.CaptureFixture[str], *arguments: str) -> tuple[int, str, str]:
    from reader.cli.main import main

    try:
        status = main(list(arguments))
    except SystemExit as exit:  # argparse's own exits (bad arguments: 2)
        status = int(exit.code or 0)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_reader_fulltext_fetches_one_articles_page_now_and_asks_conditionally_again(
    httpserver: HTTPServer, db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    httpserver.expect_request("/pier.html").respond_with_data(
        page(STORY), content_type="text/html", headers={"ETag": '"pier-1"'}
    )
    subscribe_to(db, serve_feed(httpserver, "/summary.xml", httpserver.url_for("/pier.html")), fulltext=False)
    report = refresh(db)
    assert not report.failed, report.failed
    subscriptions = Subscriptions.open(db)
    [identity] = [article.id for batch in subscriptions.articles() for article in batch.articles]
    subscriptions.close()

    status, out, err = _run(capsys, "fulltext", identity, "--db", str(db))

    assert (status, err) == (0, "") and "of full text kept" in out
    assert all(paragraph in bodies(db)["Pier closes"] for paragraph in STORY)
    httpserver.clear()
    httpserver.expect_request("/pier.html", headers={"If-None-Match": '"pier-1"'}).respond_with_data("", status=304)
    status, out, _ = _run(capsys, "fulltext", identity, "--db", str(db))
    assert status == 0 and "unchanged" in out
    assert all(paragraph in bodies(db)["Pier closes"] for paragraph in STORY)
    status, _, err = _run(capsys, "fulltext", "no-such-id", "--db", str(db))
    assert status == 1 and "no feed article has this id" in err and "Traceback" not in err

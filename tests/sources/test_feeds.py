"""Feeds fetched from a real HTTP server on loopback (pytest-httpserver), stored in the real database.

No test reaches the internet. Each asserts what a user would see or what is kept: entries, read marks,
errors, the subscription's URL.
"""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from reader.sources.feeds.fetch import FetchSettings
from reader.sources.feeds.refresh import refresh, subscribe
from reader.sources.feeds.subscriptions import Subscriptions
from reader.storage.read_marks import ReadState

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Harbour News</title><link>https://harbour.example/</link>
{items}
</channel></rss>"""

ITEM = """<item><title>{title}</title><link>{link}</link><guid>{guid}</guid>
<pubDate>Tue, 03 Mar 2026 21:15:00 -0500</pubDate><description>{body}</description></item>"""


def rss(*items: tuple[str, str, str, str]) -> str:
    """An RSS 2.0 document of (guid, title, link, HTML body) items."""
    from html import escape

    return RSS.format(
        items="\n".join(
            ITEM.format(guid=g, title=escape(t), link=escape(link), body=escape(b)) for g, t, link, b in items
        )
    )


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "reader.db"
    ReadState.open(path).close()
    return path


def subscribe_to(db: Path, url: str, title: str | None = None) -> None:
    subscriptions = Subscriptions.open(db)
    try:
        subscriptions.add(url, title)
    finally:
        subscriptions.close()


def entries(db: Path) -> list[tuple[str, str, str, str | None]]:
    """What is kept: (feed URL, article id, title, published) of every entry, in key order."""
    with sqlite3.connect(db) as connection:
        return connection.execute(
            "SELECT f.url, e.article_id, e.title, e.published FROM entries e JOIN feeds f ON f.id = e.feed"
            " ORDER BY f.url, e.key"
        ).fetchall()


def feed_row(db: Path, url: str) -> dict[str, object]:
    with sqlite3.connect(db) as connection:
        connection.row_factory = sqlite3.Row
        row = connection.execute("SELECT * FROM feeds WHERE url = ?", (url,)).fetchone()
        return dict(row) if row else {}


def articles(db: Path) -> list:  # type: ignore[type-arg]
    subscriptions = Subscriptions.open(db)
    try:
        return [article for batch in subscriptions.articles() for article in batch.articles]
    finally:
        subscriptions.close()


# Formats -----------------------------------------------------------------------------------------

RSS_1 = """<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
 xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://one.example/"><title>RSS One</title><link>https://one.example/</link></channel>
<item rdf:about="https://one.example/a"><title>Port reopens</title><link>https://one.example/a</link>
<description>The port of Lisbon reopened on Monday.</description><dc:date>2026-03-02T08:00:00+01:00</dc:date></item>
</rdf:RDF>"""

RSS_091 = """<?xml version="1.0"?><rss version="0.91"><channel><title>Old RSS</title><link>https://old.example/</link>
<item><title>Bridge opens</title><link>https://old.example/b</link><description>A bridge opened in Porto.</description>
</item></channel></rss>"""

ATOM_10 = """<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Atom One</title>
<id>urn:atom</id><updated>2026-03-02T10:00:00Z</updated>
<entry><id>urn:atom:1</id><title>Talks resume</title><link href="https://atom.example/1"/>
<updated>2026-03-02T10:00:00+05:30</updated>
<content type="html">&lt;p&gt;Talks resumed in Delhi.&lt;/p&gt;</content></entry>
</feed>"""

ATOM_03 = """<?xml version="1.0" encoding="utf-8"?><feed version="0.3" xmlns="http://purl.org/atom/ns#">
<title>Atom Old</title><entry><id>urn:old:1</id><title>Rain falls</title><link rel="alternate" href="https://a03.example/1"/>
<issued>2026-03-01T09:00:00Z</issued>
<content type="text/html" mode="escaped">&lt;p&gt;Rain fell in Oslo.&lt;/p&gt;</content>
</entry></feed>"""

JSON_FEED = json.dumps(
    {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "JSON One",
        "items": [
            {
                "id": "j1",
                "url": "https://json.example/1",
                "title": "Markets rise",
                "content_html": "<p>Markets rose in Tokyo.</p>",
                "date_published": "2026-03-02T10:00:00+09:00",
            }
        ],
    }
)


JSON_FEED_10 = json.dumps(
    {
        "version": "https://jsonfeed.org/version/1",
        "title": "JSON Old",
        "items": [
            {
                "id": "1",
                "url": "https://json10.example/1",
                "title": "Harvest begins",
                "content_text": "The harvest began in Bordeaux.",
                "date_published": "2026-03-02T10:00:00-08:00",
                "author": {"name": "A. Writer"},
            }
        ],
    }
)


@pytest.mark.parametrize(
    ("document", "kind", "title", "text", "published"),
    [
        (
            RSS_1,
            "application/rdf+xml",
            "Port reopens",
            "The port of Lisbon reopened on Monday.",
            "2026-03-02T08:00:00+01:00",
        ),
        (RSS_091, "application/rss+xml", "Bridge opens", "A bridge opened in Porto.", None),
        (
            rss(("g1", "Ships wait", "https://r.example/1", "<p>Ships waited off Rotterdam.</p>")),
            "application/rss+xml",
            "Ships wait",
            "Ships waited off Rotterdam.",
            "2026-03-03T21:15:00-05:00",
        ),
        (ATOM_10, "application/atom+xml", "Talks resume", "Talks resumed in Delhi.", "2026-03-02T10:00:00+05:30"),
        (ATOM_03, "application/atom+xml", "Rain falls", "Rain fell in Oslo.", "2026-03-01T09:00:00+00:00"),
        (JSON_FEED, "application/feed+json", "Markets rise", "Markets rose in Tokyo.", "2026-03-02T10:00:00+09:00"),
        (JSON_FEED_10, "application/json", "Harvest begins", "The harvest began in Bordeaux.",
         "2026-03-02T10:00:00-08:00"),
    ],
    ids=["rss1.0", "rss0.91", "rss2.0", "atom1.0", "atom0.3", "jsonfeed1.1", "jsonfeed1.0"],
)
def test_every_format_is_read_with_its_dates_offset_kept(
    httpserver: HTTPServer, db: Path, document: str, kind: str, title: str, text: str, published: str | None
) -> None:
    httpserver.expect_request("/feed").respond_with_data(document, content_type=kind)
    url = httpserver.url_for("/feed")
    subscribe_to(db, url)
    report = refresh(db)
    assert report.failed == [] and report.new == 1
    [(_, _, stored_title, stored_date)] = entries(db)
    assert stored_title == title
    if published is None:  # undated: the time it was first seen
        assert stored_date is not None and abs(time.time() - _timestamp(stored_date)) < 60
    else:
        assert stored_date == published
    [article] = articles(db)
    assert article.body == text and article.feed == url


def _timestamp(text: str) -> float:
    from datetime import datetime

    return datetime.fromisoformat(text).timestamp()


# Entries over time ---------------------------------------------------------------------------------


def test_a_changed_entry_keeps_its_read_mark_and_nothing_is_duplicated_or_dropped(
    httpserver: HTTPServer, db: Path
) -> None:
    document = {
        "body": rss(
            ("a", "Storm nears coast", "https://n.example/a", "<p>A storm neared.</p>"),
            ("b", "Dock strike", "https://n.example/b", "<p>Dockers struck.</p>"),
            ("c", "Ferry late", "https://n.example/c", "<p>The ferry was late.</p>"),
        )
    }
    httpserver.expect_request("/news").respond_with_handler(lambda request: Response(document["body"]))
    url = httpserver.url_for("/news")
    subscribe_to(db, url)
    assert refresh(db).new == 3
    first = {a.title: a.id for a in articles(db)}
    state = ReadState.open(db)
    state.mark([first["Storm nears coast"]], True)
    state.close()

    # The storm story is rewritten, the ferry story drops out of the document, a new one arrives.
    document["body"] = rss(
        ("a", "Storm hits coast", "https://n.example/a", "<p>The storm hit at dawn.</p>"),
        ("b", "Dock strike", "https://n.example/b", "<p>Dockers struck.</p>"),
        ("d", "Ferry cancelled", "https://n.example/d", "<p>No ferry today.</p>"),
    )
    report = refresh(db)
    assert (report.new, report.changed) == (1, 1)
    kept = {a.title: a for a in articles(db)}
    assert set(kept) == {"Storm hits coast", "Dock strike", "Ferry late", "Ferry cancelled"}
    assert kept["Storm hits coast"].id == first["Storm nears coast"]
    assert kept["Storm hits coast"].body == "The storm hit at dawn."
    assert ReadState.open(db).is_read(kept["Storm hits coast"].id), "the rewritten entry is still read"
    assert refresh(db).new == 0 and len(entries(db)) == 4, "a third refresh adds nothing"


def test_the_same_link_from_two_feeds_is_one_article(httpserver: HTTPServer, db: Path) -> None:
    # Without guids: an entry with its own guid is its feed's own article (issue 23), whatever its link.
    shared = ("x1", "Election called", "https://shared.example/election", "<p>An election was called.</p>")
    httpserver.expect_request("/one").respond_with_data(rss(shared).replace("<guid>x1</guid>", ""))
    httpserver.expect_request("/two").respond_with_data(
        rss(("other-guid", *shared[1:]), ("y", "Own story", "https://two.example/own", "<p>Only here.</p>")).replace(
            "<guid>other-guid</guid>", ""
        )
    )
    subscribe_to(db, httpserver.url_for("/one"))
    subscribe_to(db, httpserver.url_for("/two"))
    refresh(db)
    assert len(entries(db)) == 3
    assert sorted(a.title for a in articles(db)) == ["Election called", "Own story"]
    subscriptions = Subscriptions.open(db)
    counts = subscriptions.counts(frozenset())
    subscriptions.close()
    assert counts == {httpserver.url_for("/one"): (1, 1), httpserver.url_for("/two"): (2, 2)}


# Being a good citizen -------------------------------------------------------------------------------


def test_conditional_get_costs_a_304_and_changes_nothing(httpserver: HTTPServer, db: Path) -> None:
    asked: list[str | None] = []

    def handler(request: Request) -> Response:
        asked.append(request.headers.get("If-None-Match"))
        if request.headers.get("If-None-Match") == '"v1"':
            return Response(status=304)
        body = rss(("a", "Quiet day", "https://q.example/a", "<p>Nothing happened.</p>"))
        return Response(body, headers={"ETag": '"v1"', "Last-Modified": "Tue, 03 Mar 2026 10:00:00 GMT"})

    httpserver.expect_request("/feed").respond_with_handler(handler)
    subscribe_to(db, httpserver.url_for("/feed"))
    refresh(db)
    report = refresh(db)
    assert asked == [None, '"v1"']
    assert (report.not_modified, report.new, report.failed) == (1, 0, [])
    assert len(entries(db)) == 1
    assert feed_row(db, httpserver.url_for("/feed"))["last_modified"] == "Tue, 03 Mar 2026 10:00:00 GMT"


def test_a_permanent_redirect_moves_the_subscription(httpserver: HTTPServer, db: Path) -> None:
    httpserver.expect_request("/old").respond_with_response(
        Response(status=301, headers={"Location": httpserver.url_for("/new")})
    )
    httpserver.expect_request("/new").respond_with_data(rss(("a", "Moved", "https://m.example/a", "<p>Here now.</p>")))
    subscribe_to(db, httpserver.url_for("/old"))
    assert refresh(db).new == 1
    assert feed_row(db, httpserver.url_for("/old")) == {}
    assert feed_row(db, httpserver.url_for("/new"))["title"] == "Harbour News"


def test_a_temporary_redirect_keeps_the_address(httpserver: HTTPServer, db: Path) -> None:
    httpserver.expect_request("/here").respond_with_response(
        Response(status=302, headers={"Location": httpserver.url_for("/today")})
    )
    httpserver.expect_request("/today").respond_with_data(rss(("a", "Today", "https://t.example/a", "<p>Now.</p>")))
    subscribe_to(db, httpserver.url_for("/here"))
    assert refresh(db).new == 1
    assert feed_row(db, httpserver.url_for("/here"))["fetched_at"] is not None


@pytest.mark.parametrize(
    ("status", "reason"),
    [(404, "HTTP 404 NOT FOUND"), (500, "HTTP 500 INTERNAL SERVER ERROR")],
)
def test_a_failed_fetch_keeps_every_entry_and_the_error(
    httpserver: HTTPServer, db: Path, status: int, reason: str
) -> None:
    replies = [Response(rss(("a", "Kept", "https://k.example/a", "<p>Kept.</p>"))), Response("no", status=status)]
    httpserver.expect_request("/feed").respond_with_handler(lambda request: replies.pop(0))
    url = httpserver.url_for("/feed")
    subscribe_to(db, url)
    refresh(db)
    report = refresh(db)
    assert [(u, r.upper()) for u, r in report.failed] == [(url, reason)]
    assert [a.title for a in articles(db)] == ["Kept"]
    row = feed_row(db, url)
    assert str(row["error"]).upper() == reason and row["error_at"] is not None


def test_410_gone_marks_the_feed_and_it_is_not_asked_again(httpserver: HTTPServer, db: Path) -> None:
    asked = []
    httpserver.expect_request("/feed").respond_with_handler(lambda r: asked.append(1) or Response(status=410))
    url = httpserver.url_for("/feed")
    subscribe_to(db, url)
    refresh(db)
    assert feed_row(db, url)["gone"] == 1 and "removed" in str(feed_row(db, url)["error"])
    report = refresh(db)
    assert len(asked) == 1 and report.waiting == 1


def test_retry_after_is_honoured(httpserver: HTTPServer, db: Path) -> None:
    asked = []
    httpserver.expect_request("/feed").respond_with_handler(
        lambda r: asked.append(1) or Response(status=429, headers={"Retry-After": "600"})
    )
    url = httpserver.url_for("/feed")
    subscribe_to(db, url)
    report = refresh(db)
    assert "429" in report.failed[0][1] and "wait 10 min" in report.failed[0][1]
    assert 590 < float(feed_row(db, url)["retry_at"]) - time.time() <= 600  # type: ignore[arg-type]
    assert refresh(db).waiting == 1 and len(asked) == 1


def test_a_slow_server_times_out_and_the_rest_still_load(db: Path) -> None:
    def slow(request: Request) -> Response:
        time.sleep(2)
        return Response(rss())

    server = HTTPServer(threaded=True)  # the fast feed is answered while the slow one keeps its thread
    server.start()
    try:
        server.expect_request("/slow").respond_with_handler(slow)
        server.expect_request("/fast").respond_with_data(rss(("a", "Quick", "https://f.example/a", "<p>Fast.</p>")))
        subscribe_to(db, server.url_for("/slow"))
        subscribe_to(db, server.url_for("/fast"))
        report = refresh(db, settings=FetchSettings(total_timeout=0.5, connect_timeout=0.5))
    finally:
        server.clear()
        server.stop()
    assert [(u, "timed out" in r) for u, r in report.failed] == [(server.url_for("/slow"), True)]
    assert [a.title for a in articles(db)] == ["Quick"]


def test_an_oversized_response_is_refused(httpserver: HTTPServer, db: Path) -> None:
    huge = rss(
        *[(str(i), f"Story {i}", f"https://big.example/{i}", "<p>" + "word " * 200 + "</p>") for i in range(300)]
    )
    httpserver.expect_request("/big").respond_with_data(huge)
    subscribe_to(db, httpserver.url_for("/big"))
    report = refresh(db, settings=FetchSettings(max_bytes=100_000))
    assert "too large" in report.failed[0][1] and entries(db) == []


def test_malformed_xml_is_an_error_and_loses_nothing(httpserver: HTTPServer, db: Path) -> None:
    replies = [rss(("a", "Whole", "https://w.example/a", "<p>Fine.</p>")), "<rss><channel><title>Broken</ti"]
    httpserver.expect_request("/feed").respond_with_handler(lambda r: Response(replies.pop(0)))
    subscribe_to(db, httpserver.url_for("/feed"))
    refresh(db)
    report = refresh(db)
    assert len(report.failed) == 1 and "feed" in report.failed[0][1]
    assert [a.title for a in articles(db)] == ["Whole"]


def test_the_servers_encoding_is_used_when_the_document_declares_none(httpserver: HTTPServer, db: Path) -> None:
    document = rss(("a", "Café reopens", "https://e.example/a", "<p>The café in Zürich reopened.</p>"))
    latin = document.replace('<?xml version="1.0" encoding="utf-8"?>', "").encode("latin-1")
    httpserver.expect_request("/feed").respond_with_data(latin, content_type="application/rss+xml; charset=ISO-8859-1")
    subscribe_to(db, httpserver.url_for("/feed"))
    refresh(db)
    [article] = articles(db)
    assert (article.title, article.body) == ("Café reopens", "The café in Zürich reopened.")


def test_a_document_that_is_not_the_utf8_it_declares_is_read_as_windows_1252(httpserver: HTTPServer, db: Path) -> None:
    document = rss(("a", "Café “reopens”", "https://e.example/a", "<p>The café in Zürich reopened – at last.</p>"))
    httpserver.expect_request("/feed").respond_with_data(document.encode("cp1252"), content_type="application/rss+xml")
    subscribe_to(db, httpserver.url_for("/feed"))
    assert refresh(db).failed == []
    [article] = articles(db)
    assert (article.title, article.body) == ("Café “reopens”", "The café in Zürich reopened – at last.")


def test_markup_and_escape_sequences_from_a_feed_stay_plain_text(httpserver: HTTPServer, db: Path) -> None:
    from reader.articles import is_openable

    hostile = rss(
        (
            "a",
            "[bold red]Alarm[/] \x1b]0;owned\x07 now",
            "javascript:alert(1)",
            "<p>Text [b]x[/b]<script>bad()</script></p>",
        ),
    )
    httpserver.expect_request("/feed").respond_with_data(hostile.replace("\x07", "&#7;"))
    subscribe_to(db, httpserver.url_for("/feed"))
    refresh(db)
    [article] = articles(db)
    assert "\x1b" not in article.title and "\x07" not in article.title
    assert article.title.startswith("[bold red]Alarm[/]")  # shown as written, never as markup
    assert article.body == "Text [b]x[/b]"
    assert not is_openable(article.link)


def test_the_user_agent_names_the_reader(httpserver: HTTPServer, db: Path) -> None:
    seen = []
    httpserver.expect_request("/feed").respond_with_handler(
        lambda r: seen.append(r.headers.get("User-Agent")) or Response(rss())
    )
    subscribe_to(db, httpserver.url_for("/feed"))
    refresh(db)
    assert seen and seen[0].startswith("reader/")


def test_subscribing_to_a_page_finds_its_feed(httpserver: HTTPServer, db: Path) -> None:
    httpserver.expect_request("/").respond_with_data(
        '<html><head><link rel="alternate" type="application/atom+xml" href="/atom.xml"></head></html>',
        content_type="text/html",
    )
    httpserver.expect_request("/atom.xml").respond_with_data(ATOM_10, content_type="application/atom+xml")
    done = subscribe(db, httpserver.url_for("/"))
    assert done.feed.url == httpserver.url_for("/atom.xml") and done.found_on == httpserver.url_for("/")
    assert done.stored is not None and [a.title for a in done.stored.new] == ["Talks resume"]


# Entry HTML ----------------------------------------------------------------------------------------------


def test_entry_html_keeps_its_shape() -> None:
    from reader.sources.feeds.html import to_text

    text, links = to_text(
        "<h2>Budget</h2><p>The <a href='/plan'>plan</a> passed.<br>Late at night.</p>"
        "<ul><li>Tax</li><li>Rail</li></ul><ol><li>First</li></ol><blockquote><p>We won.</p></blockquote>"
        "<pre>a  b\n  c</pre><img src='x.png' alt='The vote'><style>p {}</style><!-- note -->",
        "https://gov.example/news/1",
    )
    assert text == (
        "Budget\n\nThe plan [1] passed.\nLate at night.\n\n• Tax\n\n• Rail\n\n1. First\n\n> We won.\n\n"
        "a  b\n  c\n\n[image: The vote]\n\nLinks:\n[1] https://gov.example/plan"
    )
    assert links == ["https://gov.example/plan"]


def test_only_web_links_are_openable() -> None:
    from reader.articles import is_openable

    assert is_openable("https://example.org/a") and is_openable("http://example.org")
    for bad in ("javascript:alert(1)", "file:///etc/passwd", "data:text/html,x", "", None, "example.org"):
        assert not is_openable(bad)


# The commands ----------------------------------------------------------------------------------------------


def _run(capsys: pytest.CaptureFixture[str], *arguments: str) -> tuple[int, str, str]:
    from reader.cli.main import main

    try:
        status = main(list(arguments))
    except SystemExit as exit:  # argparse's own exits (bad arguments: 2)
        status = int(exit.code or 0)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_a_user_subscribes_refreshes_lists_exports_and_removes(
    httpserver: HTTPServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "reader.db")
    document = {"body": rss(("a", "Dock strike", "https://n.example/a", "<p>Dockers in Antwerp struck.</p>"))}
    httpserver.expect_request("/news.xml").respond_with_handler(lambda r: Response(document["body"]))
    httpserver.expect_request("/").respond_with_data(
        '<link rel="alternate" type="application/rss+xml" href="/news.xml">', content_type="text/html"
    )
    status, out, err = _run(capsys, "feeds", "add", httpserver.url_for("/"), "--db", db)
    assert status == 0 and err == ""
    where = f"{httpserver.url_for('/news.xml')}, found on {httpserver.url_for('/')}"
    assert out == f"Subscribed to Harbour News ({where}): 1 article.\n"
    assert _run(capsys, "feeds", "add", httpserver.url_for("/news.xml"), "--db", db)[1].startswith("Already subscribed")

    document["body"] = rss(
        ("a", "Dock strike", "https://n.example/a", "<p>Dockers in Antwerp struck.</p>"),
        ("b", "Strike ends", "https://n.example/b", "<p>The strike in Antwerp ended.</p>"),
    )
    status, out, err = _run(capsys, "refresh", "--db", db)
    assert status == 0 and out.startswith("1 feeds, 1 new articles, 0 failed in ")

    status, out, _ = _run(capsys, "feeds", "list", "--json", "--db", db)
    [listed] = json.loads(out)
    assert listed["url"] == httpserver.url_for("/news.xml") and listed["title"] == "Harbour News"
    assert (listed["entries"], listed["unread"], listed["last_error"]) == (2, 2, None)
    assert listed["last_fetched"] is not None

    status, out, _ = _run(capsys, "export", "--json", "--db", db)
    exported = json.loads(out)
    assert [(a["title"], a["feed"], a["link"]) for a in exported["articles"]] == [
        ("Strike ends", httpserver.url_for("/news.xml"), "https://n.example/b"),
        ("Dock strike", httpserver.url_for("/news.xml"), "https://n.example/a"),
    ]
    assert any(name["name"] == "Antwerp" for name in exported["names"])

    status, out, _ = _run(capsys, "feeds", "export", "--db", db)
    assert status == 0 and f'xmlUrl="{httpserver.url_for("/news.xml")}"' in out and out.startswith("<?xml")

    assert _run(capsys, "feeds", "remove", httpserver.url_for("/news.xml"), "--db", db)[0] == 0
    status, out, _ = _run(capsys, "feeds", "list", "--json", "--db", db)
    assert json.loads(out) == []


def test_import_reads_opml_folders_as_tags_and_newsboat_urls(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "reader.db")
    opml = tmp_path / "subs.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="1.0"><head><title>mine</title></head><body>'
        '<outline text="World"><outline text="Wire" xmlUrl="https://wire.example/rss"/></outline>'
        '<outline text="Loose" type="rss" xmlUrl="https://loose.example/atom"/>'
        '<outline text="Local" xmlUrl="file:///etc/passwd"/></body></opml>'
    )
    status, out, err = _run(capsys, "feeds", "import", str(opml), "--db", db)
    assert status == 0 and out.startswith("Imported 2 feeds; 1 skipped.")
    assert "file:///etc/passwd" in err
    urls = tmp_path / "urls"
    urls.write_text(
        '# mine\nhttps://wire.example/rss world\nhttps://blog.example/feed "tech news" "~My Blog"\n'
        '"query:Unread:unread = \\"yes\\""\n'
    )
    status, out, _ = _run(capsys, "feeds", "import", str(urls), "--db", db)
    assert status == 0 and out.startswith("Imported 1 feed (1 already subscribed).")
    subscriptions = Subscriptions.open(Path(db))
    feeds = {feed.url: (feed.title, feed.tags) for feed in subscriptions.feeds()}
    subscriptions.close()
    assert feeds == {
        "https://wire.example/rss": ("Wire", "World"),
        "https://loose.example/atom": ("Loose", ""),
        "https://blog.example/feed": ("My Blog", "tech news"),
    }
    status, out, _ = _run(capsys, "feeds", "export", "--db", db)
    again = tmp_path / "again.opml"
    again.write_text(out)
    fresh = str(tmp_path / "fresh.db")
    assert _run(capsys, "feeds", "import", str(again), "--db", fresh)[1].startswith("Imported 3 feeds.")


@pytest.mark.parametrize(
    ("arguments", "status", "message"),
    [
        (["feeds", "remove", "https://nowhere.example/rss"], 1, "not subscribed"),
        (["feeds", "add", "ftp://files.example/rss"], 1, "only http, https and file://"),
        (["feeds", "import", "/no/such/file.opml"], 1, "cannot be read"),
        (["feeds", "frobnicate"], 2, "invalid choice"),
        (["refresh"], 1, "no feeds are subscribed"),
    ],
)
def test_commands_fail_with_a_message_and_no_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], arguments: list[str], status: int, message: str
) -> None:
    code, _, err = _run(capsys, *arguments, "--db", str(tmp_path / "reader.db"))
    assert code == status and message in err and "Traceback" not in err


def test_adding_an_address_that_is_no_feed_says_so(
    httpserver: HTTPServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    httpserver.expect_request("/page").respond_with_data(
        "<html><body>No feed here</body></html>", content_type="text/html"
    )
    status, _, err = _run(capsys, "feeds", "add", httpserver.url_for("/page"), "--db", str(tmp_path / "r.db"))
    assert status == 1 and "no feed is named on it" in err
    httpserver.expect_request("/missing").respond_with_data("gone fishing", status=404)
    status, _, err = _run(capsys, "feeds", "add", httpserver.url_for("/missing"), "--db", str(tmp_path / "r.db"))
    assert status == 1 and "404" in err


# Issue 23: no feed, setting or full disk stops a refresh --------------------------------------------------


def test_a_date_out_of_range_in_utc_leaves_the_entry_undated_and_the_refresh_goes_on(
    httpserver: HTTPServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dated = RSS.format(
        items="".join(
            f"<item><title>{title}</title><guid>{guid}</guid><pubDate>{date}</pubDate>"
            f"<description>{title} text.</description></item>"
            for guid, title, date in (
                ("a", "Dawn of time", "0001-01-01T00:00:00+05:00"),
                ("b", "End of time", "9999-12-31T23:59:59-23:59"),
                ("c", "Ordinary day", "Tue, 03 Mar 2026 21:15:00 -0500"),
            )
        )
    )
    httpserver.expect_request("/a-dated").respond_with_data(dated)
    httpserver.expect_request("/b-plain").respond_with_data(rss(("p", "After it", "https://p.example/p", "<p>x</p>")))
    db = str(tmp_path / "reader.db")
    status, out, err = _run(capsys, "feeds", "add", httpserver.url_for("/a-dated"), "--db", db)
    assert status == 0 and "Traceback" not in err and ": 3 articles." in out
    subscribe_to(Path(db), httpserver.url_for("/b-plain"))
    status, out, err = _run(capsys, "refresh", "--db", db)
    assert status == 0 and err == "" and out.startswith("2 feeds, 1 new articles, 0 failed")
    titles = {a.title: a.published for a in articles(Path(db))}
    assert set(titles) == {"Dawn of time", "End of time", "Ordinary day", "After it"}
    assert titles["Ordinary day"] is not None and titles["Ordinary day"].year == 2026


def test_one_feeds_unexpected_fault_is_its_own_error_and_the_other_feeds_are_kept(
    httpserver: HTTPServer, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reader.sources.feeds import subscriptions as kept

    real = kept.Subscriptions.store

    def store(self, feed, *arguments):  # type: ignore[no-untyped-def]
        if feed.url.endswith("/bad"):
            raise RuntimeError("a fault nobody foresaw")
        return real(self, feed, *arguments)

    monkeypatch.setattr(kept.Subscriptions, "store", store)
    for name in ("bad", "good1", "good2"):
        httpserver.expect_request(f"/{name}").respond_with_data(
            rss((name, f"Story {name}", f"https://s.example/{name}", "<p>x</p>"))
        )
        subscribe_to(db, httpserver.url_for(f"/{name}"))
    report = refresh(db)
    assert sorted(a.title for a in articles(db)) == ["Story good1", "Story good2"]
    assert [(u, "a fault nobody foresaw" in r) for u, r in report.failed] == [(httpserver.url_for("/bad"), True)]
    assert "a fault nobody foresaw" in str(feed_row(db, httpserver.url_for("/bad"))["error"])


def test_opml_nested_5000_folders_deep_is_read_without_recursion(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    depth = 5000
    opml = tmp_path / "deep.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><body>'
        + "".join(f'<outline text="f{i}">' for i in range(depth))
        + '<outline text="Deep" xmlUrl="https://deep.example/rss"/>'
        + "</outline>" * depth
        + '<outline text="After" xmlUrl="https://after.example/rss"/></body></opml>'
    )
    status, out, err = _run(capsys, "feeds", "import", str(opml), "--db", str(tmp_path / "reader.db"))
    assert status == 0 and "Traceback" not in err and out.startswith("Imported 2 feeds.")
    from reader.sources.feeds.opml import read_opml

    deep, after = read_opml(opml.read_text())
    assert (deep.url, deep.tags[:2], len(deep.tags)) == ("https://deep.example/rss", ("f0", "f1"), depth)
    assert (after.url, after.tags) == ("https://after.example/rss", ())


def test_one_surrogate_reference_in_one_title_loses_that_character_only(httpserver: HTTPServer, db: Path) -> None:
    document = rss(
        ("a", "Broken PLACEHOLDER title", "https://s.example/a", "<p>One.</p>"),
        ("b", "Fine title", "https://s.example/b", "<p>Two.</p>"),
    ).replace("PLACEHOLDER", "&#xD800;&#55296;&#xFFFE;")
    httpserver.expect_request("/feed").respond_with_data(document)
    subscribe_to(db, httpserver.url_for("/feed"))
    assert refresh(db).failed == []
    assert sorted(a.title for a in articles(db)) == ["Broken title", "Fine title"]


def test_a_json_feed_with_a_utf8_byte_order_mark_is_read(httpserver: HTTPServer, db: Path) -> None:
    document = json.dumps(
        {"version": "https://jsonfeed.org/version/1.1", "title": "Marked", "items": [
            {"id": "1", "title": "Café opens", "content_text": "A café opened.", "url": "https://j.example/1"}
        ]}
    )
    httpserver.expect_request("/feed.json").respond_with_data(
        b"\xef\xbb\xbf" + document.encode("utf-8"), content_type="application/feed+json"
    )
    subscribe_to(db, httpserver.url_for("/feed.json"))
    assert refresh(db).failed == []
    assert [a.title for a in articles(db)] == ["Café opens"]


@pytest.mark.parametrize("sent", ["²".encode(), "²".encode("latin-1"), "١٢".encode()])
def test_a_retry_after_that_is_not_ascii_digits_is_no_wait_and_no_url_error(
    httpserver: HTTPServer, db: Path, sent: bytes
) -> None:
    value = sent.decode("latin-1")  # werkzeug sends a header's characters as Latin-1 bytes
    httpserver.expect_request("/feed").respond_with_response(Response(status=503, headers={"Retry-After": value}))
    url = httpserver.url_for("/feed")
    subscribe_to(db, url)
    [(failed, reason)] = refresh(db).failed
    assert failed == url and reason.startswith("HTTP 503") and "URL" not in reason
    assert feed_row(db, url)["retry_at"] is None


def test_relative_entry_links_are_resolved_against_the_feed_and_xml_base(httpserver: HTTPServer, db: Path) -> None:
    from reader.articles import is_openable

    atom = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Relative</title><id>urn:r</id><updated>2026-03-02T10:00:00Z</updated>
<entry><id>urn:r:1</id><title>Own page</title><link href="/news/1"/><updated>2026-03-02T10:00:00Z</updated>
<content type="html">&lt;p&gt;See &lt;a href="more"&gt;more&lt;/a&gt;.&lt;/p&gt;</content></entry>
<entry xml:base="https://base.example/archive/"><id>urn:r:2</id><title>Based</title><link href="2.html"/>
<updated>2026-03-02T10:00:00Z</updated><content type="text">Text.</content></entry>
</feed>"""
    httpserver.expect_request("/feeds/atom.xml").respond_with_data(atom, content_type="application/atom+xml")
    subscribe_to(db, httpserver.url_for("/feeds/atom.xml"))
    assert refresh(db).failed == []
    links = {a.title: a.link for a in articles(db)}
    assert links == {"Own page": httpserver.url_for("/news/1"), "Based": "https://base.example/archive/2.html"}
    assert all(is_openable(link) for link in links.values())
    [own] = [a for a in articles(db) if a.title == "Own page"]
    assert own.body.endswith(f"[1] {httpserver.url_for('/news/more')}")


def test_a_link_holding_a_newline_or_cr_never_reaches_the_browser_as_it_is(httpserver: HTTPServer, db: Path) -> None:
    from reader.articles import is_openable

    document = rss(("a", "Split link", "https://s.example/a\r\nX-Injected: 1", "<p>x</p>"))
    httpserver.expect_request("/feed").respond_with_data(document.replace("\r\n", "&#13;&#10;"))
    subscribe_to(db, httpserver.url_for("/feed"))
    refresh(db)
    [article] = articles(db)
    assert article.link is None or not any(c in article.link for c in "\r\n")
    for bad in ("https://s.example/a\nb", "https://s.example/a\rb", "https://s.example/\x1b[2Ja"):
        assert not is_openable(bad)


def test_an_entry_of_100000_nested_divs_is_read_in_bounded_work_keeping_its_text(
    httpserver: HTTPServer, db: Path
) -> None:
    from reader.sources.feeds.html import to_text

    depth = 100_000
    html = '<div class="x">' * depth + "<p>The deep text.</p>" + "</div>" * depth + "<p>After it.</p>"
    assert len(html) > 2_000_000
    started = time.process_time()
    text, _ = to_text(html)
    took = time.process_time() - started
    assert text == "The deep text.\n\nAfter it." and took < 5, took  # 26 s of CPU before the bound
    httpserver.expect_request("/deep").respond_with_data(rss(("d", "Deep", "https://d.example/", html)))
    subscribe_to(db, httpserver.url_for("/deep"))
    assert refresh(db).failed == []
    assert [a.body for a in articles(db)] == ["The deep text.\n\nAfter it."]


def test_waiting_for_a_connection_to_a_busy_host_is_not_timed(db: Path) -> None:
    def slow(request: Request) -> Response:
        time.sleep(0.3)
        return Response(rss((request.path, f"Story {request.path}", f"https://b.example{request.path}", "<p>x</p>")))

    server = HTTPServer(threaded=True)
    server.start()
    try:
        for number in range(40):
            server.expect_request(f"/f{number}").respond_with_handler(slow)
            subscribe_to(db, server.url_for(f"/f{number}"))
        # 40 feeds, 4 at a time: 3 s of queueing, where each request alone takes 0.3 s of a 2 s limit
        report = refresh(db, settings=FetchSettings(total_timeout=2, connect_timeout=1, per_host=4))
    finally:
        server.clear()
        server.stop()
    assert report.failed == [] and report.new == 40


def test_a_connect_timeout_names_the_connect_limit() -> None:
    import asyncio

    import aiohttp

    from reader.sources.feeds.fetch import Fetcher

    async def fetch() -> str | None:
        fetcher = Fetcher(FetchSettings(connect_timeout=0.2, total_timeout=5))
        try:

            async def refused(*arguments: object, **options: object) -> object:
                raise aiohttp.ConnectionTimeoutError("Connection timeout to host")

            fetcher._session._request = refused  # type: ignore[method-assign]
            return (await fetcher.fetch("http://slow.example/feed")).error
        finally:
            await fetcher.close()

    error = asyncio.run(fetch())
    assert error == "timed out connecting (no connection within 0.2 s)"


def test_a_full_disk_stops_the_refresh_cleanly_saying_so_and_loses_nothing(
    httpserver: HTTPServer, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "reader.db"
    ReadState.open(db).close()
    documents: dict[str, str] = {}
    for name in ("a", "b", "c"):
        documents[name] = rss((f"{name}1", f"First {name}", f"https://{name}.example/1", "<p>First.</p>"))
        httpserver.expect_request(f"/{name}").respond_with_handler(lambda r, name=name: Response(documents[name]))
        subscribe_to(db, httpserver.url_for(f"/{name}"))
    refresh(db)
    kept = entries(db)
    state = ReadState.open(db)
    state.mark([kept[0][1]], True)
    state.close()
    for name in documents:
        documents[name] = rss(
            *[(f"{name}{i}", f"Story {name}{i}", f"https://{name}.example/{i}", "<p>" + "word " * 400 + "</p>")
              for i in range(1, 30)]
        )
    opened = Subscriptions.open

    def full(path: Path) -> Subscriptions:  # the disk has no page more to give
        subscriptions = opened(path)
        count = subscriptions._connection.execute("PRAGMA page_count").fetchone()[0]
        subscriptions._connection.execute(f"PRAGMA max_page_count = {count}")
        return subscriptions

    monkeypatch.setattr(Subscriptions, "open", full)
    status, out, err = _run(capsys, "refresh", "--db", str(db))
    assert status == 1 and "Traceback" not in err
    assert "disk is full" in err and "stopped" in err, err
    httpserver.expect_request("/d").respond_with_data(documents["a"].replace("a.example", "d.example"))
    status, out, err = _run(capsys, "feeds", "add", httpserver.url_for("/d"), "--db", str(db))
    assert status == 1 and "disk is full" in err and "Traceback" not in err, err
    monkeypatch.setattr(Subscriptions, "open", opened)
    assert entries(db) == kept, "nothing kept is lost or half-written"
    state = ReadState.open(db)
    assert state.is_read(kept[0][1])
    state.close()


FIVE_ON_THE_HOME_PAGE = [
    (f"urn:story:{i}", f"Story {i}", "https://site.example/", f"<p>Text of story {i}.</p>") for i in range(1, 6)
]


def test_entries_with_their_own_guids_sharing_a_link_are_each_an_article(
    httpserver: HTTPServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    httpserver.expect_request("/feed").respond_with_data(rss(*FIVE_ON_THE_HOME_PAGE))
    httpserver.expect_request("/other").respond_with_data(
        rss(("urn:story:1", "Another feed's story 1", "https://site.example/", "<p>Not the same story.</p>"))
    )
    db = str(tmp_path / "reader.db")
    status, out, _ = _run(capsys, "feeds", "add", httpserver.url_for("/feed"), "--db", db)
    assert status == 0 and ": 5 articles." in out
    assert _run(capsys, "feeds", "add", httpserver.url_for("/other"), "--db", db)[0] == 0
    assert sorted(a.title for a in articles(Path(db))) == [
        "Another feed's story 1", "Story 1", "Story 2", "Story 3", "Story 4", "Story 5"
    ], "one feed's entry never hides another's"
    status, out, _ = _run(capsys, "feeds", "list", "--json", "--db", db)
    assert sorted((f["entries"], f["unread"]) for f in json.loads(out)) == [(1, 1), (5, 5)]


def test_a_database_that_merged_entries_by_their_link_parts_them_keeping_the_read_mark(
    httpserver: HTTPServer, db: Path
) -> None:
    import hashlib

    url = httpserver.url_for("/feed")
    subscribe_to(db, url)
    shared = hashlib.blake2b(b"link\nhttps://site.example/", digest_size=8).hexdigest()  # as the reader gave
    with sqlite3.connect(db) as connection:
        feed = connection.execute("SELECT id FROM feeds").fetchone()[0]
        connection.executemany(
            "INSERT INTO entries (feed, key, article_id, link, title, published, body, digest, seen_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (feed, guid, shared, link, title, "2026-03-03T21:15:00-05:00", f"Text of story {i + 1}.", "old", i)
                for i, (guid, title, link, _) in enumerate(FIVE_ON_THE_HOME_PAGE)
            ],
        )
    state = ReadState.open(db)
    state.mark([shared], True)
    state.close()
    assert len(articles(db)) == 1, "as the issue found it"
    httpserver.expect_request("/feed").respond_with_data(rss(*FIVE_ON_THE_HOME_PAGE))
    report = refresh(db)
    assert report.failed == []
    parted = articles(db)
    assert sorted(a.title for a in parted) == [f"Story {i}" for i in range(1, 6)]
    assert shared in {a.id for a in parted}, "the first keeps its id"
    state = ReadState.open(db)
    assert all(state.is_read(a.id) for a in parted), "the read mark covers every one, as it did"
    state.close()
    assert len(entries(db)) == 5
    assert refresh(db).new == 0, "parted once"


def test_an_entry_whose_guid_changes_every_fetch_is_recognised_by_its_content(
    httpserver: HTTPServer, db: Path
) -> None:
    fetches = [0]

    def handler(request: Request) -> Response:
        fetches[0] += 1
        return Response(
            RSS.format(
                items=f"<item><title>Tide tables</title><guid>urn:uuid:{fetches[0]}</guid>"
                "<description>High water at 06:12.</description></item>"
                f"<item><title>Fresh {fetches[0]}</title><guid>fresh-{fetches[0]}</guid>"
                f"<description>New each time {fetches[0]}.</description></item>"
            )
        )

    httpserver.expect_request("/feed").respond_with_handler(handler)
    subscribe_to(db, httpserver.url_for("/feed"))
    first = refresh(db)
    assert [a.title for a in articles(db) if a.title == "Tide tables"] == ["Tide tables"]
    tide = next(a.id for a in articles(db) if a.title == "Tide tables")
    state = ReadState.open(db)
    state.mark([tide], True)
    state.close()
    for _ in range(3):
        assert refresh(db).new == 1, "only the genuinely new entry is new"
    assert first.new == 2
    titles = [a.title for a in articles(db)]
    assert titles.count("Tide tables") == 1 and len(entries(db)) == 5
    state = ReadState.open(db)
    subscriptions = Subscriptions.open(db)
    counts = subscriptions.counts(state.read_ids)
    subscriptions.close()
    state.close()
    assert counts[httpserver.url_for("/feed")] == (5, 4), "the read copy stays read"


def test_what_a_feed_no_longer_carries_goes_after_the_retention_keeping_starred(
    httpserver: HTTPServer, db: Path
) -> None:
    documents = [
        rss(*[(g, f"Story {g}", f"https://r.example/{g}", "<p>x</p>") for g in ("old", "starred", "now")]),
        rss(("now", "Story now", "https://r.example/now", "<p>x</p>")),
    ]
    httpserver.expect_request("/feed").respond_with_handler(lambda r: Response(documents[0]))
    subscribe_to(db, httpserver.url_for("/feed"))
    refresh(db)
    starred = next(a.id for a in articles(db) if a.title == "Story starred")
    state = ReadState.open(db)
    state.star([starred], True)
    state.close()
    documents.pop(0)
    refresh(db, settings=FetchSettings(keep_days=30))
    assert len(entries(db)) == 3, "nothing goes before the retention is over"
    with sqlite3.connect(db) as connection:  # 40 days on
        connection.execute("UPDATE entries SET seen_at = seen_at - 40 * 86400")
    refresh(db, settings=FetchSettings(keep_days=0))
    assert len(entries(db)) == 3, "0 keeps everything"
    refresh(db, settings=FetchSettings(keep_days=30))
    assert sorted(a.title for a in articles(db)) == ["Story now", "Story starred"]


def test_a_urls_files_tilde_title_names_the_feed_and_a_refresh_keeps_it(
    httpserver: HTTPServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    httpserver.expect_request("/feed").respond_with_data(rss(("g1", "Dock strike", "https://h.example/1", "<p>x</p>")))
    httpserver.expect_request("/plain").respond_with_data(rss(("g2", "Ferry", "https://h.example/2", "<p>y</p>")))
    db = str(tmp_path / "reader.db")
    urls = tmp_path / "urls"
    urls.write_text(f'{httpserver.url_for("/feed")} news "~My Harbour"\n{httpserver.url_for("/plain")}\n')
    assert _run(capsys, "feeds", "import", str(urls), "--db", db)[0] == 0
    refresh(Path(db))
    subscriptions = Subscriptions.open(Path(db))
    titles = {feed.url.rsplit("/", 1)[-1]: feed.title for feed in subscriptions.feeds()}
    subscriptions.close()
    assert titles == {"feed": "My Harbour", "plain": "Harbour News"}  # the feed's own title where none was given


def test_a_file_feed_is_subscribed_read_and_refreshed_from_this_machine(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = tmp_path / "local.xml"
    feed.write_text(rss(("g1", "Dock strike", "https://h.example/1", "<p>Dockers struck.</p>")))
    db = str(tmp_path / "reader.db")
    status, out, err = _run(capsys, "feeds", "add", str(feed), "--db", db)
    assert status == 0, err
    urls = tmp_path / "urls"
    urls.write_text(f"{feed.as_uri()}\nfile:///nowhere/feed.xml\n")
    assert _run(capsys, "feeds", "import", str(urls), "--db", db)[0] == 0
    feed.write_text(rss(("g1", "Dock strike", "https://h.example/1", "<p>Dockers struck.</p>"),
                        ("g2", "Ferry cancelled", "https://h.example/2", "<p>No ferry.</p>")))
    report = refresh(Path(db))
    assert report.new == 1
    assert [reason for _, reason in report.failed] == ["cannot be read (No such file or directory)"]
    state = Subscriptions.open(Path(db))
    assert sorted(a.title for batch in state.articles() for a in batch.articles) == ["Dock strike", "Ferry cancelled"]
    state.close()

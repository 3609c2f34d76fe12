"""The older and odder feed forms, each read through a real refresh from a loopback HTTP server: what
feedparser (the field's standard parser) reads of them, the reader keeps. Every fixture is written here."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from reader.sources.feeds.refresh import refresh
from reader.sources.feeds.subscriptions import Subscriptions
from reader.storage.read_marks import ReadState

XHTML = 'xmlns="http://www.w3.org/1999/xhtml"'
ATOM = '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"{attributes}>'
ATOM_HEAD = "<title>Forms</title><id>urn:forms</id><updated>2026-03-02T10:00:00Z</updated>"


def atom(entry: str, attributes: str = "") -> str:
    return ATOM.format(attributes=attributes) + ATOM_HEAD + f"<entry>{entry}</entry></feed>"


ATOM_XHTML = atom(
    f'<id>urn:forms:1</id><title type="xhtml"><div {XHTML}>Example <b>Atom</b></div></title>'
    '<link href="https://forms.example/1"/><updated>2026-03-02T10:00:00Z</updated>'
    f'<summary type="xhtml"><div {XHTML}>A <i>short</i> summary.</div></summary>'
    f'<content type="xhtml"><div {XHTML}><p>The port of Lisbon reopened.</p><p>Ships came in.</p></div></content>'
)

ATOM_XHTML_SUMMARY = atom(
    '<id>urn:forms:2</id><title>Summary only</title><link href="https://forms.example/2"/>'
    f'<updated>2026-03-02T10:00:00Z</updated><summary type="xhtml"><div {XHTML}>Talks <em>resumed</em> in Delhi.'
    "</div></summary>"
)

ATOM_MODE_XML = """<?xml version="1.0" encoding="utf-8"?><feed version="0.3" xmlns="http://purl.org/atom/ns#">
<title>Old mode</title><entry><id>urn:mode:1</id>
<title mode="xml" type="application/xhtml+xml"><div xmlns="http://www.w3.org/1999/xhtml">Old <b>form</b></div></title>
<link rel="alternate" type="text/html" href="https://mode.example/1"/><issued>2026-03-01T09:00:00Z</issued>
<content type="application/xhtml+xml" mode="xml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Rain fell in Bergen.</p>
</div></content></entry></feed>"""

ATOM_03_BASE64 = """<?xml version="1.0" encoding="utf-8"?><feed version="0.3" xmlns="http://purl.org/atom/ns#">
<title>Atom Old</title><entry><title>Rain falls</title><link rel="alternate" type="text/html" href="https://a03.example/1"/>
<id>tag:a03.example,2026:1</id><issued>2026-03-01T09:00:00+02:00</issued>
<content type="text/html" mode="base64">PHA+UmFpbiBmZWxsIGluIE9zbG8gYWxsIGRheS48L3A+</content></entry></feed>"""

RSS_XHTML_BODY = """<?xml version="1.0"?><rss version="2.0" xmlns:xhtml="http://www.w3.org/1999/xhtml"><channel>
<title>Bodies</title><link>https://body.example/</link><item><title>Harbour news</title><guid>b1</guid>
<link>https://body.example/b1</link><xhtml:body><xhtml:p>The harbour of Genoa was dredged.</xhtml:p></xhtml:body>
</item></channel></rss>"""

RSS_BODY = """<?xml version="1.0"?><rss version="2.0"><channel><title>Bodies</title><link>https://body.example/</link>
<item><title>Canal news</title><guid>b2</guid><link>https://body.example/b2</link>
<body xmlns="http://www.w3.org/1999/xhtml"><p>The canal at Kiel reopened.</p></body></item></channel></rss>"""

RSS_090 = """<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
 xmlns="http://my.netscape.com/rdf/simple/0.9/"><channel><title>Old Net</title><link>https://n90.example/</link>
<description>News</description></channel><item><title>Ninety item</title><link>https://n90.example/1</link></item>
</rdf:RDF>"""

RSS_091 = """<?xml version="1.0"?><rss version="0.91"><channel><title>N</title><link>https://n91.example/</link>
<description>News</description></channel><item><title>Item 91</title><link>https://n91.example/91</link>
<description>A bridge opened in Porto.</description></item></rss>"""

RSS_10 = """<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
 xmlns="http://purl.org/rss/1.0/" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/"><channel rdf:about="https://one.example/"><title>One</title>
<link>https://one.example/</link></channel><item rdf:about="https://one.example/a"><title>Port reopens</title>
<link>https://one.example/a</link><dc:date>2026-03-02T08:00:00+01:00</dc:date>
<content:encoded><![CDATA[<p>The port of Lisbon reopened on Monday.</p>]]></content:encoded></item></rdf:RDF>"""

RSS_UPPER = """<?xml version="1.0"?><RSS VERSION="0.91"><CHANNEL><TITLE>Upper</TITLE><LINK>https://u.example/</LINK>
<ITEM><TITLE>Shouting item</TITLE><LINK>https://u.example/1</LINK><DESCRIPTION>Loud text.</DESCRIPTION></ITEM>
</CHANNEL></RSS>"""

XML_BASE = atom(
    '<id>urn:b:1</id><title>Based</title><link href="one.html"/><updated>2026-03-02T10:00:00Z</updated>'
    '<content type="html" xml:base="https://img.example/gallery/"><![CDATA[<p>See <a href="pic.html">the picture</a>.'
    "</p>]]></content>",
    ' xml:base="https://base.example/blog/"',
)

XML_LANG = atom(
    f'<id>urn:l:1</id><title type="xhtml" xml:lang="de"><div {XHTML}>Guten <b>Tag</b></div></title>'
    '<link href="https://lang.example/1"/><updated>2026-03-02T10:00:00Z</updated>'
    f'<content type="xhtml"><div {XHTML}><p>Bonjour, Lyon.</p></div></content>',
    ' xml:lang="fr"',
)

CDF = """<?xml version="1.0"?><CHANNEL HREF="https://cdf.example/" BASE="https://cdf.example/"><TITLE>CDF</TITLE>
<ABSTRACT>Channel</ABSTRACT><ITEM HREF="https://cdf.example/1" LASTMOD="2026-03-01T09:00"><TITLE>CDF item</TITLE>
<ABSTRACT>A channel of the old kind.</ABSTRACT></ITEM></CHANNEL>"""


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "reader.db"
    ReadState.open(path).close()
    return path


def read_through_refresh(httpserver: HTTPServer, db: Path, document: str, kind: str) -> list:  # type: ignore[type-arg]
    """Serve `document`, subscribe, refresh: the articles kept."""
    httpserver.expect_request("/feed").respond_with_data(document.encode("utf-8"), content_type=kind)
    subscriptions = Subscriptions.open(db)
    try:
        subscriptions.add(httpserver.url_for("/feed"), None)
    finally:
        subscriptions.close()
    report = refresh(db)
    assert report.failed == []
    subscriptions = Subscriptions.open(db)
    try:
        return [article for batch in subscriptions.articles() for article in batch.articles]
    finally:
        subscriptions.close()


@pytest.mark.parametrize(
    ("document", "kind", "title", "body", "link"),
    [
        (ATOM_XHTML, "application/atom+xml", "Example Atom", "The port of Lisbon reopened.\n\nShips came in.",
         "https://forms.example/1"),
        (ATOM_XHTML_SUMMARY, "application/atom+xml", "Summary only", "Talks resumed in Delhi.",
         "https://forms.example/2"),
        (ATOM_MODE_XML, "application/atom+xml", "Old form", "Rain fell in Bergen.", "https://mode.example/1"),
        (ATOM_03_BASE64, "application/atom+xml", "Rain falls", "Rain fell in Oslo all day.", "https://a03.example/1"),
        (RSS_XHTML_BODY, "application/rss+xml", "Harbour news", "The harbour of Genoa was dredged.",
         "https://body.example/b1"),
        (RSS_BODY, "application/rss+xml", "Canal news", "The canal at Kiel reopened.", "https://body.example/b2"),
        (RSS_090, "application/rdf+xml", "Ninety item", "Ninety item", "https://n90.example/1"),
        (RSS_091, "application/rss+xml", "Item 91", "A bridge opened in Porto.", "https://n91.example/91"),
        (RSS_10, "application/rdf+xml", "Port reopens", "The port of Lisbon reopened on Monday.",
         "https://one.example/a"),
        (RSS_UPPER, "application/rss+xml", "Shouting item", "Loud text.", "https://u.example/1"),
        (XML_BASE, "application/atom+xml", "Based",
         "See the picture [1].\n\nLinks:\n[1] https://img.example/gallery/pic.html",
         "https://base.example/blog/one.html"),
        (XML_LANG, "application/atom+xml", "Guten Tag", "Bonjour, Lyon.", "https://lang.example/1"),
        (CDF, "application/xml", "CDF item", "A channel of the old kind.", "https://cdf.example/1"),
    ],
    ids=[
        "atom-xhtml-title-and-content", "atom-xhtml-summary", "atom-mode-xml", "atom-0.3-base64", "rss-xhtml-body",
        "rss-body", "rss-0.90", "rss-0.91-items-after-channel", "rss-1.0-content-encoded", "rss-upper-case-channel",
        "xml-base-of-the-text", "xml-lang-inherited", "cdf",
    ],
)
def test_a_form_feedparser_reads_is_kept_with_its_text(
    httpserver: HTTPServer, db: Path, document: str, kind: str, title: str, body: str, link: str
) -> None:
    [article] = read_through_refresh(httpserver, db, document, kind)
    assert (article.title, article.body, article.link) == (title, body, link)


def test_a_date_read_by_feedparser_keeps_the_feeds_offset(httpserver: HTTPServer, db: Path) -> None:
    dated = RSS_UPPER.replace("</DESCRIPTION>", "</DESCRIPTION><PUBDATE>Tue, 03 Mar 2026 21:15:00 -0500</PUBDATE>")
    read_through_refresh(httpserver, db, dated, "application/rss+xml")
    with sqlite3.connect(db) as connection:
        [(published,)] = connection.execute("SELECT published FROM entries").fetchall()
    assert published == "2026-03-03T21:15:00-05:00"

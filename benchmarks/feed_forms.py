"""How many of a corpus of old and odd feeds the reader reads, and how fast, beside feedparser.

    python3 -m benchmarks.feed_forms [--feeds 390] [--seed 28]

Writes feeds of 26 forms (RSS 0.90, 0.91, 1.0 and 2.0 in their variants, upper-case RSS, CDF, Atom 0.3 and
1.0 with xhtml, base64, xml:base and xml:lang, JSON Feed with and without a byte order mark, broken
entities, Windows-1252) of 1-20 Reuters-21578 stories each, serves them from a threaded HTTP server on
loopback, fetches each once with the reader's fetcher, and reads every document three ways:

- fastfeedparser alone (the reader before issue 28),
- feedparser alone (the field's standard),
- the reader (`parse_feed`: fastfeedparser, with feedparser for the forms it misreads).

For each it prints the feeds in which feedparser finds an entry with text that the way keeps entries of,
the entries kept with their text, and the milliseconds a feed (best of 3 reads of the corpus); then the
same for the 400-feed RSS 2.0 corpus of `benchmarks.feeds`, which must stay on the fast path.
Skipped when `../shared/data/` is absent.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import gzip
import html
import json
import random
import time
from collections.abc import Callable
from email.utils import format_datetime

from benchmarks.archives import REUTERS
from benchmarks.feeds import serve
from reader.sources.feeds import parse
from reader.sources.feeds.fetch import Fetched, Fetcher
from reader.sources.feeds.refresh import read_document

Story = dict[str, str]
XHTML = "http://www.w3.org/1999/xhtml"


def _paragraphs(story: Story) -> list[str]:
    return [" ".join(part.split()) for part in story["body"].split("\n    ") if part.strip()]


def _html(story: Story) -> str:
    return "".join(f"<p>{html.escape(part)}</p>" for part in _paragraphs(story))


def _rfc822(number: int) -> str:
    from datetime import UTC, datetime, timedelta

    return format_datetime(datetime(2026, 3, 1, tzinfo=UTC) + timedelta(hours=number))


def _iso(number: int) -> str:
    return f"2026-03-{1 + number % 28:02d}T{number % 24:02d}:00:00+02:00"


def _e(text: str) -> str:
    return html.escape(text, quote=True)


# Each form: (stories, feed number) -> (document, content type)
def rss2(stories: list[Story], n: int, item: Callable[[Story, int, int], str], head: str = "") -> str:
    items = "".join(item(story, n, i) for i, story in enumerate(stories))
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"{head}><channel><title>Wire {n}</title>'
        f"<link>https://wire{n}.example/</link><description>News</description>{items}</channel></rss>"
    )


def _rss_description(s: Story, n: int, i: int) -> str:
    return (
        f"<item><title>{_e(s['title'])}</title><link>https://wire{n}.example/{i}</link><guid>w{n}-{i}</guid>"
        f"<pubDate>{_rfc822(i)}</pubDate><description>{_e(_html(s))}</description></item>"
    )


def _rss_encoded(s: Story, n: int, i: int) -> str:
    return (
        f"<item><title>{_e(s['title'])}</title><link>https://wire{n}.example/{i}</link>"
        f"<description>{_e(_paragraphs(s)[0][:80])}</description>"
        f"<content:encoded><![CDATA[{_html(s)}]]></content:encoded><dc:date>{_iso(i)}</dc:date></item>"
    )


def _rss_title_only(s: Story, n: int, i: int) -> str:
    return f"<item><title>{_e(s['title'])}</title><link>https://wire{n}.example/{i}</link></item>"


def _rss_xhtml_body(s: Story, n: int, i: int) -> str:
    paragraphs = "".join(f"<xhtml:p>{_e(p)}</xhtml:p>" for p in _paragraphs(s))
    return (
        f"<item><title>{_e(s['title'])}</title><link>https://wire{n}.example/{i}</link>"
        f"<xhtml:body>{paragraphs}</xhtml:body></item>"
    )


def _rss_body(s: Story, n: int, i: int) -> str:
    return (
        f"<item><guid>w{n}-{i}</guid><link>https://wire{n}.example/{i}</link>"
        f'<body xmlns="{XHTML}">{_html(s)}</body></item>'
    )


def _rss_media(s: Story, n: int, i: int) -> str:
    return (
        f"<item><title>{_e(s['title'])}</title><link>https://wire{n}.example/{i}</link>"
        f'<media:content url="https://img.example/{i}.jpg"/><dc:creator>Reuters</dc:creator>'
        f"<description><![CDATA[{_html(s)}]]></description></item>"
    )


def _rss_nbsp(s: Story, n: int, i: int) -> str:  # an HTML entity XML does not know, unescaped: broken XML
    return (
        f"<item><title>{_e(s['title'])}&nbsp;</title><link>https://wire{n}.example/{i}</link>"
        f"<description>{_e(_paragraphs(s)[0])}&nbsp;&mdash; more</description></item>"
    )


def _rss091(stories: list[Story], n: int, after: bool) -> str:
    items = "".join(
        f"<item><title>{_e(s['title'])}</title><link>https://old{n}.example/{i}</link>"
        f"<description>{_e(' '.join(_paragraphs(s)))}</description></item>"
        for i, s in enumerate(stories)
    )
    head = f"<title>Old {n}</title><link>https://old{n}.example/</link><description>News</description>"
    channel = f"<channel>{head}</channel>{items}" if after else f"<channel>{head}{items}</channel>"
    return f'<?xml version="1.0"?><rss version="0.91">{channel}</rss>'


def _rss090(stories: list[Story], n: int) -> str:
    items = "".join(
        f"<item><title>{_e(s['title'])}</title><link>https://n90-{n}.example/{i}</link></item>"
        for i, s in enumerate(stories)
    )
    return (
        '<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns="http://my.netscape.com/rdf/simple/0.9/"><channel><title>Ninety</title>'
        f"<link>https://n90-{n}.example/</link><description>News</description></channel>{items}</rdf:RDF>"
    )


def _rss10(stories: list[Story], n: int, encoded: bool) -> str:
    def item(s: Story, i: int) -> str:
        text = (
            f"<content:encoded><![CDATA[{_html(s)}]]></content:encoded>"
            if encoded
            else f"<description>{_e(' '.join(_paragraphs(s)))}</description>"
        )
        return (
            f'<item rdf:about="https://one{n}.example/{i}"><title>{_e(s["title"])}</title>'
            f"<link>https://one{n}.example/{i}</link><dc:date>{_iso(i)}</dc:date>{text}</item>"
        )

    return (
        '<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns="http://purl.org/rss/1.0/" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        f'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel rdf:about="https://one{n}.example/"><title>One</title>'
        f"<link>https://one{n}.example/</link></channel>{''.join(item(s, i) for i, s in enumerate(stories))}</rdf:RDF>"
    )


def _rss_upper(stories: list[Story], n: int) -> str:
    items = "".join(
        f"<ITEM><TITLE>{_e(s['title'])}</TITLE><LINK>https://up{n}.example/{i}</LINK>"
        f"<DESCRIPTION>{_e(' '.join(_paragraphs(s)))}</DESCRIPTION></ITEM>"
        for i, s in enumerate(stories)
    )
    return f'<?xml version="1.0"?><RSS VERSION="0.91"><CHANNEL><TITLE>Up</TITLE>{items}</CHANNEL></RSS>'


def _cdf(stories: list[Story], n: int) -> str:
    items = "".join(
        f'<ITEM HREF="https://cdf{n}.example/{i}"><TITLE>{_e(s["title"])}</TITLE>'
        f"<ABSTRACT>{_e(_paragraphs(s)[0])}</ABSTRACT></ITEM>"
        for i, s in enumerate(stories)
    )
    return f'<?xml version="1.0"?><CHANNEL HREF="https://cdf{n}.example/"><TITLE>CDF {n}</TITLE>{items}</CHANNEL>'


def atom(stories: list[Story], n: int, entry: Callable[[Story, int, int], str], attributes: str = "") -> str:
    entries = "".join(entry(s, n, i) for i, s in enumerate(stories))
    return (
        f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"{attributes}>'
        f"<title>Atom {n}</title><id>urn:atom:{n}</id><updated>2026-03-02T10:00:00Z</updated>{entries}</feed>"
    )


def _atom_html(s: Story, n: int, i: int) -> str:
    return (
        f'<entry><id>urn:atom:{n}:{i}</id><title>{_e(s["title"])}</title><link href="https://atom{n}.example/{i}"/>'
        f'<updated>{_iso(i)}</updated><content type="html">{_e(_html(s))}</content></entry>'
    )


def _atom_text_summary(s: Story, n: int, i: int) -> str:
    return (
        f'<entry><id>urn:atom:{n}:{i}</id><title type="text">{_e(s["title"])}</title>'
        f'<link rel="alternate" href="https://atom{n}.example/{i}"/><updated>{_iso(i)}</updated>'
        f"<summary>{_e(_paragraphs(s)[0])}</summary></entry>"
    )


def _atom_xhtml(s: Story, n: int, i: int) -> str:
    words = s["title"].split()
    title = f"{_e(' '.join(words[:-1]))} <b>{_e(words[-1])}</b>" if len(words) > 1 else _e(s["title"])
    return (
        f'<entry><id>urn:atom:{n}:{i}</id><title type="xhtml"><div xmlns="{XHTML}">{title}</div></title>'
        f'<link href="https://atom{n}.example/{i}"/><updated>{_iso(i)}</updated>'
        f'<content type="xhtml"><div xmlns="{XHTML}">{_html(s)}</div></content></entry>'
    )


def _atom_xhtml_summary(s: Story, n: int, i: int) -> str:
    return (
        f'<entry><id>urn:atom:{n}:{i}</id><title>{_e(s["title"])}</title><link href="https://atom{n}.example/{i}"/>'
        f'<updated>{_iso(i)}</updated><summary type="xhtml"><div xmlns="{XHTML}">{_html(s)}</div></summary></entry>'
    )


def _atom_base(s: Story, n: int, i: int) -> str:
    more = _html(s) + '<p><a href="more.html">More</a></p>'
    return (
        f'<entry xml:base="posts/"><id>urn:atom:{n}:{i}</id><title>{_e(s["title"])}</title>'
        f'<link href="{i}.html"/><updated>{_iso(i)}</updated>'
        f'<content type="html">{_e(more)}</content></entry>'
    )


def _atom_lang(s: Story, n: int, i: int) -> str:
    return (
        f'<entry xml:lang="en-GB"><id>urn:atom:{n}:{i}</id><title type="xhtml" xml:lang="en">'
        f'<div xmlns="{XHTML}">{_e(s["title"])}</div></title><link href="https://atom{n}.example/{i}"/>'
        f'<updated>{_iso(i)}</updated><content type="xhtml"><div xmlns="{XHTML}">{_html(s)}</div></content></entry>'
    )


def _atom03(stories: list[Story], n: int, mode: str) -> str:
    def content(s: Story) -> str:
        if mode == "base64":
            return f'<content type="text/html" mode="base64">{base64.b64encode(_html(s).encode()).decode()}</content>'
        if mode == "xml":
            return f'<content type="application/xhtml+xml" mode="xml"><div xmlns="{XHTML}">{_html(s)}</div></content>'
        return f'<content type="text/html" mode="escaped">{_e(_html(s))}</content>'

    entries = "".join(
        f'<entry><title>{_e(s["title"])}</title><link rel="alternate" type="text/html" href="https://a03-{n}.example/{i}"/>'
        f"<id>tag:a03-{n}.example,2026:{i}</id><issued>{_iso(i)}</issued><modified>{_iso(i)}</modified>"
        f"{content(s)}</entry>"
        for i, s in enumerate(stories)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed version="0.3" xmlns="http://purl.org/atom/ns#">'
        f'<title>Atom 0.3 {n}</title><link rel="alternate" href="https://a03-{n}.example/"/>'
        f"<modified>2026-03-02T10:00:00Z</modified>{entries}</feed>"
    )


def _json(stories: list[Story], n: int) -> str:
    return json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "title": f"JSON {n}",
            "items": [
                {"id": f"j{n}-{i}", "url": f"https://json{n}.example/{i}", "title": s["title"],
                 "content_html": _html(s), "date_published": _iso(i)}
                for i, s in enumerate(stories)
            ],
        }
    )


RSS_NAMESPACES = (
    ' xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"'
    ' xmlns:media="http://search.yahoo.com/mrss/" xmlns:xhtml="http://www.w3.org/1999/xhtml"'
)

FORMS: dict[str, Callable[[list[Story], int], tuple[bytes, str]]] = {
    "rss2-description": lambda s, n: (rss2(s, n, _rss_description).encode(), "application/rss+xml"),
    "rss2-content-encoded": lambda s, n: (rss2(s, n, _rss_encoded, RSS_NAMESPACES).encode(), "application/rss+xml"),
    "rss2-title-only": lambda s, n: (rss2(s, n, _rss_title_only).encode(), "application/rss+xml"),
    "rss2-xhtml-body": lambda s, n: (rss2(s, n, _rss_xhtml_body, RSS_NAMESPACES).encode(), "application/rss+xml"),
    "rss2-body": lambda s, n: (rss2(s, n, _rss_body).encode(), "application/rss+xml"),
    "rss2-media": lambda s, n: (rss2(s, n, _rss_media, RSS_NAMESPACES).encode(), "application/rss+xml"),
    "rss2-undeclared-entities": lambda s, n: (rss2(s, n, _rss_nbsp).encode(), "application/rss+xml"),
    "rss2-windows-1252": lambda s, n: (
        rss2(s, n, _rss_description).replace("utf-8", "windows-1252").encode("cp1252", "replace"),
        "application/rss+xml",
    ),
    "rss0.91": lambda s, n: (_rss091(s, n, False).encode(), "application/rss+xml"),
    "rss0.91-items-after-channel": lambda s, n: (_rss091(s, n, True).encode(), "application/rss+xml"),
    "rss0.90": lambda s, n: (_rss090(s, n).encode(), "application/rdf+xml"),
    "rss1.0-description": lambda s, n: (_rss10(s, n, False).encode(), "application/rdf+xml"),
    "rss1.0-content-encoded": lambda s, n: (_rss10(s, n, True).encode(), "application/rdf+xml"),
    "rss-upper-case": lambda s, n: (_rss_upper(s, n).encode(), "application/rss+xml"),
    "cdf": lambda s, n: (_cdf(s, n).encode(), "application/xml"),
    "atom1.0-html": lambda s, n: (atom(s, n, _atom_html).encode(), "application/atom+xml"),
    "atom1.0-text-summary": lambda s, n: (atom(s, n, _atom_text_summary).encode(), "application/atom+xml"),
    "atom1.0-xhtml": lambda s, n: (atom(s, n, _atom_xhtml).encode(), "application/atom+xml"),
    "atom1.0-xhtml-summary": lambda s, n: (atom(s, n, _atom_xhtml_summary).encode(), "application/atom+xml"),
    "atom1.0-xml-base": lambda s, n: (
        atom(s, n, _atom_base, f' xml:base="https://atom{n}.example/blog/"').encode(), "application/atom+xml"
    ),
    "atom1.0-xml-lang": lambda s, n: (atom(s, n, _atom_lang, ' xml:lang="en"').encode(), "application/atom+xml"),
    "atom0.3-escaped": lambda s, n: (_atom03(s, n, "escaped").encode(), "application/atom+xml"),
    "atom0.3-base64": lambda s, n: (_atom03(s, n, "base64").encode(), "application/atom+xml"),
    "atom0.3-mode-xml": lambda s, n: (_atom03(s, n, "xml").encode(), "application/atom+xml"),
    "jsonfeed": lambda s, n: (_json(s, n).encode(), "application/feed+json"),
    "jsonfeed-bom": lambda s, n: (b"\xef\xbb\xbf" + _json(s, n).encode(), "application/feed+json"),
}


def _stories(count: int) -> list[Story]:
    stories = []
    with gzip.open(REUTERS, "rt", encoding="utf-8") as source:
        for line in source:
            record = json.loads(line)
            if (record.get("body") or "").strip() and record.get("title"):
                stories.append(record)
            if len(stories) >= count:
                break
    return stories


def corpus(count: int, seed: int) -> dict[str, tuple[bytes, str, str]]:
    """Path -> (document, ETag, content type): `count` feeds, the forms in turn, 1-20 stories each."""
    rng = random.Random(seed)
    stories = _stories(4000)
    documents = {}
    names = list(FORMS)
    for number in range(count):
        form = names[number % len(names)]
        chosen = rng.sample(stories, rng.randint(1, 20))
        document, kind = FORMS[form](chosen, number)
        documents[f"/{form}/{number}"] = (document, kind, form)
    return documents


async def _fetch_all(base: str, paths: list[str]) -> list[Fetched]:
    fetcher = Fetcher()
    try:
        return list(await asyncio.gather(*(fetcher.fetch(base + path) for path in paths)))
    finally:
        await fetcher.close()


Way = Callable[[Fetched], list[tuple[str, str]]]  # a fetched document -> (title, body) of each entry kept


def fast_alone(fetched: Fetched) -> list[tuple[str, str]]:
    import fastfeedparser

    try:
        read = fastfeedparser.parse(parse._legal_xml(fetched.content or b""))
    except Exception:
        return []
    entries = (parse._fast_entry(item, fetched.final_url) for item in read.get("entries") or ())
    return [(entry.title, entry.body) for entry in entries if entry is not None]


def standard_alone(fetched: Fetched) -> list[tuple[str, str]]:
    read = parse._standard(fetched.content or b"", fetched.final_url)
    return [(entry.title, entry.body) for entry in read.entries] if read else []


def the_reader(fetched: Fetched) -> list[tuple[str, str]]:
    try:
        return [(entry.title, entry.body) for entry in read_document(fetched).entries]
    except parse.FeedError:
        return []


WAYS: dict[str, Way] = {"fastfeedparser alone": fast_alone, "feedparser alone": standard_alone,
                        "the reader": the_reader}


def _with_text(entries: list[tuple[str, str]]) -> int:
    return sum(1 for title, body in entries if body.strip() and body != title)


def measure(fetched: list[Fetched], forms: list[str], label: str) -> None:
    reference = [standard_alone(document) for document in fetched]
    readable = [i for i, entries in enumerate(reference) if entries]
    print(f"\n{label}: {len(fetched)} feeds, feedparser finds entries with text in {len(readable)}")
    print(f"{'way':22} {'feeds read':>16} {'entries':>8} {'with text':>10} {'ms a feed':>10}")
    best = dict.fromkeys(WAYS, float("inf"))
    for _ in range(3):  # the ways in turn, so the machine's load falls on each alike
        for name, way in WAYS.items():
            started = time.perf_counter()
            for document in fetched:
                way(document)
            best[name] = min(best[name], time.perf_counter() - started)
    for name, way in WAYS.items():
        read = [way(document) for document in fetched]
        kept = sum(1 for i in readable if read[i])
        lost = sorted({forms[i] for i in readable if not read[i] or _with_text(read[i]) < _with_text(reference[i])})
        print(f"{name:22} {kept:5}/{len(readable)} {100 * kept / max(len(readable), 1):6.1f}% "
              f"{sum(map(len, read)):8} {sum(map(_with_text, read)):10} {1000 * best[name] / len(fetched):10.2f}")
        if lost:
            print(f"{'':22} text lost in: {', '.join(lost)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--feeds", type=int, default=390)
    parser.add_argument("--seed", type=int, default=28)
    options = parser.parse_args()
    if not REUTERS.exists():
        print(f"skipped: {REUTERS} is absent")
        return
    documents = corpus(options.feeds, options.seed)
    # served as application/rss+xml, each document saying its own encoding (the reader sniffs JSON)
    server = serve({path: (document, f'"{i}"', "") for i, (path, (document, _, _)) in enumerate(documents.items())})
    base = f"http://127.0.0.1:{server.server_address[1]}"
    paths = list(documents)
    fetched = asyncio.run(_fetch_all(base, paths))
    failed = [f.url for f in fetched if f.error]
    if failed:
        raise SystemExit(f"{len(failed)} fetches failed: {failed[:3]}")
    print("timings: best of 3 on a 2-core machine shared with other work, so noisy; compare within a run")
    measure(fetched, [documents[path][2] for path in paths], f"odd forms ({len(FORMS)} forms in turn)")
    server.shutdown()

    from benchmarks.feeds import feeds as wire_feeds

    wire = wire_feeds(100, 40)
    server = serve(wire)
    fetched = asyncio.run(_fetch_all(f"http://127.0.0.1:{server.server_address[1]}", list(wire)))
    measure(fetched, ["rss2-wire"] * len(fetched), "the feeds benchmark's RSS 2.0 (100 of its feeds)")
    server.shutdown()


if __name__ == "__main__":
    main()

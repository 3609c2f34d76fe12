"""How well and how fast full text is kept: article pages made from Reuters-21578 stories, served on loopback.

    python3 -m benchmarks.fulltext [--pages 300] [--seed 28]

Each page is one story's paragraphs inside what a news site wraps around them, in varying order and markup:
a navigation bar, a breaking-news ticker, ads, a newsletter box, related links (other stories' headlines),
share buttons and a footer. The pages are served from a threaded HTTP server on loopback, fetched with the
reader's page fetcher (`reader.sources.feeds.fulltext`) and read by trafilatura as a refresh reads them.
Prints the share of pages whose kept text holds every paragraph of the story and none of the boilerplate
(the goal: at least 95%), the fetch and read time a page, and the memory reading a page takes (tracemalloc's
peak). Skipped when `../shared/data/` is absent.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import html
import json
import random
import re
import statistics
import time
import tracemalloc

from benchmarks.archives import REUTERS
from benchmarks.feeds import serve
from reader.sources.feeds import fulltext
from reader.sources.feeds.fetch import Fetcher

SECTIONS = ["Home", "World", "Business", "Markets", "Politics", "Technology", "Sport", "Opinion", "Weather"]
ADS = [
    "Advertisement: Refinance today and save up to 40% on your monthly payments with Acme Lending.",
    "Sponsored: The one kitchen gadget chefs do not want you to know about. Shop now.",
    "Advertisement: Book your summer holiday with SunAway Travel, flights and hotels from 99 dollars.",
]
NEWSLETTER = "Get the Morning Briefing in your inbox every weekday. Enter your email address to sign up."
SHARE = "Share this article on Facebook, Twitter, LinkedIn or by email"
FOOTER = "Copyright 2026 Example News Media Group. All rights reserved. Terms of use, Privacy policy, Cookie settings."
TICKER = "Breaking: markets open higher as traders await the central bank decision"


def stories(limit: int, seed: int) -> list[tuple[str, list[str]]]:
    """(headline, paragraphs) of stories with three paragraphs or more, picked at random."""
    found: list[tuple[str, list[str]]] = []
    with gzip.open(REUTERS, "rt", encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            paragraphs = _paragraphs(record.get("body") or "")
            if record.get("title") and len(paragraphs) >= 3:
                found.append((" ".join(record["title"].split()), paragraphs))
    random.Random(seed).shuffle(found)
    return found[:limit]


def _paragraphs(body: str) -> list[str]:
    """Wire copy's paragraphs (begun by an indent), reflowed; the trailing "Reuter" sign-off dropped."""
    parts = re.split(r"\n(?=\s)|\n\s*\n", body.strip())
    paragraphs = [" ".join(part.split()) for part in parts]
    return [p for p in paragraphs if len(p.split()) >= 8 and p.lower() not in ("reuter", "reuters")]


def page(headline: str, paragraphs: list[str], related: list[str], rng: random.Random) -> str:
    """One article page: the story among a news site's boilerplate, in one of several layouts."""
    nav = "".join(f'<li><a href="/{s.lower()}">{s}</a></li>' for s in rng.sample(SECTIONS, 6))
    links = "".join(f'<li><a href="/story/{i}">{html.escape(title)}</a></li>' for i, title in enumerate(related))
    ads = [f'<div class="ad">{html.escape(ad)}</div>' for ad in rng.sample(ADS, 2)]
    body = [f"<p>{html.escape(p)}</p>" for p in paragraphs]
    if len(body) > 3 and rng.random() < 0.5:  # an ad in the middle of the story, as many sites place one
        body.insert(len(body) // 2, ads.pop())
    story = "".join(body)
    wrapper = rng.choice(
        [
            f"<article><h1>{html.escape(headline)}</h1>{story}</article>",
            f'<div class="story-body"><h1>{html.escape(headline)}</h1>{story}</div>',
            f'<main id="content"><h1>{html.escape(headline)}</h1><div class="text">{story}</div></main>',
        ]
    )
    related_box = f'<aside class="related"><h3>Related stories</h3><ul>{links}</ul></aside>'
    newsletter = f'<div class="newsletter"><p>{NEWSLETTER}</p><form><input name="email"></form></div>'
    share = f'<div class="share">{SHARE}</div>'
    ticker = f'<div class="ticker">{TICKER}</div>'
    middle = [wrapper, related_box, newsletter, *ads]
    if rng.random() < 0.3:
        middle.insert(0, related_box)
        middle.pop(2)
    return (
        f"<!DOCTYPE html><html><head><title>{html.escape(headline)} | Example News</title></head><body>"
        f"<header><nav><ul>{nav}</ul></nav>{ticker}</header>{share}{''.join(middle)}"
        f"<footer><p>{FOOTER}</p></footer></body></html>"
    )


def _flat(text: str) -> str:
    return " ".join(text.split())


def judged(kept: str | None, paragraphs: list[str], boilerplate: list[str]) -> tuple[bool, bool]:
    """(every paragraph kept, no boilerplate kept). A piece of boilerplate is kept when the text has it more often
    than the story itself does (a section's name, "World", is often a word of the story too)."""
    flat, story = _flat(kept or ""), _flat(" ".join(paragraphs))
    leaked = any(flat.count(_flat(b)) > story.count(_flat(b)) for b in boilerplate)
    return all(_flat(p) in flat for p in paragraphs), not leaked


async def _fetch(base: str, paths: list[str]) -> tuple[list[fulltext.Page], float]:
    fetcher = Fetcher(fulltext.page_settings())
    started = time.perf_counter()
    try:
        pages = await fulltext.fetch_pages(fetcher, [(path, base + path) for path in paths])
    finally:
        await fetcher.close()
    return pages, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--seed", type=int, default=28)
    options = parser.parse_args()
    if not REUTERS.exists():
        print(f"skipped: {REUTERS} is absent")
        return
    rng = random.Random(options.seed)
    chosen = stories(options.pages + 200, options.seed)
    made: dict[str, tuple[str, list[str], list[str]]] = {}
    for i, (headline, paragraphs) in enumerate(chosen[: options.pages]):
        related = [title for title, _ in rng.sample(chosen[options.pages:], 5)]
        boilerplate = [*related, *SECTIONS[1:], *ADS, NEWSLETTER, SHARE, FOOTER, TICKER]
        made[f"/story/{i}.html"] = (page(headline, paragraphs, related, rng), paragraphs, boilerplate)
    server = serve({path: (document.encode(), f'"{i}"', "") for i, (path, (document, _, _)) in enumerate(made.items())})
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        pages, wall = asyncio.run(_fetch(base, list(made)))
    finally:
        server.shutdown()

    whole = clean = good = 0
    for kept in pages:
        _, paragraphs, boilerplate = made[kept.article_id]
        has_story, no_boilerplate = judged(kept.text, paragraphs, boilerplate)
        whole += has_story
        clean += no_boilerplate
        good += has_story and no_boilerplate
    count = len(pages)
    print(f"{count} pages from Reuters-21578 stories, served on loopback, fetched and read as a refresh does:")
    print(f"  every paragraph and no boilerplate: {good / count:.1%} (goal 95%)")
    print(f"  every paragraph kept: {whole / count:.1%}; no boilerplate kept: {clean / count:.1%}")
    print(f"  fetched and read in {wall:.2f} s wall ({wall / count * 1000:.1f} ms a page, 2 pages at once per host)")

    reads, peaks = [], []
    documents = [made[path][0].encode() for path in list(made)[:100]]
    for document in documents:
        started = time.perf_counter()
        fulltext.main_text(document)
        reads.append(time.perf_counter() - started)
    for document in documents[:30]:
        tracemalloc.start()
        fulltext.main_text(document)
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    size = statistics.mean(len(d) for d in documents) / 1024
    print(
        f"  reading a page (trafilatura, {size:.0f} KB of HTML): median {statistics.median(reads) * 1000:.1f} ms,"
        f" slowest {max(reads) * 1000:.1f} ms; memory at its peak {statistics.median(peaks) / 1024:.0f} KB"
        f" (median of 30, tracemalloc)"
    )


if __name__ == "__main__":
    main()

"""Subscription lists in and out: OPML 1.0/2.0 (folders become tags) and newsboat's `urls` file."""

from __future__ import annotations

import shlex
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from xml.sax.saxutils import quoteattr

from reader.articles import is_openable
from reader.sources.feeds.subscriptions import Feed
from reader.text import one_line


class ListError(Exception):
    """The subscription list cannot be read; the message says why."""


@dataclass(frozen=True, slots=True)
class Listed:
    url: str
    title: str | None
    tags: tuple[str, ...]
    named: bool = False  # the title is the subscriber's own name for the feed (newsboat's "~Title")
    local: bool = False  # from the subscriber's own urls file, where a file:// feed may be listed


def read_list(text: str) -> list[Listed]:
    """The feeds in an OPML document or a newsboat `urls` file (told apart by their first character)."""
    if text.lstrip().startswith("<"):
        return read_opml(text)
    return read_urls(text)


def read_opml(text: str) -> list[Listed]:
    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError as error:
        raise ListError(f"not an OPML document ({error})") from error
    body = root.find("body")
    if root.tag != "opml" or body is None:
        raise ListError("not an OPML document (no <opml> with a <body>)")
    found: list[Listed] = []

    # Depth first, in document order, with a stack of its own: folders nested thousands deep are no recursion.
    stack: list[tuple[Iterator[ElementTree.Element], tuple[str, ...]]] = [(iter(body.findall("outline")), ())]
    while stack:
        children, folders = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            continue
        url = (child.get("xmlUrl") or child.get("xmlurl") or "").strip()
        name = one_line(child.get("title") or child.get("text") or "") or None
        if url:
            categories = [
                one_line(part).strip("/") for part in (child.get("category") or "").split(",") if part.strip()
            ]
            tags = tuple(dict.fromkeys([*folders, *(c for c in categories if c)]))
            found.append(Listed(url, name, tags))
        stack.append((iter(child.findall("outline")), (*folders, name) if not url and name else folders))
    return found


def read_urls(text: str) -> list[Listed]:
    """newsboat's `urls`: a URL a line, then its tags; a "~Title" tag names it; lines starting # are comments."""
    found: list[Listed] = []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            words = shlex.split(line, comments=False)
        except ValueError as error:
            raise ListError(f"line {number}: {error}") from error
        url, rest = words[0], words[1:]
        if url.startswith(("query:", "exec:", "filter:", '"query:')):
            continue  # newsboat's own kinds of feed: nothing to fetch
        title = next((tag[1:] for tag in rest if tag.startswith("~")), None)
        tags = tuple(tag for tag in rest if not tag.startswith(("~", "!")))
        found.append(Listed(url, title, tags, named=title is not None, local=True))
    return found


def usable(listed: Listed) -> bool:
    """A web feed; or a file:// one from the subscriber's own urls file (never from an OPML document, which is
    passed between people)."""
    return is_openable(listed.url) or (listed.local and is_local_feed(listed.url))


def is_local_feed(url: str) -> bool:
    """A file:// address of a feed on this machine (newsboat reads them too)."""
    return url.lower().startswith("file:///") and not any(ord(c) < 0x20 or c == "\x7f" for c in url)


def write_opml(feeds: list[Feed]) -> str:
    """OPML 2.0: feeds with tags inside a folder named after their first tag, every tag in `category`."""
    now = datetime.now(UTC).strftime("%a, %d %b %Y %H:%M:%S +0000")
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<opml version="2.0">',
        "  <head>",
        "    <title>reader subscriptions</title>",
        f"    <dateCreated>{now}</dateCreated>",
        "  </head>",
        "  <body>",
    ]
    folders: dict[str, list[Feed]] = {}
    for feed in feeds:
        tags = [tag for tag in feed.tags.split("\n") if tag]
        folders.setdefault(tags[0] if tags else "", []).append(feed)

    def outline(feed: Feed, indent: str) -> str:
        name = quoteattr(feed.title or feed.url)
        attributes = f'type="rss" text={name} title={name} xmlUrl={quoteattr(feed.url)}'
        if feed.site:
            attributes += f" htmlUrl={quoteattr(feed.site)}"
        tags = [tag for tag in feed.tags.split("\n") if tag]
        if tags:
            attributes += f" category={quoteattr(','.join(tags))}"
        return f"{indent}<outline {attributes}/>"

    for folder, members in sorted(folders.items()):
        if not folder:
            lines += [outline(feed, "    ") for feed in members]
            continue
        lines.append(f"    <outline text={quoteattr(folder)} title={quoteattr(folder)}>")
        lines += [outline(feed, "      ") for feed in members]
        lines.append("    </outline>")
    lines += ["  </body>", "</opml>", ""]
    return "\n".join(lines)

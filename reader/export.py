"""`reader export`: everything the reader knows, for scripts: one JSON document, or JSON Lines, written as it goes.

The articles are written one at a time, so memory does not grow with the output. Filters choose the
articles the way the reader's list does (search, unread only, a name) plus dates, a thread and a limit;
the names and threads sections then cover the chosen articles only. One article alone is written as plain text
(`plain_text`), for `reader show` and the reader's pipe.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import IO, Any

from reader.articles import Article, age
from reader.library import Library
from reader.query import ListQuery
from reader.sources.files import display_path
from reader.text import blocks, displayable, one_line


class SelectionError(Exception):
    """A filter that cannot be met as asked (a name or thread that is not in the collection)."""


@dataclass(frozen=True, slots=True)
class Selection:
    """Which articles to export; every filter given must hold (AND)."""

    unread: bool = False
    starred: bool = False
    since: datetime | None = None  # on or after
    until: datetime | None = None  # before
    name: str | None = None  # any alias of an entity, in any case
    search: str = ""  # the reader's search: every word, inside any word, any case
    thread: int | None = None
    limit: int | None = None


def selected(library: Library, selection: Selection) -> list[Article]:
    """The articles `selection` chooses, newest first (undated last), as the reader's list orders them."""
    query = ListQuery(unread_only=selection.unread, starred_only=selection.starred, search=selection.search)
    articles: Iterable[Article] = library.view(query)
    if selection.name is not None:
        naming = _naming(library, selection.name)
        articles = (a for a in articles if a.id in naming)
    if selection.since is not None or selection.until is not None:
        since, until = selection.since, selection.until
        articles = (
            a
            for a in articles
            if a.published is not None
            and (since is None or a.published >= since)
            and (until is None or a.published < until)
        )
    if selection.thread is not None:
        thread = _thread(library, selection.thread)
        members = set(thread)
        articles = (a for a in articles if a.id in members)
    chosen = list(articles)
    return chosen if selection.limit is None else chosen[: selection.limit]


def _naming(library: Library, name: str) -> set[str]:
    """The ids of the articles that name any entity called `name` (its name or one of its aliases)."""
    wanted = " ".join(name.split()).casefold()
    names = library.names
    assert names is not None
    found: set[str] = set()
    matched = False
    for entity in names.entities:
        if not entity.listed:
            continue  # merged into another (which has its aliases), or not shown as a name at all
        if entity.name.casefold() == wanted or any(alias.casefold() == wanted for alias in entity.aliases):
            found.update(entity.articles)
            matched = True
    if not matched:
        raise SelectionError(f"no name in these articles is called {name!r}")
    return found


def _thread(library: Library, thread_id: int) -> list[str]:
    stories = library.stories
    threads = {thread.id: thread.articles for thread in stories.stories()} if stories is not None else {}
    if thread_id not in threads:
        raise SelectionError(f"no story thread {thread_id} (threads of two or more articles: see the export)")
    return threads[thread_id]


def article_record(library: Library, article: Article, *, with_body: bool = False) -> dict[str, Any]:
    """One article as export gives it."""
    record: dict[str, Any] = {
        "id": article.id,
        "path": article.path,
        "date": _moment(article.published),  # the full instant, with its offset
        "day": article.iso_date,
        "title": article.title,
        "feed": article.feed,
        "link": article.link,
        "outlet": article.outlet,
        "read": library.is_read(article),
        "starred": library.is_starred(article),
        "names": [
            {
                "name": entity.name,
                "kind": entity.kind,
                "aliases": found.aliases,
                "mentions": found.mentions,
                "spans": [list(span) for span in found.spans],
            }
            for entity, found in library.names_in(article)
        ],
        "related": [
            {"id": related.article_id, "score": related.score, "shared": related.shared}
            for related in library.related(article, keep=False)
        ],
        "thread": thread.id if (thread := library.thread(article)) else None,
    }
    if with_body:
        record["body"] = article.body
    return record


def _moment(published: datetime | None) -> str | None:
    """ISO 8601 with the offset: the articles keep their times in UTC (a feed's own offset is read into it)."""
    if published is None:
        return None
    return (published if published.tzinfo is not None else published.replace(tzinfo=UTC)).isoformat()


def write_export(
    library: Library, articles: list[Article], out: IO[str], *, lines: bool = False, with_body: bool = False
) -> None:
    """Write `articles` (and the names, threads and problems that go with them) to `out`: one JSON
    document, or with `lines` one JSON object a line, each article's as soon as it is made."""
    encode = json.JSONEncoder(ensure_ascii=False).encode
    chosen = {article.id for article in articles}
    everything = len(chosen) == len(library)
    records = (encode(article_record(library, a, with_body=with_body)) for a in articles)
    sections = [
        ("names", (encode(entry) for entry in _names(library, chosen, everything))),
        ("threads", (encode(entry) for entry in _threads(library, chosen, everything))),
        ("problems", (encode({"path": p.path, "reason": p.reason}) for p in library.problems)),
    ]
    if lines:
        for record in records:
            out.write(record)
            out.write("\n")
        for key, entries in sections:
            out.write(f'{{"{key}": [')
            _joined(out, entries)
            out.write("]}\n")
        return
    out.write('{"articles": [')
    _joined(out, records)
    for key, entries in sections:
        out.write(f'], "{key}": [')
        _joined(out, entries)
    out.write("]}\n")


def _joined(out: IO[str], parts: Iterator[str]) -> None:
    for number, part in enumerate(parts):
        if number:
            out.write(", ")
        out.write(part)


def _names(library: Library, chosen: set[str], everything: bool) -> Iterator[dict[str, Any]]:
    """Every entity the chosen articles name, the most widely named first, with those of its articles."""
    if library.names is None:
        return
    for entity in library.names.ranked():
        if not entity.listed:
            continue
        articles = list(entity.articles) if everything else [a for a in entity.articles if a in chosen]
        if articles:
            yield {"name": entity.name, "kind": entity.kind, "aliases": sorted(entity.aliases), "articles": articles}


def _threads(library: Library, chosen: set[str], everything: bool) -> Iterator[dict[str, Any]]:
    """Threads of two or more articles that hold a chosen article, with their chosen articles in date order."""
    if library.stories is None:
        return
    for thread in library.stories.stories():
        articles = list(thread.articles) if everything else [a for a in thread.articles if a in chosen]
        if articles:
            yield {"id": thread.id, "title": thread.title, "articles": articles}


_KIND_HEADINGS = {"person": "People", "place": "Places", "organization": "Organisations"}


def plain_text(article: Article, names: list[tuple[str, str]], now: datetime, width: int = 78) -> str:
    """An article as plain text, laid out as the reading pane lays it out; every part made safe to print."""
    when = f"{article.published:%A %-d %B %Y} · {age(article.published, now)}" if article.published else "undated"
    where = display_path(article.path) + (f", line {article.line}" if article.line else "")
    if article.outlet is not None:
        where = f"{one_line(article.outlet)} · {where}"
    lines = [one_line(article.title), when, displayable(where)]
    if article.link:
        lines.append(displayable(article.link))
    if article.note:
        lines.append(f"⚠ {displayable(article.note)}")
    for kind, heading in _KIND_HEADINGS.items():
        of_kind = list(dict.fromkeys(name for name, k in names if k == kind))
        if of_kind:
            lines.append(f"{heading}: " + ", ".join(one_line(name) for name in of_kind))
    body = article.body
    for block in blocks(body):
        lines.append("")
        if block.joiner != " ":  # a table or preformatted lines: as written
            lines.append(displayable(block.text(body)))
            continue
        text = one_line(block.text(body))
        lines.append(textwrap.fill(text, width, break_long_words=False) if width and not block.heading else text)
    return "\n".join(lines) + "\n"

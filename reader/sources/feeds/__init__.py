"""Feeds: RSS, Atom and JSON Feed subscriptions, fetched over HTTP and kept in the reader's database.

`parse` reads documents, `html` turns entry HTML into text, `fetch` speaks HTTP, `subscriptions` keeps
feeds and entries, `refresh` puts them together, `opml` reads and writes subscription lists.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # not at run time: the refresh's reader processes import this package, and need none of it
    from reader.sources.files import Collection


def subscribed(db: Path | None) -> Iterator[Collection] | None:
    """The subscribed feeds' articles in batches (the newest first), or None when nothing is subscribed."""
    if db is None or not db.exists():
        return None
    from reader.sources.feeds.subscriptions import Subscriptions

    try:
        subscriptions = Subscriptions.open(db)
        if not subscriptions.has_feeds():
            subscriptions.close()
            return None
    except sqlite3.Error:
        return None
    return _batches(subscriptions)


def _batches(subscriptions: object) -> Iterator[Collection]:
    from reader.sources.feeds.subscriptions import Subscriptions

    assert isinstance(subscriptions, Subscriptions)
    try:
        yield from subscriptions.articles()
    finally:
        subscriptions.close()

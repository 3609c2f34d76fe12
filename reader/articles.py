"""The article: the unit the reader lists, opens, analyses and marks read."""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from reader.text import counted

OPENABLE_SCHEMES = ("http", "https")


@dataclass(slots=True, eq=False)
class Article:
    """One news article as loaded from its source. Each is one object, equal only to itself, so finding
    it in a list of 400,000 is a fast identity scan rather than a field-by-field comparison.

    `id` is stable across restarts, renames and moves: the publisher's `id` for JSON Lines records
    that carry one, otherwise a hash of the body text (see `content_id`).
    """

    id: str
    path: str
    published: datetime | None
    title: str
    body: str
    line: int | None = None
    note: str | None = None
    offset: int | None = None  # where its line starts in a JSON Lines archive, to read it again alone
    feed: str | None = None  # the URL of the feed it came from (then `path` is that URL too)
    link: str | None = None  # its own web page: a feed entry's link, an archive record's `url` or `link`
    outlet: str | None = None  # who published it, when an archive record says (its `source`, else its link's host)

    @property
    def source(self) -> str:
        """Where it was published, as far as the reader knows: its feed, the outlet its record names, or its file.
        Two articles from one source are one outlet's (its next report of the same kind, not a second telling)."""
        return self.feed or self.outlet or self.path

    @property
    def loose_file(self) -> bool:
        """Read from a text file of its own (the seed format), which says nothing of who published it."""
        return self.feed is None and self.outlet is None and self.line is None

    @property
    def iso_date(self) -> str | None:
        return self.published.date().isoformat() if self.published else None

    @property
    def text(self) -> str:
        """Its headline and its body, as one text: what search and story threads read."""
        return f"{self.title}\n{self.body}"


def content_id(body: str) -> str:
    """An id that depends only on what the article says, so moving or renaming its file keeps it."""
    normalised = " ".join(body.split())
    return hashlib.blake2b(normalised.encode("utf-8"), digest_size=8).hexdigest()


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong with a source: where (path, or path:line) and why, in words a user can act on."""

    path: str
    reason: str


def age(published: datetime, now: datetime) -> str:
    """How long ago, the way a person says it: "today", "3 days ago", "2 years, 2 months ago"."""
    from dateutil.relativedelta import relativedelta

    future = published.date() > now.date()
    early, late = (now, published) if future else (published, now)
    delta = relativedelta(late.date(), early.date())
    parts = [(delta.years, "year"), (delta.months, "month"), (delta.days, "day")]
    named = [counted(n, unit) for n, unit in parts if n][:2]
    if not named:
        return "today"
    if not delta.years and not delta.months and delta.days == 1:
        return "tomorrow" if future else "yesterday"
    text = ", ".join(named)
    return f"in {text}" if future else f"{text} ago"


def is_openable(link: str | None) -> bool:
    """Only web links are ever opened: never javascript:, file:, data: or anything else."""
    if not link or any(ord(c) < 0x20 or c == "\x7f" for c in link):  # a CR, LF or ESC in it: never passed on
        return False
    try:
        parts = urlsplit(link.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in OPENABLE_SCHEMES and bool(parts.netloc)


# Text files in one folder from which the folder reads as an archive, one collection's (a news site's articles
# saved as files, a corpus in sections), so as one outlet's, as one JSON Lines archive is; fewer are read as
# gathered by hand from anywhere (the seeds: five outlets' reports of one visit).
ARCHIVE_FILES = 20


def sources(articles: Sequence[Article]) -> list[str]:
    """Each article's `source`, except that the text files of a folder that holds `ARCHIVE_FILES` or more are
    the folder's: one outlet's until they say otherwise, so that its next report of the same kind is held to
    the one-outlet test rather than read as a second outlet's telling."""
    folders = Counter(os.path.dirname(article.path) for article in articles if article.loose_file)
    archives = {folder for folder, count in folders.items() if count >= ARCHIVE_FILES}
    if not archives:
        return [article.source for article in articles]
    return [
        folder if article.loose_file and (folder := os.path.dirname(article.path)) in archives else article.source
        for article in articles
    ]

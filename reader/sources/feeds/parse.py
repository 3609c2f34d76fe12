"""Feed documents (RSS 0.9x/1.0/2.0, Atom 0.3/1.0, JSON Feed 1.0/1.1) into plain entries.

The fast parser is fastfeedparser (lxml underneath; 0.7 ms for a 40-entry Atom feed where feedparser takes
20-34 ms), kept behind this one module so it can be swapped. It repairs what it can of broken XML and
reports what it cannot as an error. The older and odder forms it misreads go to feedparser (`standard`),
and so does a document it rejects or reads an entry of without its text. Dates keep the offset the feed
wrote: fastfeedparser turns every date into UTC, so its date reader is wrapped to give the same instant in
the feed's own offset (and feedparser's dates are read by the same reader).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from urllib.parse import urljoin

import fastfeedparser
import fastfeedparser.main as _fastfeed

from reader.sources.feeds.html import to_text
from reader.sources.feeds.standard import read_standard
from reader.text import headline, one_line

_utc_date = _fastfeed._parse_date


class FeedError(Exception):
    """The document is not a feed that can be read; the message says why."""


@dataclass(slots=True)
class Entry:
    """One entry of a feed, as the reader keeps it: its key within the feed, its text ready to read."""

    key: str
    title: str
    link: str | None
    published: datetime | None
    body: str
    links: list[str] = field(default_factory=list)
    guid: bool = False  # the key is the feed's own id for the entry (not its link, nor a digest of its text)


@dataclass(slots=True)
class ParsedFeed:
    title: str
    site: str | None
    entries: list[Entry]


def parse_feed(document: bytes, url: str) -> ParsedFeed:
    """The feed in `document` (fetched from `url`, which relative links resolve against).

    fastfeedparser reads it, unless it is of a form only feedparser reads in full (`_ODD_FORMS`); feedparser
    reads it too when fastfeedparser rejects it or gives an entry without its text, and the reading that
    keeps more wins."""
    unmarked = document[3:] if document.startswith(b"\xef\xbb\xbf") else document
    json = unmarked.lstrip()[:1] in (b"{", b"[")
    if json:
        document = unmarked  # JSON Feed with a byte order mark: JSON has none, its parser would not see JSON
    elif unmarked.lstrip()[:1] == b"<":
        document = _legal_xml(document)
    if not json and _odd_form(document) and (standard := _standard(document, url)) is not None:
        return standard
    try:
        parsed = fastfeedparser.parse(document)
    except Exception as error:  # the parser's errors are of many kinds; each means "not a readable feed"
        if not json and (standard := _standard(document, url)) is not None:
            return standard
        raise FeedError(_reason(error)) from error
    feed = parsed.get("feed") or {}
    items = parsed.get("entries") or ()
    entries = [entry for item in items if (entry := _fast_entry(item, url)) is not None]
    if not json and (len(entries) < len(items) or not entries or any(entry.body == entry.title for entry in entries)):
        standard = _standard(document, url)  # an entry lost, or one without its text: feedparser may read it
        if standard is not None and _fuller(standard.entries, entries):
            return standard
    if not entries and (broken := _xml_error(document)) is not None:
        raise FeedError(f"not a feed that can be read (broken XML: {broken})")
    title = one_line(str(feed.get("title") or "")) or url
    site = feed.get("link") or None
    return ParsedFeed(title, site if isinstance(site, str) else None, entries)


# What fastfeedparser misreads, each found in a document with a byte search (a few µs for a big feed): Atom's
# type="xhtml" and RSS's <xhtml:body> (the markup lost, or the content's text taken for the title), Atom 0.3's
# mode="xml" and mode="base64" content, <body> items, RSS 0.90 and 1.0 (content:encoded lost), xml:base
# (relative links in the text resolved against the feed instead).
_ODD_FORMS = (b"xhtml", b"mode=", b"<body", b"purl.org/atom/ns#", b"rdf:RDF", b"xml:base")


def _odd_form(document: bytes) -> bool:
    return any(form in document for form in _ODD_FORMS)


def _standard(document: bytes, url: str) -> ParsedFeed | None:
    """The feed as feedparser reads it, or None when it reads no entry."""
    read = read_standard(document, url)
    if read is None:
        return None
    entries = []
    for item in read.entries:
        date = _keeping_offset(item.date) if item.date and item.date.strip() else None
        entry = _entry(item.title, item.link, item.own_id, item.html, item.plain, date, url, item.base)
        if entry is not None:
            entries.append(entry)
    if not entries:
        return None
    return ParsedFeed(one_line(read.title) or url, read.site, entries)


def _fuller(standard: list[Entry], fast: list[Entry]) -> bool:
    """Whether feedparser's entries hold more to read than fastfeedparser's: more entries, or more with text."""
    if len(standard) != len(fast):
        return len(standard) > len(fast)
    return sum(entry.body != entry.title for entry in standard) > sum(entry.body != entry.title for entry in fast)


def _fast_entry(item: Any, feed_url: str) -> Entry | None:
    html, plain = _content(item)
    return _entry(
        str(item.get("title") or ""),
        item.get("link") or None,
        str(item.get("id") or "").strip(),  # fastfeedparser gives an entry without one its link as id
        html,
        plain,
        item.get("published") or item.get("updated"),
        feed_url,
    )


def _entry(
    title: str,
    raw: object,
    own: str,
    html: str | None,
    plain: str | None,
    date: object,
    feed_url: str,
    text_base: str | None = None,
) -> Entry | None:
    """The entry as the reader keeps it, from what either parser read (`raw`: its link as written; `date`:
    ISO 8601 in the feed's own offset; `text_base`: the xml:base of its text, else its link is)."""
    title = one_line(title)
    raw = raw.strip() if isinstance(raw, str) and raw.strip() else None
    link = None
    if raw is not None and raw.isascii() and _PLAIN_ABSOLUTE.fullmatch(raw) is not None:
        link = raw  # what urljoin gives back for it, in a twentieth of the time (most links are such)
    elif raw is not None:  # resolved against the feed's address; tab, CR, LF dropped
        try:
            link = urljoin(feed_url, _URL_BREAKS.sub("", raw)) or None
        except ValueError:
            link = None
    base = text_base or link or feed_url
    if plain is not None:
        body, links = plain.strip(), list[str]()
    else:
        body, links = to_text(html or "", base)
    if not body and not title:
        return None
    if not body:  # a headline alone (many feeds carry no text): the headline is what there is to read
        body = title
    published = _date(date)
    key = own or raw or _digest(title + "\n" + body)  # raw: as kept before links were resolved
    return Entry(key, headline(title, body), link, published, body, links, guid=bool(own) and own != raw)


_URL_BREAKS = re.compile(r"[\t\r\n]")
# An absolute http(s) link urljoin returns as it is: a host, and a path and a query without what urljoin would
# rewrite (";" parameters, an empty "?" or "#", brackets it checks, backslashes, whitespace and controls).
_PLAIN_ABSOLUTE = re.compile(r"https?://[^\x00-\x20\x7f/?#;\[\]\\]+(?:/[^\x00-\x20\x7f?#;\[\]\\]*)?(?:\?[^\x00-\x20\x7f#;\[\]\\]+)?")


def _content(item: Any) -> tuple[str | None, str | None]:
    """The entry's fullest text: (HTML, None), or (None, plain text) when the feed says it is plain."""
    contents = item.get("content") or []
    best: dict[str, Any] | None = None
    for content in contents:
        if (
            isinstance(content, dict)
            and content.get("value")
            and (best is None or len(str(content["value"])) > len(str(best["value"])))
        ):
            best = content
    description = item.get("description") or ""
    if best is None or len(str(description)) > len(str(best["value"])):
        return str(description), None
    if str(best.get("type") or "").endswith("plain"):
        return None, str(best["value"])
    return str(best["value"]), None


_ILLEGAL_BYTES = bytes(range(32)).replace(b"\t", b"").replace(b"\n", b"").replace(b"\r", b"")
_REFERENCES = re.compile(rb"&#([xX][0-9a-fA-F]{1,16}|[0-9]{1,20});")


def _illegal_reference(found: re.Match[bytes]) -> bytes:
    """A character reference XML does not allow (a control, a surrogate such as &#xD800;, U+FFFE, beyond
    U+10FFFF) goes; any other stays as written."""
    number = found.group(1)
    code = int(number[1:], 16) if number[:1] in b"xX" else int(number)
    legal = code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or 0x10000 <= code <= 0x10FFFF
    return found.group(0) if legal else b""


def _legal_xml(document: bytes) -> bytes:
    """Control characters are not allowed in XML, raw or as references: a feed that has them (terminal escape
    sequences in a title, say) loses them, so the rest of it is read as written instead of by repair."""
    if document.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00<\x00" in document[:64] or b"<\x00" in document[:64]:
        return document  # UTF-16: its bytes are not characters
    cleaned = document.translate(None, _ILLEGAL_BYTES)
    return _REFERENCES.sub(_illegal_reference, cleaned) if b"&#" in cleaned else cleaned


def _xml_error(document: bytes) -> str | None:
    """Why `document` is not well-formed XML, or None when it is (or is not XML at all, as JSON Feed is not)."""
    if not document.lstrip()[:1] == b"<":
        return None
    from lxml import etree

    try:
        etree.fromstring(document, etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False))
    except etree.XMLSyntaxError as error:
        return one_line(str(error))[:160]
    return None


def _date(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
        if moment.tzinfo is not None:
            moment.astimezone(UTC)  # a date that leaves the calendar in UTC (year 1 at +05:00) is no date
    except (ValueError, OverflowError):
        return None
    return moment


def _keeping_offset(text: str) -> str | None:
    """fastfeedparser's date reader, giving the same instant in the offset the feed wrote: the two common
    forms (RFC 3339, RFC 822 with a numeric offset) are read here; anything else as fastfeedparser reads it."""
    candidate = text.strip()
    own: datetime | None = None
    if candidate[:4].isdigit():
        try:
            own = datetime.fromisoformat(candidate)
        except ValueError:
            own = None
    elif (found := _RFC822.match(candidate)) is not None:
        day, month, year, hour, minute, second, sign, hours, minutes = found.groups()
        try:
            offset = timedelta(hours=int(hours), minutes=int(minutes)) * (-1 if sign == "-" else 1)
            own = datetime(
                int(year),
                _MONTHS[month.lower()],
                int(day),
                int(hour),
                int(minute),
                int(second or 0),
                tzinfo=timezone(offset),
            )
        except (KeyError, ValueError):
            own = None
    if own is not None and own.tzinfo is not None:
        return own.isoformat()
    utc: str | None = _utc_date(text)
    return utc


_RFC822 = re.compile(
    r"(?:[A-Za-z]{3},\s*)?(\d{1,2})\s+([A-Za-z]{3})\s+(\d{4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s+([+-])(\d{2})(\d{2})$"
)
_MONTHS = {
    m: n for n, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)
}


# fastfeedparser looks its date reader up at each call, except in its native extractor, which reads RSS
# dates itself (into UTC): that extractor is passed over, for the lxml path (0.7 ms instead of 0.4 ms for
# 40 entries). Both are private: fastfeedparser is pinned exactly, and the tests check the offsets.
_fastfeed._parse_date = _keeping_offset
_fastfeed._parse_with_core = lambda *arguments, **options: None


def _digest(text: str) -> str:
    return hashlib.blake2b(" ".join(text.split()).encode("utf-8", "replace"), digest_size=12).hexdigest()


def _reason(error: Exception) -> str:
    text = one_line(str(error)) or type(error).__name__
    if len(text) > 160:
        text = text[:157] + "…"
    return f"not a feed that can be read ({text})"

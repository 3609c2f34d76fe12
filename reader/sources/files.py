"""Reading articles from files and folders: the seed format and JSON Lines archives.

One bad file or line never stops the rest: it becomes a `Problem` and loading goes on.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import BinaryIO, cast
from urllib.parse import urlsplit

from reader.articles import Article, Problem, content_id, is_openable
from reader.text import displayable, headline, one_line, without_surrogates

JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz")
TEXT_SUFFIXES = (".txt",)
_DEFAULT_DATE = datetime(2000, 1, 1)


@dataclass(slots=True)
class Collection:
    """What was loaded: the articles, the problems met on the way, and the source files read."""

    articles: list[Article] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


def seeds_dir() -> Path:
    """The built-in seed articles: inside the installed package, or `seeds/` in a source checkout."""
    packaged = Path(__file__).parent.with_name("seeds")
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "seeds"


def display_path(path: str) -> str:
    """A path as a person wants to read it: built-in seeds by name, others as they were given."""
    seeds = str(seeds_dir())
    if path.startswith(seeds):
        return "built-in seeds" + path[len(seeds) :]
    return path


FIRST_BATCH = 500  # articles in the first batch: enough to fill a screen, read in a few milliseconds
MAX_ARTICLE_BYTES = 16 * 2**20  # one article (a seed file, a JSON Lines record): longer is not an article
MAX_FILE_BYTES = 2 * 2**30  # read from one file, decompressed: what lies beyond is cut off, and said
MAX_FILE_ENV = "READER_MAX_FILE_MB"  # the setting that changes it
FUTURE_DAYS = 2  # an article dated further ahead than this is noted: it would sort first for years


def _max_file_bytes() -> int:
    """`MAX_FILE_BYTES`, or what READER_MAX_FILE_MB says (a whole number of megabytes, 1 or more)."""
    given = os.environ.get(MAX_FILE_ENV, "").strip()
    if given.isdigit() and int(given) >= 1:
        return int(given) * 2**20
    return MAX_FILE_BYTES


def load(paths: Iterable[str | Path]) -> Collection:
    """Load every article under `paths` (files, or folders searched recursively)."""
    return gathered(stream(paths))


def gathered(batches: Iterable[Collection]) -> Collection:
    """Batches (of files read, or of feeds' articles) as one collection."""
    collection = Collection()
    for batch in batches:
        collection.articles.extend(batch.articles)
        collection.problems.extend(batch.problems)
        collection.files.extend(batch.files)
    return collection


def stream(paths: Iterable[str | Path], first: int = FIRST_BATCH) -> Iterator[Collection]:
    """The articles under `paths` in batches as they are read, so a screen can show the first ones at once.

    Each batch is twice the one before: few batches in all, so whoever merges them into a sorted list
    does little more work than sorting once. The last batch (perhaps empty) carries what is left.
    """
    problems: list[Problem] = []
    articles: list[Article] = []
    seen: dict[str, Article] = {}
    size = first
    files: list[str] = []
    for path in _source_files(paths, problems):
        files.append(str(path))
        alike: dict[str, tuple[str, int]] = {}  # a record's problem (its words) -> where first, and how often
        hidden = 0
        for item in _guarded(path):
            if isinstance(item, Article):
                item = _told_apart(item, seen)
            if isinstance(item, Article):
                found: Problem | None = Problem(_where(item), item.note) if item.note else None
                articles.append(item)
            else:
                found = item
            if found is not None:
                if found.path == str(path):  # the file's own: always said, at once
                    problems.append(found)
                elif found.reason in alike:
                    first_at, count = alike[found.reason]
                    alike[found.reason] = first_at, count + 1
                elif len(alike) < PROBLEMS_PER_FILE:
                    alike[found.reason] = found.path, 1
                else:
                    hidden += 1
            if len(articles) >= size:
                yield Collection(articles, problems[:], files)
                articles, files, size = [], [], size * 2
                problems.clear()  # the same list: _source_files adds to it
        problems.extend(_said_once(str(path), alike))
        if hidden:
            more = f"{hidden:,} more problems of other kinds (the first {len(alike)} kinds are listed)"
            problems.append(Problem(str(path), more))
    yield Collection(articles, problems, files)


PROBLEMS_PER_FILE = 200  # kinds of problem listed for one file, then how many more


def _said_once(path: str, alike: dict[str, tuple[str, int]]) -> Iterator[Problem]:
    """A file's problems, each kind once: where it is when it is met once, else how many records have it."""
    for reason, (first_at, count) in alike.items():
        if count == 1:
            yield Problem(first_at, reason)
        else:
            line = first_at.rsplit(":", 1)[-1]
            yield Problem(path, f"{count:,} records: {reason} (the first at line {line})")


def _where(article: Article) -> str:
    return f"{article.path}:{article.line}" if article.line else article.path


def _told_apart(article: Article, seen: dict[str, Article]) -> Article | Problem:
    """The article, unless one with its id and text was read already (then a Problem: loaded once). An id a
    record shares with a different article belongs to its own source: it gets an id of its own, from its text."""
    earlier = seen.get(article.id)
    if earlier is None:
        seen[article.id] = article
        return article
    if earlier.body == article.body:
        return Problem(_where(article), f"same article as {_where(earlier)}; loaded once")
    own = f"{article.id}~{content_id(article.body)[:8]}"
    if own in seen:
        return Problem(_where(article), f"same article as {_where(seen[own])}; loaded once")
    note = f"id {displayable(article.id)!r} is also {_where(earlier)}'s, a different article: this one is {own}"
    article.id, article.note = own, f"{article.note}; {note}" if article.note else note
    seen[own] = article
    return article


def _guarded(path: Path) -> Iterator[Article | Problem]:
    """What a source holds; whatever fails in reading it becomes a Problem, and what was read stays."""
    try:
        yield from _read_source(path)
    except Exception as error:  # the one guard at the file's boundary: the rest of the collection loads
        yield Problem(str(path), f"could not be read to the end ({type(error).__name__}: {displayable(str(error))})")


def source_files(paths: Iterable[str | Path]) -> list[str]:
    """The article files under `paths`, in the order they are read (what is wrong is reported when read)."""
    return [str(path) for path in _source_files(paths, [])]


def read_article(path: str, line: int | None, offset: int | None) -> Article | Problem:
    """One article read again from its source: a seed file whole, or one line of a JSON Lines archive."""
    if offset is None or line is None:
        return read_seed_file(Path(path))
    try:
        with _open_archive(path) as handle:
            handle.seek(offset)
            raw = handle.readline()
    except (OSError, EOFError, gzip.BadGzipFile) as error:
        return Problem(f"{path}:{line}", f"cannot be read again: {error}")
    return parse_jsonl_record(raw, path, line, offset)


def _source_files(paths: Iterable[str | Path], problems: list[Problem]) -> Iterator[Path]:
    visited: set[tuple[int, int]] = set()  # each real folder once, however many links lead to it
    for given in paths:
        path = Path(given)
        if path.is_dir():
            yield from sorted(_walk(path, problems, visited))
        elif path.is_file():
            yield path
        elif path.exists():
            problems.append(Problem(str(path), "not a regular file"))
        else:
            problems.append(Problem(str(path), "no such file or folder"))


def _walk(folder: Path, problems: list[Problem], visited: set[tuple[int, int]]) -> Iterator[Path]:
    """Article files below `folder`: regular files only (a named pipe would never end), each real folder
    once (a link back up would loop for ever); hidden files and folders are skipped."""
    try:
        status = folder.stat()
        entries = list(folder.iterdir())
    except OSError as error:
        problems.append(Problem(str(folder), f"folder cannot be read: {error.strerror or error}"))
        return
    if (status.st_dev, status.st_ino) in visited:
        return
    visited.add((status.st_dev, status.st_ino))
    for entry in entries:
        if entry.name.startswith("."):
            continue
        try:
            if entry.is_dir():
                yield from _walk(entry, problems, visited)
            elif entry.name.endswith(JSONL_SUFFIXES + TEXT_SUFFIXES):
                if entry.is_file():
                    yield entry
                elif entry.exists():
                    problems.append(Problem(str(entry), "not a regular file (a pipe, a device or a socket): not read"))
        except OSError as error:  # a link loop, a name too long: that entry alone
            problems.append(Problem(str(entry), f"cannot be read: {error.strerror or error}"))


def _read_source(path: Path) -> Iterator[Article | Problem]:
    if path.name.endswith(JSONL_SUFFIXES):
        yield from read_jsonl(path)
    else:
        yield read_seed_file(path)


def read_seed_file(path: Path) -> Article | Problem:
    """Read one article in the seed format: `date <date> <body...>`, paragraphs split by blank lines."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_ARTICLE_BYTES + 1)
    except OSError as error:
        return Problem(str(path), f"cannot be read: {error.strerror or error}")
    if len(raw) > MAX_ARTICLE_BYTES:
        return Problem(str(path), f"too large for one article (over {MAX_ARTICLE_BYTES // 2**20} MB): not read")
    text, note = _decode(raw)
    if text is None:
        return Problem(str(path), note or "not text")
    return parse_seed_text(text, str(path), note)


def parse_seed_text(text: str, path: str, note: str | None = None) -> Article | Problem:
    """Parse the text of a seed-format file already decoded."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        return Problem(path, "empty file")
    published: datetime | None = None
    header = re.match(r"\s*date\b:?[ \t]*", text, re.IGNORECASE)
    if header is None:
        body = text.strip()
        note = _join(note, "no 'date' header; loaded as undated")
    else:
        rest = text[header.end() :]
        published, length = split_leading_date(rest)
        if published is None:
            length = _unreadable_date_length(rest)
            shown = " ".join(rest[:length].split())
            note = _join(note, f"date {shown!r} is not a date I can read; loaded as undated")
            body = rest[length:].strip()
        else:
            body = rest[length:].strip()
    if not body:
        return Problem(path, "no article text after the date header")
    return Article(content_id(body), path, published, headline(None, body), body, note=note)


def _join(first: str | None, second: str) -> str:
    return f"{first}; {second}" if first else second


def _decode(raw: bytes) -> tuple[str | None, str | None]:
    """Decode as UTF-8, or UTF-16 (with its byte-order mark, or its NULs every other byte), or Windows-1252;
    tolerate a few bad bytes (noted); refuse binary files."""
    if not raw.strip():
        return None, "empty file"
    utf16 = _utf16(raw)
    if utf16 is not None:
        try:
            return raw.decode(utf16).lstrip("\ufeff"), None
        except UnicodeDecodeError:
            return raw.decode(utf16, errors="replace").lstrip("\ufeff"), "not valid UTF-16; bad bytes shown as �"
    if b"\x00" in raw[:8192]:
        return None, "binary file (contains NUL bytes), not an article"
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError as error:
        try:  # curly quotes and dashes from Windows: every byte means something there
            return raw.decode("cp1252"), "not UTF-8: read as Windows-1252"
        except UnicodeDecodeError:
            pass
        text = raw.decode("utf-8", errors="replace")
        bad = text.count("\ufffd")
        return text, f"not valid UTF-8 (first bad byte at offset {error.start}); {bad} byte(s) shown as �"


def _utf16(raw: bytes) -> str | None:
    """"utf-16" (a byte-order mark), "utf-16-le" or "-be" (text whose NULs fall every other byte), or None."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) and not raw.startswith(b"\xff\xfe\x00\x00"):
        return "utf-16"
    head = raw[:4096]
    if len(head) >= 4 and b"\x00" in head:
        even, odd = head[0::2], head[1::2]
        if odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
            return "utf-16-le"
        if even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
            return "utf-16-be"
    return None


_MONTHS_AND_DAYS = frozenset(
    """january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday
    saturday sunday mon tue tues wed thu thur thurs fri sat sun at utc gmt am pm of the""".split()
)
_DATE_TOKEN = re.compile(r"\S+")
_TIME = re.compile(r"\d{1,2}:\d{2}")
_HAS_YEAR = re.compile(r"\d{4}|\d{1,2}[/.-]\d{1,2}[/.-]\d{2}")


def _date_words(text: str) -> list[re.Match[str]]:
    """The date-like words at the start of `text` (figures, months, days; six at most)."""
    tokens: list[re.Match[str]] = []
    for match in _DATE_TOKEN.finditer(text):
        word = match.group().strip(",.").lower()
        if len(tokens) >= 6 or not (any(c.isdigit() for c in word) or word in _MONTHS_AND_DAYS):
            break
        tokens.append(match)
    return tokens


def _unreadable_date_length(text: str) -> int:
    """How much of `text` is the date a header gave but no reader could read ("May 5", "2024-02-30",
    "yesterday"): the date-like words at its start, or else its first word. It is not the article's text."""
    tokens = _date_words(text)
    while tokens and tokens[-1].group().strip(",.").lower() in _DATE_CONNECTORS:
        tokens.pop()  # "May 5 The ministry said": "The" starts the text
    if tokens:
        return tokens[-1].end()
    first = _DATE_TOKEN.search(text)
    return first.end() if first is not None else 0


_DATE_CONNECTORS = frozenset("at of the".split())


def split_leading_date(text: str) -> tuple[datetime | None, int]:
    """Find the date at the start of `text`; return it and how many characters it took.

    Dates may span several words ("4 September 2022", "Sep 4, 2022"), so this tries the longest run
    of date-like words first and gives back one word at a time until python-dateutil accepts it.
    """
    tokens = _date_words(text)
    if tokens and _iso(tokens[0].group()) and not (len(tokens) > 1 and _TIME.match(tokens[1].group())):
        return _iso(tokens[0].group()), tokens[0].end()  # the common case, without python-dateutil
    for count in range(len(tokens), 0, -1):
        end = tokens[count - 1].end()
        parsed = parse_date(text[:end].rstrip(",").strip())
        if parsed is not None:
            return parsed, end
    return None, 0


def parse_date(value: object) -> datetime | None:
    """A date from a string in any common form, or from a Unix timestamp (seconds or milliseconds)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        seconds = value / 1000 if abs(value) > 1e11 else value
        try:
            return datetime.fromtimestamp(seconds, UTC).replace(tzinfo=None)
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str) or not _HAS_YEAR.search(value):
        return None  # a lone "12" or "May" is not a date; a year must be there
    parsed = _iso(value.strip())
    if parsed is None:
        from dateutil import parser as date_parser  # only for dates that are not plain ISO: it is slow to import

        try:
            parsed = date_parser.parse(value, default=_DEFAULT_DATE)
        except (ValueError, OverflowError, TypeError):
            return None
    return _in_utc(parsed)


def _iso(text: str) -> datetime | None:
    """A plain ISO 8601 date or date-time ("2022-09-04", "2022-09-04T10:30"), else None."""
    if len(text) < 10 or not text[:4].isdigit():
        return None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return _in_utc(parsed)


def _in_utc(parsed: datetime) -> datetime | None:
    """A date with an offset as UTC without one, as every date here is kept; None when UTC cannot hold it
    ("0001-01-01T00:00:00+05:00" falls before its first moment)."""
    if parsed.tzinfo is None:
        return parsed
    try:
        return parsed.astimezone(UTC).replace(tzinfo=None)
    except (OverflowError, ValueError):
        return None


def _open_archive(path: str) -> BinaryIO:
    """A JSON Lines archive for reading bytes, decompressed if it is gzipped."""
    if path.endswith(".gz"):
        return cast(BinaryIO, gzip.open(path, "rb"))
    return open(path, "rb")


def read_jsonl(path: Path) -> Iterator[Article | Problem]:
    """Read a JSON Lines archive: one object a line with its text (`text`, `body`, `content`, `description` or
    `summary`), and optional date (`date`, `published`, `time`), title (`title`, `headline`) and `id`.

    Memory stays bounded whatever the file holds: a line longer than `MAX_ARTICLE_BYTES` is skipped
    without being held, and reading stops (with a problem) after `MAX_FILE_BYTES`, decompressed."""
    try:
        handle = _open_archive(str(path))
        head = handle.peek(4)[:4] if hasattr(handle, "peek") else b""
    except OSError as error:
        yield Problem(str(path), f"cannot be read: {error.strerror or error}")
        return
    name = str(path)
    if _utf16(head) is not None:
        handle.close()
        utf16 = _utf16_records(path)
        if utf16 is not None:
            yield from utf16
            return
        handle = _open_archive(name)  # bytes that only looked like UTF-16: read as they are
    count = offset = 0
    limit = _max_file_bytes()
    previous: bytes | None = None
    try:
        with handle:
            number = 0
            while True:
                raw = handle.readline(MAX_ARTICLE_BYTES + 1)
                if not raw:
                    break
                number += 1
                start, offset = offset, offset + len(raw)
                if len(raw) > MAX_ARTICLE_BYTES and not raw.endswith(b"\n"):
                    while raw and not raw.endswith(b"\n"):  # the rest of the line, read and let go
                        raw = handle.readline(MAX_ARTICLE_BYTES)
                        offset += len(raw)
                    yield Problem(f"{name}:{number}", f"a record over {MAX_ARTICLE_BYTES // 2**20} MB: skipped")
                    continue
                if offset > limit:
                    yield Problem(name, f"cut off after {limit / 2**20:,.0f} MB (at line {number:,}): what follows "
                                  f"is not read ({MAX_FILE_ENV} raises the limit)")
                    break
                if not raw.strip():
                    continue
                count += 1
                if raw == previous:  # the same record again (a repeated line): no need to read it twice
                    yield Problem(f"{name}:{number}", f"same record as line {number - 1}; loaded once")
                    continue
                previous = raw
                yield parse_jsonl_record(raw, name, number, start)
    except (OSError, EOFError, gzip.BadGzipFile, zlib.error) as error:
        yield Problem(name, f"archive is damaged after {count} record(s): {error}")
        return
    if count == 0:
        yield Problem(name, "empty archive")


def _utf16_records(path: Path) -> Iterator[Article | Problem] | None:
    """A JSON Lines archive in UTF-16 (rare), read whole (within `MAX_FILE_BYTES`), a record a line; None when
    the file is not UTF-16 after all (its bytes do not decode, or do not start a JSON object)."""
    name = str(path)
    limit = _max_file_bytes()
    try:
        with _open_archive(name) as handle:
            raw = handle.read(limit + 1)
    except (OSError, EOFError, gzip.BadGzipFile, zlib.error):
        return None
    encoding = _utf16(raw)
    if len(raw) > limit or encoding is None:
        return None
    try:
        text = raw.decode(encoding).lstrip("\ufeff")
    except UnicodeDecodeError:
        return None
    if not text.lstrip().startswith("{"):
        return None

    def records() -> Iterator[Article | Problem]:
        count = 0
        for number, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                count += 1
                yield parse_jsonl_record(line.encode("utf-8", "surrogatepass"), name, number, None)
        if count == 0:
            yield Problem(name, "empty archive")

    return records()


def parse_jsonl_record(raw: bytes, path: str, line: int, offset: int | None = None) -> Article | Problem:
    """One record of a JSON Lines archive, or the Problem with it; never an exception."""
    where = f"{path}:{line}"
    try:
        return _record(raw, path, line, offset)
    except RecursionError:
        return Problem(where, "nested too deeply to be an article")
    except Exception as error:  # a record the converters cannot take (a number too big, a date out of range)
        return Problem(where, f"could not be read ({type(error).__name__}: {displayable(str(error))[:160]})")


TEXT_FIELDS = ("text", "body", "content", "description", "summary")  # the names archives give the article text
TITLE_FIELDS = ("title", "headline")
DATE_FIELDS = ("date", "published", "time")
LINK_FIELDS = ("url", "link")
OUTLET_FIELDS = ("source", "publisher", "outlet")  # a name, or an object with its `name` or `title`


def _first_text(record: dict[str, object], names: tuple[str, ...]) -> tuple[str, str | None]:
    """The first of `names` whose value in `record` is text that is not blank, and that text (else None)."""
    for name in names:
        value = record.get(name)
        if isinstance(value, str) and value.strip():
            return name, value
    return names[0], None


def _named(names: tuple[str, ...]) -> str:
    return ", ".join(f"'{name}'" for name in names)


def _record(raw: bytes, path: str, line: int, offset: int | None) -> Article | Problem:
    where = f"{path}:{line}"
    note = None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("utf-8", errors="replace")
        note = "not valid UTF-8; bad bytes shown as �"
    try:
        record = json.loads(text)
    except json.JSONDecodeError as error:
        return Problem(where, f"not valid JSON: {error.msg} at column {error.colno}")
    except ValueError as error:  # an integer of thousands of digits
        return Problem(where, f"not JSON this reader can read: {displayable(str(error))[:120]}")
    if not isinstance(record, dict):
        return Problem(where, "not a JSON object")
    body_field, body = _first_text(record, TEXT_FIELDS)
    if body is None:
        return Problem(where, f"no article text (none of {_named(TEXT_FIELDS)} holds any)")
    body = without_surrogates(body.strip())
    if body != cast(str, record[body_field]).strip():
        note = _join(note, f"its {body_field} holds lone surrogate escapes, shown as �")
    title = _first_text(record, TITLE_FIELDS)[1]
    title = without_surrogates(title) if title is not None else None
    date_field = next((name for name in DATE_FIELDS if record.get(name) not in (None, "")), "date")
    published = parse_date(record.get(date_field))
    if published is None and record.get(date_field) not in (None, ""):
        shown = displayable(repr(record.get(date_field)))[:80]
        note = _join(note, f"date {shown} is not a date I can read; loaded as undated")
    elif published is not None and published > datetime.now() + timedelta(days=FUTURE_DAYS):
        note = _join(note, f"dated {published.date().isoformat()}, in the future: it sorts before today's news")
    given_id = record.get("id")
    if isinstance(given_id, str) and given_id.strip() or isinstance(given_id, int) and not isinstance(given_id, bool):
        article_id = without_surrogates(str(given_id))
    else:
        article_id = content_id(body)
        if given_id not in (None, ""):
            shown = displayable(repr(given_id))[:40]
            note = _join(note, f"id {shown} is not a string or a whole number: the article is known by its text")
    given_link = _first_text(record, LINK_FIELDS)[1]
    link = given_link.strip() if given_link is not None and is_openable(given_link) else None
    return Article(article_id, path, published, headline(title, body), body, line=line, note=note, offset=offset,
                   link=link, outlet=_outlet(record, link))


def _outlet(record: dict[str, object], link: str | None) -> str | None:
    """Who published a record, as it names them ("Reuters", {"name": "BBC News"}), else its link's host without
    "www." ("nydailynews.com"); None when it says neither, and then its archive is its source."""
    for name in OUTLET_FIELDS:
        value = record.get(name)
        if isinstance(value, dict):
            value = next((value[key] for key in ("name", "title") if isinstance(value.get(key), str)), None)
        if isinstance(value, str) and value.strip():
            return one_line(without_surrogates(value))[:200]
    if link is None:
        return None
    host = (urlsplit(link).hostname or "").removeprefix("www.")
    return host or None

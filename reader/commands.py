"""The headless commands: `reader export`, `reader mark` and `reader show`, for scripts and pipes.

Each says what went wrong in one line on stderr and exits 1 (it could not do its job) or 2 (bad
arguments); none prints a traceback. Export uses the analysis index as the reader does: what an earlier
run (of either) found is read back, and what export finds is kept for the next. Read marks are only
written by `reader mark`.
"""

from __future__ import annotations

import argparse
import io
import sqlite3
import sys
import textwrap
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO

from reader.articles import Article, Problem, age
from reader.library import Library
from reader.sources import Collection, display_path, gathered, load, parse_date, read_article, seeds_dir
from reader.store import ENV_VAR, ReadState, StoreError, default_db_path
from reader.text import blocks, displayable, one_line

_DB_HELP = f"the reader's database (default: ${ENV_VAR} or the data directory)"


class CommandError(Exception):
    """The command could not do its job; the message says why (exit status 1)."""


def export_command(arguments: Sequence[str]) -> int:
    from reader.export import Selection, SelectionError, selected, write_export

    parser = argparse.ArgumentParser(
        prog="reader export",
        description="Print what the reader knows about the articles: their names, related articles and "
        "story threads, then the collection's names, threads and problems. Filters combine (AND).",
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="article files or folders (default: the seeds)")
    form = parser.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true", help="one JSON document (the default)")
    form.add_argument("--jsonl", action="store_true", help="one JSON object a line: each article, then names, "
                      "threads and problems")
    parser.add_argument("--body", action="store_true", help="include each article's body text")
    parser.add_argument("--db", metavar="PATH", help=_DB_HELP)
    parser.add_argument("--unread", action="store_true", help="only articles not marked read")
    parser.add_argument("--since", metavar="DATE", help="only articles dated on or after DATE")
    parser.add_argument("--until", metavar="DATE", help="only articles dated on or before DATE (a day: all of it)")
    parser.add_argument("--name", metavar="NAME", help="only articles naming NAME (any of its aliases, any case)")
    parser.add_argument("--search", metavar="WORDS", default="", help="only articles holding every word, as / does")
    parser.add_argument("--thread", metavar="ID", type=int, help="only the articles of story thread ID")
    parser.add_argument("--limit", metavar="N", type=_count, help="at most N articles (the newest)")
    options = parser.parse_intermixed_args(arguments)
    since = _date(parser, "--since", options.since)
    until = _date(parser, "--until", options.until, end_of_day=True)

    missing = [path for path in options.paths if not Path(path).exists()]
    if missing:  # an export of what is not there would be an empty document that looks like a good one
        raise CommandError(f"{displayable(missing[0])}: no such file or folder")
    db = _db_path(options.db)
    collection = _opened(options.paths, db)
    _report_problems(collection.problems)
    read_state = ReadState.open_readonly(db)
    _warn(read_state.warnings)
    library = Library(collection, read_state)
    try:
        _analysed(library, db)
    except sqlite3.DatabaseError as error:  # the index broke under it: recover, and analyse afresh
        from reader.store import is_damage, recover

        if is_damage(error):
            _warn([recover(db, str(error))])
        else:
            _warn([f"the analysis index in {db} could not be used ({error}); analysed without keeping it"])
        library = Library(collection, ReadState.open_readonly(db))
        library.analyse()
    selection = Selection(
        unread=options.unread,
        since=since,
        until=until,
        name=options.name,
        search=options.search,
        thread=options.thread,
        limit=options.limit,
    )
    try:
        articles = selected(library, selection)
    except SelectionError as error:
        raise CommandError(str(error)) from error
    with _stdout() as out:
        write_export(library, articles, out, lines=options.jsonl, with_body=options.body)
    return 0


def _opened(paths: list[str], db: Path) -> Collection:
    """What `reader` opens with these PATHs: the files; with none, the subscribed feeds, else the seeds."""
    from reader.feeds import subscribed

    feeds = None if paths else subscribed(db)
    return load(paths or [seeds_dir()]) if feeds is None else gathered(feeds)


def _analysed(library: Library, db: Path) -> None:
    """Names, threads and related articles, read back from the index where nothing changed and kept there
    for next time. A database that cannot be written means analysing without keeping."""
    from reader.index import AnalysisIndex

    try:
        ReadState.open(db).close()  # makes the database, or brings an older one up to date
    except StoreError as error:
        _warn([f"{error} (analysed without keeping it)"])
    index = AnalysisIndex.open(db) if db.exists() else None
    try:
        if index is not None and library.restore(index):
            if library.names is not None and library.names.fetching:
                library.names.load(index.encoded_names(library.files))  # every article's, at once
            if library.stories is None:
                library.build_stories(index)
            library.find_related(index)
        else:
            library.analyse(index=index)
    finally:
        if index is not None:
            index.close()


def mark_command(arguments: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="reader mark",
        description="Mark articles read or unread, all in one transaction; prints how many changed.",
    )
    parser.add_argument("state", choices=["read", "unread"], help="the mark to set")
    parser.add_argument("ids", nargs="+", metavar="ID", help="article ids (from reader export); - reads them from "
                        "stdin, one a line")
    parser.add_argument("--db", metavar="PATH", help=_DB_HELP)
    options = parser.parse_intermixed_args(arguments)
    ids: list[str] = []
    for given in options.ids:
        if given == "-":
            ids.extend(line.strip() for line in sys.stdin if line.strip())
        else:
            ids.append(given)
    ids = list(dict.fromkeys(ids))
    try:
        state = ReadState.open(_db_path(options.db))
    except StoreError as error:
        raise CommandError(str(error)) from error
    try:
        _warn(state.warnings)
        known = _indexed(state, [i for i in ids if not state.is_read(i)])
        unknown = [i for i in ids if not state.is_read(i) and i not in known]
        if unknown:
            shown = ", ".join(displayable(i) for i in unknown[:5]) + (" …" if len(unknown) > 5 else "")
            raise CommandError(
                f"{len(unknown):,} unknown article id{'s' if len(unknown) != 1 else ''}: {shown} "
                "(ids come from reader export or the reader itself; nothing was changed)"
            )
        change = state.mark(ids, options.state == "read")
    finally:
        state.close()
    changed = len(change.ids) if change is not None else 0
    already = f" ({len(ids) - changed:,} already were)" if changed < len(ids) else ""
    print(f"{changed:,} marked {options.state}{already}")
    return 0


def _indexed(state: ReadState, article_ids: list[str]) -> set[str]:
    """Those of `article_ids` the analysis index knows (export and the reader index what they open)."""
    from reader.index import AnalysisIndex

    index = AnalysisIndex.open(state.path) if state.path is not None and article_ids else None
    if index is None:
        return set()
    try:
        return index.known(article_ids)
    finally:
        index.close()


def show_command(arguments: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="reader show",
        description="Print one article as the reading pane shows it: headline, date, source, names and body.",
    )
    parser.add_argument("id", metavar="ID", help="the article's id (from reader export)")
    parser.add_argument("paths", nargs="*", metavar="PATH", help="where to look for it when the index does not know it")
    parser.add_argument("--db", metavar="PATH", help=_DB_HELP)
    parser.add_argument("--width", metavar="N", type=_count, default=78, help="wrap paragraphs at N columns "
                        "(0: one line a paragraph); default 78")
    options = parser.parse_intermixed_args(arguments)
    article, names = _find(options.id, _db_path(options.db), options.paths)
    with _stdout() as out:
        out.write(plain_text(article, names, datetime.now(), options.width))
    return 0


def _find(article_id: str, db: Path, paths: list[str]) -> tuple[Article, list[tuple[str, str]]]:
    """The article and its names as (name, kind), from the index where it knows the article, else from PATHs."""
    from reader.index import AnalysisIndex, decode, is_feed

    index = AnalysisIndex.open(db) if db.exists() else None
    if index is not None:
        try:
            found = index.source_of(article_id)
        finally:
            index.close()
        if found is not None:
            path, line, offset, encoded = found
            article = _feed_article(db, article_id) if is_feed(path) else read_article(path, line, offset)
            if isinstance(article, Article) and article.id == article_id:
                return article, [(n.name, n.kind) for n in decode(encoded)]
    if paths:
        from reader.names import article_names

        for article in load(paths).articles:
            if article.id == article_id:
                return article, [(n.name, n.kind) for n in article_names(article.body)]
    where = " in " + ", ".join(paths) if paths else " in the index (name the files or folders that hold it)"
    raise CommandError(f"no article with id {displayable(article_id)!r}{where}")


def _feed_article(db: Path, article_id: str) -> Article | None:
    from reader.feeds.subscriptions import Subscriptions

    subscriptions = Subscriptions.open(db)
    try:
        return subscriptions.article(article_id)
    finally:
        subscriptions.close()


_KIND_HEADINGS = {"person": "People", "place": "Places", "organization": "Organisations"}


def plain_text(article: Article, names: list[tuple[str, str]], now: datetime, width: int = 78) -> str:
    """An article as plain text, laid out as the reading pane lays it out; every part made safe to print."""
    when = f"{article.published:%A %-d %B %Y} · {age(article.published, now)}" if article.published else "undated"
    where = display_path(article.path) + (f", line {article.line}" if article.line else "")
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


class _stdout:
    """Standard output as UTF-8 text (never failing on an odd character); a reader that stops early
    (`| head`) ends the command quietly."""

    def __enter__(self) -> IO[str]:
        self._out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", errors="replace", newline="\n",
                                     write_through=False)
        return self._out

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, _: object) -> bool:
        try:
            self._out.flush()
            self._out.detach()
        except BrokenPipeError:
            kind = BrokenPipeError
        if kind is not None and issubclass(kind, BrokenPipeError):
            _quiet_stdout()
            return True
        return False


def _quiet_stdout() -> None:
    """After a closed pipe, send what is left to /dev/null, so exiting does not complain about stdout."""
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more: {text!r}")
    return value


def _date(parser: argparse.ArgumentParser, option: str, text: str | None, end_of_day: bool = False) -> datetime | None:
    """A date from the command line, in any form python-dateutil reads; a day alone means all of it for --until."""
    if text is None:
        return None
    parsed = parse_date(text)
    if parsed is None:
        parser.error(f"{option}: not a date with a year: {text!r} (try 2024-03-01 or '1 March 2024')")
    if end_of_day and ":" not in text and parsed == parsed.replace(hour=0, minute=0, second=0, microsecond=0):
        return parsed + timedelta(days=1)
    return parsed + timedelta(microseconds=1) if end_of_day else parsed


def _db_path(option: str | None) -> Path:
    return Path(option).expanduser() if option else default_db_path()


def _warn(warnings: list[str]) -> None:
    for warning in warnings:
        print(f"reader: {displayable(warning)}", file=sys.stderr)


def _report_problems(problems: list[Problem]) -> None:
    for problem in problems:
        print(f"reader: {displayable(problem.path)}: {displayable(problem.reason)}", file=sys.stderr)

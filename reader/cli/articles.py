"""The headless commands: `reader export`, `reader mark` and `reader show`, for scripts and pipes.

Each says what went wrong in one line on stderr and exits 1 (it could not do its job) or 2 (bad
arguments); none prints a traceback. Export uses the analysis index as the reader does: what an earlier
run (of either) found is read back, and what export finds is kept for the next. Read marks are only
written by `reader mark`.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from reader.articles import Article
from reader.cli.common import DB_HELP, CommandError, Stdout, db_path, report_problems, warn
from reader.library import Library
from reader.session import opened_sources
from reader.sources.files import load, parse_date, read_article
from reader.storage.database import StoreError
from reader.storage.read_marks import ReadState
from reader.text import displayable


def export_command(arguments: Sequence[str]) -> int:
    from reader.export import Selection, SelectionError, selected, write_export

    parser = argparse.ArgumentParser(
        prog="reader export",
        description="Print what the reader knows about the articles: their names, related articles and "
        "story threads, then the collection's names, threads and problems. Filters combine (AND).",
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="article files or folders (default: the subscribed "
                        "feeds, or the built-in seeds while no feed is subscribed)")
    form = parser.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true", help="one JSON document (the default)")
    form.add_argument("--jsonl", action="store_true", help="one JSON object a line: each article, then names, "
                      "threads and problems")
    parser.add_argument("--body", action="store_true", help="include each article's body text")
    parser.add_argument("--db", metavar="PATH", help=DB_HELP)
    parser.add_argument("--unread", action="store_true", help="only articles not marked read")
    parser.add_argument("--starred", action="store_true", help="only starred articles (* in the reader, reader star)")
    parser.add_argument("--since", metavar="DATE", help="only articles dated on or after DATE (also today, "
                        "yesterday, or a time ago: 12h, 3d, 2w)")
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
    db = db_path(options.db)
    collection = opened_sources(options.paths, db)
    report_problems(collection.problems)
    if options.paths and not collection.articles:  # an empty document would look like a good export of nothing
        raise CommandError(f"no articles could be read from {displayable(', '.join(options.paths))}")
    read_state = ReadState.open_readonly(db)
    warn(read_state.warnings)
    library = Library(collection, read_state)
    try:
        _analysed(library, db)
    except sqlite3.DatabaseError as error:  # the index broke under it: recover, and analyse afresh
        from reader.pipeline import IndexLost, analyse, recover_index

        try:
            recovered = recover_index(library, error, db)
        except IndexLost as lost:
            recovered = str(lost)
        warn([recovered or f"the analysis index in {db} could not be used ({error}); analysed without keeping it"])
        library = Library(collection, ReadState.open_readonly(db))
        analyse(library)
    selection = Selection(
        unread=options.unread,
        starred=options.starred,
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
    with Stdout() as out:
        write_export(library, articles, out, lines=options.jsonl, with_body=options.body)
    return 0


def _analysed(library: Library, db: Path) -> None:
    """Names, threads and related articles by the reader's own pipeline, read back from the index where nothing
    changed and kept there for next time. A database that cannot be written means analysing without keeping."""
    from reader.pipeline import analyse, opened_index

    try:
        ReadState.open(db).close()  # makes the database, or brings an older one up to date
    except StoreError as error:
        warn([f"{error} (analysed without keeping it)"])
    with opened_index(db if db.exists() else None) as index:
        analyse(library, index, every_name=True)


def mark_command(arguments: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="reader mark",
        description="Mark articles read or unread, all in one transaction; prints how many changed.",
    )
    parser.add_argument("state", choices=["read", "unread"], help="the mark to set")
    parser.add_argument("ids", nargs="+", metavar="ID", help="article ids (from reader export); - reads them from "
                        "stdin, one a line")
    parser.add_argument("--db", metavar="PATH", help=DB_HELP)
    options = parser.parse_intermixed_args(arguments)
    ids = _given_ids(options.ids)
    try:
        state = ReadState.open(db_path(options.db))
    except StoreError as error:
        raise CommandError(str(error)) from error
    try:
        warn(state.warnings)
        known = _indexed(state, [i for i in ids if not state.is_read(i)])
        known |= _synced(state, [i for i in ids if not state.is_read(i) and i not in known])
        _refuse_unknown([i for i in ids if not state.is_read(i) and i not in known])
        change = state.mark(ids, options.state == "read")
    finally:
        state.close()
    changed = len(change.ids) if change is not None else 0
    already = f" ({len(ids) - changed:,} already were)" if changed < len(ids) else ""
    print(f"{changed:,} marked {options.state}{already}")
    if change is not None and state.path is not None:
        _send_to_server(state.path, "mark")
    return 0


def _synced(state: ReadState, article_ids: list[str]) -> set[str]:
    """Those of `article_ids` a sync server gave (known before any analysis saw them)."""
    if state.path is None or not article_ids:
        return set()
    from reader.sources.sync.store import SyncStore

    store = SyncStore.open(state.path)
    try:
        return store.synced_articles(article_ids)
    finally:
        store.close()


def _send_to_server(db: Path, command: str) -> None:
    """With [sync] set, the marks just queued go to the server now; when it cannot be reached they stay queued
    for the next sync (said on stderr; the marks are kept here either way)."""
    from reader.cli.sync import configured_account, run_round

    account = configured_account()
    if account is None:
        return
    try:
        run_round(db, account, push_only=True)
    except CommandError as error:
        print(f"reader {command}: not sent to the server yet: {error}", file=sys.stderr)


def star_command(arguments: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="reader star",
        description="Star articles (as * does in the reader), or take their stars off, all in one transaction; "
        "prints how many changed. reader export --starred lists the starred ones.",
    )
    parser.add_argument("ids", nargs="+", metavar="ID", help="article ids (from reader export); - reads them from "
                        "stdin, one a line")
    parser.add_argument("--off", action="store_true", help="take the stars off instead")
    parser.add_argument("--db", metavar="PATH", help=DB_HELP)
    options = parser.parse_intermixed_args(arguments)
    ids = _given_ids(options.ids)
    try:
        state = ReadState.open(db_path(options.db))
    except StoreError as error:
        raise CommandError(str(error)) from error
    try:
        warn(state.warnings)
        wanted = [i for i in ids if state.is_starred(i) == options.off]  # those whose star changes
        known = _indexed(state, [i for i in wanted if not state.is_read(i)]) | {i for i in wanted if state.is_read(i)}
        known |= _synced(state, [i for i in wanted if i not in known])  # a sync server's, before any analysis
        _refuse_unknown([i for i in wanted if i not in known and not options.off])
        change = state.star(ids, not options.off)
    except StoreError as error:
        raise CommandError(str(error)) from error
    finally:
        state.close()
    changed = len(change.ids) if change is not None else 0
    already = f" ({len(ids) - changed:,} already were)" if changed < len(ids) else ""
    print(f"{changed:,} {'unstarred' if options.off else 'starred'}{already}")
    if change is not None and state.path is not None:
        _send_to_server(state.path, "star")
    return 0


def _refuse_unknown(unknown: list[str]) -> None:
    """A `CommandError` naming the ids no collection knows (the first five), before anything is changed."""
    if unknown:
        shown = ", ".join(displayable(i) for i in unknown[:5]) + (" …" if len(unknown) > 5 else "")
        raise CommandError(
            f"{len(unknown):,} unknown article id{'s' if len(unknown) != 1 else ''}: {shown} "
            "(ids come from reader export or the reader itself; nothing was changed)"
        )


def _given_ids(given: list[str]) -> list[str]:
    """The ids on the command line, those of stdin in place of -, each once."""
    ids: list[str] = []
    for one in given:
        if one == "-":
            ids.extend(line.strip() for line in sys.stdin if line.strip())
        else:
            ids.append(one)
    return list(dict.fromkeys(ids))


def _indexed(state: ReadState, article_ids: list[str]) -> set[str]:
    """Those of `article_ids` the analysis index knows (export and the reader index what they open)."""
    from reader.storage.analysis_index import AnalysisIndex

    index = AnalysisIndex.open(state.path) if state.path is not None and article_ids else None
    if index is None:
        return set()
    try:
        return index.known(article_ids)
    finally:
        index.close()


def show_command(arguments: Sequence[str]) -> int:
    from reader.export import plain_text

    parser = argparse.ArgumentParser(
        prog="reader show",
        description="Print one article as the reading pane shows it: headline, date, source, names and body.",
    )
    parser.add_argument("id", metavar="ID", help="the article's id (from reader export)")
    parser.add_argument("paths", nargs="*", metavar="PATH", help="where to look for it when the index does not know it")
    parser.add_argument("--db", metavar="PATH", help=DB_HELP)
    parser.add_argument("--width", metavar="N", type=_count, default=78, help="wrap paragraphs at N columns "
                        "(0: one line a paragraph); default 78")
    options = parser.parse_intermixed_args(arguments)
    article, names = _find(options.id, db_path(options.db), options.paths)
    with Stdout() as out:
        out.write(plain_text(article, names, datetime.now(), options.width))
    return 0


def _find(article_id: str, db: Path, paths: list[str]) -> tuple[Article, list[tuple[str, str]]]:
    """The article and its names as (name, kind), from the index where it knows the article, else from PATHs."""
    from reader.storage.analysis_index import AnalysisIndex, decode, is_feed

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
    from reader.sources.feeds.subscriptions import Subscriptions

    subscriptions = Subscriptions.open(db)
    try:
        return subscriptions.article(article_id)
    finally:
        subscriptions.close()


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more: {text!r}")
    return value


def _date(parser: argparse.ArgumentParser, option: str, text: str | None, end_of_day: bool = False) -> datetime | None:
    """A date from the command line, in any form python-dateutil reads, or today, yesterday, or a time ago (12h,
    3d, 2w); a day alone means all of it for --until. Dates are compared in UTC, as the articles keep them."""
    if text is None:
        return None
    relative = _relative_date(text)
    if relative is not None:
        moment, day = relative
        return moment + timedelta(days=1) if end_of_day and day else moment
    parsed = parse_date(text)
    if parsed is None:
        parser.error(f"{option}: not a date with a year: {text!r} (try 2024-03-01, '1 March 2024', yesterday or 3d)")
    if end_of_day and ":" not in text and parsed == parsed.replace(hour=0, minute=0, second=0, microsecond=0):
        return parsed + timedelta(days=1)
    return parsed + timedelta(microseconds=1) if end_of_day else parsed


_AGO = {"h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1)}


def _relative_date(text: str, now: datetime | None = None) -> tuple[datetime, bool] | None:
    """today / yesterday (the start of that day, and True: a day) or 12h / 3d / 2w (that long before now, and
    False), in UTC; None for anything else."""
    word = text.strip().casefold()
    now = now or datetime.now(UTC).replace(tzinfo=None)
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    if word in ("today", "yesterday"):
        return midnight - timedelta(days=word == "yesterday"), True
    unit = _AGO.get(word[-1:]) if word[:-1].strip().isdigit() else None
    return (now - int(word[:-1]) * unit, False) if unit is not None else None

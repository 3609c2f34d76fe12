"""`reader feeds add|import|list|remove|export` and `reader refresh`: subscriptions from the command line.

Each exits 0 when it did its job, 1 when it could not (saying why on stderr), 2 on bad arguments.
Everything a feed says (titles, URLs, errors) is printed through `displayable`: never a control sequence.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from reader.cli.common import DB_HELP, CommandError, Stdout, db_path, warn
from reader.sources.feeds.subscriptions import Subscriptions, feeds_json
from reader.storage.database import StoreError
from reader.storage.read_marks import ReadState
from reader.text import counted, displayable, one_line


def feeds_command(arguments: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="reader feeds", description="Manage feed subscriptions.")
    parser.add_argument("--db", metavar="PATH", help=DB_HELP)
    verbs = parser.add_subparsers(dest="verb", required=True, metavar="add|import|list|remove|export|fulltext")
    add = verbs.add_parser(
        "add",
        help="subscribe to a feed (or the feed a web page names)",
        description="Subscribe to a feed, or to the feed a web page names; its articles are fetched at once.",
    )
    add.add_argument("url", metavar="URL")
    add.add_argument("--tag", action="append", default=[], metavar="TAG", help="a tag for the feed (repeatable)")
    add.add_argument("--fulltext", action="store_true", help="fetch each article's page and keep its main text")
    add.add_argument("--db", metavar="PATH", help=DB_HELP, default=argparse.SUPPRESS)
    full = verbs.add_parser(
        "fulltext",
        help="fetch a feed's articles in full (each entry's page) from the next refresh on",
        description="For a feed that gives only summaries: after each refresh, fetch each new entry's page and keep "
        "its main text in place of the summary (offline afterwards). --off stops it.",
    )
    full.add_argument("url", metavar="URL")
    full.add_argument("--off", action="store_true", help="show the feed's own summaries again")
    full.add_argument("--db", metavar="PATH", help=DB_HELP, default=argparse.SUPPRESS)
    imported = verbs.add_parser(
        "import",
        help="subscribe to every feed of an OPML file or a newsboat urls file",
        description="Subscribe to every feed in an OPML 1/2 file (folders become tags) "
        "or a newsboat `urls` file. Nothing is fetched until `reader refresh`.",
    )
    imported.add_argument("file", metavar="FILE", help="the list (- reads standard input)")
    imported.add_argument("--db", metavar="PATH", help=DB_HELP, default=argparse.SUPPRESS)
    listed = verbs.add_parser("list", help="the subscriptions, with entries, unread and the last fetch")
    listed.add_argument("--json", action="store_true", help="a JSON array, for scripts")
    listed.add_argument("--db", metavar="PATH", help=DB_HELP, default=argparse.SUPPRESS)
    remove = verbs.add_parser("remove", help="unsubscribe (the feed's articles go; read marks stay)")
    remove.add_argument("url", metavar="URL")
    remove.add_argument("--db", metavar="PATH", help=DB_HELP, default=argparse.SUPPRESS)
    exported = verbs.add_parser("export", help="the subscriptions as OPML 2.0 on standard output")
    exported.add_argument("--db", metavar="PATH", help=DB_HELP, default=argparse.SUPPRESS)
    options = parser.parse_args(arguments)
    db = db_path(options.db)
    return int(
        {"add": _add, "import": _import, "list": _list, "remove": _remove, "export": _export, "fulltext": _fulltext}[
            options.verb
        ](db, options)
    )


def fulltext_command(arguments: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="reader fulltext",
        description="Fetch each article's page now and keep its main text in place of the feed's summary "
        "(whatever the feed's own setting); the text is kept, and read offline afterwards.",
    )
    parser.add_argument("ids", nargs="+", metavar="ID", help="article ids (as `reader export` gives them)")
    parser.add_argument("--db", metavar="PATH", help=DB_HELP)
    options = parser.parse_args(arguments)
    db = db_path(options.db)
    _subscriptions(db).close()
    from reader.sources.feeds.refresh import full_text

    failed = 0
    for identity in options.ids:
        page = full_text(db, identity)
        if page is None:
            print(f"reader fulltext: {displayable(identity)}: no feed article has this id", file=sys.stderr)
            failed += 1
        elif page.text is None:
            reason = page.error or "no article text found on the page"
            print(f"reader fulltext: {displayable(identity)}: {displayable(page.url)}: {displayable(reason)}",
                  file=sys.stderr)
            failed += 1
        else:
            words = len(page.text.split())
            state = "unchanged" if page.not_modified else "kept"
            print(f"{displayable(identity)}: {counted(words, 'word')} of full text {state} ({displayable(page.url)})")
    return 1 if failed else 0


def refresh_command(arguments: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="reader refresh",
        description="Fetch every subscribed feed now and keep what is new; then print a one-line summary. With "
        "[sync] set, a sync round instead for the server's feeds (the server fetches them).",
    )
    parser.add_argument("urls", nargs="*", metavar="URL", help="only these feeds (default: all)")
    parser.add_argument("--quiet", action="store_true", help="no progress, no summary: only errors")
    parser.add_argument("--db", metavar="PATH", help=DB_HELP)
    options = parser.parse_intermixed_args(arguments)
    from reader.sources.feeds.refresh import refresh

    db = db_path(options.db)
    synced, sync_failed = _sync_first(db, options.quiet)
    subscriptions = _subscriptions(db)
    try:
        known = {feed.url for feed in subscriptions.feeds()} - synced
    finally:
        subscriptions.close()
    if synced and not known and not options.urls:
        return 1 if sync_failed else 0  # every feed is the server's: the sync was the refresh
    if not known:
        raise CommandError("no feeds are subscribed (add one with: reader feeds add URL)")
    unknown = [url for url in options.urls if url not in known]
    if unknown:
        raise CommandError(f"not subscribed: {displayable(unknown[0])}")
    showing = sys.stderr.isatty() and not options.quiet

    def progress(done: int, total: int, failed: int) -> None:
        if showing:
            text = f"Fetching feeds: {done:,} of {total:,}" + (f" · {failed:,} failed" if failed else "")
            print(f"\r{text}\x1b[K", end="", file=sys.stderr, flush=True)

    from reader.config import load
    from reader.sources.feeds.fetch import FetchSettings

    config = load()  # its problems are the app's to report; here only [feeds] keep_days is used
    report = refresh(
        db,
        urls=options.urls or (sorted(known) if synced else None),
        progress=progress,
        settings=FetchSettings(keep_days=config.settings.keep_days),
    )
    if showing:
        print("\r\x1b[K", end="", file=sys.stderr, flush=True)
    for url, reason in report.failed:
        print(f"reader refresh: {displayable(url)}: {displayable(reason)}", file=sys.stderr)
    for url, reason in report.pages_failed:
        print(f"reader refresh: {displayable(url)}: full text not kept ({displayable(reason)})", file=sys.stderr)
    if report.stopped:
        print(f"reader refresh: stopped: {report.stopped}", file=sys.stderr)
    if not options.quiet:
        print(report.summary())
    asked = report.feeds - report.waiting
    return 1 if sync_failed or report.stopped or (asked and len(report.failed) == asked) else 0


def _sync_first(db: Path, quiet: bool) -> tuple[set[str], bool]:
    """With [sync] set, a sync round first: the server fetches the feeds it gives, so the reader does not fetch
    them again. Returns those feeds' URLs and whether the round failed (said on stderr)."""
    from reader.cli.sync import configured_account, run_round

    account = configured_account()
    if account is None:
        return set(), False
    failed = False
    try:
        summary = run_round(db, account)
        if not quiet:
            print(displayable(summary))
    except CommandError as error:
        print(f"reader refresh: the sync failed: {error}", file=sys.stderr)
        failed = True
    from reader.sources.sync.store import SyncStore

    store = SyncStore.open(db)
    try:
        return store.synced_feeds(), failed
    finally:
        store.close()


def _subscriptions(db: Path) -> Subscriptions:
    """The subscriptions in the database at `db`, made or brought up to date first."""
    try:
        state = ReadState.open(db)  # makes the database, or brings an older one up to date
    except StoreError as error:
        raise CommandError(str(error)) from error
    warn(state.warnings)
    state.close()
    return Subscriptions.open(db)


def _add(db: Path, options: argparse.Namespace) -> int:
    from reader.articles import is_openable
    from reader.sources.feeds.opml import is_local_feed
    from reader.sources.feeds.refresh import SubscribeError, subscribe

    url = options.url.strip()
    if "://" not in url and Path(url).expanduser().is_file():
        url = Path(url).expanduser().resolve().as_uri()  # a feed file on this machine
    elif "://" not in url:
        url = "https://" + url
    if not is_openable(url) and not is_local_feed(url):
        raise CommandError(f"only http, https and file:// feeds can be subscribed to: {displayable(options.url)}")
    _subscriptions(db).close()
    try:
        done = subscribe(db, url)
    except SubscribeError as error:
        raise CommandError(displayable(str(error))) from error
    except sqlite3.OperationalError as error:  # a full disk, say: nothing was kept
        full = " (the disk is full)" if "full" in str(error).lower() else ""
        raise CommandError(f"the feed could not be kept in {db}: {error}{full}") from error
    name = one_line(done.feed.name)
    if not done.new:
        print(f"Already subscribed to {name} ({displayable(done.feed.url)}).")
        return 0
    if options.tag or options.fulltext:
        subscriptions = _subscriptions(db)
        try:
            if options.tag:
                subscriptions.set_tags(done.feed.url, options.tag)
            if options.fulltext:
                subscriptions.set_fulltext(done.feed.url, True)
        finally:
            subscriptions.close()
    found = f", found on {displayable(done.found_on)}" if done.found_on else ""
    count = len(done.stored.new) if done.stored else 0
    print(f"Subscribed to {name} ({displayable(done.feed.url)}{found}): {counted(count, 'article')}.")
    return 0


def _import(db: Path, options: argparse.Namespace) -> int:
    from reader.sources.feeds.opml import ListError, read_list, usable

    try:
        text = sys.stdin.read() if options.file == "-" else Path(options.file).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise CommandError(f"{displayable(options.file)}: cannot be read ({displayable(str(error))})") from error
    try:
        listed = read_list(text)
    except ListError as error:
        raise CommandError(f"{displayable(options.file)}: {displayable(str(error))}") from error
    subscriptions = _subscriptions(db)
    added = already = 0
    skipped: list[str] = []
    try:
        for item in listed:
            if not usable(item):
                skipped.append(item.url)
                continue
            feed, new = subscriptions.add(item.url, item.title, "\n".join(item.tags), named=item.named)
            added += new
            already += not new
    finally:
        subscriptions.close()
    for url in skipped:
        print(f"reader feeds import: skipped {displayable(url)}: not an http or https address"
              " (file:// feeds are taken from a urls file, or with reader feeds add)", file=sys.stderr)
    if not listed:
        raise CommandError(f"{displayable(options.file)}: no feeds in it")
    print(
        f"Imported {counted(added, 'feed')}"
        + (f" ({already:,} already subscribed)" if already else "")
        + (f"; {len(skipped):,} skipped" if skipped else "")
        + ". Fetch them with: reader refresh"
    )
    return 0


def _list(db: Path, options: argparse.Namespace) -> int:
    subscriptions = _subscriptions(db)
    try:
        feeds = subscriptions.feeds()
        read = ReadState.open_readonly(db).read_ids
        counts = subscriptions.counts(read)
    finally:
        subscriptions.close()
    with Stdout() as out:
        if options.json:
            out.write(feeds_json(feeds, counts) + "\n")
            return 0
        if not feeds:
            out.write("No feeds are subscribed. Add one with: reader feeds add URL\n")
            return 0
        for feed in feeds:
            entries, unread = counts.get(feed.url, (0, 0))
            fetched = datetime.fromtimestamp(feed.fetched_at).strftime("%Y-%m-%d %H:%M") if feed.fetched_at else "never"
            out.write(
                f"{one_line(feed.name)}\n  {displayable(feed.url)}\n"
                f"  {counted(entries, 'entry', 'entries')}, {unread:,} unread, "
                f"last fetched {fetched}\n"
            )
            if feed.gone:
                out.write("  gone: the publisher removed it\n")
            if feed.error:
                out.write(f"  error: {one_line(feed.error)}\n")
    return 0


def _fulltext(db: Path, options: argparse.Namespace) -> int:
    subscriptions = _subscriptions(db)
    try:
        known = subscriptions.set_fulltext(options.url, not options.off)
    finally:
        subscriptions.close()
    if not known:
        raise CommandError(f"not subscribed: {displayable(options.url)}")
    if options.off:
        print(f"{displayable(options.url)}: the feed's own summaries from now on (full texts kept stay shown).")
    else:
        print(f"{displayable(options.url)}: each article's page is fetched in full at the next refresh.")
    return 0


def _remove(db: Path, options: argparse.Namespace) -> int:
    subscriptions = _subscriptions(db)
    from reader.sources.sync.store import SyncStore

    store = SyncStore.open(db)
    try:
        synced = options.url in store.synced_feeds()
    finally:
        store.close()
    if synced:
        subscriptions.close()
        raise CommandError(
            f"{displayable(options.url)} is the sync server's: unsubscribe on the server, and the next sync removes it"
        )
    try:
        removed = subscriptions.remove(options.url)
    finally:
        subscriptions.close()
    if removed is None:
        raise CommandError(f"not subscribed: {displayable(options.url)}")
    print(
        f"Unsubscribed from {displayable(options.url)} ({counted(removed, 'entry', 'entries')} "
        "removed; read marks kept)."
    )
    return 0


def _export(db: Path, options: argparse.Namespace) -> int:
    from reader.sources.feeds.opml import write_opml

    subscriptions = _subscriptions(db)
    try:
        feeds = subscriptions.feeds()
    finally:
        subscriptions.close()
    with Stdout() as out:
        out.write(write_opml(feeds))
    return 0

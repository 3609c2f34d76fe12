"""The `reader` command: open the terminal reader, or (`reader export`, `mark`, `show`) script it.

Textual is imported only when the terminal UI starts, so headless commands stay quick.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from reader import __version__
from reader.cli.common import db_path, report_problems
from reader.session import opening
from reader.sources.files import seeds_dir
from reader.storage.database import ENV_VAR, StoreError, default_db_path
from reader.storage.read_marks import ReadState
from reader.text import displayable

_DESCRIPTION = "A terminal news reader that knows who and what the news is about."


def _epilog() -> str:
    return f"""\
With no PATH, the subscribed feeds' articles open (the built-in seed articles while nothing is
subscribed). PATHs may be files or folders (searched recursively for *.txt in the seed format and
*.jsonl / *.jsonl.gz archives).

Headless, for scripts (each has --help):
  reader export [--json | --jsonl] [--body] [filters] [PATH ...]   what the reader knows, as JSON
  reader mark read|unread ID... (- reads ids from stdin)           set read marks
  reader star ID... [--off] (- reads ids from stdin)               star articles (or take their stars off)
  reader show ID [PATH ...]                                        one article as plain text
  reader feeds add|import|list|remove|export                       manage feed subscriptions
  reader refresh                                                   fetch every feed now
  reader fulltext ID...                                            fetch feed articles' pages in full now
  reader sync                                                      sync with the [sync] server now
Read marks are kept in {default_db_path()} (change with --db or {ENV_VAR}).
Settings are read from {_config_path()} (change with READER_CONFIG).
Press ? inside the reader for every key."""


_COMMANDS = {
    "export": ("reader.cli.articles", "export_command"),
    "mark": ("reader.cli.articles", "mark_command"),
    "star": ("reader.cli.articles", "star_command"),
    "show": ("reader.cli.articles", "show_command"),
    "feeds": ("reader.cli.feeds", "feeds_command"),
    "refresh": ("reader.cli.feeds", "refresh_command"),
    "fulltext": ("reader.cli.feeds", "fulltext_command"),
    "sync": ("reader.cli.sync", "sync_command"),
}


class _Parser(argparse.ArgumentParser):
    """Works out the help's epilog (which names the data directory) only when help is asked for."""

    def format_help(self) -> str:
        self.epilog = _epilog()
        return super().format_help()


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments and arguments[0] in _COMMANDS:
        import importlib

        from reader.cli.common import CommandError

        module, function = _COMMANDS[arguments[0]]
        try:
            return int(getattr(importlib.import_module(module), function)(arguments[1:]))
        except CommandError as error:
            print(f"reader {arguments[0]}: {error}", file=sys.stderr)
            return 1
        except KeyboardInterrupt:
            return 130
    parser = _Parser(
        prog="reader",
        description=_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="article files or folders to open")
    parser.add_argument("--db", metavar="PATH", help=f"read-state database (default: ${ENV_VAR} or the data dir)")
    parser.add_argument(
        "--refresh-every",
        metavar="MINUTES",
        type=_minutes,
        default=None,
        help="with feeds: fetch them on start when the last refresh is older than this, and this often (default: "
        "the config's refresh_minutes, 30; 0: only when r is pressed)",
    )
    parser.add_argument("--version", action="version", version=f"reader {__version__}")
    options = parser.parse_args(arguments)

    try:
        read_state = ReadState.open(db_path(options.db))
    except StoreError as error:
        print(f"reader: {error}", file=sys.stderr)
        return 2
    opened = opening(read_state, options.paths)
    library = opened.library
    if library is None:
        read_state.close()
        report_problems(opened.first.problems if opened.first is not None else [])
        where = ", ".join(options.paths) if options.paths else str(seeds_dir())
        print(f"reader: no articles found in {displayable(where)}", file=sys.stderr)
        return 1
    from reader.config import load as load_config
    from reader.tui.app import ReaderApp  # the UI (and Textual) only when it is needed

    config = load_config()
    minutes = options.refresh_every if options.refresh_every is not None else config.settings.refresh_minutes
    app = ReaderApp(
        library,
        warnings=read_state.warnings,
        loading=opened.rest,
        feeds=opened.feeds,
        refresh_every=minutes * 60,
        config=config,
    )
    read_state.be_patient()  # a busy database never holds up the screen; marks wait beside it
    try:
        app.run()
    finally:
        already = len(read_state.warnings)
        read_state.close()
        for warning in read_state.warnings[already:]:
            print(f"reader: {displayable(warning)}", file=sys.stderr)
    return app.return_code or 0


def _config_path() -> Path:
    from reader.config import config_path

    return config_path()


def _minutes(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of minutes: {text!r}") from None
    if not 0 <= value <= 10_000_000:
        raise argparse.ArgumentTypeError(f"must be 0 or more minutes: {text!r}")
    return value

"""`reader sync`: one round with the server of the config's [sync] section (pull, apply, push), then what it did.

Exits 0 when the round was done, 1 when it could not be (no [sync], the server unreachable or refusing the
login: the queued marks stay for the next round), never with a traceback.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path

from reader.cli.common import DB_HELP, CommandError, db_path, warn
from reader.config import SyncAccount
from reader.storage.database import StoreError
from reader.storage.read_marks import ReadState
from reader.text import displayable


def sync_command(arguments: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="reader sync",
        description="Sync with the server of the config's [sync] section: its feeds and new items come, its read "
        "marks and stars are taken, the marks made here are sent. Prints what it did.",
    )
    parser.add_argument("--quiet", action="store_true", help="no summary: only errors")
    parser.add_argument("--db", metavar="PATH", help=DB_HELP)
    options = parser.parse_args(arguments)
    account, problems = settings_account()
    if account is None:
        if problems:
            raise CommandError("no sync: the settings above keep it from being used (see docs/sync.md)")
        raise CommandError(
            "no [sync] section in the settings: set service, url, user and password (or password_command) "
            "in it (see docs/sync.md)"
        )
    db = db_path(options.db)
    report = run_round(db, account)
    if not options.quiet:
        print(displayable(report))
    return 0


def settings_account() -> tuple[SyncAccount | None, int]:
    """For `reader sync`: the config's [sync] account, and how many problems the settings have, each said on
    stderr (a file that is not TOML, a misspelt section, a bad setting: the round goes on without it)."""
    from reader.config import load

    config = load()
    for problem in config.problems:
        print(f"reader: {displayable(problem)}", file=sys.stderr)
    return config.settings.sync, len(config.problems)


def configured_account() -> SyncAccount | None:
    """The config's [sync] account; its problems said on stderr (the round goes on without a bad setting)."""
    from reader.config import load

    config = load()
    for problem in config.problems:
        if "[sync]" in problem:
            print(f"reader: {displayable(problem)}", file=sys.stderr)
    return config.settings.sync


def run_round(db: Path, account: SyncAccount, push_only: bool = False) -> str:
    """One round (or, `push_only`, the queue sent); its summary, or a `CommandError` in words."""
    from reader.sources.sync import SyncError
    from reader.sources.sync.round import sync

    try:
        state = ReadState.open(db)  # makes the database, or brings an older one up to date
    except StoreError as error:
        raise CommandError(str(error)) from error
    warn(state.warnings)
    state.close()
    try:
        return sync(db, account, push_only=push_only).summary()
    except SyncError as error:
        queued = _queued(db)
        kept = f"; {queued:,} queued mark{'s' if queued != 1 else ''} kept for the next sync" if queued else ""
        raise CommandError(f"{error}{kept}") from error
    except sqlite3.Error as error:
        raise CommandError(f"the database {db} could not be used for the sync: {error}") from error
    except Exception as error:  # a fault nobody foresaw: said in words, nothing queued is lost
        raise CommandError(f"the sync stopped: {type(error).__name__}: {error}") from error


def _queued(db: Path) -> int:
    from reader.sources.sync.store import SyncStore

    try:
        store = SyncStore.open(db)
        try:
            return store.status().queued
        finally:
            store.close()
    except sqlite3.Error:
        return 0

"""One sync round: pull (the server's feeds, its new items, which are unread and starred), apply (what changed
there, here), push (the marks queued here, there). Offline first: the reader reads its own database whether
or not the server answers; a round that cannot reach it changes nothing here and leaves the queue as it was.

When both sides changed one item since the last round, the later change wins. A mark made here carries the
time it was made. The server says when neither of its marks nor its stars were made (Fever and the Google
Reader API both keep only the state), only that the state changed between the last round that reached it and
this one: such a change is taken to have been made halfway between the two. So with rounds every 30 minutes a
mark made here 20 minutes after the last round wins over the server's change, one made 10 minutes after
loses to it.
"""

from __future__ import annotations

import asyncio
import subprocess
import time
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

from reader.config import SyncAccount
from reader.sources.feeds.fetch import FetchSettings
from reader.sources.feeds.subscriptions import Stored
from reader.sources.sync import SyncError
from reader.sources.sync.server import Server, host_of
from reader.sources.sync.service import Marks, RemoteItem, RemoteState, Service
from reader.sources.sync.store import Known, Queued, SyncStore
from reader.text import counted, one_line

T = TypeVar("T")
Arrived = Callable[[Stored], None]  # a feed's new articles, once kept
KEPT_AT_ONCE = 500  # new items kept in one transaction (Fever gives 50 a call: a commit each cost a third more)
PASSWORD_SECONDS = 60  # how long password_command may take (a password manager may ask for its own)


@dataclass(slots=True)
class SyncReport:
    """What one round did."""

    server: str = ""
    feeds: int = 0
    feeds_added: int = 0
    feeds_removed: int = 0
    new: int = 0  # items new to the reader
    from_server: int = 0  # marks and stars taken from the server
    sent: int = 0  # queued marks and stars the server took
    overruled: int = 0  # queued ones a later change on the server replaced
    waiting: int = 0  # still queued (made during the round, or not taken)
    seconds: float = 0.0
    pushed_only: bool = False
    kept: list[tuple[str, bool, bool]] = field(default_factory=list)  # (article, value, star) taken from the server
    replaced: tuple[int, int] | None = None  # another account's (feeds, queued marks), dropped for this one

    def summary(self) -> str:
        if self.pushed_only:
            return f"Sent {counted(self.sent, 'mark')} to {self.server}" + (
                f"; {self.waiting:,} still queued" if self.waiting else ""
            )
        parts = [f"{counted(self.feeds, 'feed')}", f"{counted(self.new, 'new article')}"]
        if self.replaced is not None:
            feeds, marks = self.replaced
            parts.insert(0, f"a new account: the previous one's {counted(feeds, 'feed')} and "
                         f"{counted(marks, 'queued mark')} were dropped (read marks stay)")
        if self.feeds_added or self.feeds_removed:
            parts.append(f"{self.feeds_added:,} feeds added, {self.feeds_removed:,} removed")
        parts.append(f"{counted(self.from_server, 'mark')} from the server")
        parts.append(f"{self.sent:,} sent")
        if self.overruled:
            parts.append(f"{self.overruled:,} overruled by later changes there")
        if self.waiting:
            parts.append(f"{self.waiting:,} still queued")
        return f"Synced with {self.server}: " + ", ".join(parts) + f" in {self.seconds:.1f} s"


def account_key(account: SyncAccount) -> str:
    """Which account the synced rows belong to: the service, the address as the server reads it (scheme and
    host in any case, a trailing slash or none) and the user."""
    parts = urlsplit(account.url)
    path = parts.path.rstrip("/")
    url = urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, parts.query, ""))
    return f"{account.service} {url} {account.user}"


def password(account: SyncAccount) -> str:
    """The password, or the first line `password_command` prints (run by the shell)."""
    if not account.password_command:
        return account.password
    try:
        done = subprocess.run(
            account.password_command, shell=True, capture_output=True, text=True, timeout=PASSWORD_SECONDS
        )
    except (OSError, subprocess.SubprocessError) as error:
        raise SyncError(f"password_command could not be run: {one_line(str(error))}") from error
    if done.returncode != 0:
        said = one_line(done.stderr.strip().splitlines()[-1]) if done.stderr.strip() else ""
        raise SyncError(f"password_command failed (exit {done.returncode}){': ' + said if said else ''}")
    lines = done.stdout.splitlines()
    if not lines or not lines[0]:
        raise SyncError("password_command printed no password")
    return lines[0]


def service_for(account: SyncAccount, settings: FetchSettings | None = None) -> Service:
    from reader.sources.sync.fever import Fever
    from reader.sources.sync.greader import GoogleReader

    secret = password(account)  # first: a failing password_command leaves no HTTP session open
    kind = Fever if account.service == "fever" else GoogleReader
    return kind(Server(account.url, settings), account.user, secret)


def sync(
    db: Path,
    account: SyncAccount,
    *,
    arrived: Arrived | None = None,
    push_only: bool = False,
    settings: FetchSettings | None = None,
) -> SyncReport:
    """One round with the server of `account`, kept in the database at `db` (made ready by `ReadState.open`).
    Raises `SyncError` (after noting it in the database) when the server cannot be reached or refuses."""
    return _run(lambda: _sync(db, account, arrived, push_only, settings))


async def _sync(
    db: Path, account: SyncAccount, arrived: Arrived | None, push_only: bool, settings: FetchSettings | None
) -> SyncReport:
    started = time.monotonic()
    store = SyncStore.open(db)
    report = SyncReport(server=one_line(host_of(account.url)), pushed_only=push_only)
    try:
        try:
            service = service_for(account, settings)
        except SyncError as error:
            store.failed(str(error))
            raise
        try:
            await service.login()
            # Only an account that logged in replaces the rows of another: a mistyped address or user that
            # fails leaves every synced article and queued mark as it was.
            report.replaced = store.for_account(account_key(account))
            if push_only:
                await _push_queue(service, store, report)
            else:
                await _round(service, store, report, arrived)
        except SyncError as error:
            store.failed(str(error))
            raise
        finally:
            await service.close()
    finally:
        store.close()
    report.seconds = time.monotonic() - started
    return report


async def _round(service: Service, store: SyncStore, report: SyncReport, arrived: Arrived | None) -> None:
    began = time.time()
    feeds, report.feeds_added, report.feeds_removed = store.take_feeds(await service.feeds())
    report.feeds = len(feeds)

    def keep(items: list[RemoteItem]) -> None:
        if not items:
            return
        for url, articles in store.keep_items(items, feeds).items():
            report.new += len(articles)
            if arrived is not None:
                feed = next((f for f in feeds.values() if f.url == url), None)
                arrived(Stored(articles, [], url, feed.name if feed is not None else url))

    known = store.known()
    newest = max((int(remote) for remote in known if remote.isdigit()), default=None)
    waiting: list[RemoteItem] = []
    async for page in service.new_items(known.keys(), None if newest is None else str(newest)):
        waiting += page
        if len(waiting) >= KEPT_AT_ONCE:
            keep(waiting)
            waiting = []
    keep(waiting)
    state = await service.state()
    known = store.known()
    missing = sorted((state.unread | state.starred) - known.keys(), key=lambda i: (len(i), i))
    if missing:  # unread or starred items the pages did not bring (a server that pages in another order)
        keep(await service.items(missing))
        known = store.known()
    plan = decide(known, state, store.queue(), store.status().synced_at, began)
    report.overruled = plan.overruled
    await _carry_out(service, store, plan, report)


async def _push_queue(service: Service, store: SyncStore, report: SyncReport) -> None:
    """Only the queue, as it is (`reader mark`: the change just made is the latest)."""
    await _carry_out(service, store, decide_push(store.known(), store.queue()), report, synced=False)


async def _carry_out(service: Service, store: SyncStore, plan: Plan, report: SyncReport, synced: bool = True) -> None:
    """Send the plan's marks, then keep in one transaction what the server took and what it said; a failure
    part way keeps what was taken, the rest stays queued."""
    taken: dict[str, set[str]] = {}

    def took(kind: str, ids: tuple[str, ...]) -> None:
        taken.setdefault(kind, set()).update(ids)

    failure: SyncError | None = None
    try:
        if len(plan.marks):
            await service.send(plan.marks, took)
    except SyncError as error:
        failure = error
    done = list(plan.settled)
    for (kind, remote), rows in plan.sends.items():
        if remote in taken.get(kind, ()):
            done += rows
            read, starred = plan.seen.setdefault(remote, [None, None])[0], plan.seen[remote][1]
            if kind in ("read", "unread"):
                read = kind == "read"
            else:
                starred = kind == "star"
            plan.seen[remote] = [read, starred]
    seen = [(remote, r, s) for remote, (r, s) in plan.seen.items() if r is not None and s is not None]
    partial = [(remote, r, s) for remote, (r, s) in plan.seen.items() if r is None or s is None]
    report.kept = store.settle(plan.from_server, seen, done, synced and failure is None, partial)
    report.from_server = len(report.kept)
    report.sent = sum(len(ids) for ids in taken.values())
    report.waiting = store.status().queued
    if failure is not None:
        raise failure


@dataclass(slots=True)
class Plan:
    """What a round does once it knows both sides: marks to send (and the queued rows each settles), the server's
    marks to keep here, queued rows settled without sending, and the server's state as it will be."""

    marks: Marks
    sends: dict[tuple[str, str], list[int]]  # (kind, item) -> the queued rows it settles once taken
    from_server: list[tuple[str, bool, bool]]  # (article, value, star)
    settled: list[int]
    seen: dict[str, list[bool | None]]  # item -> [read, starred] on the server (None: unknown)
    overruled: int = 0


def decide(
    known: dict[str, Known], state: RemoteState, queue: list[Queued], synced_at: float | None, now: float
) -> Plan:
    """Both sides' changes since the last round, merged: a change on one side only is taken by the other; when
    both changed an item, the later wins, the server's dated halfway between the last round and this one."""
    server_time = now if synced_at is None else (synced_at + now) / 2
    latest, rows_of = _latest(queue)
    seen: dict[str, list[bool | None]] = {}
    from_server: list[tuple[str, bool, bool]] = []
    settled: list[int] = []
    sends: dict[tuple[str, str], list[int]] = {}
    overruled = 0
    articles = set()
    for remote, item in known.items():
        articles.add(item.article)
        now_there = [remote not in state.unread, remote in state.starred]
        seen[remote] = list(now_there)
        for star in (False, True):
            server = now_there[star]
            before = item.starred if star else item.read
            queued = latest.get((item.article, star))
            if queued is None:
                if server != before:
                    from_server.append((item.article, server, star))
                continue
            rows = rows_of[(item.article, star)]
            if queued.value == server:
                settled += rows
            elif server != before and queued.made_at <= server_time:
                from_server.append((item.article, server, star))
                settled += rows
                overruled += 1
            else:
                sends[(_kind(queued), remote)] = rows
    settled += [row for (article, _), rows in rows_of.items() if article not in articles for row in rows]
    return Plan(_marks(sends), sends, from_server, settled, seen, overruled)


def decide_push(known: dict[str, Known], queue: list[Queued]) -> Plan:
    """The queue sent as it is, without asking the server's state first."""
    latest, rows_of = _latest(queue)
    remote_of = {item.article: remote for remote, item in known.items()}
    sends: dict[tuple[str, str], list[int]] = {}
    settled: list[int] = []
    seen: dict[str, list[bool | None]] = {}
    for pair, queued in latest.items():
        remote = remote_of.get(queued.article)
        if remote is None:
            settled += rows_of[pair]
            continue
        sends[(_kind(queued), remote)] = rows_of[pair]
        item = known[remote]
        seen[remote] = [item.read, item.starred]
    return Plan(_marks(sends), sends, [], settled, seen)


def _latest(queue: list[Queued]) -> tuple[dict[tuple[str, bool], Queued], dict[tuple[str, bool], list[int]]]:
    latest: dict[tuple[str, bool], Queued] = {}
    rows_of: dict[tuple[str, bool], list[int]] = {}
    for queued in queue:  # in the order they were made
        latest[(queued.article, queued.star)] = queued
        rows_of.setdefault((queued.article, queued.star), []).append(queued.row)
    return latest, rows_of


def _kind(queued: Queued) -> str:
    if queued.star:
        return "star" if queued.value else "unstar"
    return "read" if queued.value else "unread"


def _marks(sends: dict[tuple[str, str], list[int]]) -> Marks:
    by_kind: dict[str, list[str]] = {}
    for kind, remote in sends:
        by_kind.setdefault(kind, []).append(remote)
    return Marks(*(tuple(by_kind.get(kind, ())) for kind in ("read", "unread", "star", "unstar")))


def _run(work: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run `work` on an event loop of its own: on this thread, or beside it when this thread runs one."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(work())
    with ThreadPoolExecutor(max_workers=1) as beside:
        return beside.submit(lambda: asyncio.run(work())).result()

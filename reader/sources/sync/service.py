"""What both APIs give the reader, in the reader's words: the server's feeds, its items, which of them are unread
and which starred, and the marks it is sent. `fever.Fever` and `greader.GoogleReader` are the two services."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True, slots=True)
class RemoteFeed:
    """One of the server's subscriptions; `id` is the server's."""

    id: str
    url: str
    title: str | None
    site: str | None
    groups: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RemoteItem:
    """One of the server's items (an entry of one of its feeds), with its state there; `id` is the server's."""

    id: str
    feed: str
    title: str
    html: str
    link: str | None
    published: datetime | None
    read: bool
    starred: bool


@dataclass(frozen=True, slots=True)
class RemoteState:
    """Which of the server's items are unread and which starred, now."""

    unread: frozenset[str]
    starred: frozenset[str]


@dataclass(frozen=True, slots=True)
class Marks:
    """What the reader sends: item ids to mark read, unread, starred and unstarred."""

    read: tuple[str, ...] = ()
    unread: tuple[str, ...] = ()
    star: tuple[str, ...] = ()
    unstar: tuple[str, ...] = ()

    def __len__(self) -> int:
        return len(self.read) + len(self.unread) + len(self.star) + len(self.unstar)


Taken = Callable[[str, tuple[str, ...]], None]  # ("read" | "unread" | "star" | "unstar", item ids)


class Service(Protocol):
    """One API. Every method raises `SyncError` (with words) when the server cannot be reached or refuses."""

    async def login(self) -> None: ...

    async def feeds(self) -> list[RemoteFeed]: ...

    def new_items(self, known: Collection[str], newest: str | None) -> AsyncIterator[list[RemoteItem]]:
        """The items the reader does not know yet, a page at a time (`newest`: the highest id it has)."""
        ...

    async def items(self, ids: list[str]) -> list[RemoteItem]:
        """These items, by id."""
        ...

    async def state(self) -> RemoteState: ...

    async def send(self, marks: Marks, taken: Taken) -> None:
        """Send the marks, telling `taken` of each group of item ids the server took (so a failure part way
        loses nothing: what was not taken stays queued)."""
        ...

    async def close(self) -> None: ...

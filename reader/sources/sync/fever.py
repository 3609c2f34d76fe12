"""The Fever API (Miniflux, FreshRSS, Tiny Tiny RSS's plugin, coldsweat): one address, `?api` and a command
in the query, the key (md5 of "user:password") in a POSTed form; items 50 a call (`since_id`, `with_ids`),
`unread_item_ids` and `saved_item_ids` as comma-separated lists, and `mark=item&as=read|unread|saved|unsaved`
one item a call (marks go in the form, as the API's own clients send them)."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Collection
from datetime import UTC, datetime
from typing import Any

from reader.sources.sync import SyncError
from reader.sources.sync.server import Server
from reader.sources.sync.service import Marks, RemoteFeed, RemoteItem, RemoteState, Taken

PAGE = 50  # the API's own page size


class Fever:
    def __init__(self, server: Server, user: str, password: str) -> None:
        self.server = server
        self._key = hashlib.md5(f"{user}:{password}".encode()).hexdigest()
        self._url = server.url.split("?", 1)[0]

    async def close(self) -> None:
        await self.server.close()

    async def _call(self, *query: tuple[str, str], form: list[tuple[str, str]] | None = None) -> dict[str, Any]:
        status, answer = await self.server.json(
            "POST", self._url, params=[("api", ""), *query], data=[("api_key", self._key), *(form or [])]
        )
        if status >= 400 or not isinstance(answer, dict):
            raise SyncError(f"{self.server.host} answered HTTP {status}: is {self._url} its Fever API address?")
        if not answer.get("auth"):
            raise SyncError(f"{self.server.host} refused the login (Fever: wrong user or password)", refused=True)
        return answer

    async def login(self) -> None:
        await self._call()

    async def feeds(self) -> list[RemoteFeed]:
        answer = await self._call(("groups", ""), ("feeds", ""))
        groups = {str(g.get("id")): str(g.get("title") or "") for g in _list(answer, "groups")}
        feed_groups: dict[str, list[str]] = {}
        for pair in _list(answer, "feeds_groups"):
            for feed in str(pair.get("feed_ids") or "").split(","):
                if feed.strip() and groups.get(str(pair.get("group_id"))):
                    feed_groups.setdefault(feed.strip(), []).append(groups[str(pair.get("group_id"))])
        found = []
        for raw in _list(answer, "feeds"):
            url = str(raw.get("url") or "")
            if raw.get("id") is None or not url:
                continue
            identity = str(raw["id"])
            found.append(
                RemoteFeed(
                    identity,
                    url,
                    _text(raw.get("title")) or None,
                    _text(raw.get("site_url")) or None,
                    tuple(feed_groups.get(identity, ())),
                )
            )
        return found

    async def new_items(self, known: Collection[str], newest: str | None) -> AsyncIterator[list[RemoteItem]]:
        since = int(newest) if newest and newest.isdigit() else 0
        while True:
            answer = await self._call(("items", ""), ("since_id", str(since)))
            page = [item for item in map(_item, _list(answer, "items")) if item is not None]
            if not page:
                return
            top = max(int(item.id) for item in page)
            if top <= since:
                return
            since = top
            yield [item for item in page if item.id not in known]

    async def items(self, ids: list[str]) -> list[RemoteItem]:
        found: list[RemoteItem] = []
        for start in range(0, len(ids), PAGE):
            answer = await self._call(("items", ""), ("with_ids", ",".join(ids[start : start + PAGE])))
            found += [item for item in map(_item, _list(answer, "items")) if item is not None]
        return found

    async def state(self) -> RemoteState:
        answer = await self._call(("unread_item_ids", ""), ("saved_item_ids", ""))
        return RemoteState(_ids(answer.get("unread_item_ids")), _ids(answer.get("saved_item_ids")))

    async def send(self, marks: Marks, taken: Taken) -> None:
        for kind, ids, word in (
            ("read", marks.read, "read"),
            ("unread", marks.unread, "unread"),
            ("star", marks.star, "saved"),
            ("unstar", marks.unstar, "unsaved"),
        ):
            for item in ids:
                await self._call(form=[("mark", "item"), ("as", word), ("id", item)])
                taken(kind, (item,))


def _list(answer: dict[str, Any], name: str) -> list[dict[str, Any]]:
    value = answer.get(name)
    return [entry for entry in value if isinstance(entry, dict)] if isinstance(value, list) else []


def _ids(value: object) -> frozenset[str]:
    if isinstance(value, str):
        return frozenset(part.strip() for part in value.split(",") if part.strip().isdigit())
    if isinstance(value, list):  # some servers give a JSON list
        return frozenset(str(part) for part in value if str(part).isdigit())
    return frozenset()


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _item(raw: dict[str, Any]) -> RemoteItem | None:
    identity, feed = raw.get("id"), raw.get("feed_id")
    if identity is None or feed is None or not str(identity).isdigit():
        return None
    published = None
    stamp = raw.get("created_on_time")
    if isinstance(stamp, (int, float)) and not isinstance(stamp, bool) and 0 < stamp < 1e11:
        published = datetime.fromtimestamp(stamp, UTC)
    return RemoteItem(
        str(identity),
        str(feed),
        _text(raw.get("title")),
        _text(raw.get("html")),
        _text(raw.get("url")) or None,
        published,
        bool(raw.get("is_read")),
        bool(raw.get("is_saved")),
    )

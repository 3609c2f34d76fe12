"""The Google Reader API (FreshRSS, Miniflux, Inoreader, The Old Reader), as FreshRSS documents it: a login
(`accounts/ClientLogin`) gives the `Auth` token sent as `Authorization: GoogleLogin auth=...`; writes carry
a second token (`reader/api/0/token`) as `T`. Subscriptions from `subscription/list`; item ids from
`stream/items/ids` (the reading list, and the starred stream; `xt=` excludes the read), pages joined by their
`continuation`; items from `stream/items/contents`; marks by `edit-tag` (`a=` adds, `r=` removes
`user/-/state/com.google/read` or `.../starred`). Item ids come short (decimal) or long
("tag:google.com,2005:reader/item/" and 16 hex digits): the reader keeps the decimal form."""

from __future__ import annotations

from collections.abc import AsyncIterator, Collection
from datetime import UTC, datetime
from typing import Any

from reader.sources.sync import SyncError
from reader.sources.sync.server import Server
from reader.sources.sync.service import Marks, RemoteFeed, RemoteItem, RemoteState, Taken

READ = "user/-/state/com.google/read"
STARRED = "user/-/state/com.google/starred"
READING_LIST = "user/-/state/com.google/reading-list"
LONG_PREFIX = "tag:google.com,2005:reader/item/"
IDS_PAGE = 10000  # item ids a call
CONTENTS_PAGE = 250  # items a call
EDITS_PAGE = 250  # item ids an edit-tag


class GoogleReader:
    def __init__(self, server: Server, user: str, password: str) -> None:
        self.server = server
        self._user, self._password = user, password
        self._base = server.url.rstrip("/") + "/"
        self._auth: str | None = None
        self._token: str | None = None

    async def close(self) -> None:
        await self.server.close()

    async def login(self) -> None:
        status, text = await self.server.text(
            "POST", self._base + "accounts/ClientLogin", data=[("Email", self._user), ("Passwd", self._password)]
        )
        if status in (401, 403):
            raise SyncError(
                f"{self.server.host} refused the login (Google Reader API: wrong user or password)", refused=True
            )
        if status >= 400:
            raise SyncError(f"{self.server.host} answered HTTP {status} to the login: is {self._base} its API address?")
        for line in text.splitlines():
            if line.startswith("Auth="):
                self._auth = line[5:].strip()
        if not self._auth:
            raise SyncError(f"{self.server.host} gave no Auth token at login: is {self._base} its API address?")

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"GoogleLogin auth={self._auth}"}

    async def _get(self, path: str, *query: tuple[str, str]) -> dict[str, Any]:
        status, answer = await self.server.json(
            "GET", self._base + path, params=[("output", "json"), *query], headers=self._headers()
        )
        return self._checked(status, answer, path)

    async def _post(self, path: str, form: list[tuple[str, str]], want_json: bool = True) -> dict[str, Any]:
        if want_json:
            status, answer = await self.server.json(
                "POST", self._base + path, params=[("output", "json")], data=form, headers=self._headers()
            )
            return self._checked(status, answer, path)
        status, text = await self.server.text("POST", self._base + path, data=form, headers=self._headers())
        self._checked(status, {}, path)
        return {}

    def _checked(self, status: int, answer: object, path: str) -> dict[str, Any]:
        if status in (401, 403):
            raise SyncError(f"{self.server.host} refused the login for {path} (HTTP {status})", refused=True)
        if status >= 400 or not isinstance(answer, dict):
            raise SyncError(f"{self.server.host} answered HTTP {status} to {path}")
        return answer

    async def _write_token(self) -> str:
        if self._token is None:
            status, text = await self.server.text("GET", self._base + "reader/api/0/token", headers=self._headers())
            self._checked(status, {}, "reader/api/0/token")
            self._token = text.strip()
        return self._token

    async def feeds(self) -> list[RemoteFeed]:
        answer = await self._get("reader/api/0/subscription/list")
        found = []
        for raw in answer.get("subscriptions") or []:
            if not isinstance(raw, dict) or not raw.get("id") or not raw.get("url"):
                continue
            labels = tuple(
                str(c.get("label")) for c in raw.get("categories") or [] if isinstance(c, dict) and c.get("label")
            )
            found.append(
                RemoteFeed(
                    str(raw["id"]),
                    str(raw["url"]),
                    _text(raw.get("title")) or None,
                    _text(raw.get("htmlUrl")) or None,
                    labels,
                )
            )
        return found

    async def _ids(self, stream: str, exclude: str | None = None) -> list[str]:
        ids: list[str] = []
        continuation = ""
        while True:
            query = [("s", stream), ("n", str(IDS_PAGE))]
            if exclude:
                query.append(("xt", exclude))
            if continuation:
                query.append(("c", continuation))
            answer = await self._get("reader/api/0/stream/items/ids", *query)
            ids += [
                short
                for ref in answer.get("itemRefs") or []
                if isinstance(ref, dict)
                if (short := short_id(ref.get("id"))) is not None
            ]
            continuation = _text(answer.get("continuation"))
            if not continuation:
                return ids

    async def new_items(self, known: Collection[str], newest: str | None) -> AsyncIterator[list[RemoteItem]]:
        missing = [item for item in await self._ids(READING_LIST) if item not in known]
        for start in range(0, len(missing), CONTENTS_PAGE):
            yield await self.items(missing[start : start + CONTENTS_PAGE])

    async def items(self, ids: list[str]) -> list[RemoteItem]:
        found: list[RemoteItem] = []
        for start in range(0, len(ids), CONTENTS_PAGE):
            form = [("i", item) for item in ids[start : start + CONTENTS_PAGE]]
            answer = await self._post("reader/api/0/stream/items/contents", form)
            found += [item for item in map(_item, answer.get("items") or []) if item is not None]
        return found

    async def state(self) -> RemoteState:
        unread = await self._ids(READING_LIST, exclude=READ)
        starred = await self._ids(STARRED)
        return RemoteState(frozenset(unread), frozenset(starred))

    async def send(self, marks: Marks, taken: Taken) -> None:
        token = await self._write_token()
        for kind, ids, change, tag in (
            ("read", marks.read, "a", READ),
            ("unread", marks.unread, "r", READ),
            ("star", marks.star, "a", STARRED),
            ("unstar", marks.unstar, "r", STARRED),
        ):
            for start in range(0, len(ids), EDITS_PAGE):
                page = ids[start : start + EDITS_PAGE]
                form = [("T", token), (change, tag), *(("i", item) for item in page)]
                await self._post("reader/api/0/edit-tag", form, want_json=False)
                taken(kind, page)


def short_id(value: object) -> str | None:
    """An item id in the decimal form: a long one's 16 hex digits read as the unsigned number they are."""
    text = str(value or "").strip()
    if text.startswith(LONG_PREFIX):
        try:
            return str(int(text[len(LONG_PREFIX) :], 16))
        except ValueError:
            return None
    if text.lstrip("-").isdigit():
        number = int(text)
        return str(number + 2**64 if number < 0 else number)  # some servers give the signed form
    return None


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _link(raw: dict[str, Any]) -> str | None:
    for name in ("canonical", "alternate"):
        for link in raw.get(name) or []:
            if isinstance(link, dict) and isinstance(link.get("href"), str) and link["href"]:
                return str(link["href"])
    return None


def _item(raw: object) -> RemoteItem | None:
    if not isinstance(raw, dict):
        return None
    identity = short_id(raw.get("id"))
    origin = raw.get("origin")
    feed = _text(origin.get("streamId")) if isinstance(origin, dict) else ""
    if identity is None or not feed:
        return None
    body = raw.get("content") if isinstance(raw.get("content"), dict) else raw.get("summary")
    html = _text(body.get("content")) if isinstance(body, dict) else ""
    stamp = raw.get("published")
    published = None
    if isinstance(stamp, (int, float)) and not isinstance(stamp, bool) and 0 < stamp < 1e11:
        published = datetime.fromtimestamp(stamp, UTC)
    categories = {str(c) for c in raw.get("categories") or []}
    read = any(c.endswith("/state/com.google/read") for c in categories)
    starred = any(c.endswith("/state/com.google/starred") for c in categories)
    return RemoteItem(identity, feed, _text(raw.get("title")), html, _link(raw), published, read, starred)

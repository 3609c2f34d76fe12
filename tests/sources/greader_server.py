"""A small Google Reader API server on loopback, written from FreshRSS's documentation of the API (no server of
that API can be installed here): ClientLogin, token, subscription/list, stream/items/ids (with continuation),
stream/items/contents (long item ids), edit-tag and mark-all-as-read, with the state it holds in memory."""

from __future__ import annotations

import json
import threading
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

READ = "user/-/state/com.google/read"
STARRED = "user/-/state/com.google/starred"
AUTH, TOKEN = "me/0123456789abcdef", "T0KEN0123456789"
PAGE_CAP = 3  # item ids a page at most, whatever the client asks: the continuation is walked


@dataclass
class Item:
    id: int
    feed: str
    title: str
    text: str
    tags: set[str] = field(default_factory=set)


class GReaderServer:
    def __init__(self, user: str, password: str) -> None:
        self.user, self.password = user, password
        self.feeds = {
            "feed/1": ("http://example.invalid/wire.xml", "Wire", "News"),
            "feed/2": ("http://example.invalid/desk.xml", "Desk", "Local"),
        }
        self.items = {
            n: Item(n, "feed/1" if n % 2 else "feed/2", f"Story {n}", f"Text of story {n}.") for n in range(1, 9)
        }
        self.requests: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_: object) -> None:
                pass

            def _reply(self, status: int, body: object) -> None:
                data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/plain" if isinstance(body, str) else "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _form(self) -> dict[str, list[str]]:
                length = int(self.headers.get("Content-Length") or 0)
                return urllib.parse.parse_qs(self.rfile.read(length).decode(), keep_blank_values=True)

            def do_GET(self) -> None:  # noqa: N802
                self._answer("GET", {})

            def do_POST(self) -> None:  # noqa: N802
                self._answer("POST", self._form())

            def _answer(self, method: str, form: dict[str, list[str]]) -> None:
                parts = urllib.parse.urlsplit(self.path)
                query = urllib.parse.parse_qs(parts.query)
                path = parts.path.removeprefix("/api/greader.php/")
                server.requests.append(path)
                if path == "accounts/ClientLogin":
                    if form.get("Email") == [server.user] and form.get("Passwd") == [server.password]:
                        self._reply(200, f"SID={AUTH}\nLSID=null\nAuth={AUTH}\n")
                    else:
                        self._reply(401, "Error=BadAuthentication\n")
                    return
                if self.headers.get("Authorization") != f"GoogleLogin auth={AUTH}":
                    self._reply(401, "Unauthorized!")
                    return
                status, body = server.answer(method, path, query, form)
                self._reply(status, body)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/api/greader.php"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def answer(
        self, method: str, path: str, query: dict[str, list[str]], form: dict[str, list[str]]
    ) -> tuple[int, object]:
        if path == "reader/api/0/token":
            return 200, TOKEN + "\n"
        if path == "reader/api/0/subscription/list":
            return 200, {
                "subscriptions": [
                    {
                        "id": key,
                        "title": title,
                        "url": url,
                        "htmlUrl": url.rsplit("/", 1)[0] + "/",
                        "categories": [{"id": f"user/-/label/{label}", "label": label}],
                    }
                    for key, (url, title, label) in self.feeds.items()
                ]
            }
        if path == "reader/api/0/stream/items/ids":
            stream, exclude = query["s"][0], query.get("xt", [None])[0]
            chosen = [
                i
                for i in sorted(self.items.values(), key=lambda i: -i.id)
                if (stream.endswith("reading-list") or stream in i.tags) and (exclude is None or exclude not in i.tags)
            ]
            start = int(query.get("c", ["0"])[0])
            count = min(int(query.get("n", ["20"])[0]), PAGE_CAP)
            page = chosen[start : start + count]
            answer: dict[str, object] = {"itemRefs": [{"id": str(i.id)} for i in page]}
            if start + count < len(chosen):
                answer["continuation"] = str(start + count)
            return 200, answer
        if path == "reader/api/0/stream/items/contents" and method == "POST":
            wanted = [self._number(i) for i in form.get("i", [])]
            return 200, {"items": [self._content(self.items[n]) for n in wanted if n in self.items]}
        if path in ("reader/api/0/edit-tag", "reader/api/0/mark-all-as-read"):
            if method != "POST" or form.get("T") != [TOKEN]:
                return 401, "Unauthorized!"
            if path.endswith("mark-all-as-read"):
                for item in self.items.values():
                    if item.feed == form["s"][0]:
                        item.tags.add(READ)
                return 200, "OK"
            for n in (self._number(i) for i in form.get("i", [])):
                for tag in form.get("a", []):
                    self.items[n].tags.add(tag)
                for tag in form.get("r", []):
                    self.items[n].tags.discard(tag)
            return 200, "OK"
        return 404, "not found"

    @staticmethod
    def _number(text: str) -> int:
        if text.startswith("tag:google.com,2005:reader/item/"):
            return int(text.rsplit("/", 1)[1], 16)
        return int(text)

    def _content(self, item: Item) -> dict[str, object]:
        url, title, _ = self.feeds[item.feed]
        return {
            "id": f"tag:google.com,2005:reader/item/{item.id:016x}",
            "crawlTimeMsec": str(1700000000000 + item.id),
            "timestampUsec": str(1700000000000000 + item.id),
            "published": 1700000000 + item.id * 3600,
            "title": item.title,
            "canonical": [{"href": f"http://example.invalid/{item.id}"}],
            "alternate": [{"href": f"http://example.invalid/{item.id}", "type": "text/html"}],
            "categories": ["user/-/state/com.google/reading-list", *sorted(item.tags)],
            "origin": {"streamId": item.feed, "title": title, "htmlUrl": url},
            "summary": {"content": f"<p>{item.text}</p>"},
        }

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

"""Servers the sync tests talk to, all on 127.0.0.1 and started here: a feed server (the feeds a sync server
fetches), a real coldsweat (a Flask + SQLite Fever server, installed from PyPI into a virtual environment of
its own, its pins being its own) and nothing on the internet."""

from __future__ import annotations

import hashlib
import json
import os
import socket
import subprocess
import threading
import time
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

COLDSWEAT = "coldsweat==0.10.2"
USER, PASSWORD = "me@example.org", "a-long-password"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class FeedServer:
    """Documents by path on loopback (the feeds coldsweat fetches, and their icon)."""

    def __init__(self) -> None:
        self.documents: dict[str, tuple[str, bytes]] = {}
        self.agents: list[str] = []  # the User-Agent of every request, in order
        documents, agents = self.documents, self.agents

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
                agents.append(self.headers.get("User-Agent", ""))
                kind, body = documents.get(self.path, ("text/plain", b""))
                self.send_response(200 if self.path in documents else 404)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        self.documents["/icon.png"] = ("image/png", b"\x89PNG\r\n\x1a\n")

    def atom(self, path: str, title: str, entries: list[tuple[str, str, str]]) -> str:
        """An Atom feed at `path` (entries: id, title, text), with an icon on loopback (coldsweat would ask an
        outside icon service for a feed without one). Returns its URL."""
        items = "".join(
            f"<entry><id>urn:{ident}</id><title>{heading}</title><updated>2024-01-{n + 1:02d}T08:00:00Z</updated>"
            f'<link href="{self.base}/{ident}"/><content type="html">&lt;p&gt;{text}&lt;/p&gt;</content></entry>'
            for n, (ident, heading, text) in enumerate(entries)
        )
        document = (
            '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>{title}</title><id>urn:{path}</id><updated>2024-01-31T00:00:00Z</updated>"
            f'<link rel="alternate" href="{self.base}/"/><icon>{self.base}/icon.png</icon>{items}</feed>'
        )
        self.documents[path] = ("application/atom+xml", document.encode())
        return self.base + path

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


class Coldsweat:
    """A real coldsweat on 127.0.0.1 with one user subscribed to the given feeds, and a client of its own
    (another reader, talking Fever directly)."""

    def __init__(self, command: Path, home: Path, feeds: list[str]) -> None:
        self.command = command
        self.home = home
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/fever/"
        self.environment = {
            **os.environ,
            "FLASK_DATABASE_URL": f"sqlite:///{home / 'coldsweat.db'}",
            "NO_PROXY": "127.0.0.1,localhost",
            "no_proxy": "127.0.0.1,localhost",
        }
        self._process: subprocess.Popen[bytes] | None = None
        outlines = "".join(f'<outline type="rss" text="Feed {n}" xmlUrl="{url}"/>' for n, url in enumerate(feeds))
        opml = home / "subscriptions.opml"
        opml.write_text(
            f'<?xml version="1.0"?><opml version="2.0"><head><title>s</title></head><body>'
            f'<outline text="News" title="News">{outlines}</outline></body></opml>',
            encoding="utf-8",
        )
        self._run("setup", USER, "-p", PASSWORD)
        self._run("import", str(opml), USER, "-f")  # -f: its feeds fetched at once

    def _run(self, *arguments: str) -> None:
        done = subprocess.run(
            [str(self.command), *arguments], env=self.environment, cwd=self.home, capture_output=True, timeout=120
        )
        assert done.returncode == 0, done.stderr.decode(errors="replace")

    def fetch(self) -> None:
        """Coldsweat fetches its feeds again (its own fetcher, as its cron job would). It skips a feed checked
        less than 3 minutes ago: that check is taken back first, as if the minutes had passed."""
        import sqlite3

        connection = sqlite3.connect(self.home / "coldsweat.db")
        with connection:
            connection.execute("UPDATE feeds SET last_checked_on = NULL")
        connection.close()
        self._run("fetch")

    def start(self) -> None:
        self._process = subprocess.Popen(
            [str(self.command), "run", "-h", "127.0.0.1", "-p", str(self.port)],
            env=self.environment,
            cwd=self.home,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                self.fever()
                return
            except OSError:
                time.sleep(0.1)
        raise AssertionError("coldsweat did not start")

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=10)
            self._process = None

    def fever(self, *query: str, **form: str) -> dict[str, object]:
        """One Fever call as another client makes it."""
        key = hashlib.md5(f"{USER}:{PASSWORD}".encode()).hexdigest()
        address = self.url + "?" + "&".join(["api", *query])
        data = urllib.parse.urlencode({"api_key": key, **form}).encode()
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(urllib.request.Request(address, data=data), timeout=10) as response:
            answer: dict[str, object] = json.loads(response.read())
        return answer

    def unread(self) -> set[int]:
        return {int(i) for i in str(self.fever("unread_item_ids")["unread_item_ids"]).split(",") if i}

    def saved(self) -> set[int]:
        return {int(i) for i in str(self.fever("saved_item_ids")["saved_item_ids"]).split(",") if i}

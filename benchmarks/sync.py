"""`reader sync`: the first round of 10,000 items, then a later one of 100 changes, time and peak memory.

    python3 -m benchmarks.sync [--items 10000] [--feeds 50] [--changes 100]

Serves a Fever API from a threaded HTTP server on loopback, in this process (coldsweat would first have to fetch
10,000 entries from feeds of its own, and its SQLite and Flask, not the reader, would be measured): 50 feeds,
items of about 1.5 KB of HTML each, 50 an `items` call as the API gives them, a third read and a twentieth
starred. Then times `reader sync`, each in a process of its own with its peak memory (the resident memory of it
and the processes it starts, sampled every 20 ms, as benchmarks/feeds.py does):

- the first round, from an empty database, until every item is kept;
- a later round of `--changes` changes: four tenths new items, four tenths marks and stars made on the server by
  another client, two tenths marks made in the reader (queued, then sent);
- a round with nothing changed.

Needs no data from ../shared/data. Also prints the machine's pace (a fixed Python loop).
"""

from __future__ import annotations

import argparse
import bisect
import hashlib
import json
import random
import sys
import tempfile
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from benchmarks.feeds import timed
from benchmarks.scale import _loop_seconds

USER, PASSWORD = "bench@example.org", "bench-password"
WORDS = (
    "minister said on Monday the government would review the port strike talks in Antwerp after unions and "
    "employers failed to agree on wages while shipping lines diverted cargo to Rotterdam and Hamburg"
).split()


class FeverServer:
    """The Fever API over items kept in memory; marks by another client change them."""

    def __init__(self, items: int, feeds: int) -> None:
        rng = random.Random(29)
        self.feeds = feeds
        self.items: list[dict[str, object]] = []
        self.read: set[int] = set()
        self.saved: set[int] = set()
        for number in range(1, items + 1):
            self.add(rng, number)
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (the standard library's name)
                query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query, keep_blank_values=True)
                length = int(self.headers.get("Content-Length") or 0)
                form = urllib.parse.parse_qs(self.rfile.read(length).decode(), keep_blank_values=True)
                body = json.dumps(server.answer(query, form)).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_: object) -> None:
                pass

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.http.server_address[1]}/fever/"
        threading.Thread(target=self.http.serve_forever, daemon=True).start()

    def add(self, rng: random.Random, number: int) -> None:
        paragraphs = "".join(
            "<p>" + " ".join(rng.choice(WORDS) for _ in range(40)).capitalize() + ".</p>" for _ in range(5)
        )
        self.items.append(
            {
                "id": number,
                "feed_id": number % self.feeds + 1,
                "title": f"Story {number}: talks resume",
                "author": "",
                "html": paragraphs,
                "url": f"http://wire.example/{number}",
                "created_on_time": 1700000000 + number * 60,
            }
        )
        if number % 3 == 0:
            self.read.add(number)
        if number % 20 == 0:
            self.saved.add(number)

    def answer(self, query: dict[str, list[str]], form: dict[str, list[str]]) -> dict[str, object]:
        key = hashlib.md5(f"{USER}:{PASSWORD}".encode()).hexdigest()
        result: dict[str, object] = {"api_version": 3, "auth": int(form.get("api_key") == [key])}
        if not result["auth"]:
            return result
        with self.lock:
            if "feeds" in query:
                result["feeds"] = [
                    {
                        "id": n,
                        "title": f"Wire {n}",
                        "url": f"http://wire.example/{n}.xml",
                        "site_url": f"http://wire.example/{n}/",
                    }
                    for n in range(1, self.feeds + 1)
                ]
                result["feeds_groups"] = [
                    {"group_id": 1, "feed_ids": ",".join(str(n) for n in range(1, self.feeds + 1))}
                ]
            if "groups" in query:
                result["groups"] = [{"id": 1, "title": "Wires"}]
            if "items" in query:
                if "since_id" in query:
                    start = bisect.bisect_right([int(i["id"]) for i in self.items], int(query["since_id"][0]))  # type: ignore[call-overload]
                    chosen = self.items[start : start + 50]
                else:
                    wanted = {int(i) for i in query.get("with_ids", [""])[0].split(",") if i}
                    chosen = [i for i in self.items if i["id"] in wanted][:50]
                result["items"] = [
                    {**i, "is_read": int(i["id"] in self.read), "is_saved": int(i["id"] in self.saved)} for i in chosen
                ]
                result["total_items"] = len(self.items)
            if "unread_item_ids" in query:
                result["unread_item_ids"] = ",".join(str(i["id"]) for i in self.items if i["id"] not in self.read)
            if "saved_item_ids" in query:
                result["saved_item_ids"] = ",".join(str(n) for n in sorted(self.saved))
            if "mark" in form:
                number = int(form["id"][0])
                {
                    "read": self.read.add,
                    "unread": self.read.discard,
                    "saved": self.saved.add,
                    "unsaved": self.saved.discard,
                }[form["as"][0]](number)
        return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--feeds", type=int, default=50)
    parser.add_argument("--changes", type=int, default=100)
    options = parser.parse_args()
    print(f"machine pace: {_loop_seconds():.3f} s for the fixed loop")
    server = FeverServer(options.items, options.feeds)
    with tempfile.TemporaryDirectory() as scratch:
        db, config = Path(scratch) / "reader.db", Path(scratch) / "reader.toml"
        config.write_text(
            f'[sync]\nservice = "fever"\nurl = "{server.url}"\nuser = "{USER}"\npassword = "{PASSWORD}"\n'
        )
        environment = {"READER_CONFIG": str(config)}
        reader = [sys.executable, "-m", "reader", "sync", "--db", str(db)]
        first, first_peak = timed(reader, env={**_environment(), **environment})
        print(
            f"first sync   {first:6.2f} s  peak {first_peak:5.0f} MB  ({options.items:,} items, {options.feeds} feeds)"
        )

        rng = random.Random(30)
        new, there = options.changes * 4 // 10, options.changes * 4 // 10
        here = options.changes - new - there
        with server.lock:
            for number in range(options.items + 1, options.items + new + 1):
                server.add(rng, number)
            for number in rng.sample(range(1, options.items + 1), there):
                (server.saved if number % 2 else server.read).symmetric_difference_update({number})
        _mark_here(db, rng.sample(range(1, options.items + 1), here))
        later, later_peak = timed(reader, env={**_environment(), **environment})
        print(
            f"later sync   {later:6.2f} s  peak {later_peak:5.0f} MB  ({options.changes} changes: {new} new items, "
            f"{there} marks and stars there, {here} marks here)"
        )
        still, still_peak = timed(reader, env={**_environment(), **environment})
        print(f"nothing new  {still:6.2f} s  peak {still_peak:5.0f} MB")
    server.http.shutdown()


def _environment() -> dict[str, str]:
    import os

    return dict(os.environ)


def _mark_here(db: Path, remotes: list[int]) -> None:
    """Marks made in the reader (queued as the reader queues them), on the server's items numbered `remotes`."""
    import sqlite3

    from reader.storage.read_marks import ReadState

    connection = sqlite3.connect(db)
    placeholders = ",".join("?" * len(remotes))
    articles = [
        row[0]
        for row in connection.execute(
            f"SELECT article_id FROM sync_items WHERE remote IN ({placeholders})", [str(r) for r in remotes]
        )
    ]
    connection.close()
    state = ReadState.open(db)
    for article in articles:
        state.mark([article], not state.is_read(article))
    state.close()


if __name__ == "__main__":
    main()

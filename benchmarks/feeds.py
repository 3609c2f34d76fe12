"""`reader refresh` on 400 feeds of 40 Reuters-21578 stories each (16,000 entries), beside newsboat.

    python3 -m benchmarks.feeds [--feeds 400] [--per-feed 40] [--threads 10]

Serves the feeds from a threaded HTTP server on loopback (RSS 2.0, each story's paragraphs as HTML, with
ETag and Last-Modified, answering 304 to a matching conditional request), then times, each in a process
of its own with its peak memory (the resident memory of it and the processes it starts, added up,
sampled every 20 ms):

- `reader refresh` from an empty database until every entry is stored (cold), then again with nothing
  changed (warm: every feed answers 304);
- `reader export --json` once after it: names, merged names and story threads of the 16,000 new
  articles, found from scratch (what the app does in the background after that first refresh);
- newsboat on the same feeds in the same run when it is installed (`reload-threads` as given), cold and
  warm, and the ratios.

Skipped when `../shared/data/` is absent. Also prints the machine's pace (a fixed Python loop).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import html
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from benchmarks.archives import REUTERS
from benchmarks.scale import _loop_seconds

TARGETS = {"cold": 0.5, "warm": 0.1, "peak_mb": 250}  # × newsboat's time with 10 threads; MB


def feeds(count: int, per_feed: int) -> dict[str, tuple[bytes, str, str]]:
    """Path -> (RSS document, ETag, Last-Modified) for `count` feeds of `per_feed` stories each."""
    stories = []
    with gzip.open(REUTERS, "rt", encoding="utf-8") as source:
        for line in source:
            record = json.loads(line)
            body = (record.get("body") or "").strip()
            if body and record.get("title"):
                stories.append(record)
            if len(stories) >= count * per_feed:
                break
    documents = {}
    for number in range(count):
        items = []
        for offset, story in enumerate(stories[number * per_feed : (number + 1) * per_feed]):
            parts = [" ".join(part.split()) for part in story["body"].split("\n    ") if part.strip()]
            paragraphs = "".join(f"<p>{html.escape(part)}</p>" for part in parts)
            when = _date(story.get("date"))
            items.append(
                f"<item><title>{html.escape(story['title'])}</title>"
                f"<link>http://wire.example/{number}/{offset}</link><guid isPermaLink='false'>r-{story['newid']}</guid>"
                f"<pubDate>{when}</pubDate><description>{html.escape(paragraphs)}</description></item>"
            )
        document = (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Wire {number}</title><link>http://wire.example/{number}</link>{''.join(items)}</channel></rss>"
        ).encode()
        etag = '"' + hashlib.blake2b(document, digest_size=8).hexdigest() + '"'
        documents[f"/feed/{number}.xml"] = (document, etag, "Tue, 03 Mar 1987 12:00:00 GMT")
    return documents


def _date(text: str | None) -> str:
    try:
        moment = datetime.fromisoformat(text or "")
    except ValueError:
        moment = datetime(1987, 3, 1)
    return format_datetime(moment.replace(tzinfo=__import__("datetime").timezone.utc))


def serve(documents: dict[str, tuple[bytes, str, str]]) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # The headers and the body go out in two writes: with Nagle's algorithm on, the body waits for the
        # client's delayed ACK of the headers, 40 ms a response on Linux, which no real server makes clients
        # wait (nginx and Apache set TCP_NODELAY). It made every client's fetch latency-bound.
        disable_nagle_algorithm = True

        def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
            found = documents.get(self.path)
            if found is None:
                self.send_error(404)
                return
            document, etag, modified = found
            if self.headers.get("If-None-Match") == etag or self.headers.get("If-Modified-Since") == modified:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", modified)
            self.send_header("Content-Length", str(len(document)))
            self.end_headers()
            self.wfile.write(document)

        def log_message(self, *arguments: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def timed(command: list[str], **options: object) -> tuple[float, float]:
    """Seconds and peak memory in MB of one command: the resident memory of it and every process it starts,
    added up, sampled every 20 ms (this process's own memory is not counted, as ru_maxrss of a child
    forked from it would)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, **options)  # type: ignore[call-overload]
    peak = 0
    while process.poll() is None:
        peak = max(peak, _tree_rss(process.pid))
        time.sleep(0.02)
    seconds = time.perf_counter() - started
    error = process.stderr.read().decode(errors="replace") if process.stderr else ""
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command[:4])} failed ({process.returncode}): {error[-2000:]}")
    return seconds, peak / 1024


def _tree_rss(pid: int) -> int:
    """Resident kB of a process and its descendants (0 for any that ended meanwhile)."""
    total = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(child) for child in (task / "children").read_text().split()]
        except (OSError, StopIteration, ValueError):
            continue
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--feeds", type=int, default=400)
    parser.add_argument("--per-feed", type=int, default=40)
    parser.add_argument("--threads", type=int, default=10, help="newsboat's reload-threads")
    parser.add_argument("--skip-analysis", action="store_true", help="no `reader export` of the new articles")
    options = parser.parse_args()
    if not REUTERS.exists():
        print(f"skipped: {REUTERS} is absent")
        return
    print(f"this machine's pace: a 10,000,000-step Python loop takes {_loop_seconds():.2f} s (as benchmarks.scale)")
    documents = feeds(options.feeds, options.per_feed)
    entries = sum(document.count(b"<item>") for document, _, _ in documents.values())
    server = serve(documents)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    urls = "".join(f"{base}{path}\n" for path in documents)
    print(f"{len(documents)} feeds, {entries:,} entries, {sum(len(d) for d, _, _ in documents.values()) / 1e6:.1f} MB")

    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        (work / "urls").write_text(urls)
        db = work / "reader.db"
        reader = [sys.executable, "-m", "reader"]
        subprocess.run([*reader, "feeds", "import", str(work / "urls"), "--db", str(db)], check=True,
                       stdout=subprocess.DEVNULL)
        cold, cold_peak = timed([*reader, "refresh", "--db", str(db)])
        stored = _count(db)
        warm, warm_peak = timed([*reader, "refresh", "--db", str(db)])
        print(f"reader refresh   cold {cold:6.2f} s  peak {cold_peak:5.0f} MB  ({stored:,} entries stored)")
        print(f"reader refresh   warm {warm:6.2f} s  peak {warm_peak:5.0f} MB  (every feed 304)")
        for kind, split in (("cold", _split(work, urls, reader)), ("warm", _split(work, None, reader))):
            print(f"  where {kind} went (its own run): {split}")
        if not options.skip_analysis:
            analysis, analysis_peak = timed([*reader, "export", "--json", "--db", str(db)])
            print(f"  analysis, after the refresh and off its path: names and threads of the {stored:,} new articles "
                  f"(reader export, cold): {analysis:.1f} s, peak {analysis_peak:.0f} MB")

        newsboat = shutil.which("newsboat")
        if newsboat is None:
            print("newsboat is not installed: no side-by-side figures (apt-get install newsboat)")
            return
        (work / "config").write_text(f"reload-threads {options.threads}\n")
        command = [newsboat, "-u", str(work / "urls"), "-c", str(work / "cache.db"), "-C", str(work / "config"),
                   "-x", "reload"]
        environment = {**os.environ, "HOME": str(work)}
        nb_cold, nb_cold_peak = timed(command, env=environment)
        nb_warm, nb_warm_peak = timed(command, env=environment)
        threads = f"reload-threads {options.threads}"
        print(f"newsboat reload  cold {nb_cold:6.2f} s  peak {nb_cold_peak:5.0f} MB  ({threads})")
        print(f"newsboat reload  warm {nb_warm:6.2f} s  peak {nb_warm_peak:5.0f} MB")
        peak = max(cold_peak, warm_peak)
        print(f"ratio reader/newsboat: cold {cold / nb_cold:.2f} (target ≤ {TARGETS['cold']}), "
              f"warm {warm / nb_warm:.2f} (target ≤ {TARGETS['warm']}); reader's peak {peak:.0f} MB "
              f"(target ≤ {TARGETS['peak_mb']})")
    server.shutdown()


_SPLIT = """
import sys, time
from pathlib import Path
from reader.sources.feeds.refresh import refresh
report = refresh(Path(sys.argv[1]))
print(f"{report.seconds:.2f} s in the refresh: {report.split.summary()}")
"""


def _split(work: Path, urls: str | None, reader: list[str]) -> str:
    """A refresh of its own (cold into a new database when `urls` is given, else warm on it), run as `reader
    refresh` runs it, saying where its time went: the process's start and imports, then the refresh's parts."""
    db = work / "split.db"
    if urls is not None:
        subprocess.run([*reader, "feeds", "import", str(work / "urls"), "--db", str(db)], check=True,
                       stdout=subprocess.DEVNULL)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _SPLIT, str(db)], check=True, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    inside = float(done.stdout.split(" s in the refresh")[0])
    return f"{seconds:.2f} s: start and imports {seconds - inside:.2f} s, {done.stdout.strip()}"


def _count(db: Path) -> int:
    import sqlite3

    with sqlite3.connect(db) as connection:
        return int(connection.execute("SELECT count(*) FROM entries").fetchone()[0])


if __name__ == "__main__":
    main()

"""Test collections for the scale benchmarks, written as JSON Lines from `../shared/data/`.

Reuters-21578: one record per story (`text` is the body, or the title when a story has no body).
UCI News Aggregator: one record per headline, `title` = `text` = the headline, `date` from the timestamp.
The files are written once into the user cache directory and reused; the data is never copied into
the repository.
"""

from __future__ import annotations

import csv
import gzip
import json
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from platformdirs import user_cache_path

from reader.library import Library
from reader.sources.files import load
from reader.storage.read_marks import ReadState

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
REUTERS = DATA / "reuters21578" / "reuters21578.jsonl.gz"
UCI = DATA / "uci-news-aggregator" / "newsCorpora.tsv.gz"


def cache_folder() -> Path:
    folder = user_cache_path("reader", appauthor=False) / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def reuters_jsonl() -> Path | None:
    """Reuters-21578 as a JSON Lines archive in the reader's format, or None when the data is absent."""
    if not REUTERS.exists():
        return None

    def records() -> Iterator[dict[str, object]]:
        with gzip.open(REUTERS, "rt", encoding="utf-8") as source:
            for line in source:
                record = json.loads(line)
                body = (record.get("body") or "").strip() or record.get("title") or ""
                yield {"id": f"reuters-{record['newid']}", "date": record.get("date"), "title": record.get("title"),
                       "text": body}

    return _written_once(cache_folder() / "reuters" / "reuters21578.jsonl", records)


def uci_jsonl() -> Path | None:
    """The UCI headlines as a JSON Lines archive, or None when the data is absent."""
    if not UCI.exists():
        return None

    def records() -> Iterator[dict[str, object]]:
        with gzip.open(UCI, "rt", encoding="utf-8", newline="") as source:
            for row in csv.reader(source, delimiter="\t", quoting=csv.QUOTE_NONE):
                date = datetime.fromtimestamp(int(row[7]) / 1000, tz=UTC).replace(tzinfo=None).isoformat()
                yield {"id": f"uci-{row[0]}", "date": date, "title": row[1], "text": row[1]}

    return _written_once(cache_folder() / "uci" / "uci-headlines.jsonl", records)


def _written_once(target: Path, records: Callable[[], Iterator[dict[str, object]]]) -> Path:
    """`target`, written from `records` unless an earlier run already finished it."""
    if not target.exists():
        target.parent.mkdir(exist_ok=True)
        partial = target.with_suffix(".partial")
        with partial.open("w", encoding="utf-8") as out:
            for record in records():
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
        partial.rename(target)
    return target


@contextmanager
def reuters_named() -> Iterator[tuple[Library, float] | None]:
    """Reuters-21578 in a library of its own (a fresh database, cold caches) with its names found, and the
    seconds that took; None when the data is absent."""
    archive = reuters_jsonl()
    if archive is None:
        yield None
        return
    collection = load([archive])
    with tempfile.TemporaryDirectory() as folder:
        library = Library(collection, ReadState.open(Path(folder) / "reader.db"))
        started = time.perf_counter()
        library.find_names()
        yield library, time.perf_counter() - started

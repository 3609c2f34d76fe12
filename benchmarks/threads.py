"""Story-thread quality and scale, scored with B-cubed precision, recall and F1 against gold stories.

    python3 -m benchmarks.threads [../shared/data/ecbplus/dev.jsonl]
    python3 -m benchmarks.threads ../shared/data/uci-news-aggregator/newsCorpora.tsv.gz [--limit N]

ECB+: 772 full articles, gold = `cluster_id` (the real-world event; every topic holds two events).
UCI News Aggregator: 422,937 headlines, gold = `STORY`; the headline is both title and text, dated by
its timestamp. Prints the time for finding names and for building threads (one core), and the peak
memory of the process. Skips cleanly when the data is absent. Settings are the ones in reader.analysis.stories;
nothing here is tuned per data set.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import resource
import sys
import time
from collections import defaultdict
from collections.abc import Hashable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from reader.analysis.stories import Stories
from reader.articles import Article
from reader.names import NameIndex, article_names
from reader.names.gazetteer import places

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
DEFAULT = DATA / "ecbplus" / "dev.jsonl"


def bcubed(predicted: Sequence[Hashable], gold: Sequence[Hashable]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 of a clustering against gold labels (one label per item)."""
    clusters: defaultdict[Hashable, set[int]] = defaultdict(set)
    golds: defaultdict[Hashable, set[int]] = defaultdict(set)
    for index, (p, g) in enumerate(zip(predicted, gold, strict=True)):
        clusters[p].add(index)
        golds[g].add(index)
    precision = recall = 0.0
    overlap: dict[tuple[Hashable, Hashable], int] = {}
    for p, g in zip(predicted, gold, strict=True):
        key = (p, g)
        if key not in overlap:
            overlap[key] = len(clusters[p] & golds[g])
        precision += overlap[key] / len(clusters[p])
        recall += overlap[key] / len(golds[g])
    n = len(gold)
    precision, recall = precision / n, recall / n
    return precision, recall, 2 * precision * recall / (precision + recall)


def ecbplus(path: Path) -> tuple[list[Article], list[str]]:
    articles, gold = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        published = datetime.fromisoformat(record["date_guess"]) if record.get("date_guess") else None
        articles.append(Article(record["doc_id"], str(path), published, record["title"], record["text"]))
        gold.append(record["cluster_id"])
    return articles, gold


def uci(path: Path, limit: int | None) -> tuple[list[Article], list[str]]:
    articles, gold = [], []
    with gzip.open(path, "rt", encoding="utf-8", newline="") as rows:
        for row in csv.reader(rows, delimiter="\t", quoting=csv.QUOTE_NONE):
            if limit is not None and len(articles) >= limit:
                break
            published = datetime.fromtimestamp(int(row[7]) / 1000, tz=UTC).replace(tzinfo=None)
            articles.append(Article(row[0], str(path), published, row[1], row[1]))
            gold.append(row[5])
    return articles, gold


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--limit", type=int, help="only the first N records")
    options = parser.parse_args()
    if not options.path.exists():
        print(f"skipped: {options.path} not found")
        return
    if options.path.name.endswith(".tsv.gz"):
        articles, gold = uci(options.path, options.limit)
    else:
        articles, gold = ecbplus(options.path)
        articles, gold = articles[: options.limit], gold[: options.limit]
    places()  # the gazetteer loads once per process; not part of either figure
    print(f"{options.path.name}: {len(articles):,} articles, {len(set(gold)):,} gold stories")

    started = time.process_time()
    index = NameIndex()
    for article in articles:
        index.add(article.id, article_names(article.body))
    index.consolidate()  # as the reader does once every article is in
    index.attach_shouted((a.id, a.body) for a in articles)
    names_seconds = time.process_time() - started

    started = time.process_time()
    stories = Stories()
    stories.build(
        [(a, [(e.id, e.name, found.mentions) for e, found in index.names_in(a.id)]) for a in articles],
    )
    thread_seconds = time.process_time() - started

    predicted = [t.id if (t := stories.thread_of(a.id)) else f"alone:{a.id}" for a in articles]
    precision, recall, f1 = bcubed(predicted, gold)
    threads = stories.stories()
    alone = sum(1 for p in predicted if isinstance(p, str))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"threads: {len(threads):,} of 2+ articles, {alone:,} articles alone")
    print(f"B-cubed precision {precision:.3f}  recall {recall:.3f}  F1 {f1:.3f}")
    print(f"time: names {names_seconds:.1f} s + threads {thread_seconds:.1f} s CPU (one core)")
    print(f"peak memory: {peak:,.0f} MB")
    sys.stdout.flush()


if __name__ == "__main__":
    main()

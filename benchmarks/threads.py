"""Story-thread quality and scale, scored with B-cubed precision, recall and F1 against gold stories.

    python3 -m benchmarks.threads [../shared/data/ecbplus/dev.jsonl]
    python3 -m benchmarks.threads ../shared/data/uci-news-aggregator/newsCorpora.tsv.gz [--limit N]
    python3 -m benchmarks.threads ../shared/data/reuters21578/reuters21578.jsonl.gz [--sample 40]

ECB+: 772 full articles, gold = `cluster_id` (the real-world event; every topic holds two events). Part of
ECB+ fits the story model (scripts/fit_stories.py): the figures on the held-out topics (`held_out`) are the
honest ones, and are printed apart.
UCI News Aggregator: 422,937 headlines, gold = `STORY`; the headline is both title and text, dated by
its timestamp, its outlet the publisher's host.
Reuters-21578: the 19,779 stories with a body, no gold: prints the share threaded, the sizes of the threads
and a reproducible random sample of threads (headlines and dates) to read, one by one; for UCI the same sample
follows the scores (`--sample 0` leaves it out), since a gold story there is a crawl batch, not a story.
Prints the time for finding names (one core) and for building threads (as the reader builds them: words counted on
the second core), and the peak memory of the process.
Skips cleanly when the data is absent. Settings are the ones in reader.analysis.stories; nothing here is tuned per
data set.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import random
import resource
import sys
import time
import zlib
from collections import Counter, defaultdict
from collections.abc import Hashable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from reader.analysis.stories import NamedArticles, Stories
from reader.analysis.workers import count_words
from reader.articles import Article
from reader.names import NameIndex, article_names
from reader.names.gazetteer import places
from reader.text import headline

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
DEFAULT = DATA / "ecbplus" / "dev.jsonl"
REUTERS = DATA / "reuters21578" / "reuters21578.jsonl.gz"
UCI = DATA / "uci-news-aggregator" / "newsCorpora.tsv.gz"
SAMPLE_SEED = 25  # the sample of threads to read: the same threads at every run
SHOWN = 20  # articles shown of a sampled thread


def held_out(group: str) -> bool:
    """Whether a gold group (an ECB+ topic, a UCI story) is held out from fitting the story model: three in ten,
    by a hash of its name, so the fitting script and this benchmark agree without a list."""
    return zlib.crc32(group.encode("utf-8")) % 10 < 3


def bcubed(
    predicted: Sequence[Hashable], gold: Sequence[Hashable], only: Sequence[int] | None = None
) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 of a clustering against gold labels (one label per item), averaged over
    every item or over the items `only` names (the clusters are still all of them)."""
    clusters: defaultdict[Hashable, set[int]] = defaultdict(set)
    golds: defaultdict[Hashable, set[int]] = defaultdict(set)
    for index, (p, g) in enumerate(zip(predicted, gold, strict=True)):
        clusters[p].add(index)
        golds[g].add(index)
    precision = recall = 0.0
    overlap: dict[tuple[Hashable, Hashable], int] = {}
    items = range(len(gold)) if only is None else only
    for index in items:
        p, g = predicted[index], gold[index]
        key = (p, g)
        if key not in overlap:
            overlap[key] = len(clusters[p] & golds[g])
        precision += overlap[key] / len(clusters[p])
        recall += overlap[key] / len(golds[g])
    n = max(1, len(items))
    precision, recall = precision / n, recall / n
    return precision, recall, 2 * precision * recall / (precision + recall)


def ecbplus(path: Path) -> tuple[list[Article], list[str], list[str]]:
    """The articles, their events and their topics. Each article comes from its outlet, the host of its address;
    one without an address is from an outlet of its own (ECB+ gathered each topic from many outlets), not from
    one file's."""
    articles, gold, topics = [], [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        published = datetime.fromisoformat(record["date_guess"]) if record.get("date_guess") else None
        host = urlsplit(record.get("url") or "").netloc or f"outlet of {record['doc_id']}"
        articles.append(Article(record["doc_id"], str(path), published, record["title"], record["text"], feed=host))
        gold.append(str(record["cluster_id"]))
        topics.append(str(record["topic"]))
    return articles, gold, topics


def reuters(path: Path) -> list[Article]:
    """The stories with a body, as one outlet's."""
    articles = []
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            if not (record.get("body") or "").strip():
                continue
            published = datetime.fromisoformat(record["date"]) if record.get("date") else None
            articles.append(
                Article(f"r{record['newid']}", str(path), published, record.get("title") or "", record["body"],
                        feed="reuters")
            )
    return articles


def uci(path: Path, limit: int | None) -> tuple[list[Article], list[str]]:
    articles, gold = [], []
    with gzip.open(path, "rt", encoding="utf-8", newline="") as rows:
        for row in csv.reader(rows, delimiter="\t", quoting=csv.QUOTE_NONE):
            if limit is not None and len(articles) >= limit:
                break
            published = datetime.fromtimestamp(int(row[7]) / 1000, tz=UTC).replace(tzinfo=None)
            articles.append(Article(row[0], str(path), published, row[1], row[1], feed=row[6]))
            gold.append(row[5])
    return articles, gold


def named(articles: list[Article]) -> NamedArticles:
    """Each article with the collection's names in it, found as the reader finds them."""
    index = NameIndex()
    for article in articles:
        index.add(article.id, article_names(article.body))
    index.consolidate()  # as the reader does once every article is in
    index.attach_shouted((a.id, a.body) for a in articles)
    return [(a, [(e.id, e.name, found.mentions) for e, found in index.names_in(a.id)]) for a in articles]


def threaded(articles: list[Article]) -> tuple[Stories, float, float]:
    """The articles' threads as the reader builds them, the CPU seconds for names (one core), and the seconds
    for threads as the reader takes them on two cores: its words counted in a worker process while this one
    groups (`reader.analysis.workers.count_words`)."""
    started = time.process_time()
    with_names = named(articles)
    names_seconds = time.process_time() - started
    started = time.perf_counter()
    stories = Stories()
    stories.build(with_names, count_words([article.text for article in articles]))
    return stories, names_seconds, time.perf_counter() - started


def sizes(stories: Stories) -> str:
    """How many threads of each size: 2, 3, 4-5, 6-10, 11-20, 21+, and the biggest."""
    counts: Counter[str] = Counter()
    lengths = [len(t.articles) for t in stories.stories()]
    for n in lengths:
        counts["2" if n == 2 else "3" if n == 3 else "4-5" if n <= 5 else "6-10" if n <= 10 else "11-20" if n <= 20
               else "21+"] += 1
    shown = ", ".join(f"{band}: {counts[band]:,}" for band in ("2", "3", "4-5", "6-10", "11-20", "21+"))
    return f"{shown}; biggest {sorted(lengths, reverse=True)[:5]}"


def sample(stories: Stories, articles: list[Article], count: int) -> None:
    """A reproducible random sample of threads, each with its articles' dates and headlines, to read."""
    by_id = {a.id: a for a in articles}
    threads = sorted(stories.stories(), key=lambda t: t.id)
    chosen = random.Random(SAMPLE_SEED).sample(threads, min(count, len(threads)))
    for n, thread in enumerate(chosen, 1):
        print(f"\n[{n}] {thread.title}  ({len(thread.articles)} articles)")
        shown = thread.articles if len(thread.articles) <= SHOWN else [
            thread.articles[i * (len(thread.articles) - 1) // (SHOWN - 1)] for i in range(SHOWN)
        ]  # a big thread is shown across its length, first to last, not by its first days only
        for article_id in shown:
            article = by_id[article_id]
            print(f"    {article.iso_date}  {headline(article.title, article.body)[:100]}")
        if len(thread.articles) > SHOWN:
            print(f"    ({SHOWN} of {len(thread.articles)} shown, evenly from first to last)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--limit", type=int, help="only the first N records")
    parser.add_argument("--sample", type=int, default=40, help="Reuters, UCI: how many threads to print")
    options = parser.parse_args()
    if not options.path.exists():
        print(f"skipped: {options.path} not found")
        return
    places()  # the gazetteer loads once per process; not part of either figure
    topics: list[str] | None = None
    if options.path.name.startswith("reuters"):
        articles = reuters(options.path)[: options.limit]
        print(f"{options.path.name}: {len(articles):,} articles with a body")
        stories, names_seconds, thread_seconds = threaded(articles)
        in_threads = sum(len(t.articles) for t in stories.stories())
        print(f"threaded: {in_threads:,} of {len(articles):,} = {in_threads / max(1, len(articles)):.0%}"
              f" in {len(stories.stories()):,} threads")
        print(f"sizes: {sizes(stories)}")
        report(names_seconds, thread_seconds)
        sample(stories, articles, options.sample)
        return
    if options.path.name.endswith(".tsv.gz"):
        articles, gold = uci(options.path, options.limit)
    else:
        articles, gold, topics = ecbplus(options.path)
        articles, gold, topics = articles[: options.limit], gold[: options.limit], topics[: options.limit]
    print(f"{options.path.name}: {len(articles):,} articles, {len(set(gold)):,} gold stories")
    stories, names_seconds, thread_seconds = threaded(articles)
    predicted: list[Hashable] = [t.id if (t := stories.thread_of(a.id)) else f"alone:{a.id}" for a in articles]
    precision, recall, f1 = bcubed(predicted, gold)
    alone = sum(1 for p in predicted if isinstance(p, str))
    print(f"threads: {len(stories.stories()):,} of 2+ articles, {alone:,} articles alone; sizes: {sizes(stories)}")
    print(f"B-cubed precision {precision:.3f}  recall {recall:.3f}  F1 {f1:.3f}")
    if topics is None:  # UCI: apart, the stories `held_out` keeps from any fit (one threading, scored on them)
        kept = [i for i, story in enumerate(gold) if held_out(story)]
        precision, recall, f1 = bcubed(predicted, gold, kept)
        print(f"held-out stories ({len(set(gold[i] for i in kept)):,}, {len(kept):,} headlines): "
              f"B-cubed precision {precision:.3f}  recall {recall:.3f}  F1 {f1:.3f}")
    if topics is not None:  # the topics the story model never saw, threaded on their own
        kept = [i for i, topic in enumerate(topics) if held_out(topic)]
        apart, _, _ = threaded([articles[i] for i in kept])
        guessed: list[Hashable] = [t.id if (t := apart.thread_of(articles[i].id)) else f"alone:{i}" for i in kept]
        precision, recall, f1 = bcubed(guessed, [gold[i] for i in kept])
        print(f"held-out topics ({len(set(topics[i] for i in kept))}, {len(kept)} articles): "
              f"B-cubed precision {precision:.3f}  recall {recall:.3f}  F1 {f1:.3f}")
    report(names_seconds, thread_seconds)
    if topics is None:
        sample(stories, articles, options.sample)


def report(names_seconds: float, thread_seconds: float) -> None:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"time: names {names_seconds:.1f} s CPU (one core) + threads {thread_seconds:.1f} s (two cores)")
    print(f"peak memory: {peak:,.0f} MB")
    sys.stdout.flush()


if __name__ == "__main__":
    main()

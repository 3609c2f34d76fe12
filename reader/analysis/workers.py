"""Finding the names in many articles: chunk by chunk, over every core when there are enough of them.

The name finder is pure Python, so threads would share one core. Big batches go to a pool of
processes (one per core); small ones are done right here, because starting the pool (about half a
second: a fresh interpreter per worker) would cost more than it saves.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import BrokenExecutor
from typing import TYPE_CHECKING, TypeVar

from reader.articles import Article
from reader.names.entities import ArticleName, article_names

if TYPE_CHECKING:  # multiprocessing is imported only when a pool is worth starting (35 ms saved otherwise)
    from concurrent.futures import Future, ProcessPoolExecutor

POOL_MIN_ARTICLES = 2000  # below this, one process finishes before a pool has started
CHUNK = 500  # articles per task: big enough to hide the hand-over, small enough to stop quickly
# Tasks go out and results come back through this process's threads, which wait their turn for the
# interpreter while it saves, merges or groups: chunks are queued well ahead so a worker never waits.
AHEAD = 4  # chunks in flight per worker
WORDS_CHUNK = 2000  # words are counted while this process groups threads: fewer, bigger hand-overs
_Result = TypeVar("_Result")


def find_names(
    articles: list[Article], stop: Callable[[], bool] | None = None, workers: int | None = None
) -> Iterator[list[tuple[Article, list[ArticleName]]]]:
    """The names of each article, a chunk at a time and in the given order; stops early when `stop` says so."""
    cores = os.cpu_count() or 1
    workers = workers if workers is not None else cores if cores > 1 else 0  # one core: one process is best
    chunks = [articles[i : i + CHUNK] for i in range(0, len(articles), CHUNK)]
    bodies = ([article.body for article in chunk] for chunk in chunks)
    for chunk, names in zip(chunks, _pooled(bodies, len(articles), _names_of, stop, workers), strict=False):
        yield list(zip(chunk, names, strict=True))


def count_words(texts: list[str], workers: int | None = None) -> Iterator[dict[str, int]]:
    """Each text's distinctive words and how often each occurs (`stories.words_of`), in order, over every
    core but one when there are enough texts: what story threads weigh, counted while one core groups them
    (a worker more would only take turns with it)."""
    workers = workers if workers is not None else (os.cpu_count() or 1) - 1
    chunks = (texts[i : i + WORDS_CHUNK] for i in range(0, len(texts), WORDS_CHUNK))
    for counted in _pooled(chunks, len(texts), _words_of, None, workers):
        yield from counted


def _pooled(
    chunks: Iterator[list[str]],
    size: int,
    work: Callable[[list[str]], list[_Result]],
    stop: Callable[[], bool] | None,
    workers: int,
) -> Iterator[list[_Result]]:
    """`work` on each chunk of texts, the results in order; in a pool of `workers` processes when there are
    any and `size` texts are enough to be worth it, with `AHEAD` chunks per worker in flight. Stops early
    when `stop` says so."""
    if size < POOL_MIN_ARTICLES or workers < 1:
        for chunk in chunks:
            if stop is not None and stop():
                return
            yield work(chunk)
        return
    from reader.analysis.pool import process_pool

    pool = process_pool(workers)
    pending: deque[tuple[list[str], Future[list[_Result]] | None]] = deque()
    try:
        for chunk in chunks:
            pending.append((chunk, _submit(pool, work, chunk)))
            if len(pending) < AHEAD * workers:
                continue  # a few chunks in flight per worker: busy cores, bounded memory
            yield _collect(work, *pending.popleft())
            if stop is not None and stop():
                return
        while pending:
            yield _collect(work, *pending.popleft())
            if stop is not None and stop():
                return
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def _submit(
    pool: ProcessPoolExecutor, work: Callable[[list[str]], list[_Result]], chunk: list[str]
) -> Future[list[_Result]] | None:
    try:
        return pool.submit(work, chunk)
    except BrokenExecutor:
        return None  # done here instead (see _collect)


def _collect(
    work: Callable[[list[str]], list[_Result]], chunk: list[str], future: Future[list[_Result]] | None
) -> list[_Result]:
    """A chunk's results; if the pool broke (a worker killed, say, by the OOM killer), the chunk is
    done in this process instead, so a lost worker costs time, never results."""
    try:
        return future.result() if future is not None else work(chunk)
    except BrokenExecutor:
        return work(chunk)


def _names_of(bodies: list[str]) -> list[list[ArticleName]]:
    return [article_names(body) for body in bodies]


def _words_of(texts: list[str]) -> list[dict[str, int]]:
    from reader.analysis.stories import words_of

    return [words_of(text) for text in texts]

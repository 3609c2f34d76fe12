"""Copies of one story: which articles are versions of one text (the same story from several feeds, or again
under another id), so that a list can show the story once and mark every copy read together.

Exact copies (the same words, whatever the spacing and case) and entries with the same link always share a
group; near-identical versions are those whose profiles (every word and name, TF-IDF) have a cosine of 0.9
or more, looked for among the articles that share an article's heaviest features.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Callable, Sequence

Vector = dict[str, float]
COPY_SIMILARITY = 0.9  # cosine over every word and name from which two articles are versions of one text
COPY_LOOKUP = 2  # a version is looked for among the articles sharing an article's heaviest features
COPY_POSTING = 1000  # ... in postings no longer than this
COPY_CHECKED = 30  # at most this many of them, the earliest first
COPY_LEAST = 3  # a profile of fewer features (a short headline) has copies only by its words
COPY_COVERAGE = 0.8  # a version has at least this share of the earlier profile's features


def copy_key(title: str, body: str) -> int:
    """What two copies of one text have alike: its words, whatever the spacing and case."""
    return hash(" ".join((body if body.strip() else title).casefold().split()))


class Copies:
    """Which articles are versions of one story: a union of exact copies, near-identical profiles and
    entries with the same link. Each group's root is its earliest article (in the order they are added)."""

    def __init__(self) -> None:
        self.root: list[int] = []
        self._keys: dict[int, int] = {}  # copy_key -> first article
        self._links: dict[str, int] = {}

    def add(
        self,
        index: int,
        key: int,
        link: str | None,
        vector: Vector,
        posting: Callable[[str], Sequence[int]],
        vector_of: Callable[[int], Vector],
        own: Vector | None = None,
    ) -> int:
        """Note article `index` (the next one) and return the root of its group. `posting(f)`: the articles
        with feature f; `vector_of(i)`: article i's unit profile; `own`: what to compare with them, when not
        `vector` (an article added later: its feature counts, as its profile leaves out what it made common)."""
        assert index == len(self.root)
        self.root.append(index)
        found = self._keys.setdefault(key, index)
        if found == index and link:
            found = self._links.setdefault(link, index)
        if found == index and vector:
            # A version has the article's heaviest features too: look among those that have all of them.
            postings = [posting(feature) for feature in _heaviest(vector, COPY_LOOKUP)]
            if all(len(p) <= COPY_POSTING for p in postings):
                others = set(postings[0]).intersection(*postings[1:])
                for other in sorted(o for o in others if o < index)[:COPY_CHECKED]:
                    if self._near(vector if own is None else own, vector_of(other)):
                        found = other
                        break
        if found != index:
            self.root[index] = self.root[found]
        return self.root[index]

    @staticmethod
    def _near(a: Vector, b: Vector) -> bool:
        """Whether `a` is a version of the earlier `b`: it has nearly all of b's features, and over those it
        is b's profile (b was weighed before `a` came, so its profile lacks what was rare then)."""
        if len(b) < COPY_LEAST:
            return False
        shared = [(a[f], w) for f, w in b.items() if f in a]
        if len(shared) < COPY_COVERAGE * len(b):
            return False
        norm = sum(x * x for x, _ in shared) ** 0.5 or 1.0
        return sum(x * w for x, w in shared) / norm >= COPY_SIMILARITY

    def groups(self) -> dict[int, list[int]]:
        """Each group of two or more by its root, its articles in the order they were added."""
        found: defaultdict[int, list[int]] = defaultdict(list)
        for index, root in enumerate(self.root):
            found[root].append(index)
        return {root: members for root, members in found.items() if len(members) > 1}


def _heaviest(vector: Vector, count: int) -> list[str]:
    return heapq.nlargest(count, vector, key=vector.__getitem__)

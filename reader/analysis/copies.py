"""Copies of one story: which articles are versions of one text (the same story from several feeds, or again
under another id), so that a list can show the story once and mark every copy read together.

Exact copies (the same words, whatever the spacing and case) and entries with the same link always share a
group; near-identical versions are those that have 80% of their words and names in common (estimated from a
sketch of each) and come out within a day of each other, looked for among the articles that share an
article's heaviest features.
"""

from __future__ import annotations

import heapq
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from zlib import crc32

Vector = dict[str, float]
COPY_SIMILARITY = 0.8  # the share of their features two versions of one text have in common, at least
COPY_LOOKUP = 2  # a version is looked for among the articles sharing an article's heaviest features
COPY_POSTING = 1000  # ... in postings no longer than this
COPY_CHECKED = 30  # at most this many of them, the earliest first
COPY_LEAST = 3  # an article of fewer features (a short headline) has copies only by its exact words
SKETCH = 32  # hashes kept of each article's features
# Near-identical versions of one story come out within a day of each other; the same words a day or more apart
# are a notice cast in one mould and sent again (a daily report, a weekly table), not another version.
COPY_WITHIN = timedelta(days=1)


def copy_key(title: str, body: str) -> int:
    """What two copies of one text have alike: its words, whatever the spacing and case."""
    return hash(" ".join((body if body.strip() else title).casefold().split()))


class Copies:
    """Which articles are versions of one story: a union of exact copies, near-identical texts and entries
    with the same link. Each group's root is its earliest article (in the order they are added).

    Near-identical is judged on every word and name an article has, not on its TF-IDF profile (which leaves
    out the words no other article has, and so makes two articles that share a few words look alike): each
    article keeps a sketch, the `SKETCH` smallest hashes of its features, and two articles whose sketches
    agree on COPY_SIMILARITY of the smallest hashes of their union are versions of one text (an estimate of
    the share of features they have in common)."""

    def __init__(self) -> None:
        self.root: list[int] = []
        self._keys: dict[int, int] = {}  # copy_key -> first article
        self._links: dict[str, int] = {}
        self._sketches = array("L")  # every article's sketch, one after another
        self._starts = array("q", [0])
        self._dates: list[datetime | None] = []

    def add(
        self,
        index: int,
        key: int,
        link: str | None,
        vector: Vector,
        features: Iterable[str],
        posting: Callable[[str], Sequence[int]],
        published: datetime | None = None,
    ) -> int:
        """Note article `index` (the next one) and return the root of its group. `vector`: its unit profile
        (its heaviest features find the candidates); `features`: every word and name it has; `posting(f)`:
        the articles with feature f; `published`: its date (versions are near it)."""
        assert index == len(self.root)
        self.root.append(index)
        self._dates.append(published)
        sketch = sorted({crc32(f.encode("utf-8")) for f in features})[:SKETCH]  # the same at every run
        self._sketches.extend(sketch)
        self._starts.append(len(self._sketches))
        found = self._keys.setdefault(key, index)
        if found == index and link:
            found = self._links.setdefault(link, index)
        if found == index and vector and len(sketch) >= COPY_LEAST:
            # A version has the article's heaviest features too: look among those that have all of them.
            postings = [posting(feature) for feature in _heaviest(vector, COPY_LOOKUP)]
            if all(len(p) <= COPY_POSTING for p in postings):
                postings.sort(key=len)  # a set of the shortest, checked against the others
                others = set(postings[0]).intersection(*postings[1:])
                for other in sorted(o for o in others if o < index and self._close(published, o))[:COPY_CHECKED]:
                    if self._near(sketch, other):
                        found = other
                        break
        if found != index:
            self.root[index] = self.root[found]
        return self.root[index]

    def _close(self, published: datetime | None, other: int) -> bool:
        """Whether article `other` came out near `published` (an undated article is near every date)."""
        theirs = self._dates[other]
        return published is None or theirs is None or abs(published - theirs) < COPY_WITHIN

    def _near(self, sketch: list[int], other: int) -> bool:
        theirs = set(self._sketches[self._starts[other] : self._starts[other + 1]])
        mine = set(sketch)
        union = sorted(mine | theirs)[:SKETCH]  # (at most twice SKETCH: sorting beats a heap)
        return sum(1 for h in union if h in mine and h in theirs) >= COPY_SIMILARITY * len(union)

    def groups(self) -> dict[int, list[int]]:
        """Each group of two or more by its root, its articles in the order they were added."""
        found: defaultdict[int, list[int]] = defaultdict(list)
        for index, root in enumerate(self.root):
            found[root].append(index)
        return {root: members for root, members in found.items() if len(members) > 1}

def _heaviest(vector: Vector, count: int) -> list[str]:
    return heapq.nlargest(count, vector, key=vector.__getitem__)

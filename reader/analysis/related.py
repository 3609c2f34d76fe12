"""Related articles for a whole collection at once, as sparse matrix products.

Each article is a unit-length TF-IDF profile (`reader.stories`), so two articles' similarity is the dot
product of their profiles. One article at a time, adding it up along the postings costs milliseconds
(6 ms at Reuters-21578, 17 ms at 422,937 headlines): hours for a whole collection. Here the profiles are
one sparse matrix and the work is done in C, a block of articles at a time:

1. Candidates: the products over the not-too-common features (those in at most `CANDIDATE_DF`
   articles), which is where stories differ; the best `CANDIDATES` of each article go on.
2. Exact scores for those candidates over every feature, with the features each pair shares.
3. Each article keeps its best `RELATED_LIMIT` that reach `RELATED_SIMILARITY` and share two features.

The result, a `RelatedTable`, is small (arrays, not objects) and is kept in the analysis index, so a
second start or export reads it back instead of weighing the articles again.
"""

from __future__ import annotations

import heapq
import json
import struct
from array import array
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import repeat
from operator import mul
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # numpy and scipy load only when related articles are computed or read back
    import numpy as np
    from numpy.typing import NDArray
    from scipy import sparse

CANDIDATE_DF = 1000  # a feature in more articles than this finds no candidates (but still scores)
CANDIDATES = 50  # candidates per article scored exactly
MIN_LINK = 0.03  # candidates less alike than this over the rarer features are not scored at all
RELATED_LIMIT = 8
RELATED_SIMILARITY = 0.1  # weaker neighbours are not shown as related
SHARED_KEPT = 12  # shared features kept per pair, the heaviest first (labels show at most six)
SHARED_LEAST = 2  # features two articles must share to be related (one shared word is a coincidence)
BLOCK_WORK = 2_000_000  # candidate pairs per block of the product: bounds memory, whatever the size
Profiles = Sequence[tuple[tuple[str, ...], Sequence[float]]]  # each article's features and their weights


@dataclass(slots=True)
class RelatedTable:
    """Every article's related articles: positions, scores and shared features, as flat arrays.

    Row `i` is article `ids[i]`; its slots are `neighbours[i]` (-1 where there are fewer) with `scores[i]`;
    slot `k` of row `i` shares the features `shared[starts[i * limit + k] : starts[i * limit + k + 1]]`,
    indices into `features`, the heaviest shared first.
    """

    ids: list[str]
    features: list[str]  # a word, or NAME_MARK and an entity id
    labels: list[str]  # what each feature is called (a name's name; a word itself)
    neighbours: NDArray[Any]  # int32, rows x limit
    scores: NDArray[Any]  # float32, rows x limit
    starts: NDArray[Any]  # int64
    shared: NDArray[Any]  # int32
    _position: dict[str, int] | None = None

    @property
    def limit(self) -> int:
        return int(self.neighbours.shape[1]) if self.neighbours.ndim == 2 else RELATED_LIMIT

    def position(self, article_id: str) -> int | None:
        if self._position is None:
            self._position = dict(zip(self.ids, range(len(self.ids)), strict=True))
        return self._position.get(article_id)

    def of(self, article_id: str) -> list[tuple[str, float, list[int]]] | None:
        """The article's related articles as (id, score, shared feature indices), best first; None when the
        table does not know the article."""
        row = self.position(article_id)
        if row is None:
            return None
        limit = self.limit
        others = self.neighbours[row].tolist()  # plain numbers at once: numpy element by element is slow
        scores = self.scores[row].tolist()
        starts = self.starts[row * limit : row * limit + limit + 1].tolist()
        first = starts[0]
        shared = self.shared[first : starts[-1]].tolist()  # the row's at once, then cut
        found = []
        for slot, other in enumerate(others):
            if other < 0:
                break
            found.append((self.ids[other], scores[slot], shared[starts[slot] - first : starts[slot + 1] - first]))
        return found

    def pieces(self) -> list[memoryview]:
        """The table as one blob for the analysis index, in pieces that share its memory (no copy of the
        arrays): sizes, a JSON header (ids, features, labels), then the arrays, with how many features each
        slot shares (a byte) in place of where each starts."""
        import numpy as np

        # A word is its own label: written once (null for "the feature itself"), read back as one string.
        named = [None if label == feature else label for feature, label in zip(self.features, self.labels, strict=True)]
        header = json.dumps([self.ids, self.features, named], ensure_ascii=False).encode("utf-8")
        lengths = np.diff(self.starts).astype(np.uint8)  # at most SHARED_KEPT
        arrays: list[NDArray[Any]] = [self.neighbours, self.scores, lengths, self.shared]
        sizes = struct.pack("<5q", _FORMAT, len(header), len(self.ids), self.limit, len(self.shared))
        parts = [memoryview(sizes), memoryview(header)] + [np.ascontiguousarray(a).data for a in arrays]
        # An empty array (no article, or none sharing anything) cannot be cast: it is an empty piece.
        return [part.cast("B") if part.nbytes else memoryview(b"") for part in parts]

    @classmethod
    def decode(cls, blob: bytes) -> RelatedTable | None:
        """The table `pieces` wrote; None when the blob does not hold together (or another reader wrote it)."""
        import numpy as np

        try:
            form, header_size, rows, limit, shared_size = struct.unpack_from("<5q", blob)
            if form != _FORMAT:
                return None
            at = 40
            ids, features, written = json.loads(blob[at : at + header_size])
            labels = [feature if label is None else label for feature, label in zip(features, written, strict=True)]
            at += header_size
            parts = []
            slots = rows * limit
            for dtype, count in ((np.int32, slots), (np.float32, slots), (np.uint8, slots), (np.int32, shared_size)):
                size = count * np.dtype(dtype).itemsize
                if at + size > len(blob):
                    return None
                # Copied out, so the blob (mostly the header, read already) is not kept alive by the arrays.
                parts.append(np.frombuffer(blob, dtype=dtype, count=count, offset=at).copy())
                at += size
        except (struct.error, ValueError, TypeError):
            return None
        neighbours, scores, lengths, shared = parts
        starts = np.concatenate(([0], np.cumsum(lengths, dtype=np.int64)))
        if len(ids) != rows or len(features) != len(labels) or at != len(blob) or starts[-1] != shared_size:
            return None
        table = cls(ids, features, labels, neighbours.reshape(rows, limit), scores.reshape(rows, limit), starts, shared)
        if rows and (int(table.neighbours.max()) >= rows or (shared_size and int(shared.max()) >= len(features))):
            return None
        return table


_FORMAT = 2  # the blob's layout: change it when `pieces` changes


def related_table(
    ids: list[str],
    profiles: Profiles,
    document_frequency: Callable[[str], int],
    label: Callable[[str], str],
    progress: Callable[[int, int], None] | None = None,
) -> RelatedTable:
    """Every article's best related articles, from unit-length profiles (features and weights, in the
    order of `ids`). `document_frequency(feature)` is how many articles have the feature; `label(feature)`
    what to call it. `progress(done, total)` hears how many articles are done."""
    import numpy as np
    from scipy import sparse

    rows = len(ids)
    vocabulary: dict[str, int] = {}
    columns = array("i")  # flat arrays, not lists: a million Python numbers would cost 60 MB more at Reuters
    weights = array("d")
    pointers = array("q", [0])
    for kept, values in profiles:
        columns.extend(vocabulary.setdefault(f, len(vocabulary)) for f in kept)
        weights.extend(values)
        pointers.append(len(columns))
    matrix = sparse.csr_matrix(
        (np.frombuffer(weights, dtype=np.float64), np.frombuffer(columns, dtype=np.int32),
         np.frombuffer(pointers, dtype=np.int64)),
        shape=(rows, max(len(vocabulary), 1)),
    )
    del columns, weights, pointers
    features = list(vocabulary)
    frequency = np.fromiter((document_frequency(f) for f in features), dtype=np.int64, count=len(features))
    alphabetical = np.empty(len(features), dtype=np.int64)  # ties between shared features go by name
    alphabetical[sorted(range(len(features)), key=features.__getitem__)] = np.arange(len(features))
    rare = np.flatnonzero(frequency <= CANDIDATE_DF)
    candidates = matrix[:, rare].astype(np.float32).tocsr()  # only ranks candidates: single precision will do
    transposed = candidates.T.tocsr()
    # How many pairs each article's candidates make: blocks of articles are cut to bound the work.
    pair_counts = np.zeros(len(features), dtype=np.int64)
    pair_counts[rare] = frequency[rare]
    row_of = np.repeat(np.arange(rows, dtype=np.int32), np.diff(matrix.indptr))
    per_row = np.bincount(row_of, weights=pair_counts[matrix.indices], minlength=rows)
    del row_of, pair_counts

    neighbours = np.full((rows, RELATED_LIMIT), -1, dtype=np.int32)
    scores = np.zeros((rows, RELATED_LIMIT), dtype=np.float32)
    lengths = np.zeros(rows * RELATED_LIMIT, dtype=np.uint8)  # at most SHARED_KEPT
    shared_parts: list[NDArray[Any]] = []  # in slot order: blocks come in row order, pairs by rank
    start = 0
    while start < rows:
        stop = start + 1
        work = int(per_row[start])
        while stop < rows and work + int(per_row[stop]) <= BLOCK_WORK:
            work += int(per_row[stop])
            stop += 1
        first, second = _candidates(candidates[start:stop] @ transposed, start)
        product = matrix[first].multiply(matrix[second]).tocsr()  # every shared feature's weight product
        similarity = np.asarray(product.sum(axis=1)).ravel()
        keep = np.flatnonzero((similarity >= RELATED_SIMILARITY) & (np.diff(product.indptr) >= SHARED_LEAST))
        first, second, similarity = first[keep], second[keep], similarity[keep]
        order = np.lexsort((second, -similarity, first))  # best first; ties to the earlier article
        first, second, similarity, keep = first[order], second[order], similarity[order], keep[order]
        rank = np.arange(len(first)) - np.searchsorted(first, first)
        best = rank < RELATED_LIMIT
        first, second, similarity, keep, rank = first[best], second[best], similarity[best], keep[best], rank[best]
        neighbours[first, rank] = second
        scores[first, rank] = similarity
        heaviest, counts = _heaviest(product[keep], alphabetical)
        shared_parts.append(heaviest)
        lengths[first * RELATED_LIMIT + rank] = counts
        start = stop
        if progress is not None:
            progress(stop, rows)
    del matrix, candidates, transposed, per_row
    starts = np.concatenate(([0], np.cumsum(lengths, dtype=np.int64)))
    del lengths
    shared = np.concatenate(shared_parts) if shared_parts else np.zeros(0, dtype=np.int32)
    del shared_parts
    # Only the features some pair shares are kept, renumbered (in place: at 400,000 articles it is 40 MB).
    used = np.bincount(shared, minlength=len(features)) > 0
    renumber = (np.cumsum(used, dtype=np.int32) - 1).astype(np.int32)
    np.take(renumber, shared, out=shared)
    named = [features[i] for i in np.flatnonzero(used).tolist()]
    return RelatedTable(ids, named, [label(f) for f in named], neighbours, scores, starts, shared)


def _candidates(block: sparse.csr_matrix, start: int) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Each row's best `CANDIDATES` other articles by the product over the rarer features, as (row, other)
    pairs; rows are numbered from `start`."""
    import numpy as np

    pointers, values, others = block.indptr, block.data, block.indices
    firsts: list[NDArray[np.int64]] = []
    seconds: list[NDArray[np.int32]] = []
    for row in range(block.shape[0]):
        low, high = int(pointers[row]), int(pointers[row + 1])
        if high - low > CANDIDATES:
            chosen = np.argpartition(values[low:high], -CANDIDATES)[-CANDIDATES:] + low
        else:
            chosen = np.arange(low, high)
        chosen = chosen[(values[chosen] >= MIN_LINK) & (others[chosen] != start + row)]
        seconds.append(others[chosen])
        firsts.append(np.full(len(chosen), start + row, dtype=np.int64))
    if not firsts:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate(firsts), np.concatenate(seconds).astype(np.int64)


def _heaviest(pairs: sparse.csr_matrix, tie: NDArray[np.int64]) -> tuple[NDArray[np.int32], NDArray[np.int64]]:
    """Each row's columns, the heaviest first (equals in `tie` order), at most `SHARED_KEPT` a row, in one
    array; and how many each row has."""
    import numpy as np

    counts = np.diff(pairs.indptr)
    rows = np.repeat(np.arange(pairs.shape[0]), counts)
    order = np.lexsort((tie[pairs.indices], -pairs.data, rows))
    rank = np.arange(len(order)) - np.repeat(pairs.indptr[:-1], counts)
    kept = rank < SHARED_KEPT
    return pairs.indices[order][kept].astype(np.int32), np.minimum(counts, SHARED_KEPT).astype(np.int64)


def average_linkage(count: int, links: dict[tuple[int, int], float], threshold: float) -> list[list[int]]:
    """Groups whose members are, on average, at least `threshold` alike (a missing link counts as 0).

    The usual agglomerative average linkage, run on the sparse graph of links: merges come off a heap,
    and merging two groups adds up their links to every neighbour.
    """
    size = [1] * count
    neighbours: list[dict[int, float]] = [{} for _ in range(count)]
    for (a, b), similarity in links.items():
        neighbours[a][b] = similarity
        neighbours[b][a] = similarity
    heap = [(-s, a, b) for (a, b), s in links.items() if s >= threshold]
    heapq.heapify(heap)
    parent = list(range(count))
    alive = [True] * count
    while heap:
        negative, a, b = heapq.heappop(heap)
        if not (alive[a] and alive[b]):
            continue
        average = neighbours[a].get(b, 0.0) / (size[a] * size[b])
        if abs(average + negative) > 1e-12:
            continue  # stale: a later entry holds the current average
        if len(neighbours[a]) < len(neighbours[b]):
            a, b = b, a  # merge the smaller neighbourhood into the larger
        for other, total in neighbours[b].items():
            if other == a:
                continue
            merged = neighbours[a].get(other, 0.0) + total
            neighbours[a][other] = merged
            neighbours[other][a] = merged
            del neighbours[other][b]
        neighbours[a].pop(b, None)
        neighbours[b] = {}
        size[a] += size[b]
        alive[b] = False
        parent[b] = a
        for other, total in neighbours[a].items():
            average = total / (size[a] * size[other])
            if average >= threshold:
                heapq.heappush(heap, (-average, a, other))
    groups: defaultdict[int, list[int]] = defaultdict(list)
    for index in range(count):
        root = index
        while parent[root] != root:
            root = parent[root]
        groups[root].append(index)
    return sorted(groups.values(), key=lambda g: g[0])


def evidence(vector: dict[str, float], centre: dict[str, float]) -> bool:
    """Whether an article shares enough with a topic to join it: as many features as related articles share."""
    shared = 0
    for feature in vector:
        if feature in centre:
            shared += 1
            if shared >= SHARED_LEAST:
                return True
    return False


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    total: float = sum(map(mul, a.values(), map(b.get, a, repeat(0.0))))  # at C speed, not a generator's
    return total

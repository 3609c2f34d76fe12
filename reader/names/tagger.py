"""A statistical name tagger: a linear-chain CRF over BIO tags, trained on CoNLL-2003 (scripts/train_tagger.py).

Every feature describes one token seen from one offset (-2 … +2) or one flag of the token itself, so a
token's scores are the sum of a few per-word vectors that are worked out once per word and cached: the
tagger reads about as fast as the text can be tokenised. The text is tokenised by the rule finder's
tokeniser (reader/names/extract.py), in training as in use, so CoNLL's own token boundaries ("Microsoft
's", "U.S.") never shape a feature. The weights ship as reader/names/tagger.model.gz, loaded on first use.
"""

from __future__ import annotations

import bisect
import gzip
import json
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from importlib.resources import files
from typing import TYPE_CHECKING, cast

import numpy as np

from reader.names.gazetteer import (
    COMMON_ACRONYMS,
    EVENT_WORDS,
    FIRM_ENDINGS,
    NEWS_AGENCIES,
    ORGANISATION_WORDS,
    PERSON_TITLES,
    PLACE_OPENERS,
    PLACE_WORDS,
    TIME_ZONES,
    TITLE_MODIFIERS,
    countries,
    fold,
    given_names,
    place_name,
)

if TYPE_CHECKING:
    from reader.names.tokens import Token

LABELS = ("O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-ORG", "I-ORG", "B-MISC", "I-MISC")
OFFSETS = (-2, -1, 0, 1, 2)
MODEL = "tagger.model.gz"
_PAD = ("<s>", "</s>")  # the words before a text's first token and after its last
_CACHE_LIMIT = 200_000  # word types kept with their scores (about 36 MB); then the cache starts again
_FUNCTION_WORDS = frozenset(
    """a an the this that these those there then than as at by for from in into of on to with after before
    during since until while when where which who what how all any both each no not also and or but if he
    she it they we you i his her its their our is are was were be been has have had will would said says""".split()
)
_MONTHS = frozenset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday saturday sunday".split()
)
_LEGAL = frozenset("inc corp co cos ltd plc llc sa ag nv gmbh spa bv plc".split())
_ACRONYM = re.compile(r"^(?:[A-Z][A-Z0-9&]{1,6}|(?:[A-Z]\.){2,})$")
_IDENTITY = ("w=", "x4", "p3")  # the features that name a word rather than describe it


def _shape(word: str) -> str:
    """ "Microsoft" → "Xx", "U.S." → "X.X.", "1996-08-22" → "d-d-d": case, digits and punctuation, runs shortened."""
    out: list[str] = []
    for char in word:
        if char.isupper():
            c = "X"
        elif char.islower():
            c = "x"
        elif char.isdigit():
            c = "d"
        else:
            c = char
        if not out or out[-1] != c:
            out.append(c)
    return "".join(out)


@lru_cache(maxsize=1 << 17)
def word_features(word: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """What a word says of itself (seen at its own place) and, shorter, seen from a neighbour's place."""
    word = word.replace("’", "'")
    low = fold(word)
    shape = _shape(word)
    marks = []
    if low in PERSON_TITLES:
        marks.append("title")
    elif low in TITLE_MODIFIERS:
        marks.append("modifier")
    if low in given_names():
        marks.append("given")
    if word[:1].isupper() or word[:1] == "@":
        if place_name(word) is not None:
            marks.append("country" if low in countries() else "place")
        if low in ORGANISATION_WORDS:
            marks.append("orgword")
        if low in PLACE_WORDS or low in PLACE_OPENERS:
            marks.append("placeword")
        if low in EVENT_WORDS:
            marks.append("event")
    if low in _LEGAL or low in FIRM_ENDINGS:
        marks.append("firm")
    if low in NEWS_AGENCIES:
        marks.append("agency")
    if low in _FUNCTION_WORDS:
        marks.append("function")
    if low in _MONTHS:
        marks.append("month")
    if low in COMMON_ACRONYMS or low in TIME_ZONES:
        marks.append("common-acronym")
    if _ACRONYM.match(word):
        marks.append("acronym")
    if "-" in word:
        marks.append("hyphen")
    near = (f"w={low}", f"s={shape}", *marks)
    own = (
        *near,
        f"p1={word[:1]}",
        f"p2={low[:2]}",
        f"p3={low[:3]}",
        f"x2={low[-2:]}",
        f"x3={low[-3:]}",
        f"x4={low[-4:]}",
        f"l={min(len(word), 8)}",
    )
    return own, near


def features_at(word: str, offset: int) -> tuple[str, ...]:
    """The features a word gives a token `offset` places from it: all of them at its own place, fewer further out."""
    own, near = word_features(word)
    if offset == 0:
        return own
    if abs(offset) == 1:
        return near
    return near[:2]


FLAGS = (
    "sentence-start",  # the first word after a sentence's or a line's end
    "shouting",  # in a line of capitals
    "team",  # a side in a results row
    "table",  # in a row of figures
    "skip",  # wire furniture (a sign-off, a ticker code)
    "seen-lower",  # a capitalised word the text also writes in lower case
    "start-seen-lower",  # both of the above: a common word capitalised by the sentence
    "place-phrase",  # inside a place the gazetteer knows by two or three words ("New York", "Hong Kong")
    "bracketed",  # inside <…>: a company in wire copy
    "line-first",  # the first token of a line
    "acronym-in-prose",  # "OPEC said": capitals in a line that is not all capitals
    "capital-in-prose",  # a capitalised word inside a sentence, in a line that is not all capitals
    "given-then-capital",  # a given name before a capitalised word: "Nigel Lawson"
    "alone",  # a capitalised word the text never writes beside another: "Nokia", not "Gerrard" of "Steven Gerrard"
    "then-he",  # the sentence's next personal pronoun is "he", "his", "she", "her"…: a person
    "then-it",  # …is "it", "its", "itself": a thing, a firm, a place
)
_HE = frozenset("he his him himself she her hers herself".split())
_IT = frozenset("it its itself".split())
_PRONOUNS = _HE | _IT
_JOINING = frozenset("of on and for the de & 's".split())  # words inside a name of several
_PRONOUN_REACH = 12  # tokens after a name within which its sentence's pronoun still refers to it


def token_flags(
    text: str, tokens: Sequence[Token], lowered: set[str] | None = None, breaks: list[int] | None = None
) -> list[list[int]]:
    """Each token's flags (indices into FLAGS), from the rule tokeniser's marks and the text around it;
    `lowered`: the words the text writes in lower case, folded (extract.lowered_words), if known."""
    words = [t.text for t in tokens]
    if lowered is None:
        lowered = {fold(w) for w in words if w[:1].islower()}
    capitals = [w[:1].isupper() for w in words]
    given = given_names()
    flags: list[list[int]] = []
    bracket = False
    last = len(tokens) - 1
    folds = [""] * len(tokens)  # each capitalised word, folded
    at_capitals: list[int] = []
    for index, token in enumerate(tokens):
        own: list[int] = []
        flags.append(own)
        word = words[index]
        if token.sentence_start:
            own.append(0)
            stop = index and words[index - 1] in _FULL_STOPS and not (index > 1 and _abbreviation(words[index - 2]))
            if breaks is not None and index and (token.line_start or stop):
                breaks.append(index)  # a sentence ends before it (not after "J." or "St.")
        elif token.line_start and breaks is not None and index:
            breaks.append(index)
        if token.shouting:
            own.append(1)
        if token.team:
            own.append(2)
        if token.table:
            own.append(3)
        if token.skip:
            own.append(4)
        if bracket:
            own.append(8)
        if token.line_start:
            own.append(9)
        if word == "<":
            bracket = True
        elif word == ">":
            bracket = False
        if not capitals[index]:
            continue
        folded = folds[index] = fold(word)
        at_capitals.append(index)
        if folded in lowered:
            own.append(5)
            if token.sentence_start:
                own.append(6)
        if not token.shouting:
            if _ACRONYM.match(word):
                own.append(10)
            if not token.sentence_start:
                own.append(11)
            if index < last and capitals[index + 1] and folded in given:
                own.append(12)
    # Words written beside another capitalised word, or joined to one by "of", "on", "and"… ("Steven
    # Gerrard", "Rival Sony", "Agreement on Tariffs and Trade"): a lone word is a name of its own.
    joined: set[str] = set()
    for index in at_capitals:
        if index == last:
            break
        before = tokens[index]
        after = index + 1
        if not capitals[after] and words[after] in _JOINING and after < last and capitals[after + 1]:
            after += 1
        if capitals[after] and not tokens[index + 1].line_start and not before.shouting and not (
            before.sentence_start and (folds[index] in lowered or folds[index] in _FUNCTION_WORDS)
        ):
            joined.add(folds[index])
            joined.add(folds[after])
    for index in range(last):
        if not (capitals[index] and capitals[index + 1]):
            continue
        for width in (3, 2):
            end = index + width - 1
            if end <= last and (width == 2 or capitals[end]):
                if place_name(text[tokens[index].start : tokens[end].end]) is not None:
                    for k in range(index, end + 1):
                        if 7 not in flags[k]:
                            flags[k].append(7)
                    break
    # The sentence's next personal pronoun after each capitalised word, if near enough.
    pronouns = [index for index, word in enumerate(words) if word in _PRONOUNS]
    starts = [index for index, token in enumerate(tokens) if token.sentence_start or token.line_start]
    for index in at_capitals:
        if not tokens[index].shouting and folds[index] not in joined:
            flags[index].append(13)
        if pronouns:
            at = bisect.bisect_right(pronouns, index)
            if at < len(pronouns) and pronouns[at] - index <= _PRONOUN_REACH:
                then = pronouns[at]
                between = bisect.bisect_right(starts, index)
                if between == len(starts) or starts[between] > then:
                    flags[index].append(14 if words[then] in _HE else 15)
    return flags


def sequence(text: str) -> list[Token]:
    """The tokens the tagger reads: the rule tokeniser's, without its line breaks."""
    from reader.names.tokens import tokenize

    return [t for t in tokenize(text) if t.text != "\n"]


def crf_items(text: str, tokens: Sequence[Token], rare: frozenset[str] = frozenset()) -> list[list[str]]:
    """Each token's features as strings, for training (the tagger itself sums cached vectors instead). A
    `rare` word is given without its identity, as an unknown word is seen in use, so that the model learns
    to read unknown names by their shape and their neighbours ("Nokia said") rather than by heart."""
    words = [t.text for t in tokens]
    padded = [_PAD[0]] * 2 + words + [_PAD[1]] * 2
    flags = token_flags(text, tokens)
    items = []
    for index in range(len(tokens)):
        item: list[str] = []
        for offset in OFFSETS:
            word = padded[index + 2 + offset]
            known = fold(word) not in rare
            item.extend(f"{offset}:{f}" for f in features_at(word, offset) if known or f[:2] not in _IDENTITY)
        item.extend(f"f:{FLAGS[flag]}" for flag in flags[index])
        items.append(item)
    return items


def write_model(
    path: str, attributes: dict[str, dict[str, float]], transitions: dict[tuple[str, str], float], about: str
) -> None:
    """Writes the weights compactly and byte for byte the same for the same weights: a JSON header (labels,
    attributes in sorted order, transitions) and int16 weights, gzipped without a timestamp."""
    names = sorted(attributes)
    weights = np.zeros((len(names), len(LABELS)), dtype=np.float64)
    for row, name in enumerate(names):
        for label, weight in attributes[name].items():
            weights[row, LABELS.index(label)] = weight
    largest = float(np.abs(weights).max()) or 1.0
    scale = largest / 32767
    quantised = np.round(weights / scale).astype("<i2")
    moves = [[transitions.get((a, b), 0.0) for b in LABELS] for a in LABELS]
    header = {"about": about, "labels": LABELS, "scale": scale, "transitions": moves, "attributes": names}
    with open(path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as out:
        out.write(json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode() + b"\n")
        out.write(quantised.tobytes())


class Tagger:
    """Tags a text's tokens with BIO labels by Viterbi over the CRF's scores."""

    def __init__(self, data: bytes) -> None:
        header, _, body = data.partition(b"\n")
        meta = json.loads(header)
        if tuple(meta["labels"]) != LABELS:
            raise ValueError("the model's labels are not the tagger's")
        names: list[str] = meta["attributes"]
        weights = np.frombuffer(body, dtype="<i2").reshape(len(names), len(LABELS)).astype(np.float32)
        weights *= np.float32(meta["scale"])
        # One (offsets × labels) block per feature, so a new word's scores are one sum over its features
        # (a feature seen at an offset it was never trained at has no weight there).
        features: dict[str, int] = {}
        where = []
        for row, name in enumerate(names):
            offset, _, feature = name.partition(":")
            if offset == "f":
                continue
            where.append((row, OFFSETS.index(int(offset)), features.setdefault(feature, len(features))))
        blocks = np.zeros((len(features) + 1, len(OFFSETS), len(LABELS)), dtype=np.float32)
        for row, k, column in where:
            blocks[column, k] = weights[row]
        self._features = features
        self._blocks = blocks
        self._rows = {name: row for row, name in enumerate(names) if name.startswith("f:")}
        self._weights = weights
        moves = np.array(meta["transitions"], dtype=np.float32)
        for a, before in enumerate(LABELS):  # an inside tag only continues a name of its own type
            for b, after in enumerate(LABELS):
                if after.startswith("I-") and before[2:] != after[2:]:
                    moves[a, b] = -1e4
        self._moves = moves
        self._opening = np.array([-1e4 if label.startswith("I-") else 0.0 for label in LABELS], dtype=np.float32)
        valid = moves[moves > -1e3]
        self._margin = float(2 * (valid.max() - valid.min()))
        self._columns = np.arange(len(LABELS))
        self.margin = 3.0  # how clearly the outside score must win for a token to be left out of the decoding
        self._flags = np.stack([self._vector([f"f:{flag}"]) for flag in FLAGS])
        self._types: dict[str, int] = {}
        self._table = np.zeros((1024, len(OFFSETS), len(LABELS)), dtype=np.float32)

    def _vector(self, attributes: Iterable[str]) -> np.ndarray:
        rows = [row for a in attributes if (row := self._rows.get(a)) is not None]
        if not rows:
            return np.zeros(len(LABELS), dtype=np.float32)
        return self._weights[rows].sum(axis=0)  # type: ignore[no-any-return]

    def _ids(self, words: list[str]) -> list[int]:
        """Each word's row in the score table; the words not seen before get theirs all at once."""
        known = self._types.get
        seen = [known(word) for word in words]  # a dictionary look-up for every word seen before
        if None not in seen:
            return cast("list[int]", seen)
        new = list(dict.fromkeys(w for w, index in zip(words, seen, strict=True) if index is None))
        if len(self._types) + len(new) > _CACHE_LIMIT:  # start again, keeping the text's own words together
            self._types.clear()
            new = list(dict.fromkeys(words))
        first = len(self._types)
        if first + len(new) > len(self._table):
            size = len(self._table)
            while size < first + len(new):
                size *= 2
            grown = np.zeros((size, len(OFFSETS), len(LABELS)), dtype=np.float32)
            grown[: len(self._table)] = self._table
            self._table = grown
        # table[w, k]: word w's part of the score of a token OFFSETS[k] places before it, the sum of its
        # features' blocks; each word's rows end with the blocks' zero row, so that no word has none.
        own = self._features
        empty = len(self._blocks) - 1
        rows: list[int] = []
        bounds: list[int] = []
        for word in new:
            bounds.append(len(rows))
            rows.extend([row for f in word_features(word)[0] if (row := own.get(f)) is not None])
            rows.append(empty)
        self._table[first : first + len(new)] = np.add.reduceat(self._blocks[rows], bounds, axis=0)
        for index, word in enumerate(new, first):
            self._types[word] = index
        return cast("list[int]", [known(word) for word in words])

    def scores(
        self, text: str, tokens: Sequence[Token], lowered: set[str] | None = None, breaks: list[int] | None = None
    ) -> np.ndarray:
        """Each token's score for each label, before the transitions."""
        n = len(tokens)
        ids = np.array(self._ids([_PAD[0], _PAD[0], *(t.text for t in tokens), _PAD[1], _PAD[1]]), dtype=np.intp)
        table = self._table
        emissions = table[ids[:n], 0] + table[ids[1 : n + 1], 1] + table[ids[2 : n + 2], 2]
        emissions += table[ids[3 : n + 3], 3] + table[ids[4:], 4]
        rows: list[int] = []
        columns: list[int] = []
        for index, flags in enumerate(token_flags(text, tokens, lowered, breaks)):
            if flags:
                rows.extend([index] * len(flags))
                columns.extend(flags)
        marked = np.zeros((n, len(FLAGS)), dtype=np.float32)
        marked[rows, columns] = 1.0
        emissions += marked @ self._flags
        return emissions  # type: ignore[no-any-return]

    def tag(self, text: str, tokens: Sequence[Token], lowered: set[str] | None = None) -> list[str]:
        """The best labels, by Viterbi over each sentence, all sentences at once (a name never runs on
        past a line's end or a full stop after a word: one after an initial or "St" does not end a sentence)."""
        if not tokens:
            return []
        edges = [0]
        emissions = self.scores(text, tokens, lowered, edges)
        # Only stretches that could hold a name are decoded: tokens whose outside score does not clearly win,
        # a token either side, and the few tokens between two of them ("Bank of England").
        margin = emissions[:, 0] - emissions[:, 1:].max(axis=1)
        open_at = np.flatnonzero(margin < self.margin)
        if not open_at.size:
            return ["O"] * len(tokens)
        bounds = np.array([*edges, len(tokens)])
        sentence = np.searchsorted(bounds, open_at, side="right") - 1  # the sentence that holds each open token
        firsts = np.maximum(open_at - 1, bounds[sentence])
        afters = np.minimum(open_at + 2, bounds[sentence + 1])
        opens = np.ones(len(open_at), dtype=bool)  # an open token that starts a stretch of its own
        opens[1:] = (sentence[1:] != sentence[:-1]) | (firsts[1:] > afters[:-1] + _GAP)
        closes = np.append(opens[1:], True)
        # The stretches longest first, so that at each step the ones still running are a prefix: the work
        # is their total length, not their number times the longest.
        order = np.argsort(firsts[opens] - afters[closes], kind="stable")
        opening = int(np.flatnonzero(order == 0)[0])  # where the stretch that may open the text went
        starts_at = firsts[opens][order]
        lengths = afters[closes][order] - starts_at
        longest = int(lengths[0])
        count = len(starts_at)
        running = np.searchsorted(-lengths, -np.arange(longest)).tolist()  # how many are longer than each step
        # emissions laid out stretch by stretch, padded to the longest
        row = np.repeat(np.arange(count), lengths)
        column = np.arange(int(lengths.sum())) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        where = starts_at[row] + column
        grid = np.zeros((count, longest, len(LABELS)), dtype=np.float32)
        grid[row, column] = emissions[where]
        moves = self._moves
        choices = np.zeros((longest, count, len(LABELS)), dtype=np.intp)
        best = grid[:, 0] + moves[0]  # after an outside token, as a stretch always is…
        if starts_at[opening] == 0:
            best[opening] = grid[opening, 0] + self._opening  # …but the text's first, which has no transition before it
        for step in range(1, longest):
            live = running[step]
            total = best[:live, :, None] + moves  # stretch × previous label × label
            choices[step, :live] = total.argmax(axis=1)
            best[:live] = total.max(axis=1) + grid[:live, step]  # a finished stretch keeps its last scores
        finals = best.argmax(axis=1)
        # Back through the stretches at once: each joins at its own last step, with its best final label.
        path = np.empty((count, longest), dtype=np.intp)
        stretches = np.arange(count)
        last = finals.copy()  # a stretch's entry is first read at its own last step, so it is still its final
        for step in range(longest - 1, -1, -1):
            live = running[step]
            path[:live, step] = last[:live]
            if step:
                last[:live] = choices[step, stretches[:live], last[:live]]
        chosen = np.zeros(len(tokens), dtype=np.intp)
        chosen[where] = path[row, column]
        return [LABELS[label] for label in chosen.tolist()]


_FULL_STOPS = frozenset(".!?;")
_GAP = 2  # outside tokens a name can hold between two likely parts of it ("Bank of England", "Bank of the West")


def _abbreviation(word: str) -> bool:
    """ "J.", "St.", "Mt.": a full stop after which a name goes on."""
    return word[:1].isupper() and len(word) <= 3 and word.isalpha()


def spans(labels: Sequence[str]) -> list[tuple[int, int, str]]:
    """(first token, token after the last, type) of each name the labels mark."""
    found = []
    start = -1
    kind = ""
    for index, label in enumerate([*labels, "O"]):
        if start >= 0 and not (label.startswith("I-") and label[2:] == kind):
            found.append((start, index, kind))
            start = -1
        if label.startswith("B-") or (label.startswith("I-") and start < 0):
            start, kind = index, label[2:]
    return found


@lru_cache(maxsize=1)
def tagger() -> Tagger:
    """The shipped model, read once per process on first use."""
    return Tagger(gzip.decompress(files("reader.names").joinpath(MODEL).read_bytes()))

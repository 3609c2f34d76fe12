"""The same-story check a thread's articles pass: a pair model fitted on labelled pairs, not hand-set rules.

Threads are first gathered by likeness (`reader.analysis.stories`: topics, then events inside them), which
finds the articles that *might* tell one story. Each pair of a thread's articles is then scored by a logistic
regression over what a reader would compare (`likeness`): how alike their words are, how alike their
headlines, and whether they share a *specific* name (one few articles of the collection name: "Lotoquik",
not "Reuters" or a country) and how much of their names they share. Two articles are one story when the
probability passes the threshold chosen for precision on held-out pairs; a thread keeps together the
articles joined by such pairs, and the rest stand alone.

The weights are the output of `scripts/fit_story_gate.py` (ECB+ dev pairs and Reuters-21578 stories as
negatives; see docs/benchmarks.md), shipped as `story_gate.json` beside this module.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

MODEL_PATH = Path(__file__).with_name("story_gate.json")
FEATURES = (
    "words",
    "headline",
    "event_words",
    "event_headline",
    "rarest_name",
    "second_name",
    "names_shared",
    "words_x_rarest",
    "event_words_x_rarest",
    "headline_name_missing",
    "words_x_headline_name_missing",
    "days_apart",
    "headline_x_days_apart",
    "numbers_shared",
    "no_number_shared",
    "tables",
    "same_source",
    "same_source_x_words",
    "same_source_x_headline",
    "same_source_x_numbers_shared",
)
DAYS_APART_MOST = 30.0  # pairs further apart than this many days count as this far (a thread goes quiet sooner)
# A name's rarity is its inverse document frequency as if the collection also held this many articles that
# do not name it: in a collection of five articles every name is in most of them, and says nothing, unless
# the collection is read against the news at large.
BACKGROUND_ARTICLES = 1000


SAME_SOURCE = FEATURES.index("same_source")


@dataclass(frozen=True, slots=True)
class StoryGate:
    """The fitted weights, and the probability a pair must reach: one threshold for two articles from different
    sources (other feeds or files: the same event told by two outlets), another for two from the same source
    (one outlet rarely tells one story twice; what looks alike there is mostly its next report of the same
    kind). Each is chosen on held-out pairs of its kind."""

    weights: tuple[float, ...]
    bias: float
    threshold: float
    same_source_threshold: float

    def probability(self, likeness: tuple[float, ...]) -> float:
        score = self.bias + sum(w * x for w, x in zip(self.weights, likeness, strict=True))
        return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, score))))

    def same_story(self, likeness: tuple[float, ...]) -> bool:
        needed = self.same_source_threshold if likeness[SAME_SOURCE] else self.threshold
        return self.probability(likeness) >= needed


@cache
def shipped() -> StoryGate:
    """The fitted gate shipped with the package."""
    model = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    if tuple(model["features"]) != FEATURES:
        raise ValueError(f"{MODEL_PATH.name} was fitted on other features: rerun scripts/fit_story_gate.py")
    return StoryGate(
        tuple(float(w) for w in model["weights"]),
        float(model["bias"]),
        float(model["threshold"]),
        float(model["same_source_threshold"]),
    )


def rarity(document_frequency: int, total: int) -> float:
    """How specific a name or word is in a collection of `total` articles, `document_frequency` of which have
    it: 1 in two articles, less the more articles have it (a word in every article of a big collection, near 0)."""
    most = math.log((total + BACKGROUND_ARTICLES) / 3)
    return max(0.0, math.log((total + BACKGROUND_ARTICLES) / (document_frequency + 1)) / most)


def likeness(
    cosines: list[float],
    shared_rarities: list[float],
    names: tuple[int, int],
    missing: float,
    days: float | None,
    numbers: tuple[frozenset[str], frozenset[str]],
    tables: float,
    same_source: bool,
) -> tuple[float, ...]:
    """The model's features of a pair: the cosines of their words, headlines, and both without names (see
    `Stories._checked_vectors`), the rarities of the two rarest names they share, the share of the fewer
    names that they share, and the rarity of the rarest name one headline gives that the other article never
    mentions (two companies' results, two countries' surveys: each headline is about someone else) and that
    again with their words (told in the same words about someone else: a template), and how
    many days apart they are (`days` None when one is undated: as if the same day), and that again for alike
    headlines (the same report of another week); and of the figures they give, the share of the fewer that they
    share, and whether both give figures and share none; how much both are tables (the smaller share of their
    tokens that are not words of running prose: two tables of prices at two times of a day are the next report,
    not a story); whether both come from one source (a feed, a file), and that again with their words,
    headlines and figures."""
    words, headline, event_words, event_headline = cosines
    ranked = sorted(shared_rarities, reverse=True)
    rarest = ranked[0] if ranked else 0.0
    second = ranked[1] if len(ranked) > 1 else 0.0
    fewer = min(names)
    shared = len(ranked) / fewer if fewer else 0.0
    apart = min(abs(days or 0.0), DAYS_APART_MOST) / DAYS_APART_MOST
    mine, theirs = numbers
    both = len(mine & theirs)
    figures = both / min(len(mine), len(theirs)) if mine and theirs else 0.0
    none_shared = 1.0 if mine and theirs and not both else 0.0
    one = 1.0 if same_source else 0.0
    return (words, headline, event_words, event_headline, rarest, second, shared, words * rarest,
            event_words * rarest, missing, words * missing, apart, headline * apart, figures,
            none_shared, tables, one, one * words, one * headline, one * figures)

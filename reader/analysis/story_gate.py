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
)
# A name's rarity is its inverse document frequency as if the collection also held this many articles that
# do not name it: in a collection of five articles every name is in most of them, and says nothing, unless
# the collection is read against the news at large.
BACKGROUND_ARTICLES = 1000


@dataclass(frozen=True, slots=True)
class StoryGate:
    weights: tuple[float, ...]
    bias: float
    threshold: float

    def probability(self, likeness: tuple[float, ...]) -> float:
        score = self.bias + sum(w * x for w, x in zip(self.weights, likeness, strict=True))
        return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, score))))

    def same_story(self, likeness: tuple[float, ...]) -> bool:
        return self.probability(likeness) >= self.threshold


@cache
def shipped() -> StoryGate:
    """The fitted gate shipped with the package."""
    model = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    if tuple(model["features"]) != FEATURES:
        raise ValueError(f"{MODEL_PATH.name} was fitted on other features: rerun scripts/fit_story_gate.py")
    return StoryGate(tuple(float(w) for w in model["weights"]), float(model["bias"]), float(model["threshold"]))


def rarity(document_frequency: int, total: int) -> float:
    """How specific a name or word is in a collection of `total` articles, `document_frequency` of which have
    it: 1 in two articles, less the more articles have it (a word in every article of a big collection, near 0)."""
    most = math.log((total + BACKGROUND_ARTICLES) / 3)
    return max(0.0, math.log((total + BACKGROUND_ARTICLES) / (document_frequency + 1)) / most)


def likeness(cosines: list[float], shared_rarities: list[float], names: tuple[int, int]) -> tuple[float, ...]:
    """The model's features of a pair: the cosines of their words, headlines, and both without names (see
    `Stories._checked_vectors`), the rarities of the two rarest names they share, and the share of the fewer
    names that they share."""
    words, headline, event_words, event_headline = cosines
    ranked = sorted(shared_rarities, reverse=True)
    rarest = ranked[0] if ranked else 0.0
    second = ranked[1] if len(ranked) > 1 else 0.0
    fewer = min(names)
    shared = len(ranked) / fewer if fewer else 0.0
    return (words, headline, event_words, event_headline, rarest, second, shared, words * rarest,
            event_words * rarest)

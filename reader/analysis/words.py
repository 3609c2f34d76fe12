"""Finding articles by the words in them: every query word must begin, in any case, a word of the headline or
the text, or a part of one after a hyphen or other mark ("trade" finds "Trade", "traders" and "free-trade";
"ark" does not find "Park" or "Markup")."""

from __future__ import annotations

import re
from array import array
from bisect import bisect_right
from collections.abc import Iterable
from itertools import accumulate

from reader.articles import Article


def word_start(word: str) -> re.Pattern[str]:
    """`word` where it begins a word or a part of one (not after a letter or digit), in any case."""
    return re.compile(r"(?<![^\W_])" + re.escape(word.casefold()), re.IGNORECASE)


class WordIndex:
    """Each distinct word (a run of non-space characters, case-folded) with the positions of the articles
    holding it. A query word is looked for in the string of distinct words, a small fraction of the text,
    and only the postings of the words it is found in are read."""

    def __init__(self, articles: Iterable[Article] = ()) -> None:
        self._postings: dict[str, array[int]] = {}
        self._count = 0
        self._vocabulary: tuple[str, list[str], list[int]] | None = None
        self.extend(articles)

    def __len__(self) -> int:
        """How many articles are indexed (positions 0 to len - 1)."""
        return self._count

    def extend(self, articles: Iterable[Article]) -> None:
        """Index more articles, at the next positions."""
        postings = self._postings
        for article in articles:
            for word in set(article.text.casefold().split()):
                found = postings.get(word)
                if found is None:
                    postings[word] = found = array("i")
                found.append(self._count)
            self._count += 1
        self._vocabulary = None

    def prepare(self) -> None:
        """Join the distinct words for searching now (50 ms at 400,000 articles), not at the first search."""
        self._words()

    def matching(self, words: list[str]) -> set[int]:
        """Positions of the articles that contain every word."""
        found: set[int] | None = None
        for word in sorted({w.casefold() for w in words}, key=len, reverse=True):  # longest: fewest places
            holding = self._holding(word)
            found = holding if found is None else found & holding
            if not found:
                break
        return found or set()

    def _holding(self, word: str) -> set[int]:
        text, words, starts = self._words()
        postings = []
        last = -1
        for found in word_start(word).finditer(text):  # distinct words are parted by "\n": each starts a word
            index = bisect_right(starts, found.start()) - 1
            if index != last:
                postings.append(self._postings[words[index]])
                last = index
        return set().union(*postings)

    def _words(self) -> tuple[str, list[str], list[int]]:
        if self._vocabulary is None:
            words = list(self._postings)
            starts = list(accumulate((len(word) + 1 for word in words), initial=0))
            self._vocabulary = ("\n".join(words), words, starts)  # words hold no whitespace: "\n" parts them
        return self._vocabulary

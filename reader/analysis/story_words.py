"""The words a story is told in: what related articles and story threads compare.

Only words count. Links ("[1] http://127.0.0.1/…"), numbers, tickers ("<SRD>", "$AAPL", "NYSE: IBM") and the
labels of tables ("Shr 25 cts vs 30 cts", "APR … NIL") are taken out first: two articles that share a port
number, a year or the label of a price table are not therefore one story.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Iterable

_WORD = re.compile(r"[^\W\d_][\w'’-]*[^\W_]", re.UNICODE)
_NUMBER = re.compile(r"(?<![\w.])\d[\d.,:/%-]*")
_DIGIT = re.compile(r"\d")
_YEAR = re.compile(r"(?:19|20)\d\d")
# A link, an address on the web or by mail, or a bare host and port: none of its pieces is a word.
_LINK = re.compile(r"(?:[a-z][a-z0-9+.-]*://|www\.)\S+|\S+@\S+\.\w+|\b\d{1,3}(?:\.\d{1,3}){3}\S*", re.IGNORECASE)
# A ticker: "<SRD>", "$AAPL", "(NYSE: IBM)".
_TICKER = re.compile(r"<[^<>\s]{1,12}>|\$[A-Z]{1,5}\b|\b(?:NYSE|NASDAQ|Nasdaq|AMEX|LSE|TSX|OTC)\s*:\s*[A-Z.]+")
_STOP_WORDS = frozenset(
    """
    a about above after again against all almost along also although always am among an and another any
    are around as at back be became because become been before being below between both but by came can
    could did do does doing done down during each either else even ever every few for from further get
    gets got had has have having he her here hers herself him himself his how however i if in into is it
    its itself just last least less like made make makes many may me might more most much must my myself
    near need never new next no nor not now of off often on once one only or other others our ours out
    over own per rather said same say says see seen she should since so some still such take than that
    the their theirs them themselves then there these they this those though three through thus to too
    two under until up upon us very via was we well were what when where whether which while who whom
    whose why will with within without would year years yet you your yours week weeks day days time
    today tomorrow yesterday told tell according including news report reports reported percent
    monday tuesday wednesday thursday friday saturday sunday mr mrs ms vs
    """.split()
)


def words_of(text: str) -> dict[str, int]:
    """Distinctive words of a text: lower case, without stop words, plural -s folded; no numbers, links,
    tickers, and nothing from the rows of a table."""
    if "/" in text or "@" in text or "www." in text:
        text = _LINK.sub(" ", text)
    if "<" in text or "$" in text or ":" in text:
        text = _TICKER.sub(" ", text)
    found: Counter[str] = Counter()
    for line in text.casefold().splitlines() if "\n" in text else (text.casefold(),):
        words = _WORD.findall(line)
        numbers = len(_NUMBER.findall(line)) if _DIGIT.search(line) else 0
        if numbers >= 2 and 2 * numbers >= len(words):
            continue  # a row of a table: its words are labels ("Shr", "Net", "Revs"), not what it is about
        found.update(words)
    counts: dict[str, int] = {}  # a plain dict: a Counter calls back into Python for every new word
    known = _NORMAL
    for each, times in found.items():  # each distinct word once
        word = known.get(each, "?")
        if word == "?":
            if len(known) > _NORMAL_LIMIT:
                known.clear()
            word = known[each] = _normal(each)
        if word:
            counts[word] = counts.get(word, 0) + times
    return counts


def written_forms(texts: Iterable[str], words: Collection[str]) -> dict[str, str]:
    """How `texts` write each of `words` (as `words_of` counts them): "policies" for "policie", "reports" for
    "report" only if they never write "report" itself; the commonest form, in lower case, for the rest."""
    forms: dict[str, Counter[str]] = {}
    for text in texts:
        for found in _WORD.findall(text.casefold()):
            word = _normal(found)
            if word in words:
                forms.setdefault(word, Counter())[_unpossessed(found)] += 1
    return {
        word: word if word in seen else min(seen, key=lambda form: (-seen[form], form)) for word, seen in forms.items()
    }


def _unpossessed(found: str) -> str:
    """The word without a possessive ("Bundesbank's" -> "bundesbank", whichever apostrophe)."""
    word = found.replace("’", "'")
    return word[:-2] if word.endswith("'s") else word


def _normal(found: str) -> str:
    """The word as profiles count it ("reports" -> "report"), or "" for a stop word or a too short one."""
    word = _unpossessed(found)
    if word in _STOP_WORDS or len(word) < 3:
        return ""
    if word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        word = word[:-1]
    return word


_NORMAL: dict[str, str] = {}  # a collection's vocabulary is small next to its running text
_NORMAL_LIMIT = 1_000_000


def numbers_of(text: str) -> frozenset[str]:
    """The figures a text gives ("85", "1.8162", "6-1/8"), not its years nor single digits: what tells the same
    report sent twice (the same figures) from the next day's report cast in the same words (other figures)."""
    if not _DIGIT.search(text):
        return frozenset()
    found = (match.rstrip(".,:/%-") for match in _NUMBER.findall(text))
    return frozenset(number for number in found if len(number) > 1 and not _YEAR.fullmatch(number))


_PROSE = re.compile(r"[a-z][a-z'’-]*[a-z][,.;:!?\"”)]*")


def table_share(text: str) -> float:
    """The share of a text's tokens that are not the lower-case words of running prose: figures, labels,
    capitals. Near 1 for a table of prices or rates ("NY COMEX COPPER 1030 APR7 UNTRD MAY7 6270 UP 5"), about a
    quarter for a story told in sentences. Two tables sent at two times of a day are cast alike and name the
    same things, yet neither tells a story."""
    tokens = text.split()
    if not tokens:
        return 0.0
    return 1.0 - sum(1 for token in tokens if _PROSE.fullmatch(token)) / len(tokens)

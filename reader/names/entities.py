"""From mentions to entities: one row per real-world name, in an article and across the collection.

Within an article, mentions merge when they are the same name written differently: "S. Jaishankar" and
"S Jaishankar"; family name first ("Hayashi Yoshimasa" = "Yoshimasa Hayashi"); a short form that fits
only one fuller name ("Singh" after "Rajnath Singh"); a handle ("@narendramodi"); an acronym defined in
brackets ("Ministry of External Affairs (MEA)"); case ("QUAD" = "Quad").
"""

from __future__ import annotations

import bisect
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate
from typing import TYPE_CHECKING

from reader.names.gazetteer import (
    ORGANISATION_WORDS,
    THING_WORDS,
    common_surnames,
    cut_short,
    fold,
    is_country,
    place_name,
)
from reader.names.kinds import KINDS, ORGANIZATION, PERSON, PLACE

if TYPE_CHECKING:  # the finder loads with the first article analysed, not with the sidebar (5 ms at start-up)
    from reader.names.extract import Mention

_KIND_ORDER = {kind: index for index, kind in enumerate(KINDS)}
_DEFINITION = re.compile(r"\s*\(([A-Z][A-Za-z&]{1,7})\)")  # an acronym defined in brackets after a name
_INITIALS = re.compile(r"^[A-Z](?:\s*(?:and|&)\s*[A-Z])+$")  # "S and P", "S&P": a firm's initials
_CUE_KINDS = {"title": PERSON, "team": ORGANIZATION}  # cues that settle a name's kind (see _Group.kind)
_WORD_USES = 3  # a surname written in lower case this often in a collection is a word ("price", "young")
_MINORITY = 2  # a name's rarer kind joins its commoner one when it is half as common or less
_MISSPELLING_LENGTH = 5  # shorter names are one edit away from too many other words


# How sure it is that a person is a person: a title or a handle says so; a given name, an initial or the
# surname used alone later in the article suggests it; the shape of a name alone ("Goldman Sachs") does not.
TITLED, LIKELY, SHAPE_ONLY = 2, 1, 0


@dataclass(slots=True)
class ArticleName:
    """One entity as it appears in one article."""

    name: str
    kind: str
    aliases: list[str]
    spans: list[tuple[int, int]]
    evidence: int = TITLED  # for a person, how sure (TITLED, LIKELY or SHAPE_ONLY); other kinds are sure

    @property
    def mentions(self) -> int:
        return len(self.spans)

    @property
    def keys(self) -> set[str]:
        return _keys(self.kind, self.aliases)


def encode_names(names: list[ArticleName]) -> str:
    """An article's names as compact JSON, [name, kind, aliases, flat spans] each: a few dozen bytes a
    name, where the objects cost a few hundred (hundreds of megabytes at 400,000 articles)."""
    return _COMPACT.encode(
        [
            [n.name, n.kind, n.aliases, [i for span in n.spans for i in span]]
            + ([n.evidence] if n.evidence != TITLED else [])
            for n in names
        ]
    )


def decode_names(text: str) -> list[ArticleName]:
    return [
        ArticleName(name, kind, aliases, list(zip(spans[::2], spans[1::2], strict=True)), *evidence)
        for name, kind, aliases, spans, *evidence in json.loads(text)
    ]


_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))  # made once: json.dumps makes one per call
_SEPARATORS = re.compile(r"[\s.,\-‐–]+")  # "Self-Defense Forces" is "Self Defense Forces"


@lru_cache(maxsize=1 << 16)  # the same few thousand names come back in article after article
def _words(text: str) -> tuple[str, ...]:
    return tuple(w for w in _SEPARATORS.split(fold(text).replace("’s", "").lstrip("@")) if w)


@lru_cache(maxsize=1 << 14)
def _short_forms(alias: str) -> tuple[str, ...]:
    """The words a person's name is shortened to when used alone: any but a given name that opens it ("Yeutter"
    and never "Clayton" for Clayton Yeutter, where "Clayton" alone is Clayton and Dubilier; "Zhao" for Zhao Ziyang)."""
    from reader.names.gazetteer import given_names

    words = _words(alias)
    if len(words) >= 2 and words[0] in given_names():
        return words[1:]
    return words


def _keys(kind: str, aliases: Iterable[str]) -> set[str]:
    """Keys under which the same entity is found again in other articles."""
    return {key for alias in aliases if (key := _key(kind, alias))}


def _finding_keys(name: ArticleName, keys: list[str]) -> list[str]:
    """The keys by which an article's organisation is found among the collection's: a name of two words or
    more is found by its names, or by an acronym of one of them ("IBM" beside International Business Machines
    Corp), never by a lone word it is also called ("Federal" of Federal Express Corp, "Commission" of the
    Texas Railroad Commission: another article's "Federal" was the Federal Reserve)."""
    full = [key for key in keys if " " in key]
    if name.kind != ORGANIZATION or not full:
        return keys
    longer = [alias for alias in name.aliases if " " in alias.strip()]
    acronyms = {
        key
        for alias in name.aliases
        if alias.isupper() and " " not in alias.strip() and any(_abbreviates(alias, long) for long in longer)
        and (key := _key(name.kind, alias))
    }
    return [key for key in keys if " " in key or key in acronyms]


@lru_cache(maxsize=1 << 16)
def _key(kind: str, alias: str) -> str | None:
    words = _words(alias)
    if kind == PLACE:
        return "place:" + fold(place_name(alias) or cut_short(alias) or alias)
    if kind == PERSON and len(words) >= 2:
        if len(words) >= 3:  # a middle initial comes and goes: "Martin T. Sosnoff" is Martin Sosnoff
            words = (words[0], *(w for w in words[1:-1] if len(w) > 1), words[-1])
        return "person:" + " ".join(sorted(words))
    if kind == ORGANIZATION:
        words = tuple(map(_american, _firm_words(words)))
        if len(words) >= 3 and words[0] in _REORDERED_HEADS and words[1] == "of":
            words = (*words[2:], words[0])  # "Ministry of External Affairs" is "External Affairs Ministry"
    if kind != PERSON and words:
        return f"{kind}:" + " ".join(words)
    return None


_FIRM_SUFFIXES = frozenset(
    "inc corp co cos ltd plc llc lp sa ag nv gmbh spa bv ab as oy kk corporation company brothers bros online".split()
)


_REORDERED_HEADS = frozenset("ministry department office bureau agency".split())
_BRITISH_ENDING = re.compile(r"isation(s?)$")  # "Organisation", as British and Commonwealth wires write it


def _american(word: str) -> str:
    """A word of a name as American spelling has it, so the two spellings of one name are one key: the
    "International Coffee Organisation" is the International Coffee Organization."""
    return _BRITISH_ENDING.sub(r"ization\1", word) if len(word) > 7 else word


def _firm_words(words: tuple[str, ...]) -> tuple[str, ...]:
    """An organisation's words without the legal endings that come and go: "Merrill Lynch and Co Inc" and
    "Merrill Lynch" are one firm, as are "Boeing Co" and "Boeing"."""
    end = len(words)
    while end > 1 and (words[end - 1] in _FIRM_SUFFIXES or words[end - 1] in ("and", "&")):
        end -= 1
    return words[:end]


class _Group:
    __slots__ = ("_kind", "mentions", "words")

    def __init__(self, mention: Mention) -> None:
        self.mentions = [mention]
        self.words = set(_words(mention.text))
        self._kind = ""  # worked out when first asked, again after the mentions change (add, absorb, relabel)

    def add(self, mention: Mention) -> None:
        self.mentions.append(mention)
        self._kind = ""

    def relabel(self, kind: str) -> None:
        for mention in self.mentions:
            mention.kind = kind
        self._kind = ""

    @property
    def kind(self) -> str:
        if not self._kind:
            self._kind = self._vote()
        return self._kind

    def _vote(self) -> str:
        if len(self.mentions) == 1:  # most names are mentioned once: what the rules below come to, directly
            mention = self.mentions[0]
            return _CUE_KINDS.get(mention.cue, mention.kind)
        votes = Counter(m.kind for m in self.mentions if m.cue != "alias")
        if not votes:
            return self.mentions[0].kind
        if any(m.cue == "title" for m in self.mentions):
            return PERSON
        if any(m.cue == "team" for m in self.mentions):
            return ORGANIZATION  # a side in a results table is a team wherever the article names it
        return min(votes, key=lambda k: (-votes[k], _KIND_ORDER[k]))

    @property
    def only_aliases(self) -> bool:
        return all(m.cue == "alias" for m in self.mentions)

    def absorb(self, other: _Group) -> None:
        self.mentions.extend(other.mentions)
        self.words |= other.words
        self._kind = ""


def article_names(body: str) -> list[ArticleName]:
    """The entities named in `body`, most mentioned first."""
    from reader.names.extract import find_mentions

    mentions = find_mentions(body)
    groups: dict[str, _Group] = {}
    for mention in mentions:
        key = " ".join(_words(mention.text))
        if not key:
            continue
        if key in groups:
            groups[key].add(mention)
        else:
            groups[key] = _Group(mention)
    merged = _merge(groups, body, mentions)
    result = []
    lowered: set[str] | None = None  # the words the body writes in lower case, read when first needed
    for group in merged:
        one_word_person = group.kind == PERSON and len(group.words) == 1
        if one_word_person and group.only_aliases and lowered is None:
            lowered = {fold(word) for word in _LOWER_RUN.findall(body)}
        if one_word_person and _owns_as_a_thing(body, group, lowered or set()):
            group.relabel(ORGANIZATION)  # "Nokia warned that its profits would fall"
            for mention in group.mentions:
                mention.cue = "shape"  # a name now, not a word that may be a short form
        elif group.only_aliases:
            continue  # a lone capitalised word that matched no fuller name
        result.append(_entity(group))
    result.sort(key=lambda e: (-e.mentions, e.spans[0][0]))
    return result


def _merge(groups: dict[str, _Group], body: str, mentions: list[Mention]) -> list[_Group]:
    # Same words in another order (family name first) are one person.
    by_words: dict[tuple[str, frozenset[str]], _Group] = {}
    by_place: dict[str, _Group] = {}
    full: list[_Group] = []
    for group in groups.values():
        kind = group.kind
        if kind == PLACE and _surname_not_town(group.mentions[0].text):
            group.relabel(PERSON)  # "the Bush administration": no Būsh (Egypt)
            kind = PERSON
        if kind == PLACE:  # every form of one place is one row: "U.S." and "United States", "Britain" and "UK"
            known = place_name(group.mentions[0].text) or cut_short(group.mentions[0].text)
            if known is not None:
                if known in by_place:
                    by_place[known].absorb(group)
                    continue
                by_place[known] = group
        if len(group.words) >= 2 and kind == PERSON:
            slot = (kind, frozenset(group.words))
            if slot in by_words:
                by_words[slot].absorb(group)
                continue
            by_words[slot] = group
        full.append(group)
    # Acronyms defined in brackets: "Ministry of External Affairs (MEA)".
    for mention in mentions:
        definition = None if mention.kind == PERSON else _DEFINITION.match(body, mention.end, mention.end + 12)
        if definition is None:
            continue
        short = definition.group(1)
        if not _abbreviates(short, mention.text):
            continue  # "Bache Securities (Japan)", "Standard Oil (SRD)": a place or a ticker, not its acronym
        long_group = _find(full, mention)
        short_group = next((g for g in full if g.words == {fold(short)}), None)
        if long_group is not None and short_group is not None and short_group is not long_group:
            long_group.absorb(short_group)
            full.remove(short_group)
    # "S and P" after "Standard and Poor's Corp": initials joined by "and", of exactly one organisation named in full.
    for group in [g for g in full if g.kind == ORGANIZATION and _INITIALS.match(g.mentions[0].text)]:
        letters = "".join(c for c in group.mentions[0].text if c.isupper())
        fits = [g for g in full if g is not group and g.kind == ORGANIZATION and len(g.words) >= 2
                and _abbreviates(letters, g.mentions[0].text)]
        if len(fits) == 1:
            fits[0].absorb(group)
            full.remove(group)
    _merge_short_names(full)
    # "Mr Kennedy" after "Charles Kennedy": a title on the surname makes the full name a person, whatever
    # kind the full name's own context gave it.
    for group in [g for g in full if len(g.words) == 1 and any(m.cue == "title" for m in g.mentions)]:
        word = next(iter(group.words))
        fits = [g for g in full if len(g.words) >= 2 and _words(g.mentions[0].text)[-1:] == (word,)]
        if len(fits) == 1 and fits[0].kind != PERSON and all(m.cue == "shape" for m in fits[0].mentions):
            fits[0].relabel(PERSON)
    # Short forms and handles that fit exactly one fuller name.
    people = [(a, "".join(_ordered(a))) for a in full if len(a.words) >= 2 and a.kind == PERSON]
    for group in [g for g in full if len(g.words) == 1]:
        word = next(iter(group.words))
        fits = [a for a, joined in people if word in _short_forms(a.mentions[0].text) or word == joined]
        if group.kind != PERSON and not group.only_aliases:
            # a surname the tagger alone calls something else ("Singh said") is the person's short form
            surname = [a for a in fits if _ordered(a)[-1:] == (word,)]
            fits = surname if all(m.cue == "shape" for m in group.mentions) else []
        if len(fits) == 1:
            word_text = group.mentions[0].text
            if group.kind != PERSON and not is_country(word_text):
                # the person's surname, which the tagger read as a club or a town ("Bush failed to make it"):
                # so many of them must not outvote the full name; a country stays one ("Japan" of "Indo-Japan")
                group.relabel(PERSON)
            fits[0].absorb(group)
            full.remove(group)
    _merge_misspellings(full, people)
    return full


_COMPASS = frozenset("west east north south".split())


def _country_of(words: list[str]) -> str | None:
    """The country that words before a body name ("Swiss", "West German", "Japan's"), else None."""
    from reader.names.tokens import is_demonym  # the finder's module: kept off the start-up path

    phrase = " ".join(words)
    if phrase.endswith(("'s", "’s")):
        phrase = phrase[:-2]
    place = place_name(phrase)
    if place is not None:
        return place if is_country(place) else None
    last = fold(words[-1])
    if is_demonym(last) and last.removesuffix("ern") not in _COMPASS and all(fold(w) in _COMPASS for w in words[:-1]):
        return " ".join(fold(word) for word in words)
    return None


def _surname_not_town(text: str) -> bool:
    """A common surname that the gazetteer knows only as a town spelt with other letters ("Bush" as Būsh in
    Egypt, "Leon" as León): English news writing it so means the person."""
    known = place_name(text)
    return known is not None and known != text and not known.isascii() and text.isascii() and (
        fold(text) in common_surnames()
    )


def _firm_openings(ranked: list[CollectionName]) -> dict[str, CollectionName]:
    """The first two words or more of each firm's name (one with a legal ending: "Smith Barney, Harris Upham and
    Co Inc", "Drexel Burnham Lambert Inc"), folded: the firm a "person" of that name is, without a title. The
    most widely named firm keeps an opening that several share."""
    openings: dict[str, CollectionName] = {}
    for entity in ranked:
        if entity.kind != ORGANIZATION or not entity.listed:
            continue
        words = _words(entity.name)
        core = _firm_words(words)
        if len(core) == len(words) or len(core) < 2:
            continue  # no legal ending: "Federal Reserve Board" is no firm "Federal Reserve"
        for end in range(2, len(core) + 1):
            if end < len(core) and core[end] in ("and", "&"):
                continue  # "Central Bank" of "Central Bank and Trust Co": cut at its "and", another name
            openings.setdefault(" ".join(core[:end]), entity)
    return openings


def _merge_short_names(full: list[_Group]) -> None:
    """An organisation named with and without its last head word ("Federal Reserve Board", "Federal Reserve")
    is one, as is its clipped first word alone ("the Fed") when it fits exactly one organisation's name."""
    from reader.names.gazetteer import ORGANISATION_WORDS

    organisations = sorted((g for g in full if g.kind == ORGANIZATION), key=lambda g: -len(g.words))
    for longer in organisations:
        words = _ordered(longer)
        if len(words) < 3 or words[-1] not in ORGANISATION_WORDS or longer not in full:
            continue
        shorter = next(
            (g for g in full if g is not longer and g.kind == ORGANIZATION and _ordered(g) == words[:-1]), None
        )
        if shorter is not None:
            longer.absorb(shorter)
            full.remove(shorter)
    for clipped in [g for g in full if g.kind == ORGANIZATION and len(g.words) == 1]:
        word = _ordered(clipped)[0]
        if len(word) < 3 or not clipped.mentions[0].text[1:].islower():
            continue  # "Fed", not "FED" or "EC" (an acronym is merged by its letters)
        fits = [g for g in full if g.kind == ORGANIZATION and len(g.words) >= 2 and _ordered(g)[0] != word
                and _ordered(g)[0].startswith(word)]
        if not fits and len(word) >= 4:
            # "the Community" of the European Community, "Shearson" of Shearson Lehman Brothers Inc: the first
            # or last word of exactly one organisation the article names in full
            fits = [g for g in full if g.kind == ORGANIZATION and len(g.words) >= 2 and _ends_with(_ordered(g), word)]
        if len(fits) == 1:
            fits[0].absorb(clipped)
            full.remove(clipped)


_DOMINANT = 4  # a name shared by several is the one named this many times as widely as any other ("the Fed")


def _far_widest(entities: list[CollectionName]) -> CollectionName | None:
    """The most widely named of `entities` when it is the only one, or named four times as widely as the next."""
    ranked = sorted(entities, key=lambda e: (-len(e.articles), e.id))
    if len(ranked) == 1 or len(ranked[0].articles) >= _DOMINANT * len(ranked[1].articles):
        return ranked[0]
    return None


def _stands_for(short: CollectionName, fuller: list[CollectionName], alone: int) -> CollectionName | None:
    """The organisation a one-word row stands for, among the fuller names that articles gave it: the only one
    ("SEC", "Fed" beside the Federal Reserve alone). Among several, an acronym stands for none ("ADB": the
    Asian and the African Development Banks); a clipped word (one the collection writes in lower case too:
    "FED" in headlines is "Fed") is the name of the one named four times as widely as any other and more
    widely than the word alone (in `alone` articles): the Federal Reserve, not the Federal Reserve Bank of
    New York; "National" alone, a dozen firms, is no National Party of a few articles."""
    if len(fuller) == 1 or len({_without_connectors(entity.name) for entity in fuller}) == 1:
        return max(fuller, key=lambda e: (len(e.articles), -e.id))  # "Organisation of/for Economic Cooperation…"
    word = fold(short.name)
    if not any(alias[1:].islower() and fold(alias) == word for entity in (short, *fuller) for alias in entity.aliases):
        return None
    widest = _far_widest(fuller)
    return widest if widest is not None and len(widest.articles) > alone else None


def _final(into: dict[int, CollectionName], entity: CollectionName) -> CollectionName:
    """Where an entity ends after the merges of `into` (itself when it joins none)."""
    while entity.id in into:
        entity = into[entity.id]
    return entity


_CONNECTORS = frozenset("of for the and".split())


def _without_connectors(name: str) -> tuple[str, ...]:
    return tuple(word for word in _words(name) if word not in _CONNECTORS)


def _spells(short: str, name: str) -> bool:
    """Whether an acronym is the initials of a name's words (legal endings and "of", "and" aside) with one
    letter more, from inside the word whose initial it follows: "VW" of Volkswagen AG, "ICCO" of the
    International Cocoa Organization, where initials alone do not do."""
    words = [word for word in _firm_words(_words(name)) if word not in _CONNECTORS]
    initials = "".join(word[0] for word in words)
    letters = fold(short)
    if len(letters) != len(initials) + 1:
        return False
    return any(
        letters[:k] + letters[k + 1 :] == initials and letters[k] in words[k - 1][1:] for k in range(1, len(letters))
    )


def _ends_with(words: tuple[str, ...], word: str) -> bool:
    """Whether a name of two words or more ends with `word`, or opens with it when it is no head word ("Senate"
    alone is the Senate, not its Banking Committee)."""
    from reader.names.gazetteer import ORGANISATION_WORDS

    return len(words) >= 2 and (words[-1] == word or (words[0] == word and word not in ORGANISATION_WORDS))


def _abbreviates(short: str, name: str) -> bool:
    """Whether `short` is an acronym of `name`: two capitals or more, its letters the initials of the name's
    words in order, the first the first ("MEA", "MoD" for "Ministry of Defence", "OPEC")."""
    if sum(map(str.isupper, short)) < 2:
        return False
    initials = [part[0] for word in _words(name) for part in re.split(r"[-/]", word) if part]
    letters = [c for c in fold(short) if c.isalpha()]
    if not letters or not initials or letters[0] != initials[0]:
        return False
    position = 0
    for letter in letters:
        while position < len(initials) and initials[position] != letter:
            position += 1
        if position == len(initials):
            return False
        position += 1
    return True


_ACRONYM_ROW = re.compile(r"^[A-Z][A-Z&.]{1,5}$")  # "ATT", "VW", "USAIR", "S.A.": no lower case


def _opens(short: str, name: str) -> bool:
    """Whether `short` is `name`'s first word, in any case ("USAir" and "USAIR" of USAir Group Inc, "RJR" of RJR
    Nabisco Inc), not merely its first letters ("AME" is not American Meat Institute)."""
    words = _words(name)
    return len(words) >= 2 and "".join(c for c in fold(short) if c.isalnum()) == words[0]


def _merge_misspellings(full: list[_Group], people: list[tuple[_Group, str]]) -> None:
    """ "Jaishnakar" beside "S Jaishankar": one edit from exactly one person's name, and no name itself."""
    from rapidfuzz.distance import DamerauLevenshtein

    for group in [g for g in full if len(g.words) == 1 and (g.only_aliases or g.kind == PERSON)]:
        if any(m.cue == "title" for m in group.mentions):
            continue  # "President Reagan" beside "Donald Regan": a titled name is a person of its own
        word = next(iter(group.words))
        if len(word) < _MISSPELLING_LENGTH:
            continue  # short words are one edit from too many others to tell
        fits = [
            anchor
            for anchor, _ in people
            if any(
                len(known) >= _MISSPELLING_LENGTH and DamerauLevenshtein.distance(word, known, score_cutoff=1) == 1
                for known in anchor.words
            )
        ]
        if len(fits) == 1:
            fits[0].absorb(group)
            full.remove(group)


def _ordered(group: _Group) -> tuple[str, ...]:
    return _words(group.mentions[0].text)


def _find(groups: list[_Group], mention: Mention) -> _Group | None:
    for group in groups:
        if any(m is mention for m in group.mentions):
            return group
    return None


def _entity(group: _Group) -> ArticleName:
    kind = group.kind
    surfaces = Counter(m.text for m in group.mentions)
    order = {text: index for index, text in reversed(list(enumerate(m.text for m in group.mentions)))}

    def preference(text: str) -> tuple[int, int, int, int]:
        handle = text.startswith("@")
        return (handle, -len(_words(text)), -surfaces[text], order[text])

    name = min(surfaces, key=preference)
    if kind == PLACE:  # the place's own name, from whichever of its forms the gazetteer knows
        forms = sorted(surfaces, key=preference)
        name = next((known for text in forms if (known := place_name(text) or cut_short(text))), name)
    spans = sorted((m.start, m.end) for m in group.mentions)
    evidence = _person_evidence(group, name) if kind == PERSON else TITLED
    return ArticleName(name, kind, sorted(surfaces, key=lambda t: order[t]), spans, evidence)


_POSSESSIVE = re.compile(r"\b(its|his|her)\b|[.!?](?:\s|$)|\n", re.IGNORECASE)
_POSSESSIVE_REACH = 80  # characters after a name within which its sentence's possessive still refers to it


def _owns_as_a_thing(body: str, group: _Group, lowered: set[str]) -> bool:
    """Whether a one-word name nothing marks as a person ("Nokia", "Sony") owns things as a firm does: the next
    possessive of its sentence is "its" ("Sony will sell its new console"), never "his" or "her". `lowered`:
    the words the body writes in lower case (needed for a word the rules alone saw)."""
    if any(m.cue not in ("shape", "alias") for m in group.mentions):
        return False
    word = group.mentions[0].text
    if len(word) < 3 or word.isupper() or not word[:1].isupper():
        return False  # "A", "I", "WASTE MANAGEMENT SAYS…": a letter, or capitals that say nothing
    if group.only_aliases and not all(_opens_sentence(body, m.start) for m in group.mentions):
        return False  # a word the rules alone saw ("Demands", "Inc") is trusted only as a sentence's subject
    if group.only_aliases and (fold(word) in lowered or _common_word(word)):
        return False  # "Company began…" where the text writes "company"; "Because of its…"
    its = False
    for mention in group.mentions:
        found = _POSSESSIVE.search(body, mention.end, mention.end + _POSSESSIVE_REACH)
        if found is None or found.group(1) is None:
            continue  # the sentence ends first, or no possessive is near
        if found.group(1).lower() != "its":
            return False
        its = True
    return its


def _opens_sentence(body: str, start: int) -> bool:
    """Whether the word at `start` opens a sentence or a paragraph (after quotation marks): not merely a
    line of hard-wrapped prose, nor the word after an abbreviation ("U.S. Demands")."""
    before = body[max(0, start - 200) : start].rstrip(" \t\"“‘'")
    if not before.strip() or _PARAGRAPH_END.search(before):
        return True
    words = before.split()
    last = words[-1] if words else ""
    return last.endswith((".", "!", "?", ":")) and not _ABBREVIATION.fullmatch(last)


_PARAGRAPH_END = re.compile(r"\n[ \t]*\n[ \t]*$")
_ABBREVIATION = re.compile(r"(?:[A-Za-z]\.){2,}|[A-Z][a-z]{0,3}\.")  # "U.S.", "Mr.", "Inc.", "Jan."


def _common_word(word: str) -> bool:
    """A function word, a figure's word or an organisation's head word ("Because", "One", "Company", "Inc")."""
    from reader.names.tokens import FUNCTION_WORDS

    folded = fold(word)
    return folded in FUNCTION_WORDS or folded in ORGANISATION_WORDS or folded in _OPENERS


# Words that open sentences and name nothing, beyond the function words: figures, conjunctions.
_OPENERS = frozenset(
    "one two three four five six seven eight nine ten hundred thousand million billion because unless".split()
)


_LOWER_RUN = re.compile(r"(?<![\w’'-])[a-z][a-z’'-]*")


def _person_evidence(group: _Group, name: str) -> int:
    """How sure the article makes it that this is a person (TITLED, LIKELY or SHAPE_ONLY)."""
    from reader.names.gazetteer import given_names

    if any(m.cue in ("title", "handle") for m in group.mentions):
        return TITLED
    words = _words(name)
    if len(words) >= 2 and (words[0] in given_names() or any(len(w) == 1 for w in words[:-1])):
        return LIKELY  # "Paul Volcker", "L. William Seidman"
    if len(words) >= 2 and any(_words(m.text) == (words[-1],) for m in group.mentions):
        return LIKELY  # named in full, then by surname alone: "Nakasone said"
    return SHAPE_ONLY


_LOWER_WORD = re.compile(r"(?<![\w’'-])[a-z]{4,}(?![\w’'-])")
# A word inside a line of prose: after a lower-case word or a comma, where capitals mean a name.
_PROSE_WORD = re.compile(r"(?<=[a-z,;:)] )[A-Za-z]+(?![\w-])")
# An acronym defined in brackets after the name of an agreement or a measure: "Offered Rate (LIBOR)".
_THING_DEFINED = re.compile(r"\b([A-Za-z]+)\s*\(([A-Z]{2,8})\)")
_SHOUTED_LINE = re.compile(r"^[^a-z\n]*[A-Z]{2}[^a-z\n]*$", re.MULTILINE)  # a line in capitals
_SHOUTED_WORD = re.compile(r"[A-Z][A-Z’'-]+")


def _shouted_surnames(
    body: str, surnames: dict[str, CollectionName]
) -> list[tuple[CollectionName, list[tuple[int, int]], str]]:
    """Known surnames in a text's lines of capitals: (entity, spans, as written), in order of first mention."""
    found: dict[int, tuple[CollectionName, list[tuple[int, int]], str]] = {}
    for line in _SHOUTED_LINE.finditer(body):
        for word in _SHOUTED_WORD.finditer(line.group()):
            text = re.sub(r"[’']S$", "", word.group())
            entity = surnames.get(fold(text))
            if entity is not None:
                start = line.start() + word.start()
                found.setdefault(entity.id, (entity, [], text))[1].append((start, start + len(text)))
    return list(found.values())


def _display_name(forms: dict[str, int], kind: str) -> str:
    """The fullest of an entity's common names: among those at least a fifth as common as the most common
    (or used twice), the one of most words ("European Community" over "EC"; not "Enough European Community",
    written once at a sentence's start)."""
    from reader.names.gazetteer import place_name

    if kind == PLACE:
        known = [form for form in forms if place_name(form) == form]
        if known:
            return max(known, key=lambda form: (forms[form], form))
    most = max(forms.values())
    common = [form for form, count in forms.items() if count >= max(2, most / 5)] or list(forms)
    return max(common, key=lambda form: (len(_words(form)), forms[form], form))


@dataclass(frozen=True, slots=True)
class SavedNames:
    """A NameIndex as kept in the analysis index: entities as (name, kind, aliases, article ids); the
    articles in the order they were added, how many entities each names, and all their entity ids in a
    row (in each article's order of names). Flat lists of plain values read back quickly."""

    entities: list[tuple[str, str, list[str], list[str], bool]]  # name, kind, aliases, articles, listed
    articles: list[str]
    counts: list[int]
    ids: list[int]
    ranked: list[int]  # entity ids, the most widely mentioned first


SUMMARY_SIZE = 500  # names of each kind the first screen lists while the rest are read back


@dataclass(frozen=True, slots=True)
class NamesSummary:
    """The head of a NameIndex, small enough to read back before the first screen: each kind's most
    mentioned entities as (entity id, name, article count), and how many entities of each kind there are."""

    top: dict[str, list[tuple[int, str, int]]]
    totals: dict[str, int]


@dataclass(slots=True, eq=False)
class CollectionName:
    """One entity across the whole collection: the articles it appears in, under every alias."""

    id: int
    name: str
    kind: str
    aliases: set[str] | list[str] = field(default_factory=set)  # a list when read back, until names are added
    articles: list[str] = field(default_factory=list)
    evidence: int = TITLED  # for a person, the surest any article is (see ArticleName.evidence)
    signed: int = 0  # for a person, how many of its articles give a sign of one (evidence above SHAPE_ONLY)
    listed: bool = True  # False: merged into another entity, or a "person" nothing says is one
    # While the collection is built, how many articles call it each way, once it is called two ways
    # (most entities never are): the display name is chosen from them (`NameIndex.consolidate`).
    forms: dict[str, int] | None = None

    def __hash__(self) -> int:
        return self.id


class NameIndex:
    """Entities across the collection, merged by shared keys, with the articles that mention each."""

    def __init__(self) -> None:
        self.entities: list[CollectionName] = []
        self._by_key: dict[str, int] = {}
        self._by_article: dict[str, str] = {}  # each article's names, encoded (`encode_names`)
        self._singles: dict[tuple[str, str], set[int]] = {}
        self._ids_of: dict[str, list[int]] = {}  # each article's entity ids, in the order articles came
        self._ranked: list[CollectionName] | None = None
        self._ranked_by_kind: dict[str, list[CollectionName]] | None = None
        self._consolidated = False  # every article of the collection in, and its entities settled
        # Restored: each article's entity ids as slices of one list, and its names (as the index keeps
        # them) fetched and decoded when the article is first asked for, or all at once with `load`.
        self._restored: SavedNames | None = None
        self._position: dict[str, int] = {}
        self._starts: list[int] = []
        self._encoded: dict[str, str] = {}
        self._fetch: Callable[[str], str | None] | None = None
        self._decode: Callable[[str], list[ArticleName]] | None = None

    def saved(self) -> SavedNames:
        """The merged entities and which of them each article names, in the order articles were added."""
        articles = self.article_ids()
        ids_of = [self.entity_ids(article_id) for article_id in articles]
        return SavedNames(
            [(e.name, e.kind, sorted(e.aliases), e.articles, e.listed) for e in self.entities],
            articles,
            [len(ids) for ids in ids_of],
            [i for ids in ids_of for i in ids],
            [e.id for e in self.ranked()],
        )

    @classmethod
    def restored(
        cls,
        saved: SavedNames,
        fetch: Callable[[str], str | None],
        decode: Callable[[str], list[ArticleName]],
    ) -> NameIndex | None:
        """The index `saved` describes. An article's names are fetched (encoded, as the analysis index
        keeps them) and decoded only when it is asked for. None when `saved` does not hold together."""
        index = cls()
        index.entities = [
            CollectionName(n, name, kind, aliases, articles, listed=listed)
            for n, (name, kind, aliases, articles, listed) in enumerate(saved.entities)
        ]
        # Whole-collection checks at C speed: one count per article, one id per count, every id an entity.
        if len(saved.counts) != len(saved.articles) or sum(saved.counts) != len(saved.ids):
            return None
        if not all(0 <= i < len(index.entities) for i in (min(saved.ids, default=0), max(saved.ids, default=0))):
            return None
        index._restored = saved
        index._consolidated = True
        index._position = dict(zip(saved.articles, range(len(saved.articles)), strict=True))
        index._starts = list(accumulate(saved.counts, initial=0))
        index._fetch, index._decode = fetch, decode
        if sorted(saved.ranked) != list(range(len(index.entities))):
            return None
        index._ranked = [index.entities[i] for i in saved.ranked]
        index.ranked_by_kind()  # here, off the UI thread, rather than when the sidebar first asks
        return index

    @property
    def fetching(self) -> bool:
        """Read back, and each article's names are still fetched one at a time (see `load`)."""
        return self._restored is not None and not self._encoded

    def load(self, encoded: dict[str, str]) -> None:
        """Every restored article's names at once (encoded, by article id), so that going through all of
        them does not fetch them one by one."""
        self._encoded = encoded

    def add(self, article_id: str, names: list[ArticleName], encoded: str | None = None) -> None:
        """Merge an article's names into the collection's; `encoded`: `encode_names(names)`, if made already."""
        self._ranked = self._ranked_by_kind = None
        if self._restored is not None and not self._by_key:
            self._restore_keys()
        entries = []
        for name in names:
            index = self._resolve(name)
            entity = self.entities[index]
            assert isinstance(entity.aliases, set)  # made a set again when read-back names were keyed
            entity.aliases.update(name.aliases)
            if not entity.articles or entity.articles[-1] != article_id:
                entity.articles.append(article_id)
            if self._consolidated:  # added after the collection was settled: the fuller name
                if len(_words(name.name)) > len(_words(entity.name)):
                    entity.name = name.name
            elif entity.forms is not None or name.name != entity.name:
                if entity.forms is None:
                    entity.forms = {entity.name: len(entity.articles) - 1}
                entity.forms[name.name] = entity.forms.get(name.name, 0) + 1
            entity.evidence = max(entity.evidence, name.evidence)
            entity.signed += name.evidence > SHAPE_ONLY
            entries.append(index)
        self._by_article[article_id] = encoded if encoded is not None else encode_names(names)
        self._ids_of[article_id] = entries

    def _resolve(self, name: ArticleName) -> int:
        # Sorted, so the same merges come on every run whatever the hash seed; a full name before an
        # acronym, which may stand for several ("ADB": the Asian and the African Development Banks).
        keys = _finding_keys(name, sorted(name.keys, key=lambda key: (" " not in key, key)))
        index = next((self._by_key[key] for key in keys if key in self._by_key), None)
        if index is None:
            index = self._single_word_match(name)
        if index is None:
            index = len(self.entities)
            self.entities.append(CollectionName(index, name.name, name.kind, evidence=name.evidence))
        self._remember(index, name.kind, name.aliases, keys)
        return index

    def _remember(self, index: int, kind: str, aliases: Iterable[str], keys: Iterable[str]) -> None:
        """Entity `index` is found again under these keys (where no entity is yet) and, for a person, under
        each word of its aliases alone."""
        for key in keys:
            self._by_key.setdefault(key, index)
        if kind == PERSON:
            for word in {w for alias in aliases for w in _short_forms(alias)}:
                self._singles.setdefault((kind, word), set()).add(index)

    def _single_word_match(self, name: ArticleName) -> int | None:
        """"Modi" alone in an article is the collection's one Modi, if there is exactly one."""
        words = {w for alias in name.aliases for w in _words(alias)}
        if name.kind != PERSON or len(words) != 1:
            return None
        candidates = self._singles.get((name.kind, next(iter(words))), set())
        return min(candidates) if len(candidates) == 1 else None

    def knows(self, article_id: str) -> bool:
        """The article's names are here (found, or read back)."""
        return article_id in self._ids_of or article_id in self._position

    def article_ids(self) -> list[str]:
        """Every article indexed, in the order they were added."""
        restored = self._restored.articles if self._restored is not None else []
        return restored + list(self._ids_of)

    def entity_ids(self, article_id: str) -> list[int]:
        """The ids of the entities an article names, in its order of names (an id may come twice)."""
        position = self._position.get(article_id)
        if position is None or self._restored is None:
            return self._ids_of.get(article_id, [])
        return self._restored.ids[self._starts[position] : self._starts[position + 1]]

    def _restore_keys(self) -> None:
        """Keys of restored entities, so names added later merge with them (first entity wins a key)."""
        for entity in self.entities:
            entity.aliases = set(entity.aliases)
            if entity.listed or entity.articles:  # not one merged into another: its keys lead there
                self._remember(entity.id, entity.kind, entity.aliases, sorted(_keys(entity.kind, entity.aliases)))

    def names_in(self, article_id: str) -> list[tuple[CollectionName, ArticleName]]:
        """The entities of one article, as (collection entity, how it appears in the article)."""
        encoded = self._by_article.get(article_id)
        found: Iterable[tuple[CollectionName, ArticleName]]
        if encoded is not None:
            found = zip((self.entities[i] for i in self._ids_of[article_id]), decode_names(encoded), strict=True)
        else:
            found = ((self.entities[i], n) for i, n in self._decoded(article_id))
        return [(entity, name) for entity, name in found if entity.listed]

    def consolidate(self) -> None:
        """Settle each entity across the whole collection, once every article is in: one real entity, one row.

        - the same organisation under two rows (found under different keys before an article linked them)
          becomes one, as does a "person" that is an organisation's name ("Merrill Lynch", seen elsewhere as
          "Merrill Lynch and Co") unless a title says it is a person;
        - a "person" whose name is a known place is that place;
        - a "person" no article gives any sign of being one (no title, given name, initial or surname used
          alone: "Class B", "Goldman Sachs") is not listed.
        Merged entities keep their ids (each article's names still line up with them) but are not listed.
        """
        from reader.names.gazetteer import place_name

        self._ranked = self._ranked_by_kind = None
        self._consolidated = True
        for entity in self.entities:
            if entity.forms is not None:
                entity.name = _display_name(entity.forms, entity.kind)
                entity.forms = None
        # Each key of an organisation's or a place's names (of two words or more: an acronym may stand for
        # several) leads to the most widely named entity that has it.
        ranked = sorted(self.entities, key=lambda e: (-len(e.articles), e.id))
        rank = {entity.id: n for n, entity in enumerate(ranked)}
        by_key: dict[str, CollectionName] = {}
        spelt_out: dict[str, set[int]] = {}  # an acronym's key -> the entities with a longer name that it stands for
        for entity in ranked:
            if entity.kind != PERSON and entity.listed:
                for key in self._merging_keys(entity):
                    by_key.setdefault(key, entity)
                own = _key(entity.kind, entity.name)
                # The row this one will join when another widely named has its name (the "Organisation"
                # spelling joins the "Organization" one), so its acronym does not seem to stand for two.
                spelling = by_key.get(own, entity) if own else entity
                for key in _keys(entity.kind, entity.aliases):
                    if " " not in key and key != own:
                        spelt_out.setdefault(key, set()).add(spelling.id)
        alone: Counter[str] = Counter()  # a word -> the articles of the rows of any kind named by it alone
        for entity in ranked:
            words = _words(entity.name)
            if entity.listed and len(words) == 1:
                alone[words[0]] += len(entity.articles)
        into: dict[int, CollectionName] = {}
        surnames = self._titled_surnames()
        firms = _firm_openings(ranked)
        for entity in self.entities:
            if not entity.listed:
                continue
            person = surnames.get(entity.name) if entity.kind != PERSON else None
            if person is not None and len(person.articles) >= len(entity.articles) and place_name(entity.name) is None:
                into[entity.id] = person  # "Sumita says…" read as a firm in a headline: the Governor
                continue
            if entity.kind == PERSON:
                if " " not in entity.name and 2 * entity.signed < len(entity.articles):
                    # One word that most of its articles never title nor give in full ("Harris said it
                    # sold…", "Dart's offer"): in news a person is introduced by name, a company by its
                    # name alone; one "Mr Harris" does not make the rest a person.
                    entity.evidence = SHAPE_ONLY
                candidates = []
                if entity.evidence < TITLED:
                    place = place_name(entity.name)
                    candidates = [key for key in (_key(ORGANIZATION, entity.name), place and _key(PLACE, place)) if key]
                target = next((by_key[key] for key in candidates if key in by_key), None)
                if target is not None and _MINORITY * len(target.articles) < len(entity.articles):
                    # a person most articles name as one ("Wladimir Klitschko"), read as a club or a town in a
                    # few: the kinds' vote below settles it, not the few; one word nothing says is a person
                    # ("Bush" alone, "the Bush administration") is not listed, rather than made a firm
                    target = None
                if target is None and entity.evidence < TITLED:  # "Smith Barney" (Smith Barney, Harris Upham and Co)
                    target = firms.get(" ".join(_words(entity.name)))
                if target is None and entity.evidence == SHAPE_ONLY:
                    entity.listed = False
                    continue
                if target is not None:
                    into[entity.id] = target
                continue
            firm = firms.get(" ".join(_words(entity.name))) if entity.kind == ORGANIZATION else None
            if firm is not None and firm is not entity:  # "Drexel Burnham", as a "person" of that name is
                into[entity.id] = firm
                continue
            found = [by_key[key] for key in self._merging_keys(entity) if key in by_key]
            own = _key(entity.kind, entity.name)
            if own is not None and " " not in own and own in spelt_out:
                fuller = [self.entities[i] for i in spelt_out[own]]
                stands_for = _stands_for(entity, fuller, alone[own.partition(":")[2]])
                if stands_for is not None:
                    found.append(stands_for)  # "SEC" alone: the one it stands for
            for other in found:  # the less widely named of two joins the other (so no merge goes round in a ring)
                if other is entity:
                    continue
                low, high = (entity, other) if rank[other.id] < rank[entity.id] else (other, entity)
                current = into.get(low.id)
                if current is None or rank[high.id] < rank[current.id]:
                    into[low.id] = high
        # One name under two kinds ("GATT" a place in a few articles, an organisation in most): the kind most
        # of its articles give it, unless the other is common too (Liverpool the club and the city: two rows).
        size = {entity.id: len(entity.articles) for entity in self.entities}
        for joining, target in into.items():  # counting the articles of the rows about to join it ("Quad", a "person")
            size[target.id] += size[joining]
        # an acronym about to join the name it stands for still names it: "OECD" joining the Organisation for
        # Economic Cooperation and Development calls the "place" of that name there
        final = {entity.id: _final(into, entity) for entity in ranked}
        by_name: dict[str, list[CollectionName]] = {}
        for entity in sorted(ranked, key=lambda e: -size[final[e.id].id]):
            target = final[entity.id]
            if entity.listed and (target is entity or _abbreviates(entity.name, target.name)):
                same = by_name.setdefault(" ".join(_words(entity.name)), [])
                if target not in same:
                    same.append(target)
        for same in by_name.values():
            top = same[0]
            for other in same[1:]:
                titled = other.kind == PERSON and other.evidence == TITLED
                if other.kind != top.kind and not titled and size[other.id] * _MINORITY <= size[top.id]:
                    into[other.id] = top
        self._join(into)
        self._join(self._shortened_rows())

    def unlist_every_countrys_bodies(self) -> int:
        """Unlist organisation rows named for a body every country has ("Finance Ministry", "Central Bank"):
        the collection also names it after two countries or more, as rows of their own ("Swiss Finance
        Ministry", "West German Finance Ministry"), so the row of the body alone pools every country's and
        names none. Returns how many were unlisted. Call after `unlist_words` (whose plurals, "Treasuries",
        are told by the body they are named after)."""
        countries: dict[tuple[str, ...], set[str]] = {}
        for entity in self.entities:
            if entity.listed and entity.kind == ORGANIZATION:
                words = entity.name.split()
                for cut in range(1, len(words)):
                    country = _country_of(words[:cut])
                    if country is not None:
                        countries.setdefault(_words(" ".join(words[cut:])), set()).add(country)
        unlisted = 0
        for entity in self.entities:
            if entity.listed and entity.kind == ORGANIZATION and len(countries.get(_words(entity.name), ())) >= 2:
                entity.listed = False
                unlisted += 1
        if unlisted:
            self._ranked = self._ranked_by_kind = None
        return unlisted

    def _join(self, into: dict[int, CollectionName]) -> None:
        """Each entity of `into` joins its target (the more widely named): its aliases and articles go there, and
        every article and key that named it names the target."""
        for old in list(into):  # a chain of merges ends at the most widely named (ranks only go down)
            into[old] = _final(into, into[old])
        if not into:
            return
        order = {article_id: n for n, article_id in enumerate(self.article_ids())}
        for old, target in into.items():
            entity = self.entities[old]
            assert isinstance(target.aliases, set) and isinstance(entity.aliases, set)
            target.aliases |= entity.aliases
            target.articles = sorted(set(target.articles) | set(entity.articles), key=order.__getitem__)
            entity.listed, entity.articles = False, []
        for article_id, ids in self._ids_of.items():
            if any(i in into for i in ids):
                self._ids_of[article_id] = [into[i].id if i in into else i for i in ids]
        for key, index in self._by_key.items():
            if index in into:
                self._by_key[key] = into[index].id

    def _shortened_rows(self) -> dict[int, CollectionName]:
        """A one-word organisation row whose articles mostly name in full one organisation it shortens is that
        organisation, though no article defines it in brackets: an acronym by its initials ("ATT", "BP": American
        Telephone and Telegraph Co, British Petroleum Co Plc; the less widely named of the two joins the other) or
        by letters of its words ("VW": Volkswagen AG), or the name's first word alone ("USAir", "USAIR": USAir
        Group Inc; it joins the name). The most common such organisation beside it wins; a row named beside
        nothing it shortens ("FED" in day-book lines, "LME") stays as it is."""
        into: dict[int, CollectionName] = {}
        for short in self.entities:
            if not (short.listed and short.kind == ORGANIZATION and " " not in short.name):
                continue
            acronym = bool(_ACRONYM_ROW.match(short.name))
            beside: Counter[int] = Counter()
            for article_id in short.articles:
                beside.update(set(self.entity_ids(article_id)))
            for other_id, shared in beside.most_common():
                if shared < 2 or 2 * shared < len(short.articles):
                    break
                full = self.entities[other_id]
                if full.kind != ORGANIZATION or not full.listed or " " not in full.name:
                    continue
                if acronym and (_abbreviates(short.name, full.name) or _spells(short.name, full.name)):
                    # the wider named of the two is the row
                    low, high = sorted((short, full), key=lambda e: (len(e.articles), -e.id))
                    into[low.id] = high
                    break
                if _opens(short.name, full.name) and len(short.articles) <= len(full.articles):
                    into[short.id] = full  # its first word alone joins the name, never the name it
                    break
        return into

    def _titled_surnames(self) -> dict[str, CollectionName]:
        """Surname (as written, capitalised) → the one person a title names by it, or one named four times as
        widely as any other titled person of that surname."""
        holders: dict[str, list[CollectionName]] = {}
        for entity in self.entities:
            if entity.kind == PERSON and entity.listed and entity.evidence == TITLED:
                words = entity.name.split()
                if len(words) >= 2 and len(words[-1]) >= 4 and words[-1][:1].isupper() and not words[-1].isupper():
                    holders.setdefault(words[-1], []).append(entity)
        surnames = {}
        for surname, found in holders.items():
            if (widest := _far_widest(found)) is not None:
                surnames[surname] = widest
        return surnames

    def _decoded(self, article_id: str) -> list[tuple[int, ArticleName]]:
        if article_id not in self._position or self._decode is None or self._fetch is None:
            return []
        text = self._encoded.get(article_id) or self._fetch(article_id)
        if text is None:
            return []
        ids = self.entity_ids(article_id)
        names = self._decode(text)
        # Not kept: decoding one article is quick, and keeping them all would hold every name in memory.
        return list(zip(ids, names, strict=True)) if len(names) == len(ids) else []

    def summary(self, size: int = SUMMARY_SIZE) -> NamesSummary:
        """The first `size` entities of each kind in `ranked_by_kind` order, and each kind's total."""
        by_kind = self.ranked_by_kind()
        return NamesSummary(
            {kind: [(e.id, e.name, len(e.articles)) for e in entities[:size]] for kind, entities in by_kind.items()},
            {kind: len(entities) for kind, entities in by_kind.items()},
        )

    def unlist_words(self, bodies: Iterable[tuple[str, str]]) -> int:
        """Unlist one-word rows that are words, not names: "NOTE - Net is after tax", "M3 UP 3.0 BILLION",
        "its Class B shares". Their capitals come from where they stand (a line's start, a table, a headline),
        and the collection's prose shows it: inside a line of prose it writes the word in lower case (at
        least three times), and more often than it writes the name there ("class" 217 times, "Class" 120);
        for a name in capitals ("UP"), as often as that, while it writes the capitals inside prose in fewer
        than half as many places as the row has articles ("the WHO said" stays). Known places and titled
        people keep their rows ("Reading", "Mr Young"). The plural of a far more widely named organisation's name,
        when prose writes it in lower case too, is a thing named after it ("Treasuries", the Treasury's bonds;
        "the Mets" stay). An acronym in capitals that an article defines as an
        agreement's or a measure's ("London Interbank Offered Rate (LIBOR)") is no body either, wherever it
        stands. `bodies`: (article id, body). Returns how many rows were unlisted. Call after `consolidate`."""
        candidates: dict[str, list[CollectionName]] = {}
        for entity in self.entities:
            if not entity.listed or " " in entity.name or len(entity.name) < 2:
                continue
            if place_name(entity.name) is not None or (entity.kind == PERSON and entity.evidence == TITLED):
                continue
            candidates.setdefault(fold(entity.name), []).append(entity)
        if not candidates:
            return 0
        written: Counter[str] = Counter()
        things: set[str] = set()  # acronyms an article defines as an agreement's or a measure's
        for _, body in bodies:
            written.update(word for word in _PROSE_WORD.findall(body) if word.lower() in candidates)
            if "(" in body:
                things.update(
                    fold(acronym)
                    for head, acronym in _THING_DEFINED.findall(body)
                    if fold(acronym) in candidates and fold(head) in THING_WORDS
                )
        unlisted = 0
        for word in things:
            for entity in candidates.pop(word):
                if entity.kind == ORGANIZATION and entity.name.isupper():
                    entity.listed = False
                    unlisted += 1
        for word, found in candidates.items():
            lower = written[word]
            if lower < _WORD_USES:
                continue
            for entity in found:
                as_name = written[entity.name]
                shouted = entity.name.isupper()
                if lower > as_name and (not shouted or 2 * as_name < len(entity.articles)):
                    entity.listed = False
                    unlisted += 1
        organisations = {
            w: max(len(e.articles) for e in found if e.listed and e.kind == ORGANIZATION)
            for w, found in candidates.items()
            if any(e.listed and e.kind == ORGANIZATION for e in found)
        }
        for word, found in candidates.items():  # "Treasuries" beside the Treasury: the bonds named after it
            singular = word[:-3] + "y" if word.endswith("ies") else word[:-1] if word.endswith("s") else ""
            if not singular or not written[word]:
                continue  # a plural prose never writes in lower case is a name ("the Mets" beside "the Met")
            for entity in found:  # never an acronym in capitals: "IRIS" and "BAS" are no plurals
                if entity.listed and entity.kind == ORGANIZATION and not entity.name.isupper() and (
                    organisations.get(singular, 0) >= _DOMINANT * len(entity.articles)
                ):
                    entity.listed = False
                    unlisted += 1
        if unlisted:
            self._ranked = self._ranked_by_kind = None
        return unlisted

    def attach_shouted(self, bodies: Iterable[tuple[str, str]]) -> dict[str, str]:
        """People named in capitals ("VOLCKER SAYS RATES WILL FALL"), where no name can be told from the
        words around it, found by the surname of one person a title names in the collection (or of one named
        four times as widely as any other of that surname), when the collection never writes that surname in
        lower case ("PRICE", "WILL" and "SAID" are words). `bodies`: (article id, body), read twice. Returns
        the articles whose names grew, with their names encoded. Call after `consolidate`."""
        from reader.names.gazetteer import place_name

        bodies = list(bodies)
        holders: dict[str, list[CollectionName]] = {}
        for entity in self.entities:
            if entity.kind == PERSON and entity.listed and entity.evidence == TITLED:
                words = _words(entity.name)
                if len(words) >= 2 and len(words[-1]) >= 4 and place_name(words[-1]) is None:
                    holders.setdefault(words[-1], []).append(entity)
        lower: Counter[str] = Counter()  # a surname the collection writes in lower case is a word too
        for _, body in bodies:  # (once is a slip or a rare sense: "a baker" beside James Baker)
            lower.update(word for word in _LOWER_WORD.findall(body) if word in holders)
        for word, count in lower.items():
            if count >= _WORD_USES:
                del holders[word]
        surnames: dict[str, CollectionName] = {}
        for surname, found in holders.items():
            if (widest := _far_widest(found)) is not None:
                surnames[surname] = widest
        changed: dict[str, str] = {}
        if not surnames:
            return changed
        order: dict[str, int] | None = None
        for article_id, body in bodies:
            hits = _shouted_surnames(body, surnames) if article_id in self._by_article else []
            if not hits:
                continue
            ids = self._ids_of[article_id]
            names = decode_names(self._by_article[article_id])
            for entity, spans, surface in hits:
                if entity.id in ids:
                    continue
                if order is None:
                    order = {a: n for n, a in enumerate(self.article_ids())}
                names.append(ArticleName(entity.name, PERSON, [surface], spans, LIKELY))
                ids.append(entity.id)
                bisect.insort(entity.articles, article_id, key=order.__getitem__)
            changed[article_id] = self._by_article[article_id] = encode_names(names)
        if changed:
            self._ranked = self._ranked_by_kind = None
        return changed

    @staticmethod
    def _merging_keys(entity: CollectionName) -> list[str]:
        """The keys under which another row is the same entity: its name's, and its aliases' of two words or more."""
        own = _key(entity.kind, entity.name)
        found = sorted(key for key in _keys(entity.kind, entity.aliases) if " " in key)
        # "Organisation of Economic Cooperation and Development" is the one "for" it
        plain = f"{entity.kind}:" + " ".join(_without_connectors(entity.name)) if entity.kind != PERSON else ""
        return ([own] if own else []) + found + ([plain] if plain.count(" ") >= 2 and plain != own else [])

    def ranked_by_kind(self) -> dict[str, list[CollectionName]]:
        """`ranked`, split by kind (kept until a name is added)."""
        by_kind = self._ranked_by_kind
        if by_kind is None:
            by_kind = {kind: [] for kind in KINDS}
            for entity in self.ranked():
                if entity.listed:
                    by_kind.setdefault(entity.kind, []).append(entity)
            self._ranked_by_kind = by_kind
        return by_kind

    def ranked(self) -> list[CollectionName]:
        """Every entity once, the most widely mentioned first (kept until a name is added)."""
        ranked = self._ranked
        if ranked is None:
            ranked = self._ranked = sorted(self.entities, key=lambda e: (-len(e.articles), e.name.casefold()))
        return ranked

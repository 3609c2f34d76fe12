"""Finding mentions of people, places and organisations in an article's text.

The trained tagger (`tagger.py`) reads the tokens (`tokens.py`) and proposes names; the rules here stand
where they have a cue the tagger cannot learn (a title before a name, an organisation's head word or
legal ending, a side in a results table, a handle), fill in places, acronyms and short forms where it
reads nothing, and veto what is no name (events, credits, codes, a generic word alone).
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from itertools import accumulate

from reader.names.gazetteer import (
    AGREEMENT_WORDS,
    BARE_TITLES,
    COMMON_ACRONYMS,
    EVENT_WORDS,
    FIRM_ENDINGS,
    MEASURE_WORDS,
    NEWS_AGENCIES,
    ORGANISATION_WORDS,
    PERSON_TITLES,
    PLACE_OPENERS,
    PLACE_WORDS,
    STATES_AFTER_A_TOWN,
    THING_WORDS,
    TIME_ZONES,
    TITLE_WORDS,
    countries,
    cut_short,
    fold,
    given_names,
    is_country,
    lower_words,
    place_name,
)
from reader.names.kinds import ORGANIZATION, PERSON, PLACE
from reader.names.tokens import (
    ACRONYM,
    AFFILIATION,
    CODE_WITH_DIGITS,
    CONNECTORS,
    FUNCTION_WORDS,
    PARTY_STATE,
    TRAILING,
    VERB_ENDINGS,
    WEEKDAYS,
    Token,
    capitalised,
    is_demonym,
    tokenize,
)


@dataclass(slots=True)
class Mention:
    """One mention of a name: offsets into the body, the surface text, its kind and why."""

    start: int
    end: int
    text: str
    kind: str
    cue: str  # "title", "organisation", "team", "place", "acronym", "handle", "shape" or "alias"


_KINDS = {"PER": PERSON, "LOC": PLACE, "ORG": ORGANIZATION}  # MISC is learned so that it is not shown


_STRONG_CUES = frozenset("title organisation team handle".split())  # rules that know what a name is
# Head words that name no organisation alone: "the Bank", "the Commission" are short forms of a fuller name.
_BARE_HEADS = frozenset(
    "bank commission association committee council ministry department agency company group union board court "
    "fund government party exchange office bureau authority institute university federation league club "
    "corporation".split()
)
_PLACE_BEFORE = frozenset("in near outside across around".split())  # words before a place, not a side
_FILLING_CUES = frozenset("place acronym alias".split())  # rules heard where the tagger finds nothing


def find_mentions(text: str) -> list[Mention]:
    """Every name mention in `text`, in order, each with a kind.

    Two readers: the trained tagger (reader/names/tagger.py), which reads every word in its context, and
    the rules below, which know what the tagger cannot learn from newswire of 1996: a title before a name,
    an organisation's head word, a firm's legal ending, a place in the gazetteer, a side in a results table,
    a handle. Where a rule has such a cue its mention stands; everywhere else the tagger's names do ("Nokia
    said", "Labour"), and the rules' guesses from a name's shape alone ("Taking", "Expected Agenda") are dropped.
    """
    text = sentence_cased(text)
    tokens = tokenize(text)
    words = [t for t in tokens if t.text != "\n"]
    lowered = lowered_words(words)
    ruled = rule_mentions(text, tokens, lowered)
    found, vetoed = _tagged_mentions(text, words, lowered)
    found = _whole_places(ruled, _possessive_pairs(text, found))
    mentions = _cued_mentions(text, ruled, words, lowered)
    taken = [(m.start, m.end) for m in mentions]
    overlaps = _overlap_test(taken)
    for model in found:  # the tagger's names, where no rule with a cue stands
        if model.kind and not overlaps(model):
            mentions.append(model)
    shown = _overlap_test([*taken, *((m.start, m.end) for m in mentions[len(taken) :]), *vetoed])
    for guess in ruled:  # where no name is shown (the tagger read nothing, or MISC: "India-Japan talks"), the
        # rules' places and acronyms ("OPEC said"), and lone words that may be a fuller name's short form
        # ("Singh met officials")
        if guess.cue in _FILLING_CUES and not shown(guess):
            mentions.append(guess)
    mentions.sort(key=lambda m: m.start)
    mentions = _without_things(words, _without_own_wire(words, _named_across_on(text, words, mentions)))
    things = {m.text for m in ruled if m.cue == "acronym" and _defines_a_thing(text, m, found)}
    if things:  # "the Acquisition and Cross-Servicing Agreement (ACSA)": the agreement's acronym, wherever used
        mentions = [m for m in mentions if m.text not in things]
    return _shared_heads(text, _without_several_bodies(words, _towns_and_states(text, words, mentions)))


def _towns_and_states(text: str, words: list[Token], mentions: list[Mention]) -> list[Mention]:
    """ "Lake Charles, La.", "NORTHBROOK, Ill., March 2": a town, a comma and its state as the wires abbreviate
    it. The state is a place under its own name (Louisiana, not "La"), and so is the town, which the tagger
    may read as a person ("Lake Charles")."""
    at = {m.start: n for n, m in enumerate(mentions)}
    ending = {m.end: n for n, m in enumerate(mentions)}
    for index in range(2, len(words)):
        token = words[index]
        if words[index - 1].text != "," or len(words[index - 2].text) < 2 or not words[index - 2].text[:1].isupper():
            continue
        state = STATES_AFTER_A_TOWN.get(fold(token.text).rstrip("."))
        if state is None or not (token.text[:1].isupper() and (token.text[1:2].islower() or "." in token.text)):
            continue  # "Ill", "N.J.": as the wires write it, not "ILL" in a shouted line nor "ill"
        following = words[index + 1] if index + 1 < len(words) else None
        if following is not None and not following.line_start and (
            following.text[:1].isupper() or following.text in ("and", "or", "&")
        ):
            continue  # "Smith, Del Monte", "Mum, Pa and the kids": the words go on
        mention = Mention(token.start, token.end, state, PLACE, "place")
        if token.start in at:
            mentions[at[token.start]] = mention
        else:
            mentions.append(mention)
        town = ending.get(words[index - 2].end)
        if town is None:  # a town no reader marked ("the bank in Trenton, N.J."): its capitalised words
            first = index - 2
            while first > index - 4 and first > 0 and capitalised(words[first - 1]):
                first -= 1
            while first < index - 2 and words[first].sentence_start and fold(words[first].text) in FUNCTION_WORDS:
                first += 1
            if not (words[first].sentence_start and fold(words[first].text) in FUNCTION_WORDS):
                mentions.append(_mention(text, words[first : index - 1], PLACE, "place"))
            continue
        before = mentions[town]
        if before.cue == "alias" or (before.kind == PERSON and before.cue != "title"):
            before.kind, before.cue = PLACE, "place"  # a town, not a person nor a word that may be a short form
        elif before.kind == ORGANIZATION:  # "Pittway Corp of Northbrook, Ill.": the firm, and where it is
            first = index - 2
            while first > 0 and words[first - 1].start >= before.start:
                first -= 1
            inside = list(range(first, index - 1))
            of = next((n for n in reversed(inside) if words[n].text == "of"), None)
            if of is not None and of > inside[0] and fold(words[of - 1].text).rstrip(".") in _LEGAL_ENDINGS:
                mentions[town] = _mention(text, words[inside[0] : of], ORGANIZATION, before.cue)
                mentions.append(_mention(text, words[of + 1 : index - 1], PLACE, "place"))
    mentions.sort(key=lambda m: m.start)
    return mentions


_TITLE_WORD = re.compile(r"(?<![\w'’-])[A-Z][a-z]+(?![\w'’-])")  # "Telling", not "McDonald", "iPhone", "NASA"
_LONG_WORD = re.compile(r"(?<![\w'’-])[A-Za-z][a-z]{3,}(?![\w'’-])")  # a word of four letters or more
_TITLE_WORDS = 3  # a title-case line has at least this many capitalised words news writes in lower case


def sentence_cased(text: str) -> str:
    """`text` with its headlines in title case ("Justin Bieber Telling Racist Joke Pops Up Online", as many feeds
    write them) written in sentence case: a word that news writes in lower case (`lower_words`) is lower case
    there but as the line's first word, so that capitals mark names again. A headline is a line that is a
    paragraph of its own, every word of four letters or more capitalised (but function words: "with", "from"),
    at least three of them, and half or more of them words, or a short function word capitalised inside it
    ("Love For Selena On Instagram"); a line of names ("Manchester City v Charlton") or of prose is not one.
    The same length, so every offset holds; a text with no such line is returned as it is. (The tokeniser's
    `_title_case` marks a title-case line's words as shouting, so that the rules read nothing in its capitals;
    the tagger reads the letters themselves, so the line is rewritten before either reads it.)"""
    lines = text.split("\n")
    changed = False
    for n, line in enumerate(lines):
        if (n and lines[n - 1].strip()) or (n + 1 < len(lines) and lines[n + 1].strip()):
            continue  # a line of a paragraph (wire copy wraps a sentence: "…with the Securities and Exchange")
        words = _LONG_WORD.findall(line)
        if any(word[0].islower() and word not in FUNCTION_WORDS for word in words):
            continue
        capitals = [word for word in words[1:] if word[0].isupper()]
        if len(capitals) < _TITLE_WORDS:
            continue
        lower = lower_words()
        known = sum(word.lower() in lower for word in capitals)
        if (known >= _TITLE_WORDS and 2 * known >= len(capitals)) or _small_capitals(line):
            cased = _lowered_but_first(line, lower)
            if cased != line:
                lines[n], changed = cased, True
    return "\n".join(lines) if changed else text


def _small_capitals(line: str) -> bool:
    """Whether a line capitalises a short function word inside it, as only title case does ("Shows Love For
    Selena On Instagram"; a name's "of" or "on" is lower case, and after a colon or a dash a new part starts)."""
    for found in _TITLE_WORD.finditer(line):
        word = found.group()
        before = line[: found.start()].rstrip()
        if len(word) <= 3 and word.lower() in FUNCTION_WORDS and before and before[-1].isalpha():
            return True
    return False


def _lowered_but_first(line: str, lower: frozenset[str]) -> str:
    """The line's words that news writes in lower case, in lower case: not its first word, nor a name's head
    ("Manchester United Sign…", "European Central Bank Keeps…": a body's or a place's head word straight after
    a word kept capitalised, or after one word of four letters or more that follows such a word)."""
    found = list(_TITLE_WORD.finditer(line))
    opening = len(line) - len(line.lstrip(" \t\"'‘“("))
    alone = [m.start() == opening or m.group().lower() not in lower for m in found]  # kept on their own
    kept = list(alone)

    def joined(n: int) -> bool:  # word n straight after word n - 1
        return n > 0 and line[found[n - 1].end() : found[n].start()] == " "

    for n in range(1, len(found)):
        head = found[n].group().lower()
        if not joined(n) or (head not in ORGANISATION_WORDS and head not in PLACE_WORDS):
            continue
        before = found[n - 1].group()
        if alone[n - 1]:
            kept[n] = True
        elif len(before) >= 4 and before.lower() not in FUNCTION_WORDS and joined(n - 1) and alone[n - 2]:
            kept[n] = kept[n - 1] = True
    parts = []
    at = 0
    for match, keep in zip(found, kept, strict=True):
        if not keep:
            parts.append(line[at : match.start()] + match.group().lower())
            at = match.end()
    return "".join(parts) + line[at:]


_COMPASS = frozenset("north south east west northern southern eastern western".split())


def _shared_heads(text: str, mentions: list[Mention]) -> list[Mention]:
    """ "South and East China Sea": a compass word before "and" shares the next place's name (the South China
    Sea); alone it names nothing, so it is not listed (every span of a name is one of its written forms)."""
    shared = []
    for before, after in zip(mentions, mentions[1:], strict=False):
        words = after.text.split()
        if (
            before.kind == after.kind == PLACE
            and fold(before.text) in _COMPASS
            and len(words) >= 2
            and fold(words[0]) in _COMPASS
            and _AND.fullmatch(text, before.end, after.start)
        ):
            shared.append(before)
    return [m for m in mentions if not any(m is s for s in shared)]


def _without_several_bodies(words: list[Token], mentions: list[Mention]) -> list[Mention]:
    plural = [m for m in mentions if m.kind == ORGANIZATION and m.text.endswith("s")]
    if not plural:
        return mentions
    starts = [t.start for t in words]
    dropped = []
    for m in plural:
        first = bisect.bisect_left(starts, m.start)
        after = bisect.bisect_left(starts, m.end)
        whole = words[first : first + 1] and words[first].start == m.start and words[after - 1].end == m.end
        if whole and after > first and _several_bodies(words, first, after, words[first:after]):
            dropped.append(m)
    return [m for m in mentions if not any(m is d for d in dropped)]


_ORDINARY_ADJECTIVES = frozenset("new first second third last next other only".split())
# Nouns of devices, media and formats: an acronym before one names the kind of thing ("DVD players", "MP3
# files", "a USB drive"), where one before "shares" or "officials" names their organisation ("IBM shares").
_THING_NOUNS = frozenset(
    """player players recorder recorders drive drives disc discs disk disks file files format formats
    device devices burner burners camera cameras chip chips card cards screen screens port ports cable cables
    phone phones handset handsets console consoles version versions technology standard""".split()
)
_RATING = re.compile(r"^(?:A{2,3}|B{2,3}|C{2,3})$")  # "AAA", "BB": a credit rating, not a body ("ABC" is)
_FORMAT = re.compile(r"^[A-Z]{2,}\d+$")  # "MP3", "MP4": a format's name and number ("G7" is a group)


def _without_things(words: list[Token], mentions: list[Mention]) -> list[Mention]:
    """Acronyms of things, not of organisations: one the article counts in the plural ("two PCs"), makes
    the noun of "a" or "an" ("bought a new PC.", "an MP3"; but "an IBM spokesman" is IBM's), puts before a
    device's or a format's noun ("DVD players"), that holds a figure and only the rules found ("MP3"), or
    that is a credit rating ("rated AAA")."""
    capitals = [m for m in mentions if m.kind == ORGANIZATION and ACRONYM.match(m.text)]
    if not capitals:
        return mentions
    written = {m.text for m in capitals}
    plural = {t.text[:-1] for t in words if t.text[-1:] == "s" and t.text[:-1] in written}
    starts = {t.start: index for index, t in enumerate(words) if t.text in written}
    things = set(plural)
    for mention in capitals:
        at = starts.get(mention.start)
        if at is None:
            continue
        if _RATING.match(mention.text) or (mention.cue == "acronym" and _FORMAT.match(mention.text)) or (
            at + 1 < len(words) and words[at + 1].text in _THING_NOUNS
        ):
            things.add(mention.text)
            continue
        if at + 1 < len(words) and words[at + 1].text[:1].islower() and words[at + 1].text not in FUNCTION_WORDS:
            continue  # "an IBM spokesman": the noun after it is IBM's; "a PC through a web page" is a thing
        before = at - 1
        while before >= 0 and at - before <= 2 and words[before].text.islower() and (
            words[before].text not in FUNCTION_WORDS or words[before].text in _ORDINARY_ADJECTIVES
        ):
            before -= 1  # "a new PC", "a cheap DVD"
        if before >= 0 and words[before].text in ("a", "an"):
            things.add(mention.text)
    return [m for m in mentions if m.text not in things or m.kind != ORGANIZATION]


def _agency(word: str) -> str | None:
    """The news agency a word names ("Reuter" is how the wire signs itself), folded, if it names one."""
    folded = fold(word)
    return folded if folded in NEWS_AGENCIES else folded + "s" if folded + "s" in NEWS_AGENCIES else None


def _without_own_wire(words: list[Token], mentions: list[Mention]) -> list[Mention]:
    """A wire that signs the story or is credited in its dateline ("Reuter" on its last line, "(Reuters)")
    names itself in it ("a Reuters survey", "told Reuters"): the reporter, not a name in the news; an agency
    the story only cites ("Reuters reported, citing Interfax") stays a name."""
    own = {
        agency
        for index, t in enumerate(words)
        if (t.skip or (0 < index < len(words) - 1 and words[index - 1].text == "(" and words[index + 1].text == ")"))
        and (agency := _agency(t.text)) is not None
    }
    if not own:
        return mentions
    return [m for m in mentions if m.kind != ORGANIZATION or _agency(m.text) not in own]


# Head words of bodies and agreements named by their subject after "on": "General Agreement on Tariffs and
# Trade", "Committee on Banking", "Conference on Disarmament".
_ON = re.compile(r"\son\s")
_ON_HEADS = frozenset("agreement conference committee subcommittee commission council convention treaty panel".split())


def _named_across_on(text: str, words: list[Token], mentions: list[Mention]) -> list[Mention]:
    """An organisation whose name runs on across "on" is one name, not its last words alone ("Tariffs and
    Trade" of the General Agreement on Tariffs and Trade)."""
    if _ON.search(text) is None:
        return mentions  # most texts: one search instead of a list of every word's place
    starts = [t.start for t in words]
    wholes: list[Mention] = []
    for index, mention in enumerate(mentions):
        if mention.kind == PLACE:
            continue  # an organisation, or the tagger's "person" ("on\nTariffs and Trade")
        at = bisect.bisect_left(starts, mention.start)
        if at < 2 or words[at - 1].text != "on" or fold(words[at - 2].text) not in _ON_HEADS or not capitalised(
            words[at - 2]
        ):
            continue
        first = at - 2
        while first and capitalised(words[first - 1]) and not (
            words[first - 1].sentence_start and fold(words[first - 1].text) in FUNCTION_WORDS
        ):
            first -= 1
        start, end = words[first].start, mention.end
        last = bisect.bisect_left(starts, mention.end) - 1  # the mention's last word
        if " and " not in mention.text and last + 2 < len(words) and words[last + 1].text == "and" and capitalised(
            words[last + 2]
        ):  # "… on Tariffs and\nTrade": a line's end between the two
            after = last + 2
            while after + 1 < len(words) and after - last < 3 and capitalised(words[after + 1]):
                after += 1
            end = words[after].end
        whole = Mention(start, end, " ".join(text[start:end].split()), ORGANIZATION, "organisation")
        mentions[index] = whole
        wholes.append(whole)
    if not wholes:
        return mentions
    return [m for m in mentions if m in wholes or not any(w.start <= m.start and m.end <= w.end for w in wholes)]


def _overlap_test(spans: list[tuple[int, int]]) -> Callable[[Mention], bool]:
    """Whether a mention overlaps any of the spans: found by bisection, the spans sorted by start with the
    furthest end reached so far (a text has hundreds of mentions)."""
    spans = sorted(spans)
    starts = [start for start, _ in spans]
    reach = list(accumulate((end for _, end in spans), max))

    def overlaps(mention: Mention) -> bool:
        at = bisect.bisect_left(starts, mention.end)  # the spans that start before the mention ends
        return at > 0 and reach[at - 1] > mention.start

    return overlaps


def _tagged_mentions(text: str, words: list[Token], lowered: set[str]) -> tuple[list[Mention], list[tuple[int, int]]]:
    """The tagger's names, each read as a reader would (see _read_span), and the spans where it read a word
    as no name, so that no rule's guess stands there either."""
    from reader.names.tagger import spans, tagger

    found: list[Mention] = []
    vetoed: list[tuple[int, int]] = []
    if words:
        for first, after, label in spans(tagger().tag(text, words, lowered)):
            _read_span(text, words, lowered, first, after, label, found, vetoed)
    return found, vetoed


def _without_weekday(phrase: list[Token]) -> list[Token]:
    """A name without the day that follows it in the sentence ("fired Maurice Cheeks Saturday", "the Gulf of
    Aden Thursday"): no name ends in a weekday straight after a capitalised word ("The Mail on Sunday" does,
    after "on")."""
    while len(phrase) > 1 and fold(phrase[-1].text) in WEEKDAYS and phrase[-2].text[:1].isupper():
        phrase = phrase[:-1]
    return phrase


def _read_span(
    text: str,
    words: list[Token],
    lowered: set[str],
    first: int,
    after: int,
    label: str,
    found: list[Mention],
    vetoed: list[tuple[int, int]],
) -> None:
    """One name the tagger marks (`words[first:after]`, of CoNLL type `label`), trimmed to the name and
    given its kind: the mentions it holds go to `found`, a span that is no name to `vetoed`."""
    phrase = words[first:after]
    if all(t.skip or not t.text[:1].isalnum() for t in phrase) or _shouted_possessive(phrase):
        return
    phrase = _trimmed(text, phrase)
    if label == "PER":  # "J. R. R. Tolkien": initials before the name
        while first >= 2 and words[first - 1].text == "." and len(words[first - 2].text) == 1 and (
            words[first - 2].text.isupper()
        ):
            first -= 2
            phrase = [*words[first : first + 2], *phrase]
    if len(phrase) == 1 and phrase[0].sentence_start and fold(phrase[0].text) in FUNCTION_WORDS and (
        not phrase[0].text.isupper()
    ):
        vetoed.append((phrase[0].start, phrase[0].end))  # "Us", "May" opening a sentence: a word, not "US"
        return
    if len(phrase) == 1 and ((word := fold(phrase[0].text)) in COMMON_ACRONYMS or word in TIME_ZONES):
        vetoed.append((phrase[0].start, phrase[0].end))  # "GNP rose", "0900 GMT": a figure or a code, no body
        return
    kind = _KINDS.get(label, "")  # MISC: learned so that it is not shown, but it vetoes a guess
    if kind and kind != PLACE and _nationality(phrase):
        vetoed.append((phrase[0].start, phrase[-1].end))  # "Kuwaiti", "West German": a people's adjective
        return
    if kind in (ORGANIZATION, PLACE) and len(phrase) > 1 and fold(phrase[-1].text) in THING_WORDS:
        vetoed.append((phrase[0].start, phrase[-1].end))  # "London Interbank Offered Rate", "Louvre Accord"
        return
    if kind == ORGANIZATION:
        while len(phrase) > 1 and fold(phrase[-1].text) in _TRAILING_TITLES:
            phrase = phrase[:-1]  # "Federal Reserve Chairman (Paul Volcker)": the title is the person's
        apart = _firms_apart(phrase)
        if apart:  # "Texaco Inc and Pennzoil Co": two firms
            found.append(_mention(text, phrase[:apart], ORGANIZATION, "shape"))
            phrase = phrase[apart + 1 :]
            while phrase and not phrase[0].text[:1].isalnum():
                phrase = phrase[1:]
            if not phrase:
                return
    if not kind and len(phrase) > 1:  # "U.S.-Japan trade", "U.S. Dlrs" read as MISC: the country is a place
        owner = _country_owner(text, phrase, set(), every=True)
        if owner:
            found.append(_mention(text, phrase[:owner], PLACE, "place"))
    if kind == ORGANIZATION and _generic(phrase):
        found.append(_mention(text, phrase, kind, "alias"))  # "the Bank said": a short form, or nothing
        return
    if kind == ORGANIZATION:
        owner = _country_owner(text, phrase, lowered)
        if owner:  # "U.S. Agriculture Department": the country, and its body
            found.append(_mention(text, phrase[:owner], PLACE, "place"))
            phrase = phrase[owner:]
            if all(_word_or_unit(t, lowered) for t in phrase) or _generic(phrase):
                return  # "the U.S. Economy", "U.S. Dlrs": the country, and a word prose writes in lower case
        if len(phrase) == 1 and fold(phrase[0].text) in _LEGAL_ENDINGS:
            return  # "Ltd", "Corp": a firm's legal ending names no firm alone
    if kind and _joined_to_event(words, after):
        vetoed.append((phrase[0].start, phrase[-1].end))  # "Reciprocal Provision of Supply and Services Agreement"
        return
    if kind and len(phrase) > 2 and fold(phrase[0].text) == "line" and fold(phrase[1].text) == "of":
        kind = PLACE  # "Line of Actual Control": a boundary, a place
    kind, phrase = _two_places(text, phrase, kind, found)
    if kind and kind != PLACE and _not_a_name(text, phrase):
        vetoed.append((phrase[0].start, phrase[-1].end))  # and no rule's guess there either
        kind = ""
    kind = _kind_in_context(words, first, after, phrase, kind)
    if kind and kind != PLACE and len(phrase) == 1 and _listed(words, first, after) and cut_short(phrase[0].text):
        kind = PLACE  # "the US, Russia, Austral and Japan": Australia cut short, in a list
    cue = "team" if kind == ORGANIZATION and phrase[0].team else "shape"
    if kind == PERSON and first and fold(words[first - 1].text) in PERSON_TITLES and not _firm_role(words, first - 1):
        cue = "title"  # "Mr Kennedy": the title settles the kind, and joins the full name
    found.append(_mention(text, phrase, kind, cue))


def _word_or_unit(token: Token, lowered: set[str]) -> bool:
    """A word prose writes in lower case, a unit or figure ("Dlrs", "GNP"), or no word at all."""
    word = fold(token.text)
    return word in lowered or word in COMMON_ACRONYMS or not token.text[:1].isalpha()


# Titles that end no organisation's name (unlike "Council of Ministers", "Board of Governors", "Court of Justice").
_TRAILING_TITLES = (PERSON_TITLES - {"ministers", "governors", "justice", "general", "gen"}) | {"vice", "deputy"}
_FIRMS_JOINED = frozenset(("and", "&", ",", "<"))


def _firms_apart(phrase: list[Token]) -> int:
    """Where a span the tagger reads as one organisation holds two firms, each with its legal ending ("Chrysler
    Corp and Chrysler Financial Corp", "Chase Manhattan Corp <CMB>, Chemical New York Corp"): the index of the
    word between them, or 0."""
    for index in range(1, len(phrase) - 2):
        if phrase[index].text in _FIRMS_JOINED and fold(phrase[index - 1].text) in _LEGAL_ENDINGS and any(
            fold(t.text) in _LEGAL_ENDINGS for t in phrase[index + 2 :]
        ):
            return index
    return 0


def _nationality(phrase: list[Token]) -> bool:
    """ "Kuwaiti", "West German": a nationality (with its compass word), not a name."""
    words = [fold(t.text) for t in phrase]
    return len(words) <= 2 and is_demonym(phrase[-1].text) and place_name(" ".join(words)) is None and (
        len(words) == 1 or words[0] in _COMPASS
    ) and words[-1] not in _COMPASS


def _listed(words: list[Token], first: int, after: int) -> bool:
    """Whether words[first:after] is an item of a list: a comma or "and" before or after it."""
    return (first > 0 and words[first - 1].text in (",", "and")) or (
        after < len(words) and words[after].text in (",", "and")
    )


def _shouted_possessive(phrase: list[Token]) -> bool:
    """ "U.S. TREASURY'S BAKER SAYS": a possessive inside a span of a headline in capitals, where the tagger
    cannot tell where a name ends; the rules' places stand there, and the collection's known surnames."""
    return phrase[0].shouting and any(t.text.endswith(("'S", "’S")) for t in phrase[:-1])


def _several_bodies(words: list[Token], first: int, after: int, phrase: list[Token]) -> bool:
    """ "India's Defence and Foreign Ministries", "the Air Forces of the two countries": a head word in the
    plural, joined to another name by "and" or owned by several, names no one organisation."""
    head = fold(phrase[-1].text)
    if not (head.endswith("ies") and head[:-3] + "y" in ORGANISATION_WORDS) and not (
        head.endswith("s") and head[:-1] in ORGANISATION_WORDS
    ):
        return False
    if len(phrase) > 2:
        return False  # "Japan Ground Self-Defense Forces": a name of its own
    if first >= 2 and fold(words[first - 1].text) in ("and", "&"):
        return True
    following = " ".join(fold(t.text) for t in words[after : after + 3])
    return following.startswith(("of the two", "of both"))


_DEAL_ROLES = frozenset("lead co-lead sole joint co".split())


def _firm_role(words: list[Token], title: int) -> bool:
    """ "lead manager Banque Paribas", "sole manager Kidder Peabody": a firm's part in a deal, not a person's title."""
    return title > 0 and fold(words[title - 1].text) in _DEAL_ROLES


def _trimmed(text: str, phrase: list[Token]) -> list[Token]:
    """The tagger's span without what is no part of the name: a full stop or lower-case words after it
    ("Acme Inc." ending a sentence, "Cyber Security as well"), the word that opens the sentence before it
    ("Later Jaishnakar added"; but "New York" stays whole)."""
    while len(phrase) > 1 and (phrase[-1].text in (".", ",") or phrase[-1].text[:1].islower()):
        phrase = phrase[:-1]
    phrase = _without_weekday(phrase)
    while len(phrase) > 1 and phrase[0].sentence_start and fold(phrase[0].text) in FUNCTION_WORDS and (
        place_name(text[phrase[0].start : phrase[-1].end]) is None and fold(phrase[0].text) != "new"
    ):
        phrase = phrase[1:]
    return phrase


def _two_places(text: str, phrase: list[Token], kind: str, found: list[Mention]) -> tuple[str, list[Token]]:
    """ "India & Japan hold talks", "U.S. And West Germany" (a wire's capitals): two places joined by "and",
    not one organisation; the first goes to `found`, the second is what is left of the phrase."""
    joined = [i for i, t in enumerate(phrase) if i and fold(t.text) in ("and", "&")]
    if len(joined) != 1 or joined[0] + 1 >= len(phrase):
        return kind, phrase
    left, right = phrase[: joined[0]], phrase[joined[0] + 1 :]
    if kind != PLACE and not all(place_name(text[part[0].start : part[-1].end]) is not None for part in (left, right)):
        return kind, phrase
    found.append(_mention(text, left, PLACE, "shape"))
    return PLACE, right


def _kind_in_context(words: list[Token], first: int, after: int, phrase: list[Token], kind: str) -> str:
    """What the words around a name say of its kind: "celebrated in Liverpool" is the city where "beat
    Liverpool" is the club; "Smith Barney analyst Craig Sloane" names the firm a person works for."""
    if kind == ORGANIZATION and len(phrase) == 1 and first and fold(words[first - 1].text) in _PLACE_BEFORE:
        if place_name(phrase[0].text) is not None and not phrase[0].team:
            return PLACE
    if kind == PERSON and phrase[-1] is words[after - 1] and _employer(words, after):
        return ORGANIZATION
    if kind == PLACE and _team(phrase):
        return ORGANIZATION  # "the Indianapolis Colts", "San Diego Chargers": a city's side, not the city
    if kind == PLACE and first >= 2 and words[first - 1].text == "to" and fold(words[first - 2].text) in _TAKE:
        if place_name(phrase[0].text) is None:
            return ORGANIZATION  # "Taking to Twitter": where one speaks, a platform, not a place
    following = words[after].text if after < len(words) else ""
    if kind == PLACE and following.islower() and following in AGREEMENT_WORDS:
        if place_name(" ".join(t.text for t in phrase)) is None:
            return ""  # "the Louvre accord": the agreement's name, no place the news is about
    return kind


_TAKE = frozenset("take takes taking took taken".split())
_PLURAL_PLACES = frozenset(
    "islands isles mountains heights falls lakes hills keys springs plains highlands states".split()
)


def _team(phrase: list[Token]) -> bool:
    """A known place and then capitalised plural nicknames that name no place ("Indianapolis Colts", "New York
    Yankees", "Boston Red Sox"): a side in a league. Not "Cayman Islands", "Golan Heights" or a place known whole."""
    last = phrase[-1].text
    if len(phrase) < 2 or not last[:1].isupper() or last.isupper() or not last.endswith(("s", "x")):
        return False
    if fold(last) in _PLURAL_PLACES or fold(last) in PLACE_WORDS:
        return False
    text = " ".join(t.text for t in phrase)
    if place_name(text) is not None:
        return False
    for cut in range(len(phrase) - 1, 0, -1):  # the longest known place it opens with: a city's, not a country's
        opening = " ".join(t.text for t in phrase[:cut])
        if place_name(opening) is not None:
            return not is_country(opening) and all(t.text[:1].isupper() for t in phrase[cut:])
    return False


def _cued_mentions(text: str, ruled: list[Mention], words: list[Token], lowered: set[str]) -> list[Mention]:
    """The rules' mentions that stand whatever the tagger reads (a title, a head word, a side, a handle, an
    acronym defined in brackets), a state body split from the country that owns it ("U.S. Embassy")."""
    mentions = [m for m in ruled if m.cue in _STRONG_CUES or (m.cue == "acronym" and _bracketed_after(text, m))]

    starts = [t.start for t in words]
    for mention in [m for m in mentions if m.kind == ORGANIZATION and m.cue == "organisation"]:
        first = bisect.bisect_left(starts, mention.start)
        phrase = [t for t in words[first : first + 12] if t.end <= mention.end]
        owner = _country_owner(text, phrase, lowered)
        if owner and len(phrase) > owner:  # "U.S. Embassy": the country, and its body
            mentions.append(_mention(text, phrase[:owner], PLACE, "place"))
            if _generic(phrase[owner:]):  # "U.S. Government securities": the country, and a generic word
                mentions.remove(mention)
                continue
            rest = _mention(text, phrase[owner:], ORGANIZATION, "organisation")
            mention.start, mention.text = rest.start, rest.text
    return mentions


_AND = re.compile(r"\s+(?:and|&)\s+")


def _possessive_pairs(text: str, found: list[Mention]) -> list[Mention]:
    """ "rated AAA by Standard and Poor's": two organisations joined by "and", the possessive on the second,
    are one organisation's name, when neither is named alone elsewhere in the text ("Ford and Chrysler's
    sales", after "Ford said", are two) and neither is a place."""
    named = Counter(fold(m.text) for m in found)
    merged: list[Mention] = []
    for mention in found:
        last = merged[-1] if merged else None
        if (
            last is not None
            and last.kind == mention.kind == ORGANIZATION
            and _AND.fullmatch(text, last.end, mention.start)
            and _POSSESSIVE.match(text, mention.end)
            and all(named[fold(m.text)] == 1 and place_name(m.text) is None for m in (last, mention))
        ):
            end = mention.end + 2
            merged[-1] = Mention(last.start, end, " ".join(text[last.start : end].split()), ORGANIZATION, "shape")
            continue
        merged.append(mention)
    return merged


_OCCUPATIONS = frozenset("analyst analysts economist economists strategist trader dealer".split())


def _employer(words: list[Token], after: int) -> bool:
    """A name set before a role in lower case and a person's name ("Kidder Peabody analyst Herbert Buchbinder",
    "Salomon economist John Lipsky"): the employer, not a person."""
    if after + 1 >= len(words) or not words[after].text.islower() or not capitalised(words[after + 1]):
        return False
    role = words[after].text
    return (role in _OCCUPATIONS or role in _ROLE_NOUNS or role in PERSON_TITLES) and (
        fold(words[after + 1].text) in given_names() or (after + 2 < len(words) and capitalised(words[after + 2]))
    )


def _generic(phrase: list[Token]) -> bool:
    """ "Government", "Ministry": a head word alone, which names no organisation in particular."""
    return len(phrase) == 1 and fold(phrase[0].text) in _BARE_HEADS


def _whole_places(ruled: list[Mention], found: list[Mention]) -> list[Mention]:
    """ "West Germany", "West Hartford": a place the gazetteer knows by several words is one place, where the
    tagger read its words as places of their own ("West", "Germany")."""
    for guess in ruled:
        if guess.cue != "place" or " " not in guess.text:
            continue
        inside = [m for m in found if m.start < guess.end and guess.start < m.end]
        if len(inside) >= 2 and all(m.kind == PLACE and guess.start <= m.start and m.end <= guess.end for m in inside):
            found = [m for m in found if m not in inside]
            found.append(Mention(guess.start, guess.end, guess.text, PLACE, "shape"))
    found.sort(key=lambda m: m.start)
    return found


def _beside_code(text: str, token: Token) -> bool:
    line_start = text.rfind("\n", 0, token.start) + 1
    line_end = text.find("\n", token.end)
    line = text[line_start : line_end if line_end >= 0 else len(text)]
    return any(CODE_WITH_DIGITS.match(word) and not word.isdigit() for word in line.split())


def _bracketed_after(text: str, mention: Mention) -> bool:
    """ "Ministry of Defence (MoD)": an acronym defined in brackets right after a name (not after a title:
    "External Affairs Minister (EAM)")."""
    if text[mention.start - 1 : mention.start] != "(" or text[mention.end : mention.end + 1] != ")":
        return False
    before = text[max(0, mention.start - 30) : mention.start - 1].split()
    return not before or fold(before[-1]) not in PERSON_TITLES


_DEFINING_THINGS = EVENT_WORDS | MEASURE_WORDS  # an acronym after these is a thing's in that article


def _defines_a_thing(text: str, mention: Mention, found: list[Mention]) -> bool:
    """An acronym in brackets after the name of something that is no body: an agreement ("Acquisition and
    Cross-Servicing Agreement (ACSA)"), a measure ("London Interbank Offered Rate (LIBOR)"), or what the tagger
    reads as neither person, place nor body ("European Monetary System (EMS)": MISC, so the acronym is too)."""
    if not _bracketed_after(text, mention):
        return False
    before = text[max(0, mention.start - 40) : mention.start - 1].split()
    if before and fold(before[-1]) in _DEFINING_THINGS:
        return True
    opening = mention.start - 1
    return any(not m.kind and 0 <= opening - m.end <= 1 for m in found)


def _not_a_name(text: str, phrase: list[Token]) -> bool:
    """What the rules know is no person or organisation, whatever its shape: an event or a document
    ("Strategic Dialogue", "Cyber Security"), something named in quotation marks ("‘Dharma Guardian’"),
    a wire service's credit ("(Reuters)"), a code in a row of figures ("UNTRD 12 cts")."""
    words = [fold(t.text) for t in phrase]
    if words[-1] in EVENT_WORDS or _quoted(text, phrase):
        return True
    if len(phrase) == 1 and words[0].endswith("ing") and words[0] not in given_names():
        return True  # "Upon arrival, Taking stock": a verb
    if len(phrase) == 1 and text[phrase[0].start - 1 : phrase[0].start] == "(":
        before = text[max(0, phrase[0].start - 30) : phrase[0].start - 1].split()
        if before and fold(before[-1]) in PERSON_TITLES:
            return True  # "External Affairs Minister (EAM)": the title's abbreviation
    if len(phrase) == 1 and text[phrase[0].start - 1 : phrase[0].start].isdigit():
        return True  # "40GB", "3D": a unit or a suffix written onto a number
    if len(phrase) == 2 and len(words[1]) == 1 and words[0] not in given_names():
        return True  # "Class B shares", "Group A": a grade
    if len(phrase) == 1 and ACRONYM.match(phrase[0].text) and (phrase[0].table or _beside_code(text, phrase[0])):
        return True  # "UNTRD 12 cts", "JUL8 UNTRD": a code among figures or codes
    start, end = phrase[0].start, phrase[-1].end
    return text[start - 1 : start] == "(" and text[end : end + 1] == ")" and " ".join(words) in NEWS_AGENCIES


_OWNED_BODIES = frozenset(
    "ministry department government army navy force forces court agency bureau office embassy commission "
    "parliament congress senate police treasury administration embassy".split()
)


def _country_owner(text: str, phrase: list[Token], lowered: set[str], every: bool = False) -> int:
    """How many of an organisation's first words name the country that owns it ("U.S. Agriculture
    Department", "Japan Self-Defense Forces") or that a common word follows ("U.S. Economy"); 0 for any
    other organisation ("Japan Airlines"). With `every`, the country that starts any phrase."""
    if len(phrase) < 2:
        return 0
    if not every and not any(
        (word := fold(t.text)) in _OWNED_BODIES or word in lowered or word in COMMON_ACRONYMS for t in phrase[1:]
    ):
        return 0
    for size in (1, 2):
        if len(phrase) > size and is_country(text[phrase[0].start : phrase[size - 1].end]):
            return size
    return 0


def lowered_words(tokens: list[Token]) -> set[str]:
    """The words a text writes in lower case (folded): a capitalised one of them is likely no name."""
    found = {t.text for t in tokens if t.text[:1].islower()}
    return {w.lower() if w.isascii() else fold(w) for w in found}


def rule_mentions(text: str, tokens: list[Token], lowered: set[str]) -> list[Mention]:
    """The mentions the rules find in `text` (tokenised), each with its kind and the cue that gave it."""
    mentions: list[Mention] = []
    capitals = [capitalised(t) for t in tokens]
    starts = [index for index, capital in enumerate(capitals) if capital]
    i = 0
    while i < len(tokens):
        if not capitals[i]:
            at = bisect.bisect_left(starts, i)  # on to the next capitalised word
            if at == len(starts):
                break
            i = starts[at]
        j = i + 1
        while j < len(tokens):
            token = tokens[j]
            if capitals[j] and not token.text.startswith("@"):
                j += 1
            elif token.text == "." and len(tokens[j - 1].text) == 1 and tokens[j - 1].text.isupper():
                j += 1  # an initial: "U. Khurelsukh"
            elif fold(token.text) in CONNECTORS:
                # "bin Salman", "von der Leyen": particles, as long as a capitalised word follows them
                k = j
                while k < len(tokens) and k - j < 3 and fold(tokens[k].text) in CONNECTORS:
                    k += 1
                if k < len(tokens) and capitals[k] and not tokens[k].text.startswith("@"):
                    j = k
                else:
                    break
            else:
                break
        firm = j if tokens[i].shouting else _bracketed_firm(tokens, j)
        if firm > j:  # "Cheung Kong (Holdings) Ltd": one firm; "Bache Securities (Japan) Ltd": a firm, and a place
            first = i
            while first < j - 1 and tokens[first].sentence_start and fold(tokens[first].text) in FUNCTION_WORDS:
                first += 1
            inner = tokens[j + 1 : j + _bracket_width(tokens, j)]
            if place_name(text[inner[0].start : inner[-1].end]) is not None:
                mentions.append(_mention(text, tokens[first:j], ORGANIZATION, "organisation"))
                mentions.append(_mention(text, inner, PLACE, "place"))
            else:
                mentions.append(_mention(text, tokens[first:firm], ORGANIZATION, "organisation"))
            i = firm
            continue
        firm = _firm_ending(tokens, j)
        if firm > j:  # "Merrill Lynch and Co Inc", "Smith Barney, Harris Upham and Co": one firm
            first = i
            while first >= 2 and tokens[first - 1].text == "," and capitalised(tokens[first - 2]) and i - first < 8:
                first -= 2  # the partners' names before the comma, each of one or two words
                if first >= 1 and capitalised(tokens[first - 1]) and not tokens[first].sentence_start:
                    first -= 1
            while first < i and (tokens[first].text == "," or (
                tokens[first].sentence_start and fold(tokens[first].text) in FUNCTION_WORDS
            )):
                first += 1  # "Meanwhile, Goldman, Sachs and Co": not the word that opens the sentence
            _drop_from(mentions, tokens[first].start)
            apart = _firms_apart(tokens[first:firm])
            if apart:  # "Chrysler Corp and Chrysler Financial Corp": two firms
                mentions.append(_mention(text, tokens[first : first + apart], ORGANIZATION, "organisation"))
                first += apart + 1
            mentions.append(_mention(text, tokens[first:firm], ORGANIZATION, "organisation"))
            i = firm
            continue
        joined = _joined_organisation(tokens, i, j)
        if joined > j:  # "Securities and Exchange Commission", "Ministry of Trade and Industry"
            mentions.extend(_judge(text, tokens[i:joined], lowered))
            i = joined
            continue
        phrase = tokens[i:j]
        while phrase and (phrase[-1].text == "." or fold(phrase[-1].text) in CONNECTORS):
            phrase = phrase[:-1]
        owner = _possessive_firm(tokens, i, phrase)
        if owner is not None:  # "Moody's Investors Service Inc", "McDonald's Corp": the firm's own name
            _drop_from(mentions, tokens[owner].start)
            mentions.append(_mention(text, tokens[owner : i + len(phrase)], ORGANIZATION, "organisation"))
            i = j
            continue
        if phrase and not phrase[0].shouting and (_bracketed(tokens, i, j) or _ticker_follows(tokens, j)):
            # "<Merrill Lynch Capital Markets>", "Rhone-Poulenc <RHON.PA>": a company
            mentions.append(_mention(text, phrase, ORGANIZATION, "organisation"))
        elif not _joined_to_event(tokens, j) and not _credit(tokens, i, j):
            # A person read from the shape of a name alone is left to the tagger (find_mentions drops such
            # guesses), unless a role before it says it is a person: only then is the guess worked out.
            titled = _after_role(tokens, i) or _beside_titled(tokens, i, mentions)
            judged = _judge(text, phrase, lowered, guesses=titled)
            if phrase and phrase[0].table:  # a row of figures: its labels and codes ("Shr", "NET") are no names,
                judged = [m for m in judged if m.cue != "acronym"]  # its places and people ("J. Pooley 111") are
            if titled and judged and judged[0].kind == PERSON and judged[0].cue in ("shape", "alias") and (
                len(judged) == 1
            ):
                judged[0].cue = "title"  # "Mongolia's Minister of Defence, Gursediin Saikhanbayar"
            partners = _partners_before(tokens, i, phrase)
            if partners < i:  # "L.F. Rothschild, Unterberg, Towbin Inc": one firm of three partners
                _drop_from(mentions, tokens[partners].start)
                judged = [_mention(text, tokens[partners : i + len(phrase)], ORGANIZATION, "organisation")]
            mentions.extend(judged)
        i = j
    return mentions


def _partners_before(tokens: list[Token], start: int, phrase: list[Token]) -> int:
    """Where a firm named by its partners starts, when `phrase` is the last partner and the legal ending
    ("Towbin Inc" after "L.F. Rothschild, Unterberg,"): two names or more before it, each of one to three words
    and a comma; `start` when there are none (a list of firms ends with "and": "Ford, Chrysler and GM Corp")."""
    if not phrase or fold(phrase[-1].text) not in _LEGAL_ENDINGS or phrase[0].shouting:
        return start
    joined = any(fold(t.text) in ("and", "&") for t in phrase)  # "Harris Upham And Co Inc": one partner needed
    if len(phrase) != 2 and not joined:
        return start
    first = start
    names = 0
    while first >= 2 and tokens[first - 1].text == "," and names < 3:
        end = first - 1
        begin = end
        while begin > 0 and end - begin < 4 and (capitalised(tokens[begin - 1]) or (
            tokens[begin - 1].text == "." and begin > 1 and len(tokens[begin - 2].text) == 1
        )):
            begin -= 1
        if begin == end or (tokens[begin].sentence_start and fold(tokens[begin].text) in FUNCTION_WORDS):
            break
        first = begin
        names += 1
    return first if names >= (1 if joined else 2) else start


_ROLE_NOUNS = frozenset("counterpart counterparts leader chief head aide adviser advisor official".split())


def _after_role(tokens: list[Token], start: int) -> bool:
    """A name set after a role and a comma: "the Minister of Defence, …", "their counterparts, …"."""
    if start < 2 or tokens[start - 1].text != ",":
        return False
    before = [fold(t.text) for t in tokens[max(0, start - 5) : start - 1]]
    return any(word in PERSON_TITLES or word in _ROLE_NOUNS for word in before)


def _beside_titled(tokens: list[Token], start: int, mentions: list[Mention]) -> bool:
    """ "… counterparts, Yoshimasa Hayashi and Nobuo Kishi": named in one breath with a titled person."""
    if start < 2 or tokens[start - 1].text not in ("and", "&") or not mentions:
        return False
    last = mentions[-1]
    return last.kind == PERSON and last.cue == "title" and last.end == tokens[start - 2].end


_LEGAL_ENDINGS = frozenset("inc corp co ltd plc llc".split())


def _possessive_firm(tokens: list[Token], start: int, phrase: list[Token]) -> int | None:
    """Where a firm's name that holds a possessive starts ("Moody's Investors Service Inc"): the phrase ends
    with a legal ending and follows "X's", X no place ("Japan's Finance Ministry" is Japan's)."""
    if not phrase or fold(phrase[-1].text) not in _LEGAL_ENDINGS or start < 3 or phrase[0].shouting:
        return None
    if tokens[start - 1].text != "s" or tokens[start - 2].text not in ("'", "’") or not capitalised(tokens[start - 3]):
        return None
    owner = start - 3
    if place_name(tokens[owner].text) is not None:
        return None
    if owner >= 2 and tokens[owner - 1].text in ("and", "&") and capitalised(tokens[owner - 2]):
        owner -= 2  # "Standard and Poor's Corp"
        if tokens[owner].sentence_start and fold(tokens[owner].text) in FUNCTION_WORDS:
            owner += 2
    return owner


def _bracket_width(tokens: list[Token], start: int) -> int:
    """How many tokens from the "(" at `start` to its ")" (exclusive)."""
    close = start + 1
    while tokens[close].text != ")":
        close += 1
    return close - start


def _bracketed_firm(tokens: list[Token], after: int) -> int:
    """Where a firm's name with a bracketed part before its legal ending ends ("Indosuez Asia (Singapore) Ltd"):
    one to three capitalised words in brackets, then "Ltd", "Inc" or the like; `after` when it is none."""
    if after >= len(tokens) or tokens[after].text != "(":
        return after
    close = after + 1
    while close < len(tokens) and close - after <= 3 and capitalised(tokens[close]):
        close += 1
    if close == after + 1 or close + 1 >= len(tokens) or tokens[close].text != ")":
        return after
    end = close + 1
    while end < len(tokens) and capitalised(tokens[end]) and fold(tokens[end].text) in _LEGAL_ENDINGS:
        end += 1
    return end if end > close + 1 else after


def _drop_from(mentions: list[Mention], start: int) -> None:
    """Take back the mentions found from `start` on: a longer name that covers them was found."""
    while mentions and mentions[-1].end > start:
        mentions.pop()


def _capitalised_run(tokens: list[Token], start: int) -> int:
    """Where a run of capitalised words (with connectors inside) that starts at `start` ends."""
    end = start
    while end < len(tokens) and (
        capitalised(tokens[end]) or (end > start and fold(tokens[end].text) in CONNECTORS and end + 1 < len(tokens)
                                      and capitalised(tokens[end + 1]))
    ):
        end += 1
    return end


def _firm_ending(tokens: list[Token], after: int) -> int:
    """ "Merrill Lynch and Co", "Smith & Sons Ltd": where such a firm's name ends (`after` when it is none)."""
    if after + 1 >= len(tokens) or tokens[after].text not in ("and", "And", "&") or tokens[after - 1].team:
        return after
    if fold(tokens[after + 1].text) not in FIRM_ENDINGS or not capitalised(tokens[after + 1]):
        return after
    return _capitalised_run(tokens, after + 1)


def _joined_organisation(tokens: list[Token], start: int, after: int) -> int:
    """Where an organisation named with "and" inside ends ("Food and Drug Administration", "Organisation for
    Economic Cooperation and Development"); `after` when the words around "and" are two names."""
    if after + 1 >= len(tokens) or tokens[after].text not in ("and", "&") or tokens[start].shouting:
        return after
    end = _capitalised_run(tokens, after + 1)
    if end == after + 1:
        return after
    left = [fold(t.text) for t in tokens[start:after]]
    while left and left[0] in FUNCTION_WORDS:
        left = left[1:]  # "The Securities …"
    right = [fold(t.text) for t in tokens[after + 1 : end]]
    if not left:
        return after
    head = _organisation_head(left)
    plain_left = (
        # Two words, or up to four with no head word of their own ("Metropolitan Federal Savings and Loan
        # Association": the left is no organisation alone, so the head after "and" is its head too)
        (len(left) <= 2 or (
            len(left) <= 4 and head is None and len(right) <= 2 and right[-1] not in _LEGAL_ENDINGS
            and not any(w.rstrip(".") in countries() for w in left)  # "Top U.S. Treasury and Federal Reserve": two
        ))
        and not any(w in CONNECTORS or w in TITLE_WORDS for w in left)  # "President Reagan and White House": two
        and left[0] not in given_names()  # "Paul Volcker and International Monetary Fund": two
        and place_name(" ".join(left)) is None
        and left[-1] not in _LEGAL_ENDINGS  # "Chrysler Corp and Chrysler Financial Corp": two firms
    )
    plural = right[-1].endswith("ies") or right[-1][:-1] in ORGANISATION_WORDS  # "Defence and Foreign Ministries": two
    if right[-1] in ORGANISATION_WORDS and not plural and len(right) <= 3 and plain_left:
        return end  # the head word comes after "and": "Securities and Exchange Commission"
    opens = head == 0 and len(left) > 2 and left[1] in CONNECTORS
    plain = len(right) <= 2 and _organisation_head(right) is None and not any(w in ORGANISATION_WORDS for w in right)
    if opens and plain and place_name(" ".join(right)) is None and right[0] not in TITLE_WORDS:
        return end  # "Ministry of Trade and Industry"
    return after


def _ticker_follows(tokens: list[Token], end: int) -> bool:
    """A name followed by its ticker code ("Rhone-Poulenc <RHON.PA>", "Apple (NASDAQ: AAPL)") is a company."""
    return (
        end + 1 < len(tokens) and tokens[end].text in ("<", "(") and tokens[end + 1].skip
        and PARTY_STATE.match(tokens[end + 1].text) is None  # "Dan Glickman (D-Kan.)": a legislator's party
    )


def _bracketed(tokens: list[Token], start: int, end: int) -> bool:
    """A name in angle brackets: how wire services mark a company's name ("<Nissan Motor Co Ltd>")."""
    if start == 0 or tokens[start - 1].text != "<":
        return False
    close = end
    while close < len(tokens) and tokens[close].text in (".", ","):
        close += 1
    return close < len(tokens) and tokens[close].text == ">"


def _credit(tokens: list[Token], start: int, end: int) -> bool:
    """ "(Reuters)", "(AP)": a wire service credited in brackets, not named in the story."""
    if start == 0 or end >= len(tokens) or tokens[start - 1].text != "(" or tokens[end].text != ")":
        return False
    return " ".join(fold(t.text) for t in tokens[start:end]) in NEWS_AGENCIES


def _joined_to_event(tokens: list[Token], after: int) -> bool:
    """ "Special Strategic and Global Partnership": the first half of a named event or agreement."""
    if after + 1 >= len(tokens) or tokens[after].text not in ("and", "&"):
        return False
    end = after + 1
    while end < len(tokens) and capitalised(tokens[end]):
        end += 1
    return end > after + 1 and fold(tokens[end - 1].text) in EVENT_WORDS


def _judge(text: str, phrase: list[Token], lowered: set[str], *, guesses: bool = False) -> list[Mention]:
    """Decide which part of a capitalised phrase is a name, and of what kind; with `guesses`, also a person
    known by the shape of the name alone (cue "shape"), which only a role before it makes worth keeping."""
    if not phrase:
        return []
    if phrase[0].team:
        return [_mention(text, phrase, ORGANIZATION, "team")]
    if phrase[0].shouting:
        return _places_only(text, phrase)
    if _quoted(text, phrase):
        return []  # ‘Dharma Guardian’: names of exercises, works and slogans are not people or places
    words = [fold(t.text) for t in phrase]
    title = _inner_title(phrase, words)
    if title is not None:
        # "Bank of Japan Governor Satoshi Sumita": the role's organisation (or place), then the person.
        at, name = title
        return _judge(text, phrase[:at], lowered, guesses=guesses) + [_mention(text, phrase[name:], PERSON, "title")]
    for index, word in enumerate(words[:-1]):
        if word.endswith(AFFILIATION):
            # "Ontario-based Magna", "Communist-led CGT": what is based or led somewhere is an organisation.
            return [_mention(text, phrase[index + 1 :], ORGANIZATION, "organisation")]
    lead = next((n for n, word in enumerate(words) if word not in _DETERMINERS), 0)
    organisation = _organisation_head(words) if place_name(" ".join(t.text for t in phrase[lead:])) is None else None
    if organisation is not None:  # (a place first: "Soviet Union" is no union)
        start = _after_person_titles(phrase, words, organisation)
        country = _country_prefix(phrase, words, start, organisation)
        if country:  # "U.S. Agriculture Department", "Japan Self Defense Forces": the country, then its body
            return [_mention(text, phrase[start:country], PLACE, "place"),
                    _mention(text, phrase[country:], ORGANIZATION, "organisation")]
        if start == len(phrase) - 1:
            return []  # "The Bank", "the Ministry": a head word alone names nothing in particular
        return [_mention(text, phrase[start:], ORGANIZATION, "organisation")]
    if " ".join(words) in NEWS_AGENCIES:
        return [_mention(text, phrase, ORGANIZATION, "organisation")]
    # Leading words that are not part of a name: sentence-start words, titles, nationality adjectives.
    cue = "shape"
    k = 0
    while k < len(phrase):
        word = words[k]
        if word in BARE_TITLES and (word in TITLE_WORDS or k > 0):
            if word in PERSON_TITLES:
                cue = "title"
            elif word in TITLE_WORDS:
                cue = "shape" if cue != "title" else cue
            k += 1
        elif cue == "title" and words[k - 1] in ("of", "the") and len(phrase) - k >= 3 and place_name(words[k]) is None:
            k += 1  # the office's department: "Chancellor of the Exchequer Nigel Lawson"
        elif (
            is_demonym(phrase[k].text)
            and place_name(phrase[k].text) is None
            and place_name(text[phrase[k].start : phrase[-1].end]) is None  # "Saudi Arabia" is no Saudi
        ):
            k += 1
        elif k == 0 and phrase[0].sentence_start and _common(word, lowered, sentence_start=True):
            k += 1
        else:
            break
    rest = phrase[k:]
    while rest and fold(rest[0].text) in CONNECTORS:
        rest = rest[1:]
    if len(rest) > 1 and place_name(text[rest[0].start : rest[-1].end]) is not None:
        return [_mention(text, rest, PLACE, "place")]  # "Soviet Union": a place, whatever its last word
    while rest and fold(rest[-1].text) in TRAILING:
        rest = rest[:-1]  # "India-Japan Foreign (Ministers)": a title after the name is not part of it
    rest = _without_weekday(rest)
    if not rest:
        return []
    found: list[Mention] = []
    # "India-Japan" names two places.
    if len(rest) == 1 and "-" in rest[0].text:
        parts = _hyphenated_places(rest[0])
        if parts:
            return parts
    whole = _mention(text, rest, PLACE, "place")
    if place_name(whole.text) is not None or (
        len(rest) > 1 and (fold(rest[-1].text) in PLACE_WORDS or fold(rest[0].text) in PLACE_OPENERS)
    ):
        return [whole]
    # "US Joe Biden", "Japan Yasukazu Hamada": a place, then a person.
    for split in range(1, len(rest)):
        head = _mention(text, rest[:split], PLACE, "place")
        if is_country(head.text) and capitalised(rest[split]):
            found.append(head)
            rest = rest[split:]
            break
    found.extend(_name_or_nothing(text, rest, lowered, cue, guesses))
    return found


def _name_or_nothing(text: str, rest: list[Token], lowered: set[str], cue: str, guesses: bool) -> list[Mention]:
    words = [fold(t.text) for t in rest]
    if len(rest) == 1:
        token = rest[0]
        if token.text.startswith("@"):
            return [_mention(text, rest, PERSON, "handle")]
        if words[0] in TIME_ZONES or words[0] in COMMON_ACRONYMS:
            return []
        if ACRONYM.match(token.text) and words[0] not in TITLE_WORDS:
            return [_mention(text, rest, ORGANIZATION, "acronym")]
        if words[0] in EVENT_WORDS or is_demonym(token.text):
            return []
        if cue == "title" and not _common(words[0], lowered, sentence_start=False):
            return [_mention(text, rest, PERSON, "title")]
        if _common(words[0], lowered, sentence_start=token.sentence_start):
            return []
        return [_mention(text, rest, PERSON, "alias")]  # kept only if it matches a fuller name
    if words[-1] in EVENT_WORDS or any(is_demonym(t.text) for t in rest):
        return []
    if cue == "title":
        return [_mention(text, rest, PERSON, "title")]
    if not guesses:
        return []
    if any(w in ("of", "the", "for") for w in words):
        return []  # people's names take particles ("bin", "van"), not "of" or "the"
    if any(w in FUNCTION_WORDS for w in words if w not in CONNECTORS):
        return []
    if any(_common(w, lowered, sentence_start=False) for w in words if w not in CONNECTORS):
        return []
    if sum(t.text != "." for t in rest) > 4:  # "J. R. R. Tolkien" is four words
        return []
    return [_mention(text, rest, PERSON, "shape")]


def _inner_title(phrase: list[Token], words: list[str]) -> tuple[int, int] | None:
    """Where a person's title stands inside a phrase, and where the name after it starts, with the title's
    qualifiers before it: "Treasury Secretary James Baker", "Federal Reserve Board Chairman Paul Volcker",
    "U.K. Chancellor of the Exchequer Nigel Lawson" (the office's department after "of" is no name)."""
    for index in range(len(words) - 2, 0, -1):
        if words[index] not in PERSON_TITLES:
            continue
        start = index + 1
        if words[start] == "of":
            start += 2 if start + 1 < len(words) and words[start + 1] == "the" else 1
            if len(words) - start < 3 or place_name(words[start]) is not None:
                return None
            start += 1  # "of the Exchequer"
        name = words[start:]
        if len([w for w in name if w not in CONNECTORS]) > 4 or name[0] in CONNECTORS:
            return None
        if any(w in TITLE_WORDS or w in ORGANISATION_WORDS or w in FUNCTION_WORDS or w in EVENT_WORDS for w in name):
            return None
        if place_name(" ".join(t.text for t in phrase[start:])) is not None or _shouted(phrase[start]):
            return None
        return index, start
    return None


def _shouted(token: Token) -> bool:
    return len(token.text) > 1 and token.text.isupper()


def _common(word: str, lowered: set[str], *, sentence_start: bool) -> bool:
    """A word that is ordinary English here: a function word, or written in lower case elsewhere."""
    if len(word) == 1:
        return False  # an initial, not the "s" of a possessive seen elsewhere
    if word in FUNCTION_WORDS or word in lowered:
        return True
    return sentence_start and word.endswith(VERB_ENDINGS) and place_name(word) is None


def _organisation_head(words: list[str]) -> int | None:
    """Index of an organisation head word: "Ministry" in "Ministry of Defence", "Ministry" in "Defence Ministry"."""
    for index, word in enumerate(words):
        if word in ORGANISATION_WORDS and (index == len(words) - 1 or words[index + 1] in CONNECTORS):
            if index == 0 and len(words) == 1:
                return None  # a bare "Ministry" or "Council" names nothing in particular
            return index
    return None


_STATE_BODIES = frozenset(
    "ministry department government army navy force forces court agency bureau office embassy commission "
    "parliament congress senate police".split()
)


def _country_prefix(phrase: list[Token], words: list[str], start: int, head: int) -> int:
    """Where a state body's own name starts after the country that owns it ("U.S. Agriculture Department",
    "Japan Self Defense Forces"); 0 when it does not start with a country, or is a firm ("Japan Airlines")."""
    if words[head] not in _STATE_BODIES:
        return 0
    for size in (1, 2):
        end = start + size
        if head - end >= 1 and len(words) - end >= 2 and is_country(" ".join(words[start:end])):
            return end
    return 0


def _after_person_titles(phrase: list[Token], words: list[str], head: int) -> int:
    """Skip "Chairman of the" in "Chairman of the State Great Khural": a role before the organisation; and a
    word before the name ("The", "Meanwhile"), but not one that is part of it ("First Boston", "New York")."""
    start = 0
    if head == len(words) - 1 and "of" in words[:head]:
        # "Shares of First Boston Corp": before "of", words that are no part of a firm named "… Corp"
        of = words.index("of")
        if not any(w in ORGANISATION_WORDS for w in words[:of]):
            start = of + 1
    for index in range(start, head):
        if words[index] in TITLE_WORDS and words[index] not in ORGANISATION_WORDS:
            if index + 1 < len(words) and words[index + 1] in CONNECTORS:
                start = index + 1
                while start < head and words[start] in CONNECTORS:
                    start += 1
        if index == start and words[index] in FUNCTION_WORDS and not _place_start(words, index):
            if words[index] in _DETERMINERS or phrase[index].sentence_start:
                start = index + 1
    return start


_DETERMINERS = frozenset("the a an this that these those its their his her our".split())


def _place_start(words: list[str], index: int) -> bool:
    """ "New" in "New York Stock Exchange": the start of a place's name, not a word before the name."""
    return any(place_name(" ".join(words[index:end])) for end in range(index + 2, min(index + 4, len(words) + 1)))


def _hyphenated_places(token: Token) -> list[Mention]:
    parts = token.text.split("-")
    if len(parts) < 2 or not all(place_name(p) for p in parts):
        return []
    mentions = []
    offset = token.start
    for part in parts:
        mentions.append(Mention(offset, offset + len(part), part, PLACE, "place"))
        offset += len(part) + 1
    return mentions


def _places_only(text: str, phrase: list[Token]) -> list[Mention]:
    """Known places in an all-capitals phrase, longest first: "NEW YORK", not "YORK"."""
    found = []
    i = 0
    while i < len(phrase):
        for size in (3, 2, 1):
            part = phrase[i : i + size]
            if len(part) == size and place_name(text[part[0].start : part[-1].end]) is not None:
                found.append(_mention(text, part, PLACE, "place"))
                i += size
                break
        else:
            i += 1
    return found


def _quoted(text: str, phrase: list[Token]) -> bool:
    before = text[phrase[0].start - 1 : phrase[0].start]
    if before not in ("‘", "“", '"', "'"):
        return False
    after = text[phrase[-1].end : phrase[-1].end + 3]
    if _POSSESSIVE.match(after):
        return False  # ‘Fumio Kishida’s plan’: a possessive, not the closing quote
    return after[:1] in ("’", "”", '"', "'")


_POSSESSIVE = re.compile(r"[’']s\b")


def _mention(text: str, phrase: list[Token], kind: str, cue: str) -> Mention:
    start, end = phrase[0].start, phrase[-1].end
    written = text[start:end]
    return Mention(start, end, written if "\n" not in written else " ".join(written.split()), kind, cue)

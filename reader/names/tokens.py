"""The words of an article as the name finder reads them: a regex tokenisation that keeps offsets, and the
marks it leaves on tokens and lines (a sentence's start, a headline in capitals, a results row, a table of
figures, wire furniture, a sign-off) so that the rules and the tagger read a capitalised word in its place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import islice

from reader.names.gazetteer import TITLE_WORDS, fold, place_name

_TOKEN = re.compile(
    r"@[A-Za-z0-9_]+"  # a handle: @narendramodi
    r"|(?:[A-Z]\.){2,}"  # dotted initials: U.S.
    r"|[^\W\d_](?:[^\W_]|[’'](?!s\b)(?=[^\W\d_])|-(?=[^\W\d_]))*"  # words, with inner - and ' but not 's
    r"|\d+(?:[.,:/+\-]\d+)*"
    r"|\n"
    r"|\^M(?=\n|$)"  # a carriage return in caret notation at a line's end ("REUTER^M"): no text
    r"|[^\w\s]",
    re.UNICODE,
)
CONNECTORS = frozenset("of the for de da del della der den van von bin binti al el la le du dos das y".split())
TRAILING = TITLE_WORDS | CONNECTORS  # words a name does not end with
_SENTENCE_BREAK = frozenset(".!?:;\n\"“”‘'([—–")
WEEKDAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())
FUNCTION_WORDS = frozenset(
    """
    a an the this that these those there then than thus though although as at by for from in into of on
    onto to with within without upon after before during since until while when where whether which who
    whom whose what why how all any both each every either neither no nor not only also just even still
    yet so but and or if once he she it they we you i me him her them us our their his its my your
    is are was were be been being has have had do does did will would shall should can could may might
    must many much more most some such other another again ago already always never here today tomorrow
    yesterday meanwhile however moreover besides following according regarding amid among between
    against across about above below under over through throughout towards toward via per
    new first second third last next earlier later recently now please read see also except despite
    given including unlike like instead whereas nearly almost perhaps indeed only just very
    january february march april june july august september october november december
    """.split()
) | WEEKDAYS
VERB_ENDINGS = ("ing", "ed", "ly")
AFFILIATION = ("-based", "-led", "-owned", "-controlled", "-run", "-backed")
ACRONYM = re.compile(r"^(?:[A-Z][A-Z0-9&]{1,6}|[A-Z][a-z]?[A-Z]{1,4}|(?:[A-Z]\.){2,})$")
_DEMONYMS = frozenset(
    """french dutch swiss thai greek iraqi israeli pakistani saudi kuwaiti afghan omani qatari yemeni
    bangladeshi nepali emirati somali american european african mexican korean german cuban chilean
    asian australian austrian belgian brazilian canadian colombian egyptian indian indonesian iranian
    italian jordanian malaysian mongolian nigerian norwegian russian serbian syrian ukrainian
    palestinian venezuelan argentine filipino kenyan libyan moroccan peruvian sudanese tunisian
    british english irish scottish welsh danish finnish polish spanish swedish turkish
    japanese chinese taiwanese vietnamese lebanese portuguese burmese sri lankan congolese
    western eastern northern southern indo""".split()
)


def is_demonym(word: str) -> bool:
    folded = fold(word)
    return folded in _DEMONYMS or folded.rstrip("s") in _DEMONYMS


@dataclass(slots=True)
class Token:
    start: int
    end: int
    text: str
    sentence_start: bool
    shouting: bool = False  # inside an all-capitals line, where capitals say nothing
    team: bool = False  # a name in a results or standings row ("Stoke 4 3 1 0"): a side, not a place
    table: bool = False  # in a row of figures ("Shr 34 cts vs 1.19 dlrs", "Pay April 15"): no acronyms
    skip: bool = False  # wire furniture: a sign-off, a ticker code, a label ("NOTE:"), never a name
    line_start: bool = False  # the first token of a line (of a paragraph, where prose is hard-wrapped)


_SCORE = re.compile(r"^(?:\d{1,3}|\.\d{1,3}|\d/\d)$")  # 3, .556, 1/2; never a date, a price or 1,234
_ROW_WORDS = CONNECTORS | {"and", "v", "vs", "at"}  # the only lower-case words a results row holds
# Lower-case words a row of figures holds besides units ("Shr 34 cts vs 1.19 dlrs", "Pay April 15").
_FIGURE_WORDS = frozenset("vs v versus to and of prior from".split())
_MONTHS = frozenset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec".split()
)


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    previous = "\n"
    line: list[Token] = []
    lines = [line]
    wrapped = _hard_wrapped(text)
    breaks = _SENTENCE_BREAK
    keep = tokens.append
    for match in _TOKEN.finditer(text):
        word = match.group()
        if word == "\n":
            start, end = match.span()
            if text[end : end + 1].isalnum() and (
                wrapped or (previous[:1].isupper() and _broken_name(text, start))
            ):
                # hard-wrapped prose ("Federal Deposit Insurance\nCorporation"), or a name broken by a line's
                # end ("Britain, West\nGermany"): the break is a space
                continue
            keep(Token(start, end, word, previous in breaks, False, False, False, False, previous == "\n"))
            line = []
            lines.append(line)
        elif word == "^M":
            continue
        else:  # positional: the keyword form costs a tenth of the tokeniser's time
            token = Token(match.start(), match.end(), word, previous in breaks, False, False, False, False,
                          previous == "\n")
            keep(token)
            line.append(token)
        previous = word
    lines = [line for line in lines if line]
    digits = _DIGIT.search(text) is not None  # most prose has a few; a text without any has no tables
    furniture = "<" in text or "(" in text or ":" in text
    counts = [_numbers(line) for line in lines] if digits else [0] * len(lines)
    figures = [bool(count) and _figures(line, count) for line, count in zip(lines, counts, strict=True)]
    for number, line in enumerate(lines):
        _mark_line(line, digits)
        # A row of figures among others ("Pay April 15" under "Qtly div 25 cts"), or one with several numbers.
        if figures and figures[number] and not line[0].team:
            beside = (number and figures[number - 1]) or (number + 1 < len(lines) and figures[number + 1])
            if beside or counts[number] >= 2:
                for token in line:
                    token.table = True
        if furniture:
            _mark_furniture(line)
    if len(lines) > 1:
        _mark_sign_off(lines[-1])
    _mark_trailing_credit(tokens)
    _mark_affiliations(text, tokens)
    return tokens


PARTY_STATE = re.compile(r"^[DRI]-([A-Z][a-z]+|[A-Z]{2})$")
_PARTY_MARK = re.compile(r"[DRI]-[A-Z]")  # in the text wherever a token can match PARTY_STATE


def _mark_affiliations(text: str, tokens: list[Token]) -> None:
    """ "Sen. Chris Dodd, D-Conn, said", "Rep. Dan Glickman (D-Kan.)": a party and a state after a politician's
    name and a comma or a bracket, never a name of its own (the state: the abbreviation table's, a place, a
    short capitalised word as the wires clip states, "Kan", "Tex", "Ill")."""
    from reader.names.gazetteer import STATE_ABBREVIATIONS, place_name

    if not _PARTY_MARK.search(text):
        return  # most texts have none: one search over the text instead of a match per token
    for index in range(1, len(tokens)):
        token = tokens[index]
        found = PARTY_STATE.match(token.text)
        if found is None or tokens[index - 1].text not in (",", "("):
            continue
        state = found.group(1)
        if state.lower() in STATE_ABBREVIATIONS or place_name(state) is not None or state.isupper() or len(state) <= 5:
            token.skip = True


def _hard_wrapped(text: str) -> bool:
    """Prose broken into lines of 50 to 80 characters (wire copy, mail): most lines end mid-sentence."""
    lines = [line for line in text.split("\n") if line.strip()]
    if len(lines) < 3:
        return False
    lengths = sorted(len(line) for line in lines)
    open_ended = sum(not line.rstrip().endswith((".", ":", '"')) for line in lines)
    return 50 <= lengths[len(lengths) // 2] <= 80 and open_ended > len(lines) // 2


_PROSE_LINE = 45  # characters: a wrapped line of prose fills its width (Reuters: 60-70), a heading rarely does
_LAST_WORDS = re.compile(r"(?:[A-Z][\w.'’-]*\s)?[A-Z][\w.'’-]*$")
_FIRST_WORDS = re.compile(r"[A-Z][\w.'’-]*(?:\s[A-Z][\w.'’-]*)?")


def _broken_name(text: str, at: int) -> bool:
    """Whether the single line break at `at`, between two capitalised words, is a space inside a name: the
    words across it make a place the gazetteer knows ("West\nGermany"), or the line is wrapped prose (it fills
    its width, holds words in lower case and no figures, as a heading, a list or a table row does not)."""
    before = _LAST_WORDS.search(text, max(0, at - 40), at)
    after = _FIRST_WORDS.match(text, at + 1)
    if before is None or after is None:
        return False
    for left in (before.group(), before.group().split()[-1]):
        for right in (after.group(), after.group().split()[0]):
            if " " in f"{left} {right}".strip() and place_name(f"{left} {right}") is not None:
                return True
    line = text[text.rfind("\n", 0, at) + 1 : at]
    lower = sum(1 for word in line.split() if word[:1].islower() and len(word) > 1)
    return len(line.strip()) >= _PROSE_LINE and lower >= 2 and _DIGIT.search(line) is None


def _numbers(line: list[Token]) -> int:
    return sum(t.text[0].isdigit() for t in line)


def _figures(line: list[Token], numbers: int) -> bool:
    """A line that reads like a row of a table of figures (`numbers` of its tokens start with a digit): a
    capitalised label, numbers, units, "vs"."""
    if not numbers or not (line[0].text[0].isupper() or line[0].text[0].isdigit()):
        return False
    words = [t.text for t in line if t.text[0].isalpha()]
    if len(words) > 2 * numbers + 1:
        return False
    return all(
        word[0].isupper() or fold(word) in _FIGURE_WORDS or fold(word) in _MONTHS or fold(word) not in FUNCTION_WORDS
        for word in words
    )


def _mark_furniture(line: list[Token]) -> None:
    """Ticker codes ("<SRD>", "(NYSE: IBM)", "(IBM.N)") and labels at a line's start ("NOTE:")."""
    if len(line) >= 2 and line[0].text.isupper() and line[0].text.isalpha() and line[1].text == ":":
        line[0].skip = True
    for index, token in enumerate(line):
        if token.text == "<":
            close = next((k for k in range(index + 1, min(index + 6, len(line))) if line[k].text == ">"), None)
            if close is not None and all(_code(t.text) or t.text in ".-" for t in line[index + 1 : close]):
                for code in line[index + 1 : close]:
                    code.skip = True
        elif token.text == "(":
            close = next((k for k in range(index + 1, min(index + 7, len(line))) if line[k].text == ")"), None)
            if close is None:
                continue
            inner = line[index + 1 : close]
            texts = [t.text for t in inner]
            exchange = ":" in texts and all(_code(t) for t in texts[texts.index(":") + 1 :])
            suffixed = len(texts) == 3 and _code(texts[0]) and texts[1] == "." and texts[2].isupper()
            if exchange or suffixed:
                for inner_token in inner:
                    inner_token.skip = True


def _code(word: str) -> bool:
    """A ticker or market code: a short run of capitals (and digits)."""
    return 1 <= len(word) <= 6 and word.isupper() and word.isalnum()


def _mark_sign_off(line: list[Token]) -> None:
    """A wire's last line that is only a credit ("Reuter", "AP", "(AFP)"): furniture, not a mention."""
    words = [t for t in line if t.text[0].isalpha()]
    others = [t for t in line if not t.text[0].isalpha() and t.text not in "()-–—."]  # "REUTER..." too
    if 1 <= len(words) <= 2 and not others and all(t.text[0].isupper() for t in words):
        for token in words:
            token.skip = True


def _mark_trailing_credit(tokens: list[Token]) -> None:
    """ "… the European Community.  REUTER": a credit in capitals after the story's last sentence."""
    last = list(islice((t for t in reversed(tokens) if t.text != "\n"), 5))
    while len(last) > 2 and last[0].text == ".":
        last = last[1:]  # "REUTER...": the dots after the credit
    last = last[:2]
    if len(last) == 2 and last[0].text.isupper() and last[0].text.isalpha() and len(last[0].text) > 1:
        if last[1].text in (".", "!", "?", '"', "”"):
            last[0].skip = True


_DIGIT = re.compile(r"\d")


def _mark_line(line: list[Token], digits: bool = True) -> None:
    """Flag all-capitals lines (wire headlines) and results rows, whose capitals mean something else."""
    joined = "".join(t.text for t in line if t.text[0].isalpha())
    capitals = sum(map(str.isupper, joined))  # map over the characters: C speed
    letters = capitals + sum(map(str.islower, joined))
    words = [t for t in line if t.text[0].isalpha() and len(t.text) > 1]
    shouted = (letters >= 12 and capitals > 0.8 * letters) or (len(words) >= 2 and capitals == letters)
    if shouted or _title_case(line, words):
        for token in line:
            token.shouting = True
    if digits:
        _mark_results_row(line)


def _title_case(line: list[Token], words: list[Token]) -> bool:
    """A headline in Title Case ("Biden Says He Will Visit Tokyo Next Week"): a short line without figures,
    nearly every word of four letters or more capitalised, and among the capitalised words at least two that
    prose writes in lower case ("He", "Will", "In"). Its capitals say no more than an all-capitals line's; a
    row of names ("Prime Minister Narendra Modi and President Joe Biden") has no such words, and a table of
    names and scores has figures."""
    if not 4 <= len(words) <= 20 or any(_DIGIT.search(t.text) for t in line):
        return False
    long = [t.text for t in words if len(t.text) >= 4]
    if not long or sum(w[0].isupper() for w in long) < 0.8 * len(long):
        return False
    lowered = sum(1 for t in words if t.text[0].isupper() and t.text.lower() in FUNCTION_WORDS)
    return lowered >= 2


def _mark_results_row(line: list[Token]) -> None:
    """ "Stoke 2 Barnsley 0", "CHICAGO 71 64 .526 10": each name in such a row is followed by a score, and
    there are two sides, or one side with several figures ("Pay April 15" is no result)."""
    if not line or not line[0].text[0].isupper() or not any(_SCORE.match(t.text) for t in line):
        return
    names: list[list[Token]] = []
    scores = 0
    i = 0
    while i < len(line):
        token = line[i]
        if token.text[0].isupper():
            j = i
            while j < len(line) and (line[j].text[0].isupper() or fold(line[j].text) in CONNECTORS):
                j += 1
            if any(fold(t.text) in _MONTHS for t in line[i:j]):
                return  # a date, not a side
            names.append(line[i:j])
            if j < len(line) and line[j].text == "(":  # "Red Star ( Yugoslavia ) 70"
                close = next((k for k in range(j, min(j + 6, len(line))) if line[k].text == ")"), None)
                j = close + 1 if close is not None else j
            if j >= len(line) or not _SCORE.match(line[j].text):
                return
            i = j
        elif token.text[0].isalpha() and fold(token.text) not in _ROW_WORDS:
            return  # prose, not a table
        else:
            scores += bool(_SCORE.match(token.text))
            i += 1
    if len(names) < 2 and scores < 2:
        return
    for name in names:
        for token in name:
            token.team = True


def capitalised(token: Token) -> bool:
    text = token.text
    first = text[0]
    if not (first.isupper() or (first == "@" and len(text) > 1)):
        return False  # most words, at once
    return not token.skip and (text.isalpha() or not CODE_WITH_DIGITS.match(text))


CODE_WITH_DIGITS = re.compile(r"^(?=(?:.*[A-Za-z]){3})(?=.*\d)")  # "MAY7", "JUL8": codes, never names ("G7" is)

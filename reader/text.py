"""Plain-text helpers for article bodies: safe display, paragraphs, subheadings and headlines.

Article text is untrusted. Everything here keeps character offsets stable, so that name spans
computed on the stored body still point at the right characters in what is displayed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

# C0 controls (except tab and newline), DEL and C1 controls become visible one-character stand-ins,
# so an ESC sequence shows as "␛[31m" instead of recolouring the terminal, and offsets do not move.
_CONTROL_PICTURES = {code: chr(0x2400 + code) for code in range(0x20) if code not in (0x09, 0x0A)}
_CONTROL_PICTURES[0x7F] = "\u2421"  # ␡
_CONTROL_PICTURES.update({code: "\ufffd" for code in range(0x80, 0xA0)})
# Lone surrogates (a file name that is not UTF-8, a JSON "\\udc80") cannot be written to a terminal or a
# database: each becomes "�". Bidirectional overrides and isolates would reorder the text around them on
# screen: each becomes a visible "⸢" stand-in, so the line reads as stored.
_CONTROL_PICTURES.update({code: "\ufffd" for code in range(0xD800, 0xE000)})
_CONTROL_PICTURES.update({code: "\u2e22" for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))})
# A zero-width joiner fuses emoji into one glyph whose width terminals and Rich disagree on (👩‍👩‍👧 is 2 cells
# on screen, 6 by Rich's count), which pushes a row's border out: it becomes a zero-width space, so each emoji
# is drawn alone, at the width Rich counts.
_CONTROL_PICTURES[0x200D] = "\u200b"
# Flags (pairs of regional indicators) and skin-tone modifiers are drawn 1, 2 or 4 cells wide depending on
# the terminal: a flag becomes its two letters ("JP"), a skin tone a zero-width space.
_CONTROL_PICTURES.update({code: chr(ord("A") + code - 0x1F1E6) for code in range(0x1F1E6, 0x1F200)})
_CONTROL_PICTURES.update({code: "\u200b" for code in range(0x1F3FB, 0x1F400)})


def _character_class(codes: Iterable[int]) -> str:
    """A regular expression's class of these characters, as runs ("[a-cx]")."""
    runs: list[list[int]] = []
    for code in sorted(codes):
        if runs and code == runs[-1][1] + 1:
            runs[-1][1] = code
        else:
            runs.append([code, code])
    return "[" + "".join(re.escape(chr(a)) + ("-" + re.escape(chr(b)) if b > a else "") for a, b in runs) + "]"


_CONTROL_RE = re.compile(_character_class(_CONTROL_PICTURES))  # exactly what `displayable` replaces
_MARK = "[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]"  # combining marks
_STACKED_MARKS = re.compile(f"({_MARK}{{2}}){_MARK}+")
_SURROGATES = re.compile("[\ud800-\udfff]")


def without_surrogates(text: str) -> str:
    """`text` with any lone surrogate replaced by "�" (nothing else changes: offsets stay)."""
    return _SURROGATES.sub("\ufffd", text) if _SURROGATES.search(text) else text


def displayable(text: str) -> str:
    """Return `text` with terminal control characters replaced one-for-one by visible symbols."""
    if not _CONTROL_RE.search(text):
        return text
    return text.translate(_CONTROL_PICTURES)


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """ "1 article", "5 articles" ("1 entry", "5 entries" with `plural`): a count with its noun, for messages."""
    return f"{count:,} {noun if count == 1 else plural or noun + 's'}"


def one_line(text: str) -> str:
    """Collapse all whitespace runs to single spaces (for list rows and headlines) and make it safe: at most
    two combining marks on a letter (a stack of dozens overflows the row above and below)."""
    return displayable(_STACKED_MARKS.sub(r"\1", " ".join(text.split())))


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A paragraph of a body, as offsets into it; `heading` marks short title-like lines."""

    start: int
    end: int
    heading: bool


_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n\s*")
_HEADING_MAX_WORDS = 9
_HEADING_MAX_CHARS = 70


def is_subheading(line: str) -> bool:
    """A short line with no closing punctuation, such as "Expected Agenda", reads as a subheading."""
    line = line.strip()
    if not line or "\n" in line or len(line) > _HEADING_MAX_CHARS:
        return False
    if len(line.split()) > _HEADING_MAX_WORDS:
        return False
    if line[-1] in ".!?,;:\"'”’)…-–—":
        return False
    return line[0].isupper() or line[0].isdigit()


def paragraphs(body: str) -> list[Paragraph]:
    """Split a body at blank lines, keeping offsets into `body`."""
    result: list[Paragraph] = []
    start = 0
    for brk in _PARAGRAPH_BREAK.finditer(body):
        _append_paragraph(result, body, start, brk.start())
        start = brk.end()
    _append_paragraph(result, body, start, len(body))
    # A lone short line as the whole body is text, not a subheading.
    if len(result) == 1 and result[0].heading:
        result[0] = Paragraph(result[0].start, result[0].end, False)
    return result


def _append_paragraph(result: list[Paragraph], body: str, start: int, end: int) -> None:
    while start < end and body[start].isspace():
        start += 1
    while end > start and body[end - 1].isspace():
        end -= 1
    if start < end:
        result.append(Paragraph(start, end, is_subheading(body[start:end])))


@dataclass(frozen=True, slots=True)
class Block:
    """A block of text as it is read: `pieces` of the body (offsets) joined by `joiner`. Prose has its hard
    line breaks undone (joined by a space, to be wrapped at the pane's width); a table, a list of short lines
    or a preformatted block keeps its lines as written (joined by a line break)."""

    pieces: tuple[tuple[int, int], ...]
    joiner: str
    heading: bool = False

    def text(self, body: str) -> str:
        return self.joiner.join(body[start:end] for start, end in self.pieces)

    def place(self, offset: int) -> int | None:
        """Where the body's character at `offset` is in `text()`, or None when it is not shown (a line break
        or indentation given up to the joiner)."""
        at = 0
        for start, end in self.pieces:
            if start <= offset <= end:
                return at + offset - start
            at += end - start + len(self.joiner)
        return None


_PROSE_LINE = 45  # characters: hard-wrapped prose fills its lines (Reuters: 60-70); a table row rarely does
_COLUMNS = re.compile(r"\S {2,}\S|\t")  # spaces that line up columns


def blocks(body: str) -> list[Block]:
    """The body's paragraphs as they are read: split at blank lines and, inside one, at an indented line (wire
    copy starts a paragraph with an indent rather than a blank line; " Reuter" ends it); prose reflowed,
    tables kept."""
    result: list[Block] = []
    for paragraph in paragraphs(body):
        if "\n" not in body[paragraph.start : paragraph.end]:
            result.append(Block(((paragraph.start, paragraph.end),), " ", paragraph.heading))
            continue
        runs: list[list[tuple[int, int, int]]] = []  # lines (start of text, end, indent), a run per paragraph
        at = paragraph.start
        for line in body[paragraph.start : paragraph.end].split("\n"):
            stripped = line.strip()
            indent = len(line) - len(line.lstrip())
            if stripped:
                start = at + indent
                entry = (start, start + len(stripped), indent)
                if not runs or indent >= 1:
                    runs.append([entry])
                else:
                    runs[-1].append(entry)
            at += len(line) + 1
        kept: list[tuple[int, int]] = []
        for run in runs:
            if _prose(body, run):
                if kept:
                    result.append(Block(tuple(kept), "\n"))
                    kept = []
                result.append(Block(tuple((start, end) for start, end, _ in run), " "))
            else:  # as written, with each line's indentation
                kept.extend((start - indent, end) for start, end, indent in run)
        if kept:
            result.append(Block(tuple(kept), "\n"))
    return result


def _prose(body: str, run: list[tuple[int, int, int]]) -> bool:
    """Lines of running text: two in three of them long (but for the last, which ends a paragraph, and the first,
    which a wire record's dateline may have cut short: "Standard Oil Co and BP North America" above "Inc said
    ..."), none with columns lined up by spaces."""
    if any(_COLUMNS.search(body[start:end]) for start, end, _ in run):
        return False
    filled = run[:-1] or run
    if len(filled) >= 2 and filled[0][1] - filled[0][0] < _PROSE_LINE:
        filled = filled[1:]
    return 3 * sum(1 for start, end, _ in filled if end - start >= _PROSE_LINE) >= 2 * len(filled)


# Words after which a full stop does not end a sentence: titles and common abbreviations.
ABBREVIATIONS = frozenset(
    """
    dr mr mrs ms mx prof sir gen lt col maj capt cmdr adm sgt cpl gov sen rep rev fr hon pres supt insp
    st jr sr inc corp co ltd plc llc bros no nos vs etc approx dept est fig vol op cf al
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun
    mt ft ave blvd rd
    """.split()
)

_SENTENCE_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9])")
HEADLINE_MAX = 160


def first_sentence(text: str) -> str:
    """The first sentence of `text`, not fooled by "Dr S Jaishankar", "U. Khurelsukh" or "U.S."."""
    text = text.strip()
    first_para = paragraphs(text)
    if first_para:
        text = text[first_para[0].start : first_para[0].end]
    for match in _SENTENCE_END.finditer(text):
        if match.group().startswith(".") and _ends_with_abbreviation(text, match.start()):
            continue
        return text[: match.end()].strip()
    return text


def _ends_with_abbreviation(text: str, dot: int) -> bool:
    word = re.search(r"([A-Za-z][A-Za-z.]*)$", text[:dot])
    if word is None:
        return False
    token = word.group(1)
    if len(token) == 1 and token.isupper():
        return True  # an initial: "U. Khurelsukh", "S. Jaishankar"
    if "." in token:
        return True  # "U.S", "e.g", "a.m"
    return token.lower() in ABBREVIATIONS


def _untitled_headline(body: str) -> str:
    """What a person would take as the headline of a body without a title: a first line in capitals (a wire
    record's "BERKEY INC <BKY> 4TH QTR NET" above its dateline) alone, else the first sentence."""
    sentence = first_sentence(body)
    first_line = body.strip().split("\n", 1)[0].strip()
    if "\n" in sentence and any(c.isalpha() for c in first_line) and not any(c.islower() for c in first_line):
        return first_line
    return sentence


def headline(title: str | None, body: str) -> str:
    """The title if there is one, else the body's first sentence, on one line and of readable length."""
    text = one_line(title) if title and title.strip() else one_line(_untitled_headline(body))
    if len(text) <= HEADLINE_MAX:
        return text
    cut = text.rfind(" ", 0, HEADLINE_MAX - 1)
    return text[: cut if cut > 40 else HEADLINE_MAX - 1].rstrip(" ,;:") + "…"

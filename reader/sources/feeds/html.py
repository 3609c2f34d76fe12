"""Entry HTML into text to read: paragraphs, headings, list items, quotes and preformatted blocks keep their
shape; links become numbered references listed at the end; images become "[image: alt]"; scripts, styles
and comments are dropped. selectolax (the lexbor HTML5 parser, in C) reads it as a browser would, however
broken; walking its tree here costs 60 µs for a typical entry where the standard library's parser took
250 µs. Nothing in the text is ever treated as markup afterwards.
"""

from __future__ import annotations

import re
from html import unescape as _unescape
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

_KEPT_SCHEMES = {"http", "https", "mailto"}
_DROPPED = {"script", "style", "template", "noscript", "head", "title", "iframe", "object", "svg", "math", "select"}
_BLOCKS = {
    "p",
    "div",
    "section",
    "article",
    "header",
    "footer",
    "main",
    "aside",
    "nav",
    "figure",
    "figcaption",
    "table",
    "tr",
    "dl",
    "dt",
    "dd",
    "form",
    "fieldset",
    "address",
    "details",
    "summary",
    "center",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "blockquote",
    "pre",
    "hr",
}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_VOID = {"br", "img", "hr", "input", "meta", "link", "wbr", "source", "area", "col", "embed", "param", "track"}
_BREAK = "\ue000"  # a <br> while whitespace is collapsed
_SPACE = re.compile(r"\s+")
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def to_text(html: str, base: str | None = None) -> tuple[str, list[str]]:
    """The text of `html` and the links it refers to (reference n is links[n-1]), resolved against `base`."""
    if "<" not in html and "&" not in html:  # plain text given as HTML: keep its paragraphs
        return _clean("\n\n".join(" ".join(p.split()) for p in re.split(r"\n\s*\n", html) if p.strip())), []
    if html.count("<") == html.count("<p>") + html.count("</p>") and "\x00" not in html:
        return _paragraphs(html), []  # <p> and </p> its only tags (much of feeds' text): no tree needed
    maker = _TextMaker(base)
    if html.count("<") > MAX_DEPTH:
        html = _shallow(html)
    body = LexborHTMLParser(html).body
    if body is not None:
        maker.walk(body)
    return _clean(maker.text()), maker.links


_PARAGRAPH_TAG = re.compile(r"</?p>")


def _paragraphs(html: str) -> str:
    """What the tree walk makes of HTML whose only tags are <p> and </p> (and no NUL, which the HTML parser
    replaces), in a third of the time: each tag ends a paragraph; text is unescaped as HTML5 says
    (`html.unescape` follows its table and rules)."""
    texts = [" ".join((_unescape(piece) if "&" in piece else piece).split()) for piece in _PARAGRAPH_TAG.split(html)]
    text = "\n\n".join(text for text in texts if text)
    return text if text.isprintable() or all(piece.isprintable() for piece in texts) else _clean(text)


MAX_DEPTH = 256  # elements nested deeper than this lose their tags (not their text)
_TAG = re.compile(r"<(/?)([a-zA-Z][^\s/>]*)[^>]*>")


def _shallow(html: str) -> str:
    """`html` with the tags nested deeper than MAX_DEPTH taken out, their text kept: the HTML parser's work
    grows with the square of the nesting (100,000 nested <div>s took 26 s of CPU), a reader's never needs it."""
    depth = 0
    deep = False
    pieces: list[str] = []
    kept = 0
    for tag in _TAG.finditer(html):
        if tag.group(2).lower() in _VOID or tag.group(0).endswith("/>"):
            continue
        closing = tag.group(1) == "/"
        if not closing:
            depth += 1
        if depth > MAX_DEPTH:
            deep = True
            pieces.append(html[kept : tag.start()])
            kept = tag.end()
        if closing:
            depth = max(depth - 1, 0)
    if not deep:
        return html
    pieces.append(html[kept:])
    return "".join(pieces)


_REFERENCE = re.compile(r"^\[(\d+)\] (\S+)$", re.MULTILINE)


def referenced_links(body: str) -> list[tuple[int, str]]:
    """The numbered links listed at the end of a text made by `to_text` ("Links:", then "[1] URL" lines)."""
    at = body.rfind("\n\nLinks:\n")
    if at < 0:
        return []
    return [(int(number), url) for number, url in _REFERENCE.findall(body[at:])]


def _clean(text: str) -> str:
    return _CONTROLS.sub("", text).strip()


class _TextMaker:
    def __init__(self, base: str | None) -> None:
        self.base = base
        self.blocks: list[str] = []  # finished paragraphs
        self.line: list[str] = []  # the paragraph being written
        self.prefix = ""  # what starts the current paragraph ("• ", "1. ", "## ")
        self.pre = 0
        self.quote = 0
        self.lists: list[list[int]] = []  # open lists: [next number] for <ol>, [] for <ul>
        self.links: list[str] = []
        self._link_numbers: dict[str, int] = {}
        self._open_links: list[int | None] = []

    # Building paragraphs ------------------------------------------------------------------

    def _flush(self) -> None:
        if self.pre:
            text = "".join(self.line).strip("\n")
        else:
            text = " ".join("".join(self.line).split())
            if _BREAK in text:
                text = "\n".join(part.strip() for part in text.split(_BREAK) if part.strip())
        if text:
            paragraph = self.prefix + text
            if self.quote:
                paragraph = "\n".join("> " * self.quote + line for line in paragraph.split("\n"))
            self.blocks.append(paragraph)
        self.line = []
        self.prefix = ""

    def text(self) -> str:
        self._flush()
        body = "\n\n".join(self.blocks)
        if self.links:
            body += "\n\nLinks:\n" + "\n".join(f"[{n}] {link}" for n, link in enumerate(self.links, 1))
        return body

    # The tree, in document order --------------------------------------------------------------

    def walk(self, root: LexborNode) -> None:
        """Visit every node under `root` as start tag, text and end tag, siblings by `next` and children by
        `first_child` (no lists made; a stack of open elements, so nesting has no limit)."""
        open_elements: list[str] = []
        parents: list[LexborNode] = []
        node = root.first_child
        while node is not None or parents:
            if node is None:
                self.handle_endtag(open_elements.pop())
                node = parents.pop().next
                continue
            tag = node.tag or ""
            if tag == "-text":
                self.line.append(node.text_content or "")
            elif not tag.startswith("-") and tag not in _DROPPED:  # not a comment, a script, a style…
                self.handle_starttag(tag, node)
                if tag not in _VOID and (child := node.first_child) is not None:
                    open_elements.append(tag)
                    parents.append(node)
                    node = child
                    continue
                if tag not in _VOID:
                    self.handle_endtag(tag)
            node = node.next

    # Events ---------------------------------------------------------------------------------

    def handle_starttag(self, tag: str, node: LexborNode) -> None:
        if tag in _BLOCKS:
            self._flush()
        if tag == "br":
            self.line.append("\n" if self.pre else _BREAK)
        elif tag in _HEADINGS:
            self.prefix = ""
        elif tag in ("ul", "ol"):
            self.lists.append([1] if tag == "ol" else [])
        elif tag == "li":
            depth = max(len(self.lists) - 1, 0)
            numbering = self.lists[-1] if self.lists else []
            if numbering:
                self.prefix = "  " * depth + f"{numbering[0]}. "
                numbering[0] += 1
            else:
                self.prefix = "  " * depth + "• "
        elif tag == "blockquote":
            self.quote += 1
        elif tag == "pre":
            self.pre += 1
        elif tag == "img":
            alt = " ".join((node.attributes.get("alt") or "").split())
            self.line.append(f" [image: {alt}] " if alt else " [image] ")
        elif tag == "a":
            self._open_links.append(self._number(node.attributes.get("href")))
        elif tag in ("td", "th"):
            self.line.append("  ")

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            number = self._open_links.pop() if self._open_links else None
            if number is not None:
                self.line.append(f" [{number}]")
            return
        if tag in _BLOCKS:
            self._flush()
        if tag in ("ul", "ol") and self.lists:
            self.lists.pop()
        elif tag == "blockquote":
            self.quote = max(self.quote - 1, 0)
        elif tag == "pre":
            self.pre = max(self.pre - 1, 0)

    def _number(self, href: str | None) -> int | None:
        if not href or not href.strip():
            return None
        try:
            link = urljoin(self.base or "", href.strip())
            scheme = urlsplit(link).scheme.lower()
        except ValueError:
            return None
        if scheme not in _KEPT_SCHEMES or href.strip().startswith("#"):
            return None
        number = self._link_numbers.get(link)
        if number is None:
            self.links.append(link)
            number = self._link_numbers[link] = len(self.links)
        return number

"""The shortcuts that make reading a feed cheaper give what the long way gives, for any input."""

from __future__ import annotations

from urllib.parse import urljoin

from hypothesis import given, settings
from hypothesis import strategies as st

from reader.sources.feeds import html
from reader.sources.feeds.parse import _PLAIN_ABSOLUTE

PIECES = ["<p>", "</p>", " ", "\n", "\r\n", "\t", "a", "Zürich", "&amp;", "&lt;", "&nbsp;", "&copy", "&notit;",
          "&#x80;", "&#0;", "&#xD800;", "&bogus;", "&", ">", "\x0b", "\x0c", "\x1f", "\x7f", "\x85", "\u2028",
          "\u200e", "&#10;", "&amp", "x;", "\ufeff", "\x1b[2J"]


def tree_walk(text: str) -> str:
    maker = html._TextMaker(None)
    body = html.LexborHTMLParser(text).body
    if body is not None:
        maker.walk(body)
    return html._clean(maker.text())


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=14).map("".join))
def test_html_of_paragraphs_alone_is_read_as_the_html_parser_reads_it(text: str) -> None:
    if "<" in text or "&" in text:  # else it is plain text, read as such
        assert html.to_text(text)[0] == tree_walk(text)


URL_PIECES = ["http://", "https://", "HTTP://", "a", "b.example", "/", "//", "?", "#", ";", "=", "&", "%20", "..",
              ".", "@", ":", "80", "[", "]", "\\", " ", "\t", "é", "~"]


@settings(max_examples=600, deadline=None)
@given(
    st.sampled_from(["http://feed.example/f/x.xml", "https://feed.example/", "http://127.0.0.1:8000/feed/1.xml"]),
    st.lists(st.sampled_from(URL_PIECES), min_size=2, max_size=9).map("".join),
)
def test_a_link_kept_as_written_is_what_urljoin_makes_of_it(base: str, link: str) -> None:
    if link.isascii() and _PLAIN_ABSOLUTE.fullmatch(link):
        assert urljoin(base, link) == link

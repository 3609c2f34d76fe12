"""The reading pane: the open article's headline, date, source and body, with names highlighted."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from rich.text import Text
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from reader.articles import Article, age
from reader.library import Library
from reader.sources.files import display_path
from reader.text import blocks, displayable, first_sentence, headline, one_line
from reader.tui.widgets.article_list import source_of

NAME_STYLES = {
    "person": "reading-pane--person",
    "place": "reading-pane--place",
    "organization": "reading-pane--organization",
}


class ReadingPane(VerticalScroll, can_focus=True):
    """Scrolls with the arrows, j/k and Page keys; Space is handled by the app (page, then next unread)."""

    BINDINGS = [
        Binding("j", "scroll_down", "Scroll down", show=False),
        Binding("k", "scroll_up", "Scroll up", show=False),
        Binding("g", "scroll_home", "Top", show=False),
        Binding("G", "scroll_end", "Bottom", show=False),
        Binding("h,left,backspace", "app.back_to_list", "Back to the list", show=False),  # as in newsboat and mutt
    ]
    COMPONENT_CLASSES = {
        "reading-pane--headline",
        "reading-pane--meta",
        "reading-pane--subheading",
        "reading-pane--person",
        "reading-pane--place",
        "reading-pane--organization",
        "reading-pane--hint",
        "reading-pane--story",
        "reading-pane--match",
    }

    def __init__(self, library: Library, now: Callable[[], datetime], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.library = library
        self.now = now
        self.article: Article | None = None
        self.body = Static(id="article-text", markup=False)
        self._shown: Text | None = None
        self.feeds = False  # the collection is the subscribed feeds'
        self.feed_titles: dict[str, str] = {}  # by URL, made safe to show
        self.search_words: list[str] = []  # the list's search: its matches are marked in the article
        self.matches: list[int] = []  # where they are in the text shown (offsets)
        self._match = -1  # the one last jumped to

    def compose(self):  # type: ignore[no-untyped-def]
        yield self.body

    def on_mount(self) -> None:
        self.border_title = "Article"
        self._update(self._welcome())

    def show(self, article: Article | None) -> None:
        scroll_home = article is None or self.article is None or article.id != self.article.id
        self.article = article
        self._update(self._render_article(article) if article else self._welcome())
        if scroll_home:
            self.scroll_home(animate=False)

    def refresh_names(self) -> None:
        self._update(self._render_article(self.article) if self.article is not None else self._welcome())

    def _update(self, text: Text) -> None:
        # The welcome is made again at every change to the list, and its counts rarely change with it:
        # the same text is not laid out and drawn again.
        if text != self._shown:
            self._shown = text
            self.body.update(text)

    @property
    def at_end(self) -> bool:
        return self.scroll_y >= self.max_scroll_y

    def _style(self, name: str):  # type: ignore[no-untyped-def]
        return self.get_component_rich_style(name, partial=True)

    def _render_article(self, article: Article) -> Text:
        text = Text()
        # With no title of its own, the headline is the body's first sentence: it is shown once, in the body,
        # in the headline's style, rather than twice.
        lead = first_sentence(article.body) if article.title == headline(None, article.body) else ""
        if not lead:
            text.append(one_line(article.title), self._style("reading-pane--headline"))
            text.append("\n")
        if self.library.is_starred(article):
            text.append("★ starred  ", self._style("reading-pane--story"))
        if article.published is not None:
            when = f"{article.published:%A %-d %B %Y} · {age(article.published, self.now())}"
        else:
            when = "undated"
        if article.feed is not None:
            where = self.feed_titles.get(article.feed) or article.feed
        else:
            where = display_path(article.path) + (f", line {article.line}" if article.line else "")
            if article.outlet is not None:
                where = f"{one_line(article.outlet)} · {where}"
        if article.link:
            where += f" · {article.link}  (o opens it)"
        text.append(f"{when}\n{displayable(where)}", self._style("reading-pane--meta"))
        if article.note:
            text.append(f"\n⚠ {displayable(article.note)}", self._style("reading-pane--meta"))
        self._append_versions(text, article)
        thread = self.library.thread(article)
        if thread is not None:
            where_in = f"Story {thread.position(article.id) + 1} of {len(thread.articles)}: "
            text.append("\n" + where_in, self._style("reading-pane--story"))
            text.append(displayable(thread.title), self._style("reading-pane--story"))
            text.append("  ([ ] move, t timeline)", self._style("reading-pane--hint"))
        text.append("\n\n")
        spans = sorted(
            (start, end, entity.kind)
            for entity, found in self.library.names_in(article)
            for start, end in found.spans
        )
        body = article.body
        for number, block in enumerate(blocks(body)):
            if number:
                text.append("\n\n")
            offset = len(text)
            style = self._style("reading-pane--subheading") if block.heading else ""
            text.append(displayable(block.text(body)), style)  # prose reflowed to the pane's width
            if number == 0 and lead:
                start = block.pieces[0][0]
                shown = block.place(start + len(lead)) if body.startswith(lead, start) else None
                if shown is not None:
                    text.stylize(self._style("reading-pane--headline"), offset, offset + shown)
            first, last = block.pieces[0][0], block.pieces[-1][1]
            for start, end, kind in spans:
                if start >= first and end <= last:
                    shown_start, shown_end = block.place(start), block.place(end)
                    if shown_start is not None and shown_end is not None:
                        text.stylize(self._style(NAME_STYLES[kind]), offset + shown_start, offset + shown_end)
        self._append_related(text, article)
        self._mark_matches(text)
        return text

    def _mark_matches(self, text: Text) -> None:
        """Mark where the search's words begin a word, as the list found them."""
        from reader.analysis.words import word_start

        self.matches, self._match = [], -1
        if not self.search_words:
            return  # no search: nothing to look for (the article's whole text need not be made again)
        plain = text.plain
        found: set[tuple[int, int]] = set()
        for word in self.search_words:
            found.update((m.start(), m.end()) for m in word_start(word).finditer(plain))
        style = self._style("reading-pane--match")
        for start, end in found:
            text.stylize(style, start, end)
        self.matches = sorted(start for start, _ in found)

    def jump_to_match(self, step: int) -> tuple[int, int] | None:
        """Scroll to the next (or previous) match; returns (which, of how many), or None when there is none."""
        if not self.matches or self._shown is None:
            return None
        self._match = (self._match + step) % len(self.matches)
        line = self._line_of(self.matches[self._match])
        self.scroll_to(y=max(0, line - 2), animate=False)
        return self._match + 1, len(self.matches)

    def _line_of(self, offset: int) -> int:
        """The screen line (in the pane's content) that shows the character at `offset`."""
        assert self._shown is not None
        width = max(1, self.scrollable_content_region.width)
        plain = self._shown.plain
        at = 0
        for number, line in enumerate(self._shown.wrap(self.app.console, width)):
            start = plain.find(line.plain, at) if line.plain else at
            if start < 0:
                continue
            if offset < start + len(line.plain) or (not line.plain and offset == start):
                return number
            at = start + len(line.plain)
        return 0

    def _append_versions(self, text: Text, article: Article) -> None:
        """The story's other versions (copies from other sources), to read with V."""
        group = self.library.copy_group(article)
        if group is None:
            return
        others = [source_of(a, self.feed_titles) for a in map(self.library.article, group)
                  if a is not None and a is not article]
        text.append("\nAlso in: ", self._style("reading-pane--story"))
        text.append(displayable(" · ".join(others)), self._style("reading-pane--story"))
        text.append("  (V the next version)", self._style("reading-pane--hint"))

    def _append_related(self, text: Text, article: Article) -> None:
        related = self.library.related_articles(article)
        if not related:
            return
        text.append("\n\nRelated stories", self._style("reading-pane--subheading"))
        text.append("  (R opens them in a view of their own)", self._style("reading-pane--hint"))
        for found, other in related:
            text.append(f"\n{other.iso_date or 'undated'}  ", self._style("reading-pane--meta"))
            text.append(one_line(other.title))
            if found.shared:
                text.append("  shares " + displayable(", ".join(found.shared)), self._style("reading-pane--hint"))

    def _welcome(self) -> Text:
        total = len(self.library)
        unread = self.library.unread_count()
        text = Text()
        text.append("reader\n", self._style("reading-pane--headline"))
        threads = self.library.story_count()
        noun = "story" if threads == 1 else "stories"
        grouped = f"{threads:,} {noun} told in two or more articles.\n" if threads is not None else ""
        text.append(f"{total:,} articles, {unread:,} unread.\n{grouped}\n", self._style("reading-pane--meta"))
        text.append(
            "Enter opens the article under the cursor; n opens the next unread one.\n"
            "Space pages through an article, then moves on to the next unread.\n"
            "Tab moves between the list, this pane and the names; ? lists every key.",
            self._style("reading-pane--hint"),
        )
        if self.feeds:
            text.append(
                "\n\nr fetches every feed now (they are fetched every 30 minutes too); o opens an article's link.\n"
                "Choose a feed in the sidebar to read only its articles.",
                self._style("reading-pane--hint"),
            )
        else:
            text.append(
                "\n\nTo read the news from the web, subscribe to feeds in a shell:\n"
                "  reader feeds add https://example.org/feed.xml   (or a site's address: its feed is found)\n"
                "  reader feeds import subscriptions.opml\n"
                "then start reader with no PATH.",
                self._style("reading-pane--hint"),
            )
        return text

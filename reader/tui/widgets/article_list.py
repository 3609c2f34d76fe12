"""The article list: date and headline of every article in the current view, unread ones marked."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.message import Message

from reader.articles import Article
from reader.library import Library
from reader.sources.files import display_path
from reader.text import one_line
from reader.tui.widgets.virtual_list import VirtualList

UNREAD_MARK = "●"
MARK_FROM = 14  # the cell where a row's headline (or its versions' mark) starts: "● 2022-09-09  "
SPELT_OUT_FROM = 60  # cells: from this width a story's versions are "3 sources", below it "3"


def source_of(article: Article, feed_titles: dict[str, str]) -> str:
    """Where a version of a story comes from, in a few words: its feed's title, the outlet its record names,
    or its file's name."""
    if article.feed is not None:
        title = feed_titles.get(article.feed)
        return one_line(title) if title else urlsplit(article.feed).hostname or one_line(article.feed)
    if article.outlet is not None:
        return one_line(article.outlet)
    return display_path(article.path).rsplit("/", 1)[-1]


class ArticleList(VirtualList):
    """The left pane. Virtual: only the rows on screen are ever drawn."""

    BINDINGS = [Binding("l,right", "choose", "Open", show=False)]  # as in newsboat and mutt
    COMPONENT_CLASSES = VirtualList.COMPONENT_CLASSES | {
        "article-list--unread",
        "article-list--read",
        "article-list--date",
        "article-list--mark",
    }

    @dataclass
    class Opened(Message):
        """The user chose an article to read (Enter or a click)."""

        article: Article

    def __init__(self, library: Library, *, id: str | None = None, versions: bool = True) -> None:
        """`versions`: a story's copies are listed once, by the row of the first one (the library's view leaves
        the others out), which `v` unfolds; False where every article is listed (the timeline)."""
        super().__init__(id=id)
        self.library = library
        self.articles: list[Article] = []
        self.versions = versions
        self.feed_titles: dict[str, str] = {}  # by URL, to say where the versions unfolded come from
        self._listed: list[Article] = []  # what the library's view gave, before any story is unfolded
        self._unfolded: set[str] = set()  # stories shown with their versions, by the first id of their group
        self._under: dict[str, str] = {}  # a version's id, on a row of its own -> the first id of its group

    def show(self, articles: list[Article], keep: Article | None = None) -> None:
        """Show `articles`, keeping the cursor on `keep` if it is still listed, on the same line of the screen."""
        line = self.cursor - round(self.scroll_offset.y)
        self._listed = articles
        self.articles = self._with_versions(articles)
        position = self.position(keep) if keep is not None else None
        self.set_row_count(len(self.articles), position or 0)
        if position is not None and line > 0:
            self.scroll_to(y=max(0, position - line), animate=False, immediate=True)

    @property
    def current(self) -> Article | None:
        return self.articles[self.cursor] if self.articles else None

    def position(self, article: Article) -> int | None:
        """Where `article` is in the list, or None if the current view leaves it out."""
        try:
            return self.articles.index(article)  # articles compare by identity: a scan in C
        except ValueError:
            return None

    def move_to(self, article: Article) -> bool:
        position = self.position(article)
        if position is not None:
            self.cursor = position
        return position is not None

    # A story's versions --------------------------------------------------------------------------

    def group_of(self, article: Article) -> tuple[str, ...] | None:
        """The ids of the versions the article's row stands for (itself first listed among them), when its row
        is a story's and not one version's unfolded under it; None for an article with no copies."""
        if not self.versions or article.id in self._under:
            return None
        return self.library.copy_group(article)

    def is_version_row(self, article: Article) -> bool:
        """The article is on a row of its own under its story's row (unfolded)."""
        return article.id in self._under

    def row_articles(self, article: Article) -> list[Article]:
        """What a mark on the article's row marks: every version of a story's row, or the one article."""
        group = self.group_of(article)
        if group is None:
            return [article]
        return [found for found in map(self.library.article, group) if found is not None]

    def toggle_versions(self) -> bool:
        """Unfold the story under the cursor into a row per version, or fold it back (from any of its rows);
        False when the article has no other version."""
        article = self.current
        if article is None:
            return False
        first = self._under.get(article.id)
        if first is None:
            group = self.group_of(article)
            if group is None:
                return False
            first = group[0]
        if first in self._unfolded:
            self._unfolded.discard(first)
            place = self._place_in(self._listed)
            versions = [a for a in map(self.library.article, self.library.copy_group(article) or ()) if a is not None]
            story = next((a for a in versions if place(a) is not None), article)
            self.show(self._listed, keep=story)
        else:
            self._unfolded.add(first)
            self.show(self._listed, keep=article)
        return True

    def _with_versions(self, listed: list[Article]) -> list[Article]:
        """`listed` with the versions of each unfolded story on rows under the story's row."""
        self._under = {}
        if not self.versions or not self._unfolded:
            return listed
        rows = list(listed)  # the library's view is shared: never changed in place
        for first in list(self._unfolded):
            story = self.library.article(first)
            group = self.library.copy_group(story) if story is not None else None
            members = [a for a in map(self.library.article, group or ()) if a is not None]
            place = next((p for p in map(self._place_in(rows), members) if p is not None), None)
            if group is None or place is None:
                self._unfolded.discard(first)  # no longer a story of copies, or not listed now
                continue
            shown = rows[place]
            versions = [a for a in members if a is not shown]
            rows[place + 1 : place + 1] = versions
            self._under.update((a.id, first) for a in versions)
        return rows

    @staticmethod
    def _place_in(rows: list[Article]) -> Callable[[Article], int | None]:
        def place(article: Article) -> int | None:
            try:
                return rows.index(article)
            except ValueError:
                return None

        return place

    # Rows -----------------------------------------------------------------------------------------

    def is_row_read(self, article: Article) -> bool:
        """A story's row is read when every version is."""
        group = self.group_of(article)
        if group is None:
            return self.library.is_read(article)
        return all(self.library.read.is_read(article_id) for article_id in group)

    def render_row(self, index: int, width: int) -> Text:
        article = self.articles[index]
        read = self.is_row_read(article)
        mark = self.get_component_rich_style("article-list--mark")
        row = Text(no_wrap=True)
        row.append(" " if read else UNREAD_MARK, mark)
        row.append(" ")
        row.append(article.iso_date or "undated   ", self.get_component_rich_style("article-list--date"))
        row.append("  ")
        style = self.get_component_rich_style("article-list--read" if read else "article-list--unread")
        group = self.group_of(article)
        if group is not None:
            fold = "▾" if group[0] in self._unfolded else "▸"
            row.append(f"{fold} {len(group)} sources  " if width >= SPELT_OUT_FROM else f"{fold}{len(group)} ", mark)
        elif article.id in self._under:
            row.append("  ↳ ", mark)
            row.append(source_of(article, self.feed_titles) + ": ", self.get_component_rich_style("article-list--date"))
        if self.library.is_starred(article):
            row.append("★ ", mark)
        row.append(article.title, style)  # plain text, never markup
        return row

    def choose(self, index: int) -> None:
        self.post_message(self.Opened(self.articles[index]))

    def on_click(self, event: events.Click) -> None:
        """A click on a story's "▸ 3 sources" unfolds (or folds) it; elsewhere on a row, it opens the article."""
        offset = event.get_content_offset(self)
        index = event.y + round(self.scroll_offset.y)
        if offset is not None and 0 <= index < self.row_count and offset.x >= MARK_FROM:
            article = self.articles[index]
            group = self.group_of(article)
            wide = self.scrollable_content_region.width >= SPELT_OUT_FROM
            if group is not None and offset.x < MARK_FROM + (11 if wide else 3):
                event.prevent_default()
                event.stop()
                self.cursor = index
                self.toggle_versions()
        # otherwise the list's own click (the base class's handler) opens the row

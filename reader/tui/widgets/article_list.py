"""The article list: date and headline of every article in the current view, unread ones marked."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.message import Message

from reader.articles import Article
from reader.library import Library
from reader.tui.widgets.virtual_list import VirtualList

UNREAD_MARK = "●"


class ArticleList(VirtualList):
    """The left pane. Virtual: only the rows on screen are ever drawn."""

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

    def __init__(self, library: Library, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.library = library
        self.articles: list[Article] = []

    def show(self, articles: list[Article], keep: Article | None = None) -> None:
        """Show `articles`, keeping the cursor on `keep` if it is still listed, on the same line of the screen."""
        line = self.cursor - round(self.scroll_offset.y)
        self.articles = articles
        position = self.position(keep) if keep is not None else None
        self.set_row_count(len(articles), position or 0)
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

    def render_row(self, index: int, width: int) -> Text:
        article = self.articles[index]
        read = self.library.is_read(article)
        row = Text(no_wrap=True)
        row.append(" " if read else UNREAD_MARK, self.get_component_rich_style("article-list--mark"))
        row.append(" ")
        row.append(article.iso_date or "undated   ", self.get_component_rich_style("article-list--date"))
        row.append("  ")
        style = "article-list--read" if read else "article-list--unread"
        if self.library.is_starred(article):
            row.append("★ ", self.get_component_rich_style("article-list--mark"))
        row.append(article.title, self.get_component_rich_style(style))  # plain text, never markup
        return row

    def choose(self, index: int) -> None:
        self.post_message(self.Opened(self.articles[index]))

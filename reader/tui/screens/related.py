"""The `R` screen: the open article's related stories in a view of their own, each headline whole (wrapped), with
how close it is and what it shares; Enter opens one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from reader.articles import Article
from reader.library import Library
from reader.text import counted, one_line

if TYPE_CHECKING:
    from reader.analysis.stories import Related


class RelatedScreen(ModalScreen[Article | None]):
    """The related stories, readable at any width (the sidebar has room for a few words of each). A handful of
    rows (8 at most), so an OptionList, which wraps a long headline, serves."""

    BINDINGS = [Binding("escape,q,R", "dismiss_none", "Close")]

    def __init__(self, library: Library, article: Article, related: list[tuple[Related, Article]]) -> None:
        super().__init__()
        self.library = library
        self.article = article
        self.found = related

    def compose(self) -> ComposeResult:
        with Vertical(id="related-box") as box:
            box.border_title = f"Related to: {one_line(self.article.title)}"
            box.border_subtitle = f"{counted(len(self.found), 'article')} · Enter opens · Esc closes"
            yield OptionList(*(self._option(found, other) for found, other in self.found), id="related-list")

    def _option(self, found: Related, article: Article) -> Option:
        row = Text()  # plain text, never markup
        row.append(" " if self.library.is_read(article) else "● ", "bold")
        row.append(f"{article.iso_date or 'undated'}  {round(found.score * 100)}% alike  ", "dim")
        row.append(one_line(article.title), "bold")
        if found.shared:
            row.append("\n  shares: " + " · ".join(one_line(word) for word in found.shared[:8]), "dim")
        return Option(row)

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def _opened(self, message: OptionList.OptionSelected) -> None:
        message.stop()
        self.dismiss(self.found[message.option_index][1])

    def action_dismiss_none(self) -> None:
        self.dismiss(None)

"""The `t` screen: the open article's story thread as a timeline, oldest first, with read state."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen

from reader.articles import Article
from reader.library import Library
from reader.text import counted
from reader.tui.widgets.article_list import ArticleList


class TimelineScreen(ModalScreen[Article | None]):
    """Enter opens an article (closing the timeline); m, T and u change read marks like the main screen."""

    BINDINGS = [
        Binding("escape,q,t", "dismiss_none", "Close"),
        Binding("m", "app.toggle_read", "Read/unread"),
        Binding("T", "app.mark_thread_read", "Mark story read"),
        Binding("u", "app.undo", "Undo"),
    ]

    def __init__(self, library: Library, articles: list[Article], title: str, current: Article) -> None:
        super().__init__()
        self.library = library
        self.articles = articles
        self.story_title = title
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="timeline-box") as box:
            box.border_title = f"Story: {self.story_title} ({counted(len(self.articles), 'article')})"
            box.border_subtitle = "Enter opens · m read/unread · T mark story read · Esc closes"
            yield ArticleList(self.library, id="timeline", versions=False)

    def on_mount(self) -> None:
        timeline = self.query_one(ArticleList)
        timeline.show(self.articles, keep=self.current)
        timeline.focus()

    @on(ArticleList.Opened)
    def _opened(self, message: ArticleList.Opened) -> None:
        message.stop()
        self.dismiss(message.article)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)

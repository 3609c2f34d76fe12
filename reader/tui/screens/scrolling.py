"""A modal screen of text that scrolls with the reader's own keys (j, k, g, G, Space), not only the arrows."""

from __future__ import annotations

from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen


class ScrollingScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,q", "dismiss", "Close"),
        Binding("j,down", "scroll(1)", "Down", show=False),
        Binding("k,up", "scroll(-1)", "Up", show=False),
        Binding("space,pagedown", "page(1)", "Page down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("g,home", "ends(0)", "Top", show=False),
        Binding("G,end", "ends(1)", "End", show=False),
    ]

    @property
    def box(self) -> VerticalScroll:
        return self.query_one(VerticalScroll)

    def action_scroll(self, lines: int) -> None:
        self.box.scroll_relative(y=lines, animate=False)

    def action_page(self, pages: int) -> None:
        self.box.scroll_relative(y=pages * max(1, self.box.scrollable_content_region.height - 1), animate=False)

    def action_ends(self, end: int) -> None:
        if end:
            self.box.scroll_end(animate=False)
        else:
            self.box.scroll_home(animate=False)

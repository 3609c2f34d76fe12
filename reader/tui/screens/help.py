"""The `?` screen: every key, from the same table the bindings are made from."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from reader.tui.keys import KEYS
from reader.tui.screens.scrolling import ScrollingScreen


class HelpScreen(ScrollingScreen):
    BINDINGS = [Binding("question_mark", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        for key in getattr(self.app, "keys", KEYS):  # as the config bound them
            table.add_row(key.label, key.description)
        with VerticalScroll(id="help-box") as box:
            box.border_title = "Keys"
            box.border_subtitle = "j k g G Space scroll · Esc closes"
            yield Static(table)

"""The search box: what it matches filters the list as it is typed; its keys show in the footer."""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import Input


class SearchBox(Input):
    BINDINGS = [
        Binding("enter", "submit", "Back to the list", show=True),
        Binding("down", "submit", "Back to the list", show=False),
        Binding("escape", "app.clear_filters", "Clear the search", show=True),
    ]

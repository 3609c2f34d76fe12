"""The `!` screen: files and lines that could not be read, or loaded with a problem, and why."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from reader.articles import Problem
from reader.sources.files import display_path
from reader.text import displayable
from reader.tui.screens.scrolling import ScrollingScreen


class ProblemsScreen(ScrollingScreen):
    BINDINGS = [Binding("exclamation_mark", "dismiss", "Close")]

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__()
        self.problems = problems

    def compose(self) -> ComposeResult:
        text = Text()
        if not self.problems:
            text.append("Every file loaded cleanly.")
        for problem in self.problems:
            text.append(displayable(display_path(problem.path)), "bold")
            text.append("\n    " + displayable(problem.reason) + "\n")
        with VerticalScroll(id="problems-box") as box:
            box.border_title = f"Problems ({len(self.problems)})"
            box.border_subtitle = "j k g G Space scroll · Esc closes"
            yield Static(text, markup=False)

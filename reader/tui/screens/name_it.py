"""Asks for a name (for a filter to save): Enter keeps it, Esc gives up."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static


class NameItScreen(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "give_up", "Cancel")]

    def __init__(self, question: str, suggestion: str) -> None:
        super().__init__()
        self.question = question
        self.suggestion = suggestion

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box") as box:
            box.border_title = "Save"
            box.border_subtitle = "Enter saves · Esc cancels"
            yield Static(self.question, markup=False)
            yield Input(value=self.suggestion, id="name-it")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _named(self, message: Input.Submitted) -> None:
        message.stop()
        self.dismiss(" ".join(message.value.split()) or None)

    def action_give_up(self) -> None:
        self.dismiss(None)

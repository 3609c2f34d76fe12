"""The `O` screen: the open article's link and the links its text refers to ([1], [2], …); Enter opens one."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from reader.text import displayable


class LinksScreen(ModalScreen[str | None]):
    """Chooses a link to open: Enter (or its number) opens it, Esc closes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,O", "dismiss_none", "Close"),
        *(Binding(str(n), f"open_number({n})", show=False) for n in range(1, 10)),
    ]

    def __init__(self, links: list[tuple[str, str]]) -> None:
        """`links`: (label, URL) pairs, the article's own link first."""
        super().__init__()
        self.links = links

    def compose(self) -> ComposeResult:
        with Vertical(id="links-box") as box:
            box.border_title = "Links"
            box.border_subtitle = "Enter or a number opens · Esc closes"
            options = []
            for label, url in self.links:
                prompt = Text(f"{label}  ", style="bold")
                prompt.append(displayable(url))  # untrusted: never markup, no control characters
                options.append(Option(prompt))
            yield OptionList(*options, id="links")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, message: OptionList.OptionSelected) -> None:
        message.stop()
        self.dismiss(self.links[message.option_index][1])

    def action_open_number(self, number: int) -> None:
        numbered = [url for label, url in self.links if label == f"[{number}]"]
        if numbered:
            self.dismiss(numbered[0])

    def action_dismiss_none(self) -> None:
        self.dismiss(None)

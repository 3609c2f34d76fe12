"""The yardstick: a bare Textual app with a header and a footer, nothing else."""

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header


class BareApp(App[None]):
    TITLE = "bench-bare-app"

    def compose(self) -> ComposeResult:
        yield Header()
        yield Footer()


if __name__ == "__main__":
    BareApp().run()

"""The world outside the reader: a browser for a link, and the config's commands (a browser that runs in this
terminal, a pipe for an article's text), run with the terminal handed to them while they run."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from textual.app import App

T = TypeVar("T")


def browse(app: App[None], link: str, browser: str | None) -> None:
    """The browser opens the link: the config's `browser` command, else $BROWSER or the system's. A browser
    named in either may run in this terminal (w3m, lynx): the reader steps aside until it exits."""
    import os
    import webbrowser

    if browser:
        run_command(app, browser, url=link)
    elif os.environ.get("BROWSER"):
        stepped_aside(app, lambda: webbrowser.open(link))
    else:
        webbrowser.open(link)


def run_command(app: App[None], command: str, *, url: str = "", text: str | None = None) -> int:
    """Run a command from the config (no shell: its words, with {url} standing for the link), the reader
    stepped aside so that it may use the terminal; `text` goes to its standard input. Its exit status."""
    import shlex
    import subprocess

    given = shlex.split(command)
    words = [word.replace("{url}", url) for word in given]
    if url and not any("{url}" in word for word in given):
        words.append(url)
    data = text.encode("utf-8", "replace") if text is not None else None
    return stepped_aside(app, lambda: subprocess.run(words, input=data).returncode)


def stepped_aside(app: App[None], work: Callable[[], T]) -> T:
    """`work`, with the terminal handed back to the shell while it runs (where Textual can do that)."""
    from textual.app import SuspendNotSupported

    try:
        with app.suspend():
            return work()
    except SuspendNotSupported:
        return work()

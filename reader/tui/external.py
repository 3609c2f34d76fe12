"""The world outside the reader: a browser for a link, and the config's commands (a browser that runs in this
terminal, a pipe for an article's text), run with the terminal handed to them while they run."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from textual.app import App

from reader.articles import Article
from reader.config import Config, Settings
from reader.library import Library
from reader.text import displayable
from reader.tui.widgets.article_list import ArticleList

T = TypeVar("T")


class ExternalActions(App[None]):
    """The reader's keys that reach outside it: a link to the browser (`o`, `O`), the clipboard (`y`), the
    article to the config's pipe command (`|`). The app gives the article and the settings."""

    library: Library
    opened: Article | None
    settings: Settings
    config: Config | None
    now: Callable[[], datetime]
    _open_link: Callable[[str], object] | None

    @property
    def article_list(self) -> ArticleList:
        return self.query_one(ArticleList)

    def action_open_link(self) -> None:
        from reader.articles import is_openable

        article = self.opened or self.article_list.current
        link = article.link if article is not None else None
        if not is_openable(link):
            self.notify("This article has no web link to open.", markup=False)
            return
        assert link is not None
        self._open(link)

    def action_links(self) -> None:
        """Every web link of the open article: its own, then the ones its text refers to by number."""
        from reader.articles import is_openable
        from reader.sources.feeds.html import referenced_links
        from reader.tui.screens.links import LinksScreen

        article = self.opened or self.article_list.current
        if article is None:
            return
        links = [("article", article.link)] if article.link else []
        links += [(f"[{number}]", url) for number, url in referenced_links(article.body)]
        links = [(label, url) for label, url in links if is_openable(url)]
        if not links:
            self.notify("This article has no web links.", markup=False)
            return

        def chosen(url: str | None) -> None:
            if url is not None:
                self._open(url)

        self.push_screen(LinksScreen(links), chosen)

    def _open(self, link: str) -> None:
        try:
            if self._open_link is not None:
                opened = self._open_link(link)
            else:
                opened = self._browse(link)
        except Exception as error:  # a browser that cannot start: say so
            self.notify(f"Could not open {displayable(link)}: {error}", severity="error", markup=False)
            return
        if opened is False:  # no browser found (no $BROWSER, no display): the link is shown, and can be copied
            from reader.tui.screens.confirm import ConfirmScreen

            def copy(yes: bool | None) -> None:
                if yes:
                    self.copy_to_clipboard(link)
                    self.notify("Copied the link.", markup=False)

            question = (
                f"No browser opened {displayable(link)}\n(set $BROWSER, or browser under [commands] in the config)."
                "\n\nCopy the link to the clipboard?"
            )
            self.push_screen(ConfirmScreen(question), copy)
            return
        self.notify(f"Opened {displayable(link)}", markup=False)

    def _browse(self, link: str) -> bool:
        return browse(self, link, self.settings.browser)

    def action_copy(self) -> None:
        """y: the article's link to the clipboard (its text when it has none), through the terminal (OSC 52)."""
        article = self.opened or self.article_list.current
        if article is None:
            return
        what = article.link or f"{article.title}\n\n{article.body}"
        self.copy_to_clipboard(what)
        self.notify("Copied the link." if article.link else "Copied the article's text.", markup=False)

    def action_pipe(self) -> None:
        """|: the article as plain text to the config's `pipe` command (a mail or a note tool)."""
        article = self.opened or self.article_list.current
        if article is None:
            return
        if not self.settings.pipe:
            where = self.config.path if self.config is not None else "the config file"
            self.notify(f"No pipe command is set: add one under [commands] in {where}.", markup=False)
            return
        from reader.export import plain_text

        names = [(entity.name, entity.kind) for entity, _ in self.library.names_in(article)]
        try:
            status = run_command(self, self.settings.pipe, text=plain_text(article, names, self.now()))
        except (OSError, ValueError) as error:
            self.notify(f"Could not run {self.settings.pipe!r}: {error}", severity="error", markup=False)
            return
        self.notify(f"Sent to {self.settings.pipe!r}" + (f" (it exited with {status})" if status else "."),
                    markup=False)



def browse(app: App[None], link: str, browser: str | None) -> bool:
    """The browser opens the link: the config's `browser` command, else $BROWSER or the system's. A browser
    named in either may run in this terminal (w3m, lynx): the reader steps aside until it exits. False when
    nothing opened it."""
    import os
    import webbrowser

    if browser:
        return run_command(app, browser, url=link) == 0
    elif os.environ.get("BROWSER"):
        return bool(stepped_aside(app, lambda: webbrowser.open(link)))
    else:
        return bool(webbrowser.open(link))


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

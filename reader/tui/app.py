"""The terminal face of the reader: three panes over a `Library`, driven from the keyboard."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import events, on
from textual.app import App, ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.timer import Timer
from textual.widgets import Footer, Header, Input, Static

from reader.articles import Article
from reader.config import Config, Settings
from reader.library import Library
from reader.query import ListQuery, from_saved, saved_filter
from reader.sources.files import Collection, display_path
from reader.storage.database import StoreError
from reader.storage.read_marks import ReadChange
from reader.text import counted
from reader.tui.background import BackgroundWork
from reader.tui.external import ExternalActions
from reader.tui.keys import app_bindings, rebound
from reader.tui.layout import ONE_PANE_BELOW, layout_for
from reader.tui.palette import ReaderCommands
from reader.tui.widgets.article_list import ArticleList
from reader.tui.widgets.indexing import IndexingBar
from reader.tui.widgets.names_sidebar import NamesSidebar
from reader.tui.widgets.reading_pane import ReadingPane

if TYPE_CHECKING:  # stories load with the analysis, off the start-up path; feeds with the first refresh

    from reader.analysis.stories import Thread

REFRESH_EVERY = 30 * 60  # seconds: feeds are fetched on start when the last refresh is older, and this often
CONFIRM_OVER = 50  # marking more articles than this at once asks first
PANES = ("list", "article", "names")
TYPING_PAUSE = 0.2  # seconds without a key before a big archive is searched
TYPING_PAUSE_FROM = 50_000  # articles; smaller collections are searched at every key


class ReaderApp(BackgroundWork, ExternalActions):
    """Article list, reading pane and names sidebar, with read marks saved as they change."""

    CSS_PATH = "reader.tcss"
    TITLE = "reader"
    BINDINGS: ClassVar[list[BindingType]] = [*app_bindings()]
    COMMANDS = App.COMMANDS | {ReaderCommands}

    def __init__(
        self,
        library: Library,
        *,
        warnings: Sequence[str] = (),
        now: Callable[[], datetime] = datetime.now,
        loading: Iterator[Collection] | None = None,
        feeds: bool = False,
        refresh_every: float = REFRESH_EVERY,
        open_link: Callable[[str], object] | None = None,
        config: Config | None = None,
    ) -> None:
        """`loading`: the rest of the collection, in batches, read while the list already shows the first.
        `feeds`: the collection is the subscribed feeds' (refreshed on start when the last refresh is older
        than `refresh_every` seconds, and that often while the reader runs). `open_link` opens a web link
        (the browser, by default). `config`: the settings file (None: the defaults, never saved)."""
        super().__init__(library, loading, feeds)
        self.config = config
        self.settings = config.settings if config is not None else Settings()
        library.thread_gap_days = self.settings.thread_gap_days
        self.keys, key_problems = rebound(self.settings.keys, config.key_lines if config is not None else None)
        if self.settings.keys:
            self._bind_keys()
        self.refresh_every = refresh_every
        self._open_link = open_link
        self._pending_timer: Timer | None = None
        self._search_timer: Timer | None = None
        self.warnings = list(warnings)
        self.config_problems = (list(config.problems) if config is not None else []) + key_problems
        self.now = now
        self.query_state = ListQuery(newest_first=self.settings.sort == "newest")
        self.opened: Article | None = None
        self.pane = "list"  # the pane shown in the narrow layout
        self._copies_shown = 0  # the library's groups of copies the list was last shown with
        self._left_at: str | None = None  # the article the list was left on last time, until it is listed

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="panes"):
            with Vertical(id="list-pane"):
                yield Static(id="filter-bar", markup=False)
                yield ArticleList(self.library, id="articles")
            with Horizontal(id="reading-side"):  # under the list in the stacked layout
                yield ReadingPane(self.library, self.now, id="reading")
                yield NamesSidebar(self.library, id="names")
        yield IndexingBar(id="indexing")
        yield Footer()

    def on_resize(self, event: events.Resize) -> None:
        self._lay_out(event.size.width)

    def _lay_out(self, columns: int) -> None:
        """Below 100 columns a pane beside or under another is too small to read: one pane shows at a time."""
        narrow = columns < ONE_PANE_BELOW
        if narrow and not self.narrow:
            focused = self.focused
            pane = "names" if focused is self.names else "article" if focused is self.reading else "list"
            self.set_class(True, "-narrow")
            self._apply_widths(columns)
            self.show_pane(pane)
        else:
            self.set_class(narrow, "-narrow")
            self._apply_widths(columns)

    @property
    def narrow(self) -> bool:
        return self.has_class("-narrow")

    def show_pane(self, pane: str) -> None:
        """In the narrow layout, show `pane` ("list", "article" or "names") alone, with the focus; in the wide
        one, give it the focus."""
        self.pane = pane
        for name in PANES:
            self.set_class(name == pane, f"-show-{name}")
        target = {"list": self.article_list, "article": self.reading, "names": self.names}[pane]
        target.focus()

    def action_next_pane(self) -> None:
        self._step_pane(1)

    def action_previous_pane(self) -> None:
        self._step_pane(-1)

    def _step_pane(self, step: int) -> None:
        if not self.narrow:
            if step > 0:
                self.screen.focus_next()
            else:
                self.screen.focus_previous()
            return
        self.show_pane(PANES[(PANES.index(self.pane) + step) % len(PANES)])

    def action_back_to_list(self) -> None:
        """h, Left, Backspace in the article or the names: back to the list (the narrow layout shows it again)."""
        if self.narrow:
            self.show_pane("list")
        else:
            self.article_list.focus()

    async def action_quit(self) -> None:
        """q: in the narrow layout, back to the list first (as newsboat's q is); from the list, quit."""
        if self.narrow and self.pane != "list":
            self.show_pane("list")
            return
        self._keep_place()
        await super().action_quit()

    @property
    def session(self) -> str:
        """What this session shows, as where the list was left is kept: the feeds, or these files."""
        if self.feeds:
            return "feeds"
        import hashlib

        files = "\n".join(sorted(self.library.files)).encode("utf-8", "surrogateescape")
        return "files " + hashlib.blake2b(files, digest_size=12).hexdigest()

    def _keep_place(self) -> None:
        """The article under the list's cursor, to open there next time (as mutt and newsboat do)."""
        current = self.article_list.current
        if current is not None and (self._left_at is None or self._touched):  # not before the last place shows
            self.library.read.keep_place(self.session, current.id)

    def _bind_keys(self) -> None:
        """The config's keys for some actions, in place of the key table's."""
        from textual.binding import BindingsMap

        changed = {key.action for key in self.keys if key.action in self.settings.keys}
        kept = [
            binding
            for bindings in self._bindings.key_to_bindings.values()
            for binding in bindings
            if binding.action not in changed or binding.key == "ctrl+q"  # ctrl+q always quits
        ]
        ours = [binding for binding in app_bindings(self.keys) if binding.action in changed]
        self._bindings = BindingsMap(kept + ours)

    def _apply_settings(self) -> None:
        settings = self.settings
        if settings.theme in self.available_themes:
            self.theme = settings.theme
        else:
            self.config_problems.append(f"theme {settings.theme!r} is not one of {', '.join(self.available_themes)}")
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        self.names.whole_collection = settings.names == "all"
        self._apply_widths()
        if settings.measure:
            self.reading.body.styles.max_width = settings.measure

    def _apply_widths(self, columns: int | None = None) -> None:
        """The panes' widths for the terminal's `columns` (by default its width now) and the settings: the list on
        top of the article and the names until all three have room side by side (`reader.tui.layout`)."""
        layout = layout_for(columns or self.size.width, self.settings.list_width, self.settings.names_width)
        self.set_class(layout.kind == "stacked", "-stacked")
        self.query_one("#list-pane").styles.width = layout.list_width
        self.article_list.styles.max_height = f"{self.settings.list_height}vh" if layout.kind == "stacked" else None
        self.names.styles.width = None if self.narrow else self.settings.names_width

    def action_narrower_list(self) -> None:
        self._resize_list(-4)

    def action_wider_list(self) -> None:
        self._resize_list(4)

    def _resize_list(self, step: int) -> None:
        """- and +: the article list narrower or wider, or over the article shorter or taller (kept in the
        settings for the next start)."""
        if self.narrow:
            self.notify("Below 100 columns each pane takes the whole width.", markup=False)
            return
        if self.has_class("-stacked"):
            height = max(20, min(80, self.settings.list_height + (5 if step > 0 else -5)))
            if height != self.settings.list_height:
                self.settings = replace(self.settings, list_height=height)
                self._apply_widths()
                self._keep_setting(list_height=height)
            return
        width = max(20, min(60, self.settings.list_width + step))
        if width == self.settings.list_width:
            return
        self.settings = replace(self.settings, list_width=width)
        self._apply_widths()
        self._keep_setting(list_width=width)

    def _theme_changed(self, theme: object) -> None:
        self._keep_setting(theme=self.theme)

    def _keep_setting(self, **changes: object) -> None:
        """A setting changed in the reader: it is kept in the config file for the next start."""
        if self.config is None or all(getattr(self.config.settings, k) == v for k, v in changes.items()):
            return
        problem = self.config.save(**changes)
        self.settings = self.config.settings
        if problem is not None:
            self.notify(problem, title="Settings", severity="warning", timeout=10, markup=False)

    def on_mount(self) -> None:
        self._lay_out(self.size.width)
        self._apply_settings()
        self.show_pane("list")
        self._show_saved()
        self.reading.feeds = self.feeds
        self._left_at = self.library.read.place(self.session)
        self.refresh_list()
        self.names.rebuild()
        if self.feeds:
            last = self._read_feeds()
            if self.refresh_every > 0:
                if last is None or time.time() - last >= self.refresh_every:
                    self.call_after_refresh(self.action_refresh)
                self.set_interval(self.refresh_every, self.action_refresh)
        self.article_list.focus()
        for warning in self.warnings:
            self.notify(warning, title="Read state", severity="warning", timeout=15, markup=False)
        for problem in self.config_problems:
            self.notify(problem, title="Settings", severity="warning", timeout=15, markup=False)
        stories = self.library.stories
        if stories is None or stories.table is None:
            # After the first frame: the analysis thread must not compete with the first paint.
            self.call_after_refresh(self.analyse)
        if self._loading is None:
            self._loaded()
        elif self.library.analysed or not self.library.listed_from_index:
            self.call_after_refresh(self._start_loading)  # after the first frame, like the analysis
        # else: listed from the index, so the names and threads can be read back first; then the rest

    # Saved filters --------------------------------------------------------------------------

    def action_save_filter(self) -> None:
        """b: keep the list's filter under a name, to recall from the sidebar or the command palette."""
        query = self.query_state
        if not query.filtered:
            self.notify("Filter the list first (a search, a name, a feed, unread or starred only).", markup=False)
            return
        from reader.tui.screens.name_it import NameItScreen

        suggestion = " · ".join(self._filter_parts()) or "my filter"

        def named(name: str | None) -> None:
            if not name:
                return
            saved = saved_filter(query, self.library.entity_name(query.name) if query.name is not None else None)
            try:
                self.library.read.save_filter(name, saved)
            except StoreError as error:
                self.notify(str(error), title="Not saved", severity="error", markup=False)
                return
            self._show_saved()
            self.notify(f"Saved as “{name}”: Enter on it in the sidebar, or find it in the palette.", markup=False)

        self.push_screen(NameItScreen("Name this filter:", suggestion), named)

    def _show_saved(self) -> None:
        self.names.show_saved(self.saved_filters())

    def saved_filters(self) -> list[str]:
        """The saved filters' names (the sidebar and the command palette list them)."""
        return [name for name, _ in self.library.read.saved_filters()]

    def apply_saved(self, name: str) -> None:
        saved = dict(self.library.read.saved_filters()).get(name)
        if saved is None:
            return
        names = self.library.names

        def entity_id(wanted: str) -> int | None:
            return next((e.id for e in names.entities if e.name == wanted), None) if names is not None else None

        query, missing = from_saved(saved, self.query_state, entity_id)
        if missing is not None:
            self.notify(f"“{missing}” is not named in these articles (yet): the rest of the filter applies.",
                        markup=False)
        self._set_query(query)
        self.show_pane("list")

    @on(NamesSidebar.SavedChosen)
    def _on_saved_chosen(self, message: NamesSidebar.SavedChosen) -> None:
        if not message.forget:
            self.apply_saved(message.name)
            return
        try:
            self.library.read.forget_filter(message.name)
        except StoreError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        self._show_saved()
        self.notify(f"Forgot the saved filter “{message.name}”.", markup=False)

    @on(NamesSidebar.FeedChosen)
    def _on_feed_chosen(self, message: NamesSidebar.FeedChosen) -> None:
        self._set_query(replace(self.query_state, feed=message.feed.url, name=None))
        if message.feed.error:
            self.notify(f"{message.feed.title}: {message.feed.error}", title="Last fetch failed", severity="warning",
                        timeout=10, markup=False)
        self.show_pane("list")

    def _names_ready(self) -> None:
        self.names.rebuild()
        self.reading.refresh_names()
        copies = self.library.copies_made != self._copies_shown  # the list shows each story once from now on
        self._copies_shown = self.library.copies_made
        if copies or self.query_state.name is not None:  # a name chosen from the summary: its articles are known
            self.refresh_list()

    # The list ---------------------------------------------------------------------------------

    def action_next_match(self) -> None:
        self._jump_match(1)

    def action_previous_match(self) -> None:
        self._jump_match(-1)

    def _jump_match(self, step: int) -> None:
        if self.opened is None or not self.query_state.search.strip():
            self.notify("Search first (/): its matches are marked in the article.", markup=False)
            return
        where = self.reading.jump_to_match(step)
        if where is None:
            self.notify("No match in this article's text.", markup=False)
        else:
            self.notify(f"Match {where[0]} of {where[1]}", markup=False, timeout=2)

    def refresh_list(self, keep_cursor: bool = True) -> None:
        """Re-run the query and show it, keeping the cursor on the same article where possible."""
        keep = self.article_list.current if keep_cursor else None
        if self._left_at is not None and not self._touched:  # back where the list was left, once it is listed
            left = self.library.article(self._left_at)
            if left is not None:
                keep = left
        self.article_list.show(self.library.view(self.query_state, one_per_story=True), keep=keep)
        if self._left_at is not None and (self._touched or self.article_list.current is keep is not None):
            self._left_at = None
        self._update_counts()
        self._update_filter_bar()

    def _update_counts(self) -> None:
        unread = self.library.unread_count()
        shown = len(self.article_list.articles)
        total = len(self.library)
        filtered = self.query_state.filtered  # unfiltered, a story told by several sources is one row: not a filter
        self.sub_title = f"{unread:,} unread / {total:,} articles" + (f" · {shown:,} shown" if filtered else "")
        self.sub_title += self.sync_note
        if self.opened is None:
            self.reading.show(None)  # the welcome text counts articles too

    def _filter_parts(self) -> list[str]:
        query = self.query_state
        parts = []
        if query.feed is not None:
            parts.append(f"from {self._feed_titles.get(query.feed, query.feed)}")
        if query.name is not None:
            parts.append(f"naming {self.library.entity_name(query.name) or '?'}")
        if query.search.strip():
            parts.append(f"matching “{query.search.strip()}”")
        if query.unread_only:
            parts.append("unread only")
        if query.starred_only:
            parts.append("starred")
        return parts

    def _update_filter_bar(self) -> None:
        query = self.query_state
        order = "newest first" if query.newest_first else "oldest first"
        self.query_one("#list-pane").border_title = f"Articles · {order}"
        # A name chosen from the summary shown while the names are read back: its articles come with them.
        waiting = query.name is not None and self.library.names is None
        parts = self._filter_parts()
        bar = self.query_one("#filter-bar", Static)
        bar.set_class(bool(parts), "-active")
        if parts:
            shown = "Reading back the articles" if waiting else counted(len(self.article_list.articles), "article")
            said = f"{shown} " + " · ".join(parts) + ("…" if waiting else "")
            # What filters the list comes first; the hint only where it fits; nothing is cut inside a word.
            room = max(12, (bar.size.width or self.article_list.size.width or 40) - 2)
            fits = len(said) + len(FILTER_HINT) <= room
            bar.update(Text(said + FILTER_HINT if fits else _cut_at_word(said, room)))

    def _set_query(self, query: ListQuery) -> None:
        searched = query.search != self.query_state.search
        self.query_state = query
        self.refresh_list()
        if searched:
            self.reading.search_words = query.search.split()
            self.reading.refresh_names()  # the open article's matches are marked anew

    # Opening and reading ----------------------------------------------------------------------

    @on(ArticleList.Opened)
    def _on_opened(self, message: ArticleList.Opened) -> None:
        self.open_article(message.article)

    def open_article(self, article: Article) -> None:
        problem = self.library.ensure_text(article)  # listed from the index before its file was read
        if problem is not None:
            self.notify(f"{display_path(problem.path)}: {problem.reason}", severity="warning", markup=False)
        self.opened = article
        self.article_list.move_to(article)
        versions = self.library.copies(article) if self.library.copy_group(article) is not None else [article]
        unread = [a for a in versions if not self.library.is_read(a)]
        if unread:  # the story is read, in whichever version: every copy is marked, in one step for u
            self._save(lambda: self.library.mark(unread, True))
        self.reading.show(article)
        self.names.show_article(article)
        if self.narrow:
            self.show_pane("article")

    def action_page(self) -> None:
        if self.opened is not None and not self.reading.at_end:
            self.reading.scroll_page_down(animate=False)
        else:
            self.action_next_unread()

    def _unread_from(self, start: int, step: int) -> Article | None:
        articles = self.article_list.articles
        index = start
        while 0 <= index < len(articles):
            if not self.library.is_read(articles[index]):
                return articles[index]
            index += step
        return None

    def action_next_unread(self) -> None:
        current = self.article_list.current
        start = self.article_list.cursor
        if current is not None and self.opened is not None and current.id == self.opened.id:
            start += 1
        article = self._unread_from(start, 1)
        if article is None:
            article = self._unread_from(0, 1)
            if article is not None and start > 0:
                self.notify("No unread article below: back to the top of the list.", markup=False)
        if article is None:
            self.notify("No unread articles in this list.", markup=False)
        else:
            self.open_article(article)

    def action_previous_unread(self) -> None:
        article = self._unread_from(self.article_list.cursor - 1, -1)
        if article is None:
            self.notify("No unread articles above this one.", markup=False)
        else:
            self.open_article(article)

    # Read marks -------------------------------------------------------------------------------

    def _save(
        self, change: Callable[[], ReadChange | bool | None], *, undone: bool = False
    ) -> ReadChange | bool | None:
        """Apply a read-state change; it is on disk before the screen shows it."""
        try:
            result = change()
        except StoreError as error:
            self.notify(str(error), title="Not saved", severity="error", timeout=15, markup=False)
            return None
        for shown in self.screen.query(ArticleList):  # the timeline's list too, when it is open
            shown.refresh()
        self.article_list.refresh()
        self._update_counts()
        self._watch_pending()
        if isinstance(result, ReadChange):
            self.push_marks_soon()
        if self.feeds and isinstance(result, ReadChange):
            # An undone change set its articles back: the opposite of what it says it set.
            self._show_feed_counts(ReadChange(result.ids, not result.read, result.star) if undone else result)
        elif self.feeds:
            self._show_feed_counts()
        return result

    def _watch_pending(self) -> None:
        """Say when marks wait for the database, and when they are written after all."""
        waiting = self.library.read.pending
        if waiting and self._pending_timer is None:
            self.notify(
                f"Read marks wait to be saved ({self.library.read.last_error}): they are kept, shown, and saved "
                "as soon as the database can take them.",
                title="Database busy",
                severity="warning",
                timeout=10,
                markup=False,
            )
            self._pending_timer = self.set_interval(1.0, self._check_pending)

    def _check_pending(self) -> None:
        if self.library.read.pending == 0 and self._pending_timer is not None:
            self._pending_timer.stop()
            self._pending_timer = None
            self.notify("The waiting read marks are saved.", markup=False)

    def action_toggle_read(self) -> None:
        shown = self.focused if isinstance(self.focused, ArticleList) else self.article_list
        article = shown.current
        if article is not None:  # a story's row: every version of it
            articles, read = shown.row_articles(article), not shown.is_row_read(article)
            self._save(lambda: self.library.mark(articles, read))

    def action_mark_all_read(self) -> None:
        listed = self.article_list
        articles = [a for row in listed.articles for a in listed.row_articles(row) if not self.library.is_read(a)]

        def mark() -> None:
            change = self._save(lambda: self.library.mark(articles, True))
            if isinstance(change, ReadChange):
                self.notify(f"Marked {counted(len(change.ids), 'article')} read. u undoes.", markup=False)

        self._confirmed(len(articles), f"Mark {counted(len(articles), 'article')} in this list read?", mark)

    def action_refresh_feed(self) -> None:
        """Ctrl+R: fetch only the feed of the article under the cursor (or the feed the list is filtered by)."""
        article = self.opened if self.opened is not None and not self.article_list.has_focus else None
        article = article or self.article_list.current
        feed = self.query_state.feed or (article.feed if article is not None else None)
        if self.feeds and feed is None:
            self.notify("This article is not a feed's: r refreshes every feed.", markup=False)
            return
        self._refresh([feed] if feed is not None else None)

    def action_full_text(self) -> None:
        """F: the open article's page fetched now, its main text kept and shown in place of the summary."""
        article = self.opened if self.opened is not None and not self.article_list.has_focus else None
        article = article or self.article_list.current
        path = self.library.read.path
        if article is None or article.feed is None or path is None:
            self.notify("Only a feed's article has a page to fetch in full.", markup=False)
            return
        self.notify("Fetching the article's page…", markup=False)
        self.fetch_full_text(path, article)

    def _full_text_kept(self, article_id: str, words: int) -> None:
        super()._full_text_kept(article_id, words)
        if self.opened is not None and self.opened.id == article_id:
            self.reading.show(self.opened)

    def action_mark_feed_read(self) -> None:
        """A: every article of the feed of the article under the cursor (or open, or the feed filtered by) read."""
        article = self.opened if self.opened is not None and not self.article_list.has_focus else None
        article = article or self.article_list.current
        feed = self.query_state.feed or (article.feed if article is not None else None)
        if feed is None:
            self.notify("A marks a feed's articles read, and this article is from a file: M marks the list read.",
                        markup=False)
            return
        articles = [a for a in self.library.articles if a.feed == feed and not self.library.is_read(a)]
        title = self._feed_titles.get(feed, feed)
        if not articles:
            self.notify(f"Every article of {title} is already read.", markup=False)
            return

        def mark() -> None:
            change = self._save(lambda: self.library.mark(articles, True))
            if isinstance(change, ReadChange):
                self.notify(f"Marked {counted(len(change.ids), 'article')} of {title} read. u undoes.", markup=False)

        self._confirmed(len(articles), f"Mark {counted(len(articles), 'article')} of {title} read?", mark)

    def _confirmed(self, count: int, question: str, then: Callable[[], None]) -> None:
        """Do `then` at once for a few articles; over `CONFIRM_OVER`, after the reader says yes."""
        if count <= CONFIRM_OVER:
            then()
            return
        from reader.tui.screens.confirm import ConfirmScreen

        def answered(yes: bool | None) -> None:
            if yes:
                then()

        self.push_screen(ConfirmScreen(question + " (u undoes it)"), answered)

    def action_star(self) -> None:
        shown = self.focused if isinstance(self.focused, ArticleList) else self.article_list
        article = shown.current if self.opened is None or shown is not self.article_list else self.opened
        if article is None:
            return
        change = self._save(lambda: self.library.star(article))
        if isinstance(change, ReadChange):
            self.notify("Starred. S shows the starred articles." if change.read else "Star taken off.", markup=False)
            if self.query_state.starred_only:
                self.refresh_list()
            self.reading.refresh_names()

    def action_starred_only(self) -> None:
        self._set_query(replace(self.query_state, starred_only=not self.query_state.starred_only))

    def action_undo(self) -> None:
        change = self._save(self.library.undo, undone=True)
        if not isinstance(change, ReadChange):
            self.notify("Nothing to undo.", markup=False)
            return
        if change.star:
            if self.query_state.starred_only:
                self.refresh_list()
            self.reading.refresh_names()
            now = "unstarred" if change.read else "starred"
            self.notify(f"Undone: {counted(len(change.ids), 'article')} {now} again.", markup=False)
            return
        now = "unread" if change.read else "read"
        if self.query_state.unread_only:  # articles unread again belong in the list again
            self.refresh_list()
        self.notify(f"Undone: {counted(len(change.ids), 'article')} {now} again.", markup=False)

    # Filters and order ------------------------------------------------------------------------

    def action_unread_only(self) -> None:
        self._set_query(replace(self.query_state, unread_only=not self.query_state.unread_only))

    def action_flip_sort(self) -> None:
        self._set_query(replace(self.query_state, newest_first=not self.query_state.newest_first))
        self.notify("Newest first." if self.query_state.newest_first else "Oldest first.", markup=False)
        self._keep_setting(sort="newest" if self.query_state.newest_first else "oldest")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """While the search box has focus, "/" is a character to type, not the search key."""
        if action == "search" and isinstance(self.focused, Input):
            return False
        return True

    async def action_search(self) -> None:
        search = self._search_box()
        if search is None:  # made at the first "/", off the start-up path
            from reader.tui.widgets.search_box import SearchBox

            search = SearchBox(placeholder="Search: words that begin words of headlines and text…", id="search")
            await self.query_one("#list-pane").mount(search, before="#filter-bar")
        search.display = True
        # Focus now, not after the queued keys: "/tokyo" typed in one burst must land in the box.
        self.screen.set_focus(search)

    def _search_box(self) -> Input | None:
        found = self.query("#search").results(Input)
        return next(found, None)

    @on(Input.Changed, "#search")
    def _on_search_changed(self, event: Input.Changed) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
            self._search_timer = None
        if len(self.library) < TYPING_PAUSE_FROM:
            self._set_query(replace(self.query_state, search=event.value))
            return
        # A big archive: search once typing pauses, not for every letter ("a" matches nearly everything).
        self._search_timer = self.set_timer(
            TYPING_PAUSE, lambda: self._set_query(replace(self.query_state, search=event.value))
        )

    @on(Input.Submitted, "#search")
    def _on_search_submitted(self) -> None:
        self.article_list.focus()

    def action_clear_filters(self) -> None:
        if self.narrow and self.pane != "list":  # Esc steps back to the list first
            self.show_pane("list")
            return
        search = self._search_box()
        was_searching = search is not None and search.has_focus
        if self._search_timer is not None:  # a search still waiting for typing to pause is dropped
            self._search_timer.stop()
            self._search_timer = None
        if search is not None:
            search.display = False
            with search.prevent(Input.Changed):
                search.value = ""
        if self.query_state.filtered:
            self._set_query(self.query_state.cleared())
        if was_searching or not self.article_list.has_focus:
            self.article_list.focus()

    # A story's versions ------------------------------------------------------------------------

    def action_toggle_versions(self) -> None:
        """v: a story's row unfolds into a row per version (its copies from other feeds), or folds back."""
        shown = self.focused if isinstance(self.focused, ArticleList) else self.article_list
        if not shown.toggle_versions():
            waiting = self.library.stories is None or not self.library.stories.profiled
            self.notify("Copies of stories are still being looked for…" if waiting
                        else "This article has no other version.", markup=False)

    def action_next_version(self) -> None:
        """V: the open article's story in its next version (another feed's copy), round to the first."""
        article = self.opened or self.article_list.current
        group = self.library.copy_group(article) if article is not None else None
        if article is None or group is None:
            self.notify("This article has no other version.", markup=False)
            return
        following = self.library.article(group[(group.index(article.id) + 1) % len(group)])
        if following is not None:
            self.open_article(following)

    @on(NamesSidebar.RelatedChosen)
    def _on_related_chosen(self, message: NamesSidebar.RelatedChosen) -> None:
        self.open_article(message.article)

    # Stories ----------------------------------------------------------------------------------

    def _story(self) -> tuple[Article, Thread, list[Article]] | None:
        """The open article (or the one under the cursor), its thread and the thread's articles in date order.

        None, with a word to the user, when the article stands alone or threads are not built yet.
        """
        anchor = self.opened or self.article_list.current
        if anchor is None:
            return None
        if self.library.stories is None:
            self.notify("Stories are still being worked out…", markup=False)
            return None
        thread = self.library.thread(anchor)
        if thread is None:
            self.notify("This article stands alone: no other article tells its story.", markup=False)
            return None
        return anchor, thread, self.library.thread_articles(anchor)

    def _story_step(self, step: int) -> None:
        story = self._story()
        if story is None:
            return
        anchor, thread, articles = story
        position = thread.position(anchor.id) + step
        if not 0 <= position < len(articles):
            self.notify(
                "That was the last article of this story." if step > 0 else "This story starts here.", markup=False
            )
            return
        self.open_article(articles[position])

    def action_story_next(self) -> None:
        self._story_step(1)

    def action_story_previous(self) -> None:
        self._story_step(-1)

    def action_story_next_unread(self) -> None:
        story = self._story()
        if story is None:
            return
        anchor, thread, articles = story
        position = thread.position(anchor.id)
        later = articles[position + 1 :] + articles[:position]
        unread = next((a for a in later if not self.library.is_read(a)), None)
        if unread is None:
            self.notify("Every article of this story is read.", markup=False)
        else:
            self.open_article(unread)

    def action_mark_thread_read(self) -> None:
        story = self._story()
        if story is None:
            return
        _, _, articles = story
        unread = [a for a in articles if not self.library.is_read(a)]
        if not unread:
            self.notify("Every article of this story is already read.", markup=False)
            return

        def mark() -> None:
            change = self._save(lambda: self.library.mark(unread, True))
            if isinstance(change, ReadChange):
                self.notify(f"Marked {counted(len(change.ids), 'article')} of this story read. u undoes.", markup=False)

        question = f"Mark {counted(len(unread), 'unread article')} of this {len(articles):,}-article story read?"
        self._confirmed(len(unread), question, mark)

    def action_timeline(self) -> None:
        from reader.tui.screens.timeline import TimelineScreen

        if isinstance(self.screen, TimelineScreen):
            return
        story = self._story()
        if story is None:
            return
        anchor, thread, articles = story

        def opened(article: Article | None) -> None:
            if article is not None:
                self.open_article(article)

        self.push_screen(TimelineScreen(self.library, articles, thread.title, anchor), opened)

    def action_related(self) -> None:
        """R: the related stories of the open article (or the one under the cursor), each headline whole."""
        from reader.tui.screens.related import RelatedScreen

        if isinstance(self.screen, RelatedScreen):
            return
        anchor = self.opened or self.article_list.current
        if anchor is None:
            return
        stories = self.library.stories
        if stories is None or stories.table is None and not stories.profiled:
            self.notify("Related stories are still being worked out…", markup=False)
            return
        related = self.library.related_articles(anchor)
        if not related:
            self.notify("No other article is related to this one.", markup=False)
            return

        def opened(article: Article | None) -> None:
            if article is not None:
                self.open_article(article)

        self.push_screen(RelatedScreen(self.library, anchor, related), opened)

    @on(NamesSidebar.Chosen)
    def _on_name_chosen(self, message: NamesSidebar.Chosen) -> None:
        self._set_query(replace(self.query_state, name=message.entity.id))
        self.show_pane("list")

    def action_names_scope(self) -> None:
        """c: the names of this article / of all articles; in the narrow layout, first the names pane itself."""
        if self.narrow and self.pane != "names":
            self.show_pane("names")
            return
        self.names.toggle_scope()
        self._keep_setting(names="all" if self.names.whole_collection else "article")

    # Screens ----------------------------------------------------------------------------------

    def action_help(self) -> None:
        from reader.tui.screens.help import HelpScreen  # screens load when first opened, not at start-up

        self.push_screen(HelpScreen())

    def action_problems(self) -> None:
        from reader.tui.screens.problems import ProblemsScreen

        self.push_screen(ProblemsScreen(self.feed_problems() + self.library.problems))


FILTER_HINT = "  (Esc clears)"


def _cut_at_word(text: str, room: int) -> str:
    """`text` in `room` cells at most, cut after a whole word (and marked …) when it does not fit."""
    if len(text) <= room:
        return text
    cut = text.rfind(" ", 0, room - 1)
    return text[: cut if cut > room // 2 else room - 1].rstrip(" ·,") + "…"

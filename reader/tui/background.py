"""The reader's work beside the screen: reading the rest of the articles, the analysis (the pipeline, in a
worker thread), and the feeds' refresh, whose arrivals wait for the analysis and then join. What the work shows
goes to the panes; the rest of the app (`ReaderApp`) is the keys and the list."""

from __future__ import annotations

import gc
import sqlite3
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import TYPE_CHECKING

from textual import events, work
from textual.app import App
from textual.timer import Timer
from textual.worker import get_current_worker

from reader.articles import Article, Problem
from reader.config import Settings
from reader.library import Library
from reader.pipeline import Arrivals, IndexLost, analyse, arrived_names, opened_index, recover_index
from reader.sources.files import Collection
from reader.storage.read_marks import ReadChange
from reader.text import counted, one_line
from reader.tui.widgets.article_list import ArticleList
from reader.tui.widgets.indexing import IndexingBar
from reader.tui.widgets.names_sidebar import FeedRow, NamesSidebar
from reader.tui.widgets.reading_pane import ReadingPane

if TYPE_CHECKING:  # the feeds and the name finder load with the first refresh or analysis
    from pathlib import Path

    from reader.names import ArticleName
    from reader.sources.feeds.refresh import RefreshReport
    from reader.sources.feeds.subscriptions import Feed, Stored
    from reader.sources.sync.round import SyncReport

ADDED_PER_FRAME = 8  # new articles taken into the names and threads between two frames (17 ms each at 16,000)
PROGRESS_EVERY = 0.25  # seconds between reports of the analysis's progress
PUSH_AFTER = 2.0  # with [sync]: seconds after the last mark or star before the queued ones are sent


class BackgroundWork(App[None]):
    """Loading, analysis and feeds beside the screen, for the reader's app."""

    settings: Settings

    def __init__(self, library: Library, loading: Iterator[Collection] | None, feeds: bool) -> None:
        super().__init__()
        self.library = library
        self.feeds = feeds
        self._loading = loading
        self._all_read = threading.Event()  # set once every article is read (analysis waits for it)
        self._loading_started = False
        self._touched = False  # a key pressed or a click since the start
        self._no_index = False  # the index failed once: analyse without it
        self.arrivals = Arrivals()  # what a refresh brings, held while an analysis runs, and the runs themselves
        self._arrival_queue: deque[Stored] = deque()  # kept by the fetching threads, not yet taken in
        self._arrival_timer: Timer | None = None
        self._fetch_progress: tuple[int, int, int] | None = None
        self._refreshing = False
        self._feed_titles: dict[str, str] = {}
        self._feed_counts: dict[str, list[int]] | None = None  # (articles, unread) by feed URL
        self._feed_counted = -1  # how many articles they were counted over
        self._feed_errors: dict[str, str] = {}
        self.sync_note = ""  # with [sync]: when it last synced, or that the last sync failed (the header says it)
        self._sync_failure: str | None = None
        self._synced: SyncReport | str | None = None  # the last round's report, or why it failed
        self._push_timer: Timer | None = None

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.MouseDown)):
            self._touched = True  # the user has acted: from now on the cursor stays where it is
        await super().on_event(event)

    @property
    def reading(self) -> ReadingPane:
        return self.query_one(ReadingPane)

    @property
    def names(self) -> NamesSidebar:
        return self.query_one(NamesSidebar)

    @property
    def indexing(self) -> IndexingBar:
        return self.query_one(IndexingBar)

    def refresh_list(self, keep_cursor: bool = True) -> None:
        """Show the list again (the app's list does it)."""
        raise NotImplementedError

    def _names_ready(self) -> None:
        """Show the names and threads found so far (the app's panes do it)."""
        raise NotImplementedError

    def _stories_ready(self) -> None:
        self.indexing.finish()
        self._names_ready()

    # Loading and analysis in the background ---------------------------------------------------

    def _start_loading(self) -> None:
        if self._loading is not None and not self._loading_started:
            self._loading_started = True
            self.load(self._loading)

    @work(thread=True, exclusive=True, group="loading")
    def load(self, batches: Iterator[Collection]) -> None:
        """Read the rest of the collection, adding each batch to the list as it comes. Whatever goes wrong in
        reading becomes a problem under `!`: the reader and every mark made stay."""
        worker = get_current_worker()
        try:
            for batch in batches:
                if worker.is_cancelled:
                    return
                self.call_from_thread(self._add_batch, batch)
        except Exception as error:  # the loader's last guard: never the app's end
            failed = Collection([], [Problem("(loading)", f"reading stopped: {type(error).__name__}: {error}")], [])
            self.call_from_thread(self._add_batch, failed)
        if not worker.is_cancelled:
            self.call_from_thread(self._loaded)

    def _add_batch(self, batch: Collection) -> None:
        self.library.extend(batch)
        if self.feeds:
            self._show_feed_counts()
        # The article under the cursor stays under it, on the same line of the screen, however the list grows
        # round it: a key pressed a moment after the list filled acts on the row that was seen. Until a key or a
        # click, the cursor stays on the first row: the newest article of a cold open, not the first batch's.
        self.refresh_list(keep_cursor=self._touched or self.query_one(ArticleList).cursor > 0)
        self.indexing.report("loading", len(self.library), None)

    def _loaded(self) -> None:
        """Every article is read: report problems; analysis can go on."""
        self._loading = None
        gc.freeze()  # the articles stay: the garbage collector need not walk them again
        self._all_read.set()
        if self.library.problems:
            count = len(self.library.problems)
            self.notify(
                f"{counted(count, 'problem')} while loading. Press ! to see them.",
                severity="warning",
                timeout=8,
                markup=False,
            )
        stories = self.library.stories
        if stories is not None and stories.table is not None:
            self.indexing.finish()

    def analyse(self, again: bool = False) -> None:
        """Start the analysis (cancelling one under way); feed arrivals wait until it is over."""
        self.arrivals.analysis_started()
        self._analyse(again)

    @work(thread=True, exclusive=True, group="analysis")
    def _analyse(self, again: bool = False) -> None:
        """The pipeline's analysis beside the screen, each of names, threads and related articles shown as it
        is ready. When no file changed since the last start, names and threads are read back at once, while the
        articles are still being read; everything else waits until they all are."""
        worker = get_current_worker()

        def stop() -> bool:
            return worker.is_cancelled

        reported = [0.0]  # when the bar was last told

        def progress(stage: str, done: int, total: int | None) -> None:
            # A few times a second at most: each report waits for the UI thread to take it.
            now = time.monotonic()
            if not stop() and (now - reported[0] >= PROGRESS_EVERY or done == total or not done):
                reported[0] = now
                self.call_from_thread(self.indexing.report, stage, done, total)

        def ready() -> None:
            gc.freeze()  # what a phase made stays for the session: the collector need not walk it again
            self.call_from_thread(self._names_ready)

        try:
            self._run_analysis(again, stop, progress, ready)
        finally:
            self.arrivals.analysis_ended()
            if not stop():
                self.call_from_thread(self._analysis_over)

    def _run_analysis(
        self,
        again: bool,
        stop: Callable[[], bool],
        progress: Callable[[str, int, int | None], None],
        ready: Callable[[], None],
    ) -> None:
        started = [False]

        def articles_read() -> bool:
            """Reading the rest waited so as not to slow the reading back down; now every article is waited for."""
            self._start_reading()
            started[0] = True
            while not self._all_read.wait(0.1):
                if stop():
                    return False
            self.call_from_thread(self.index_words)  # beside the names: this process mostly waits for its pool
            return True

        try:
            with opened_index(None if self._no_index else self.library.read.path) as index:
                try:
                    names = analyse(self.library, index, again=again, progress=progress, stop=stop, ready=ready,
                                    articles_read=articles_read)
                finally:
                    if not started[0]:
                        self._start_reading()
            gc.freeze()
        except sqlite3.Error as error:  # the index broke under it (a damaged file, a full disk): say so, go on
            if not stop():
                self.call_from_thread(self._index_failed, error)
            return
        if names is not None and not stop():
            self.call_from_thread(self._stories_ready)

    def _start_reading(self) -> None:
        self.call_from_thread(self._start_loading)

    def _index_failed(self, error: sqlite3.Error) -> None:
        """A damaged database is moved aside (the marks carried over) and the analysis starts again on a new
        one; any other failure of the index: the analysis goes on without keeping anything."""
        try:
            message = recover_index(self.library, error, None if self._no_index else self.library.read.path)
        except IndexLost as lost:
            message, self._no_index = str(lost), True
        if message is None:
            message = f"The analysis index could not be used ({error}); names and threads are not kept this time."
            self._no_index = True
        self.notify(message, title="Index", severity="warning", timeout=20, markup=False)
        self.analyse()

    @work(thread=True, exclusive=True, group="search")
    def index_words(self) -> None:
        """Index every article's words: searching 400,000 articles then takes milliseconds."""
        self.library.prepare_search()

    # Feeds ------------------------------------------------------------------------------------

    def _read_feeds(self) -> float | None:
        """The subscribed feeds' titles and errors, from the database; returns when they were last refreshed (None
        when the start should refresh anyway)."""
        from reader.sources.feeds.subscriptions import Subscriptions

        path = self.library.read.path
        if path is None:
            return None
        try:
            subscriptions = Subscriptions.open(path)
            try:
                feeds, last = subscriptions.feeds(), subscriptions.last_refresh()
            finally:
                subscriptions.close()
        except Exception as error:  # sqlite3.Error and the like: the articles stay; say why the feeds do not show
            self.notify(f"Feeds could not be read: {error}", severity="error", markup=False)
            return None
        self._read_sync_status(path)
        self._feed_titles = {feed.url: one_line(feed.name) for feed in feeds}
        self._feed_errors = {feed.url: one_line(feed.error) for feed in feeds if feed.error}
        self.reading.feed_titles = self._feed_titles
        self.query_one(ArticleList).feed_titles = self._feed_titles
        self._show_feed_counts()
        if self.settings.sync is not None:
            return None  # with [sync], every start syncs (the marks queued meanwhile go at once)
        return last

    def _show_feed_counts(self, change: ReadChange | None = None) -> None:
        """The feeds' unread counts: counted over every article when articles came, adjusted by the articles a
        change of read marks touched otherwise (a mark costs what it changed, not the collection)."""
        counts = self._feed_counts
        if counts is None or len(self.library) != self._feed_counted:
            counts = self._feed_counts = {url: list(pair) for url, pair in self.library.feed_counts().items()}
            self._feed_counted = len(self.library)
        elif isinstance(change, ReadChange) and not change.star:
            for article_id in change.ids:
                article = self.library.article(article_id)
                if article is not None and article.feed in counts:
                    counts[article.feed][1] += -1 if change.read else 1
        self.names.show_feeds(
            [
                FeedRow(url, title, counts[url][1] if url in counts else 0, self._feed_errors.get(url))
                for url, title in self._feed_titles.items()
            ]
        )

    def feed_problems(self) -> list[Problem]:
        titles = self._feed_titles
        problems = [Problem(url, f"{titles.get(url, url)}: {error}") for url, error in self._feed_errors.items()]
        if self._sync_failure is not None and self.settings.sync is not None:
            problems.insert(0, Problem(self.settings.sync.url, f"the last sync failed: {self._sync_failure}"))
        return problems

    def _read_sync_status(self, path: Path) -> None:
        """With [sync]: when the last sync reached the server and whether one failed since, for the header."""
        if self.settings.sync is None:
            return
        from reader.sources.sync.store import SyncStore

        try:
            store = SyncStore.open(path)
            try:
                status = store.status()
            finally:
                store.close()
        except Exception:  # sqlite3.Error and the like: the header says nothing of the sync
            return
        failed = status.failed_at is not None and (status.synced_at is None or status.failed_at > status.synced_at)
        self._sync_failure = status.failure if failed else None
        queued = f", {status.queued:,} queued" if status.queued else ""
        before = self.sync_note
        if failed and status.failed_at is not None:
            self.sync_note = f" · sync failed {_clock(status.failed_at)}{queued} (! says why)"
        elif status.synced_at is not None:
            self.sync_note = f" · synced {_clock(status.synced_at)}{queued}"
        else:
            self.sync_note = " · not synced yet"
        if self.sync_note != before:
            self.refresh_list()  # the header shows it

    def push_marks_soon(self) -> None:
        """With [sync]: send the marks and stars made here a moment after the last one (a burst of `j m j m` is
        one call), so that another machine sees them without waiting for the next round."""
        if self.settings.sync is None or self.library.read.path is None:
            return
        if self._push_timer is not None:
            self._push_timer.stop()
        self._push_timer = self.set_timer(PUSH_AFTER, self._push_marks_now)

    def _push_marks_now(self) -> None:
        self._push_timer = None
        path = self.library.read.path
        if path is not None and not self._refreshing:  # a round under way sends them itself
            self.push_marks(path)

    @work(thread=True, exclusive=False, group="sync-push")
    def push_marks(self, path: Path) -> None:
        """The queue sent to the server; the header then says how many still wait (the server unreachable: all)."""
        account = self.settings.sync
        if account is None:
            return
        from reader.sources.sync.round import sync

        try:
            sync(path, account, push_only=True)
        except Exception:  # unreachable or refused (noted: the header says so, `!` says why), or the database
            pass  # failed: either way the marks stay queued for the next round
        self.call_from_thread(self._read_sync_status, path)

    def action_refresh(self) -> None:
        self._refresh()

    def _refresh(self, urls: list[str] | None = None) -> None:
        """Fetch every feed (with [sync], after a round with the server), or only those of `urls`, in the
        background."""
        if not self.feeds and self.settings.sync is not None:
            self.notify(
                "The [sync] server's articles open with `reader` once a sync has brought them: run `reader sync`.",
                markup=False, timeout=10,
            )
            return
        if not self.feeds:
            self.notify(self._why_no_refresh(), markup=False, timeout=8)
            return
        if self._refreshing:
            return
        path = self.library.read.path
        if path is None:
            return
        self._refreshing = True
        self._fetch_progress = None
        if urls is not None:
            self.indexing.report_text("Fetching the feed…", None)
        else:
            self.indexing.report_text("Syncing…" if self.settings.sync is not None else "Fetching feeds…", None)
        # What the fetching threads bring is taken in on this thread a few times a second, all at once: they
        # never wait for the screen, and 400 feeds arriving cost a few list updates, not 400.
        self._arrival_timer = self.set_interval(PROGRESS_EVERY, self._join_arrivals)
        self.refresh_feeds(path, urls)

    def _why_no_refresh(self) -> str:
        """What `r` would do in a session of files or seeds: the subscribed feeds (perhaps subscribed since it
        started) open in a session of their own."""
        from reader.sources.feeds.subscriptions import Subscriptions
        from reader.sources.files import seeds_dir

        count = 0
        path = self.library.read.path
        if path is not None and path.exists():
            try:
                subscriptions = Subscriptions.open(path)
                try:
                    count = len(subscriptions.feeds())
                finally:
                    subscriptions.close()
            except Exception:  # sqlite3.Error and the like: say what can be said without them
                count = 0
        if count == 0:
            return "No feeds are subscribed. Subscribe with: reader feeds add URL"
        seeds = str(seeds_dir())
        shown = "the built-in seeds" if all(f.startswith(seeds) for f in self.library.files) else "files"
        feeds = "the subscribed feed opens" if count == 1 else f"the {count:,} subscribed feeds open"
        return f"This session shows {shown}, which r does not fetch; {feeds} with `reader` alone."

    @work(thread=True, exclusive=True, group="feeds")
    def refresh_feeds(self, path: Path, urls: list[str] | None = None) -> None:
        """Fetch every feed (or those of `urls`); each feed's new articles join the list soon after they are kept."""
        from reader.sources.feeds.fetch import FetchSettings
        from reader.sources.feeds.refresh import RefreshReport, refresh

        worker = get_current_worker()

        def progress(done: int, total: int, failed: int) -> None:
            self._fetch_progress = (done, total, failed)  # read by `_join_arrivals`

        def arrived(feed: Feed, stored: Stored) -> None:
            self._arrival_queue.append(stored)  # a deque: safe from any thread

        # One feed asked for (Ctrl+R): fetched alone, without a round with the server.
        synced, local = self._sync_round(path) if urls is None else (None, urls)
        try:
            report = refresh(
                path,
                urls=local,
                progress=progress,
                arrived=arrived,
                stop=lambda: worker.is_cancelled,
                settings=FetchSettings(keep_days=self.settings.keep_days),
            )
        except Exception as error:  # the database or the event loop failed: say so, keep what is shown
            report = RefreshReport()
            report.failed.append(("", f"the refresh stopped: {error}"))
        if not worker.is_cancelled:
            self._synced = synced  # read by `_refreshed`, on the screen's thread
            self.call_from_thread(self._refreshed, report)

    @work(thread=True, group="fulltext")
    def fetch_full_text(self, path: Path, article: Article) -> None:
        """One article's page (`reader fulltext`); its text joins as a refresh's changed articles do."""
        from reader.sources.feeds.refresh import full_text
        from reader.sources.feeds.subscriptions import Stored, Subscriptions

        try:
            page = full_text(path, article.id)
            subscriptions = Subscriptions.open(path)
            try:
                revised = subscriptions.article(article.id)
            finally:
                subscriptions.close()
        except Exception as error:  # the database failed: said, nothing lost
            self.call_from_thread(self.notify, f"The page could not be kept: {error}", markup=False)
            return
        if page is None or page.text is None or revised is None:
            reason = page.error if page is not None and page.error else "no feed carries this article"
            self.call_from_thread(self.notify, f"Full text not kept: {reason}", markup=False, timeout=8)
            return
        feed = article.feed or ""
        self._arrival_queue.append(Stored([], [revised], feed, self._feed_titles.get(feed, feed)))
        self.call_from_thread(self._full_text_kept, article.id, len(page.text.split()))

    def _full_text_kept(self, article_id: str, words: int) -> None:
        """The page's text joins the library; the article is shown again when it is the one open."""
        self._join_arrivals()
        self.notify(f"Full text: {words:,} words.", markup=False)

    def _sync_round(self, path: Path) -> tuple[SyncReport | str | None, list[str] | None]:
        """With [sync], a round first (its new articles join as a refresh's do); returns its report or why it
        failed, and the feeds the reader still fetches itself (those the server does not give). Without: None."""
        account = self.settings.sync
        if account is None:
            return None, None
        from reader.sources.sync import SyncError
        from reader.sources.sync.round import sync
        from reader.sources.sync.store import SyncStore

        self._fetch_progress = None
        outcome: SyncReport | str
        try:
            outcome = sync(path, account, arrived=self._arrival_queue.append)
        except SyncError as error:
            outcome = str(error)
        except Exception as error:  # the database failed, or a fault nobody foresaw: said, nothing lost
            outcome = f"the sync stopped: {type(error).__name__}: {error}"
        try:
            store = SyncStore.open(path)
            try:
                local = store.unsynced_feeds()
            finally:
                store.close()
        except Exception:
            local = []
        return outcome, local

    def _join_arrivals(self) -> None:
        """The feeds kept since last time: their new articles join the list, changed ones take their new
        text, titles and counts update, and the bar says how far the refresh is."""
        progress = self._fetch_progress
        if progress is not None and self._refreshing:
            done, total, failed = progress
            text = f"Fetching feeds: {done:,} of {total:,}" + (f" · {failed:,} failed" if failed else "")
            self.indexing.report_text(text, (done, total))
        arrived: list[Stored] = []
        while self._arrival_queue:
            arrived.append(self._arrival_queue.popleft())
        taken = self.arrivals.join(self.library, arrived)  # none while an analysis runs: they join when it is over
        if not taken:
            return
        for stored in taken:
            self._feed_titles[stored.url] = one_line(stored.title) or stored.url
        self.refresh_list()
        self._show_feed_counts()

    def _refreshed(self, report: RefreshReport) -> None:
        synced, self._synced = self._synced, None
        if self._arrival_timer is not None:
            self._arrival_timer.stop()
            self._arrival_timer = None
        if synced is not None and not isinstance(synced, str):
            self._take_server_marks(synced.kept)
        self._join_arrivals()
        self._refreshing = False
        self._read_feeds()
        self.indexing.finish()
        failed = f" · {len(report.failed):,} failed (! shows why)" if report.failed else ""
        if report.stopped:
            self.notify(f"The refresh stopped: {report.stopped}.", severity="error", timeout=15, markup=False)
        if isinstance(synced, str):
            self.notify(f"The sync failed: {synced}. Marks wait for the next one.", severity="warning",
                        timeout=10, markup=False)
        elif synced is not None:
            self.notify(synced.summary() + ".", markup=False)
        if synced is None or report.feeds:
            self.notify(f"Feeds refreshed: {counted(report.new, 'new article')}{failed}.", markup=False)
        self._settle_arrivals()

    def _take_server_marks(self, kept: list[tuple[str, bool, bool]]) -> None:
        """The marks and stars a sync brought (already in the database) shown at once."""
        if not kept:
            return
        for value in (True, False):
            for star in (False, True):
                ids = [article for article, v, s in kept if v == value and s == star]
                if ids:
                    self.library.read.take(ids, value, star=star)
        self._feed_counts = None  # counted again over every article
        self.refresh_list()

    def _analysis_over(self) -> None:
        """No analysis reads the articles now: what came meanwhile joins the list, then names and threads."""
        if self.arrivals.analysing:  # a cancelled run's thread is still finishing: look again in a moment
            self.set_timer(PROGRESS_EVERY, self._analysis_over)
            return
        if self.arrivals.held:
            self._join_arrivals()
        if not self._refreshing:
            self._settle_arrivals()

    def _settle_arrivals(self) -> None:
        """After a refresh (and any analysis under way): the articles it brought get their names and threads."""
        if self.arrivals.joined and self._loading is None and not self.arrivals.analysing:
            new = self.arrivals.settled(self.library)
            if new is not None:
                # A few new articles: their names found, and each added to the threads as it is (no regrouping).
                self.add_arrivals(new)
            else:
                # Many (or rewritten) articles: names are found for the new ones only (the index gives back every
                # other's), merged, and the threads grouped again. What is shown stays until then.
                self.workers.cancel_group(self, "analysis")
                self.analyse(again=True)

    @work(thread=True, exclusive=True, group="arrivals")
    def add_arrivals(self, articles: list[Article]) -> None:
        """The names of newly arrived articles, found here; then each joins the names and the threads on the
        screen's thread, a few at a time (each addition is a few milliseconds)."""
        worker = get_current_worker()
        db = None if self._no_index else self.library.read.path
        found = arrived_names(articles, self.library, db, lambda: worker.is_cancelled)
        if found is not None and not worker.is_cancelled:
            self.call_from_thread(self._add_found_names, found)

    def _add_found_names(self, found: list[tuple[Article, list[ArticleName]]]) -> None:
        """Add a few articles' names and threads, then let the screen breathe before the next few."""
        for article, names in found[:ADDED_PER_FRAME]:
            self.library.add_to_analysis(article, names)
        if found[ADDED_PER_FRAME:]:
            self.call_later(self._add_found_names, found[ADDED_PER_FRAME:])
        else:
            self._names_ready()


def _clock(moment: float) -> str:
    """A moment as the header gives it: the time today, else the date and time."""
    when = datetime.fromtimestamp(moment)
    return when.strftime("%H:%M") if when.date() == datetime.now().date() else when.strftime("%Y-%m-%d %H:%M")

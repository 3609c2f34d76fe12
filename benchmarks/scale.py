"""Big archives: start-up, analysis and memory against a bare Textual app, and interaction latency.

    python3 -m benchmarks.scale [--runs N] [--only seeds,reuters,uci] [--skip-interactions]
    python3 -m benchmarks.scale --only ""     # the interactions alone

For the seeds, Reuters-21578 (21,578 stories) and the UCI headlines (422,937), as JSON Lines built by
benchmarks.archives, each program is started the way a user starts it (a fresh Python process in
a 120x40 pseudo-terminal) and timed until its screen shows:

- first screen with the list, cold: the first articles on screen (their unread marks), with an empty
  database; big archives are shown while the rest is read, so the list may still be filling;
- full analysis, cold: the welcome text's story count (names found and threads built), same run;
- first screen with everything, warm: the whole list (its newest date), names and story count, with the
  index the cold run left;
- peak memory, warm: the reader process's high-water mark (VmHWM) when everything is shown, and once
  it has gone quiet (related articles found, files read; one more warm run).

Interactions at 422,937 articles run the app headless in this process: each is the handler plus a
full render of the screen (an upper bound on what the terminal gets), not the test harness.
Collections whose data is absent are skipped.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import io
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from benchmarks.archives import reuters_jsonl, uci_jsonl
from benchmarks.startup import time_to_markers
from reader.sources.files import load, seeds_dir
from reader.tui.widgets.article_list import UNREAD_MARK

HERE = Path(__file__).resolve().parent
TARGETS = {  # cold list, warm everything (ratios to the bare app), full analysis s, warm peak MB
    "seeds": (1.5, 1.5, None, 80),
    "reuters": (2.0, 2.0, 30.0, 300),
    "uci": (4.0, 3.0, 120.0, 1536),
}
STORIES = b"told in"  # the welcome text's story count appears when threads are built
LISTED = UNREAD_MARK.encode()  # an unread article's row is on screen


def newest_date(path: Path) -> bytes:
    dates = [a.iso_date for a in load([path]).articles if a.iso_date]
    return max(dates).encode()


def reader_command(path: Path, db: Path) -> list[str]:
    return [sys.executable, "-m", "reader", "--db", str(db), str(path)]


def bare_seconds() -> float:
    return time_to_markers([sys.executable, str(HERE / "bare_app.py")], [b"bench-bare-app"])[0][0]


def measure(name: str, path: Path, runs: int) -> list[str]:
    """One row of the table. The bare app is started before each run of the reader and the ratios use the
    median of those starts, so a machine whose pace drifts during the measurement moves both alike."""
    marker = newest_date(path)
    cold_lists, warm_times, bare_times = [], [], []
    analysis = None
    peak = 0.0
    with tempfile.TemporaryDirectory() as folder:
        for run in range(runs):
            bare_times.append(bare_seconds())
            db = Path(folder) / f"cold-{run}.db"
            if run == 0:  # one full cold analysis; the other cold runs stop at the list
                (at_list, at_stories), _ = time_to_markers(reader_command(path, db), [LISTED, STORIES], timeout=600)
                analysis = at_stories
                warm_db = db
            else:
                (at_list,), _ = time_to_markers(reader_command(path, db), [LISTED])
            cold_lists.append(at_list)
        for _ in range(runs):
            bare_times.append(bare_seconds())
            (_, _, at_all), memory = time_to_markers(
                reader_command(path, warm_db), [marker, b"People", STORIES], timeout=600
            )
            warm_times.append(at_all)
            peak = max(peak, memory)
        _, settled = time_to_markers(
            reader_command(path, warm_db), [marker, b"People", STORIES], timeout=900, settle=True
        )
    cold, warm = statistics.median(cold_lists), statistics.median(warm_times)
    bare = statistics.median(bare_times)
    targets = TARGETS[name]
    full = "—" if analysis is None or targets[2] is None else f"{analysis:.1f} s (≤ {targets[2]:.0f} s)"
    return [
        f"| {name} | {bare * 1000:.0f} ms | {cold * 1000:.0f} ms = {cold / bare:.2f}× (≤ {targets[0]}×) "
        f"| {warm * 1000:.0f} ms = {warm / bare:.2f}× (≤ {targets[1]}×) | {full} "
        f"| {peak:.0f} MB; {settled:.0f} MB settled (≤ {targets[3]}) |"
    ]


def interactions(path: Path) -> list[str]:
    """Handler plus full render, in milliseconds, on the analysed collection (median of 5)."""
    from benchmarks.archives import cache_folder
    from reader.library import Library
    from reader.pipeline import analyse
    from reader.storage.analysis_index import AnalysisIndex
    from reader.storage.read_marks import ReadState
    from reader.tui.app import ReaderApp
    from reader.tui.widgets.names_sidebar import NamesSidebar

    db = cache_folder() / "interactions.db"
    library = Library(load([path]), ReadState.open(db))
    index = AnalysisIndex.open(db)
    # The app at rest: names, threads and related articles found (the index keeps them for the next run),
    # so no analysis runs in the background while the interactions are timed.
    analyse(library, index=index)
    library.prepare_search()  # as the app does once every article is read
    library.prepare_name_filters()  # and once the names are found
    gc.freeze()  # as the app does after each phase of analysis
    app = ReaderApp(library)
    lines: list[str] = []

    def render() -> None:
        from rich.console import Console

        width, height = app.size
        console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True)
        screen = app.screen
        # Lay out again as Textual does (sizes change when the filter bar appears), but draw once: its own
        # update of what changed is skipped, and the whole screen is drawn below instead.
        screen._compositor_refresh = lambda: None  # type: ignore[method-assign]
        try:
            screen._refresh_layout()
        finally:
            del screen._compositor_refresh
        console.print(screen._compositor.render_update(full=True, screen_stack=app._background_screens))

    def timed(label: str, action: Callable[[], None], reset: Callable[[], None]) -> None:
        times = []
        for _ in range(5):
            reset()
            render()
            started = time.perf_counter()
            action()
            render()
            times.append((time.perf_counter() - started) * 1000)
        lines.append(f"| {label} | {statistics.median(times):.1f} ms | {max(times):.1f} ms |")

    async def drive() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            entity = max(library.names.entities, key=lambda e: len(e.articles))  # the biggest filter
            listed = app.article_list
            timed("a full render alone, for scale", lambda: None, lambda: None)
            timed("move down one row", listed.action_cursor_down, lambda: setattr(listed, "cursor", 10))
            timed("jump to the end", listed.action_last, listed.action_first)
            timed(
                f"name filter ({entity.name}, {len(entity.articles):,} articles)",
                lambda: app._on_name_chosen(NamesSidebar.Chosen(entity)),
                lambda: app._set_query(app.query_state.cleared()),
            )
            timed(
                "search (“apple”)",
                lambda: app._set_query(replace(app.query_state, search="apple")),
                lambda: app._set_query(app.query_state.cleared()),
            )

    asyncio.run(drive())
    heading = f"{len(library):,} articles: handler + full render, median and worst of 5"
    return [heading, "", "| interaction | median | worst |", "|---|---|---|", *lines]


def _loop_seconds() -> float:
    """A yardstick for comparing runs on a shared machine whose speed varies from hour to hour."""
    started = time.perf_counter()
    total = 0
    for step in range(10_000_000):
        total += step
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", default="seeds,reuters,uci")
    parser.add_argument("--skip-interactions", action="store_true")
    options = parser.parse_args()
    collections = {"seeds": seeds_dir(), "reuters": reuters_jsonl(), "uci": uci_jsonl()}
    bare_seconds()  # warm-up: caches, bytecode
    print(f"this machine's pace: a 10,000,000-step Python loop takes {_loop_seconds():.2f} s\n")
    print(
        "| collection | bare app | list shown, cold | everything shown, warm | full analysis, cold "
        "| peak memory, warm |"
    )
    print("|---|---|---|---|---|---|")
    for name in filter(None, options.only.split(",")):  # --only "" times the interactions alone
        path = collections[name]
        if path is None:
            print(f"| {name} | skipped: data absent | | | | |")
            continue
        for line in measure(name, path, options.runs):
            print(line, flush=True)
    if not options.skip_interactions and collections["uci"] is not None:
        print()
        print("\n".join(interactions(collections["uci"])))


if __name__ == "__main__":
    main()

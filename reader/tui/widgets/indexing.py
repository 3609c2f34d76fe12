"""The indexing bar: what the background analysis is doing, how far it is, and how fast it goes."""

from __future__ import annotations

import time

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label

_STAGES = {
    "loading": "Reading articles",
    "names": "Finding names",
    "profiles": "Weighing articles",
    "threads": "Grouping stories",
    "related": "Finding related articles",
}


class IndexingBar(Horizontal):
    """One line above the footer while the index is built; it hides itself when the work is done."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._stage = ""
        self._started = time.monotonic()
        self._first = 0

    def compose(self) -> ComposeResult:
        yield Label(id="indexing-label", markup=False)  # the bar beside it comes with the first report

    def report(self, stage: str, done: int, total: int | None) -> None:
        """`total` None: a stage whose length is not known (the bar pulses)."""
        if stage != self._stage:
            self._stage, self._started, self._first = stage, time.monotonic(), done
        self.display = True
        label = _STAGES.get(stage, stage)
        seconds = max(time.monotonic() - self._started, 1e-6)
        rate = f" · {(done - self._first) / seconds:,.0f}/s" if done > self._first else ""
        if total is None:
            text = f"{label}: {done:,}{rate}" if done else f"{label}…"
        else:
            text = f"{label}: {done:,} of {total:,}{rate}"
        self.query_one(Label).update(text)
        from textual.widgets import ProgressBar  # with the first report: a start with nothing to index never needs it

        bar = next(self.query("#indexing-progress").results(ProgressBar), None)
        if bar is None:
            bar = ProgressBar(show_eta=False, id="indexing-progress")
            self.mount(bar)
        bar.update(total=total, progress=done)

    def report_text(self, text: str, progress: tuple[int, int] | None) -> None:
        """Work that is not the analysis (fetching feeds): a line of its own words, and (done, total)."""
        self._stage = ""
        self.display = True
        self.query_one(Label).update(text)
        from textual.widgets import ProgressBar

        bar = next(self.query("#indexing-progress").results(ProgressBar), None)
        if bar is None:
            bar = ProgressBar(show_eta=False, id="indexing-progress")
            self.mount(bar)
        bar.update(total=progress[1] if progress else None, progress=progress[0] if progress else 0)

    def finish(self) -> None:
        self.display = False

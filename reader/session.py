"""Opening the reader: what to show first, from the analysis index or the sources, and what to read after.

With paths, their files; with none, the subscribed feeds' articles (the built-in seeds while nothing is
subscribed). The first screen shows articles at once: the newest, as the index kept them, when none of the
files changed since; otherwise the first batch read. The rest is read while the reader runs.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from reader.library import Library
from reader.pipeline import opened_index
from reader.sources.files import FIRST_BATCH, Collection, gathered, load, seeds_dir, source_files, stream
from reader.storage.read_marks import ReadState


@dataclass
class Opening:
    """What the reader opens on: the library of the first screen (None: nothing to show, the first batch's
    problems say why), the rest of the articles to read, and whether they are the feeds'."""

    library: Library | None
    rest: Iterator[Collection]
    feeds: bool
    first: Collection | None = None  # the first batch read, when the index did not list the first screen


def opening(read_state: ReadState, paths: list[str]) -> Opening:
    """The reader's first screen for these PATHs (none: the feeds, else the seeds)."""
    from reader.sources.feeds import subscribed

    feeds = None if paths else subscribed(read_state.path)
    files = [] if feeds is not None else source_files(paths or [seeds_dir()])
    batches = feeds if feeds is not None else stream(paths or [seeds_dir()])
    library = listed_from_index(read_state, files)
    if library is not None:
        return Opening(library, batches, feeds is not None)
    first = next(batches)
    if not first.articles and feeds is None:  # a first batch with no articles is the whole of what there is
        return Opening(None, batches, False, first)
    return Opening(Library(first, read_state), batches, feeds is not None, first)


def listed_from_index(read_state: ReadState, files: list[str]) -> Library | None:
    """A library of the newest articles of these files as the analysis index lists them, if it knows them
    as they are now. When that is the whole collection (a small one), its names and threads come too."""
    if read_state.path is None or not files:
        return None
    with opened_index(read_state.path) as index:
        if index is None:
            return None
        listed = index.newest(files, FIRST_BATCH)
        if not listed:
            return None
        library = Library.listed(listed, files, read_state)
        if len(listed) < FIRST_BATCH:  # names and threads on the first screen
            library.restore(index)
        else:  # the head of the names and the story count on the first screen; the rest read back behind it
            library.restore_summary(index)
        return library


def opened_sources(paths: list[str], db: Path) -> Collection:
    """Every article `reader` opens with these PATHs, at once (for the headless commands)."""
    from reader.sources.feeds import subscribed

    feeds = None if paths else subscribed(db)
    return load(paths or [seeds_dir()]) if feeds is None else gathered(feeds)

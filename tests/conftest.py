"""Shared fixtures: libraries over the seeds or over small collections a test writes itself."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from reader.library import Library
from reader.sources.files import load, seeds_dir
from reader.storage.read_marks import ReadState

# A fixed "now" so how-long-ago text (and the snapshots) never change with the calendar.
FIXED_NOW = datetime(2026, 11, 22, 12, 0)


def make_library(paths: list[Path] | None = None, db: Path | None = None) -> Library:
    collection = load(paths or [seeds_dir()])
    state = ReadState.open(db) if db is not None else ReadState.in_memory()
    return Library(collection, state)


def make_app(library: Library):  # type: ignore[no-untyped-def]
    from reader.tui.app import ReaderApp

    return ReaderApp(library, now=lambda: FIXED_NOW)


@pytest.fixture
def seeds_library() -> Library:
    return make_library()


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path

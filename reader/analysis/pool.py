"""Pools of worker processes, for pure-Python work that threads would do on one core."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # multiprocessing is imported only when a pool is worth starting (35 ms saved otherwise)
    from concurrent.futures import ProcessPoolExecutor


def process_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of `workers` fresh interpreters ("spawn": the caller may be a thread of a running UI, and
    forking a threaded process is unsafe)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    _start_resource_tracker()
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))


def _start_resource_tracker() -> None:
    """Start multiprocessing's helper process with a real stderr to hand on.

    A terminal UI replaces `sys.stderr` with an object whose fileno() is -1, which the helper cannot
    inherit ("bad value(s) in fds_to_keep"); the original stream is the terminal's.
    """
    from multiprocessing import resource_tracker

    if _has_fileno(sys.stderr) or not _has_fileno(sys.__stderr__):
        resource_tracker.ensure_running()
        return
    captured, sys.stderr = sys.stderr, sys.__stderr__
    try:
        resource_tracker.ensure_running()
    finally:
        sys.stderr = captured


def _has_fileno(stream: object) -> bool:
    try:
        return int(stream.fileno()) >= 0  # type: ignore[attr-defined]
    except (AttributeError, OSError, ValueError):
        return False

"""Python's cyclic garbage collector, paused while the analysis builds millions of objects.

Each full collection walks every object made since the last `gc.freeze()`. Finding names and grouping
threads make millions of them (names, profiles, postings) and no reference cycles, so at 400,000
articles the collector ran 23 full collections that freed nothing and cost 10 s of the analysis
(timed with `gc.callbacks`). Objects are still freed as soon as nothing refers to them.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic collector for the block (or the decorated function), then restore it as it was."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()

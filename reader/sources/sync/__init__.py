"""Sync: the subscriptions, items and read state of a server people already run (Miniflux, FreshRSS, Tiny Tiny
RSS, coldsweat, Nextcloud News, Inoreader...), through the two APIs they speak: Fever (`fever`) and the Google
Reader API (`greader`).

`server` speaks HTTP to it (aiohttp, as the feeds do), `service` is what both APIs give, `fever` and `greader`
speak each, `store` keeps what they give in the reader's database (the server's feeds and items become feeds
and entries, so names, threads, search and export treat them as any feed's), and `round` is one sync: pull,
apply, push. Marks made in the reader are queued in the database by `read_marks` and sent by the next round.
"""

from __future__ import annotations


class SyncError(Exception):
    """A sync round could not be done; the message says why in words (the queued marks stay)."""

    def __init__(self, message: str, *, refused: bool = False) -> None:
        super().__init__(message)
        self.refused = refused  # the server refused the login (not merely unreachable)

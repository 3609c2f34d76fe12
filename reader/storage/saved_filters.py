"""Saved filters (`b` in the reader): a name and the list's query as JSON, kept in the reader's database beside
the read marks, in the order they were saved."""

from __future__ import annotations

import json
import sqlite3
import time

from reader.storage.database import transaction


def listed(connection: sqlite3.Connection) -> list[tuple[str, dict[str, object]]]:
    """Every saved filter that can still be read, by name, oldest first."""
    rows = connection.execute("SELECT name, filter FROM saved_filters ORDER BY saved_at").fetchall()
    found = []
    for name, text in rows:
        try:
            value = json.loads(text)
        except ValueError:
            continue
        if isinstance(value, dict):
            found.append((str(name), value))
    return found


def save(connection: sqlite3.Connection, name: str, value: dict[str, object]) -> None:
    """Keep `value` under `name`, replacing one saved before under it."""
    with transaction(connection):
        row = (name, json.dumps(value), time.time())
        connection.execute("INSERT OR REPLACE INTO saved_filters VALUES (?, ?, ?)", row)


def forget(connection: sqlite3.Connection, name: str) -> None:
    with transaction(connection):
        connection.execute("DELETE FROM saved_filters WHERE name = ?", (name,))

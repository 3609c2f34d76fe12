"""What the article list shows: a query (`ListQuery`: filters and order), and a saved filter, which is a query
kept under a name with the name filter as the name itself (entity numbers change between analyses)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace


@dataclass(frozen=True, slots=True)
class ListQuery:
    """Which articles the list shows, and in what order."""

    newest_first: bool = True
    unread_only: bool = False
    search: str = ""
    name: int | None = None  # an index into the library's NameIndex entities
    feed: str | None = None  # a feed's URL: only its articles
    starred_only: bool = False

    @property
    def filtered(self) -> bool:
        return (
            self.unread_only
            or self.starred_only
            or bool(self.search.strip())
            or self.name is not None
            or self.feed is not None
        )

    def cleared(self) -> ListQuery:
        return replace(self, unread_only=False, search="", name=None, feed=None, starred_only=False)


def saved_filter(query: ListQuery, name: str | None) -> dict[str, object]:
    """The query's filters as a saved filter keeps them; `name`: the name filtered by, spelt out."""
    return {
        "search": query.search.strip(),
        "name": name,
        "feed": query.feed,
        "unread_only": query.unread_only,
        "starred_only": query.starred_only,
    }


def from_saved(
    saved: dict[str, object], query: ListQuery, entity_id: Callable[[str], int | None]
) -> tuple[ListQuery, str | None]:
    """`query` (its order kept) with a saved filter's filters instead of its own; `entity_id` finds a name's
    number. Also the name the filter wants that these articles do not name (yet), if any: the rest applies."""
    found = None
    missing = None
    wanted = saved.get("name")
    if isinstance(wanted, str) and wanted:
        found = entity_id(wanted)
        if found is None:
            missing = wanted
    feed = saved.get("feed")
    applied = replace(
        query.cleared(),
        search=str(saved.get("search") or ""),
        name=found,
        feed=feed if isinstance(feed, str) else None,
        unread_only=bool(saved.get("unread_only")),
        starred_only=bool(saved.get("starred_only")),
    )
    return applied, missing

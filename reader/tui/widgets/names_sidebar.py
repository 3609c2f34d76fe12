"""The names sidebar: people, places and organisations in the open article or the whole collection."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any, NamedTuple, overload

from rich.text import Text
from textual.binding import Binding
from textual.message import Message

from reader.articles import Article
from reader.library import Library
from reader.names import KINDS, CollectionName
from reader.text import one_line
from reader.tui.widgets.virtual_list import VirtualList

if TYPE_CHECKING:
    from reader.names import NameIndex, NamesSummary

RELATED = "related"
FEEDS = "feed"
SAVED = "saved"
FEEDS_UNFOLDED = 12  # more feeds than this start folded
SECTION_TITLES = {
    SAVED: "Saved filters",
    FEEDS: "Feeds",
    "person": "People",
    "place": "Places",
    "organization": "Organisations",
    RELATED: "Related stories",
}


class FeedRow(NamedTuple):
    """A subscribed feed as the sidebar lists it."""

    url: str
    title: str
    unread: int
    error: str | None = None  # the last fetch's error; None when it went well


class _Row(NamedTuple):  # a tuple: a collection's tens of thousands of names make rows quickly
    kind: str
    entity: CollectionName | None = None  # None for a section heading
    total: int = 0  # the name's articles, the section's names, the feed's unread articles
    article: Article | None = None  # a related article, in the Related section
    feed: FeedRow | None = None  # a feed, in the Feeds section
    failing: int = 0  # the Feeds heading: how many feeds failed their last fetch
    saved: str = ""  # a saved filter's name, in the Saved filters section



class _Rows(Sequence[_Row]):
    """The sidebar's rows, made only when drawn: a collection's hundred thousand names cost nothing until
    they scroll into view. Sections of a heading and its members, each member turned into a row by `make`."""

    def __init__(self) -> None:
        self._sections: list[tuple[_Row, Sequence[Any], Callable[[Any], _Row], Callable[[_Row], int]]] = []
        self._starts = [0]

    def add(
        self, heading: _Row, members: Sequence[Any], make: Callable[[Any], _Row], find: Callable[[_Row], int]
    ) -> None:
        """A section; `find(row)` is the member's position in `members`, or -1."""
        self._sections.append((heading, members, make, find))
        self._starts.append(self._starts[-1] + 1 + len(members))

    def add_rows(self, heading: _Row, rows: list[_Row]) -> None:
        """A section whose rows are made already (a few: one article's names, its related articles)."""
        self.add(heading, rows, lambda row: row, lambda row: _position(rows, row))

    def __len__(self) -> int:
        return self._starts[-1]

    @overload
    def __getitem__(self, index: int) -> _Row: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[_Row]: ...
    def __getitem__(self, index: int | slice) -> _Row | Sequence[_Row]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        section = bisect_right(self._starts, index) - 1
        heading, members, make, _ = self._sections[section]
        offset = index - self._starts[section]
        return heading if offset == 0 else make(members[offset - 1])

    def find(self, row: _Row) -> int:
        """Where `row` is, or 0 (the top) when it is not here any more."""
        for section, (heading, _, _, find) in enumerate(self._sections):
            if row == heading:
                return self._starts[section]
            if row.kind == heading.kind and (offset := find(row)) >= 0:
                return self._starts[section] + 1 + offset
        return 0


def _ranked_row(kind: str, entity: CollectionName) -> _Row:
    return _Row(kind, entity, len(entity.articles))


def _summary_row(kind: str, entry: tuple[int, str, int]) -> _Row:
    entity_id, name, count = entry
    return _Row(kind, CollectionName(entity_id, name, kind), count)


def _position(members: Sequence[Any], wanted: Any) -> int:
    try:
        return members.index(wanted)
    except ValueError:
        return -1


class NamesSidebar(VirtualList):
    """Names grouped by kind with their mention (or article) counts; Enter on a heading folds it."""

    BINDINGS = [
        Binding("delete", "forget", "Forget the saved filter", show=False),
        Binding("h,left,backspace", "app.back_to_list", "Back to the list", show=False),
    ]

    COMPONENT_CLASSES = VirtualList.COMPONENT_CLASSES | {
        "names-sidebar--heading",
        "names-sidebar--count",
        "names-sidebar--person",
        "names-sidebar--place",
        "names-sidebar--organization",
        "names-sidebar--note",
        "names-sidebar--feed",
        "names-sidebar--failing",
    }

    @dataclass
    class Chosen(Message):
        """The user chose a name: filter the list to the articles that mention it."""

        entity: CollectionName

    @dataclass
    class FeedChosen(Message):
        """The user chose a feed: filter the list to its articles (and say what went wrong, if it failed)."""

        feed: FeedRow

    @dataclass
    class SavedChosen(Message):
        """The user chose a saved filter: apply it (`forget`: Delete was pressed, remove it)."""

        name: str
        forget: bool = False

    @dataclass
    class RelatedChosen(Message):
        """The user chose a related article: open it."""

        article: Article

    def __init__(self, library: Library, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.library = library
        self.whole_collection = False
        self.article: Article | None = None
        self.folded: set[str] = set()
        self.rows: Sequence[_Row] = []
        self.feeds: list[FeedRow] = []
        self.saved: list[str] = []  # saved filters' names

    def show_saved(self, names: list[str]) -> None:
        if names != self.saved:
            self.saved = names
            self.rebuild()

    def show_feeds(self, feeds: list[FeedRow]) -> None:
        """The subscribed feeds, listed above the names while all articles' names are shown (folded at first
        when there are many, so the names stay in view: Enter on the heading unfolds them)."""
        if feeds != self.feeds:
            if not self.feeds and len(feeds) > FEEDS_UNFOLDED:
                self.folded.add(FEEDS)
            self.feeds = feeds
            self.rebuild()

    def show_article(self, article: Article | None) -> None:
        self.article = article
        self.rebuild()

    def toggle_scope(self) -> None:
        self.whole_collection = not self.whole_collection
        self.rebuild()

    @property
    def showing_collection(self) -> bool:
        """All articles' names when asked for, or while no article is open."""
        return self.whole_collection or self.article is None

    def rebuild(self) -> None:
        self.border_title = "Names · all articles" if self.showing_collection else "Names · this article"
        rows = _Rows()
        if self.saved and self.showing_collection:
            listed = [] if SAVED in self.folded else [_Row(SAVED, saved=name) for name in self.saved]
            rows.add_rows(_Row(SAVED, None, len(self.saved)), listed)
        if self.feeds and self.showing_collection:
            listed = [] if FEEDS in self.folded else [_Row(FEEDS, None, feed.unread, None, feed) for feed in self.feeds]
            failing = sum(1 for feed in self.feeds if feed.error is not None)
            rows.add_rows(_Row(FEEDS, None, len(self.feeds), failing=failing), listed)
        names, summary = self.library.names, self.library.summary
        if names is not None and self.showing_collection:
            self._add_ranked(rows, names)
        elif summary is not None and self.showing_collection:  # while the names are read back: their head
            self._add_summary(rows, summary)
        elif names is not None and self.article is not None:
            found = self.library.names_in(self.article)
            for kind in KINDS:
                counted = [(entity, name.mentions) for entity, name in found if entity.kind == kind]
                if counted:
                    listed = [] if kind in self.folded else [_Row(kind, e, n) for e, n in counted]
                    rows.add_rows(_Row(kind, None, len(counted)), listed)
        if not self.showing_collection and self.article is not None:
            related = self.library.related_articles(self.article)
            if related:
                listed = (
                    []
                    if RELATED in self.folded
                    else [_Row(RELATED, None, round(found.score * 100), article) for found, article in related]
                )
                rows.add_rows(_Row(RELATED, None, len(related)), listed)
        keep = self.rows[self.cursor] if self.rows and self.cursor < len(self.rows) else None
        self.rows = rows
        cursor = rows.find(keep) if keep is not None else 0
        self.set_row_count(len(rows) or 1, cursor)

    def _add_ranked(self, rows: _Rows, names: NameIndex) -> None:
        """Every entity of each kind, the most widely named first (a row is made only when drawn)."""
        for kind, entities in names.ranked_by_kind().items():
            if not entities or kind not in SECTION_TITLES:
                continue
            members = [] if kind in self.folded else entities

            def find(row: _Row, members: list[CollectionName] = members) -> int:
                # By id: the row kept may come from the summary shown while the names were read back.
                return _position(members, self.library.entity(row.entity.id) if row.entity is not None else None)

            rows.add(_Row(kind, None, len(entities)), members, partial(_ranked_row, kind), find)

    def _add_summary(self, rows: _Rows, summary: NamesSummary) -> None:
        """Each kind's most widely named entities as the index kept them, under the kind's full count."""
        for kind, top in summary.top.items():
            if not top or kind not in SECTION_TITLES:
                continue
            members = [] if kind in self.folded else top

            def find(row: _Row, members: list[tuple[int, str, int]] = members) -> int:
                wanted = row.entity.id if row.entity is not None else None
                return next((n for n, (entity_id, _, _) in enumerate(members) if entity_id == wanted), -1)

            rows.add(_Row(kind, None, summary.totals.get(kind, len(top))), members, partial(_summary_row, kind), find)

    def render_row(self, index: int, width: int) -> Text:
        if not self.rows:
            return Text(self._empty_message(), self.get_component_rich_style("names-sidebar--note"))
        row = self.rows[index]
        count = Text(f" {row.total:,}", self.get_component_rich_style("names-sidebar--count"))
        if row.article is not None:
            date = row.article.iso_date[2:] if row.article.iso_date else "undated"  # 22-09-04: room for the headline
            line = Text(f"  {date} ", self.get_component_rich_style("names-sidebar--count"))
            line.append(row.article.title)  # plain text, never markup
            line.truncate(width, overflow="ellipsis")
            return line
        if row.saved:
            label = Text("  " + row.saved, self.get_component_rich_style("names-sidebar--feed"))  # plain text
            label.truncate(width, overflow="ellipsis")
            return label
        if row.feed is not None:
            failing = row.feed.error is not None
            style = "names-sidebar--failing" if failing else "names-sidebar--feed"
            label = Text(("! " if failing else "  ") + row.feed.title, self.get_component_rich_style(style))
            figure = Text(f"{row.total:,}" if row.total else "", self.get_component_rich_style("names-sidebar--count"))
            label.truncate(max(3, width - figure.cell_len - 1), overflow="ellipsis")
            return label + Text(" " * max(1, width - label.cell_len - figure.cell_len)) + figure
        if row.entity is None:
            fold = "▸" if row.kind in self.folded else "▾"
            title = Text(f"{fold} {SECTION_TITLES[row.kind]}", self.get_component_rich_style("names-sidebar--heading"))
            title += count
            if row.failing:
                note = f" · {row.failing:,} failing"
                if title.cell_len + len(note) > width:
                    note = f" · {row.failing:,} !"  # no word is cut: the short form
                title.append(note, self.get_component_rich_style("names-sidebar--failing"))
            title.truncate(width, overflow="ellipsis")
            return title
        name = Text("  " + one_line(row.entity.name), self.get_component_rich_style(f"names-sidebar--{row.kind}"))
        figure = Text(f"{row.total:,}", self.get_component_rich_style("names-sidebar--count"))
        name.truncate(max(3, width - figure.cell_len - 1), overflow="ellipsis")  # a long name gives way, not its count
        padding = max(1, width - name.cell_len - figure.cell_len)
        return name + Text(" " * padding) + figure

    def _empty_message(self) -> str:
        if self.library.names is None:
            return "Finding names…"
        return "No names found."

    def action_forget(self) -> None:
        if self.rows and self.rows[self.cursor].saved:
            self.post_message(self.SavedChosen(self.rows[self.cursor].saved, forget=True))

    @property
    def current_entity(self) -> CollectionName | None:
        if not self.rows:
            return None
        return self.rows[self.cursor].entity

    def choose(self, index: int) -> None:
        if not self.rows:
            return
        row = self.rows[index]
        if row.article is not None:
            self.post_message(self.RelatedChosen(row.article))
        elif row.feed is not None:
            self.post_message(self.FeedChosen(row.feed))
        elif row.saved:
            self.post_message(self.SavedChosen(row.saved))
        elif row.entity is None:
            self.folded ^= {row.kind}
            self.rebuild()
        else:
            self.post_message(self.Chosen(row.entity))

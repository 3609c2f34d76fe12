"""The names sidebar: people, places and organisations in the open article or the whole collection."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from rich.text import Text
from textual.message import Message

from reader.articles import Article
from reader.library import Library
from reader.names import KINDS, CollectionName
from reader.tui.widgets.virtual_list import VirtualList

RELATED = "related"
SECTION_TITLES = {"person": "People", "place": "Places", "organization": "Organisations", RELATED: "Related stories"}


class _Row(NamedTuple):  # a tuple: a collection's tens of thousands of names make rows quickly
    kind: str
    entity: CollectionName | None = None  # None for a section heading
    count: int = 0
    article: Article | None = None  # a related article, in the Related section


class NamesSidebar(VirtualList):
    """Names grouped by kind with their mention (or article) counts; Enter on a heading folds it."""

    COMPONENT_CLASSES = VirtualList.COMPONENT_CLASSES | {
        "names-sidebar--heading",
        "names-sidebar--count",
        "names-sidebar--person",
        "names-sidebar--place",
        "names-sidebar--organization",
        "names-sidebar--note",
    }

    @dataclass
    class Chosen(Message):
        """The user chose a name: filter the list to the articles that mention it."""

        entity: CollectionName

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
        self.rows: list[_Row] = []

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
        self.border_title = "Names in all articles" if self.showing_collection else "Names in this article"
        counted: list[tuple[CollectionName, int]] = []
        if self.library.names is not None:
            if self.showing_collection:
                counted = [(e, len(e.articles)) for e in self.library.names.ranked()]
            elif self.article is not None:
                counted = [(e, found.mentions) for e, found in self.library.names_in(self.article)]
        rows: list[_Row] = []
        by_kind: dict[str, list[tuple[CollectionName, int]]] = {kind: [] for kind in KINDS}
        for entity, count in counted:
            by_kind.setdefault(entity.kind, []).append((entity, count))
        for kind in KINDS:
            members = by_kind[kind]
            if not members:
                continue
            rows.append(_Row(kind, None, len(members)))
            if kind not in self.folded:
                rows.extend([_Row(kind, e, n) for e, n in members])
        if not self.showing_collection and self.article is not None:
            related = self.library.related_articles(self.article)
            if related:
                rows.append(_Row(RELATED, None, len(related)))
                if RELATED not in self.folded:
                    rows.extend(_Row(RELATED, None, round(found.score * 100), article) for found, article in related)
        keep = self.rows[self.cursor] if self.rows and self.cursor < len(self.rows) else None
        self.rows = rows
        cursor = rows.index(keep) if keep in rows else 0
        self.set_row_count(len(rows) or 1, cursor)

    def render_row(self, index: int, width: int) -> Text:
        if not self.rows:
            return Text(self._empty_message(), self.get_component_rich_style("names-sidebar--note"))
        row = self.rows[index]
        count = Text(f" {row.count}", self.get_component_rich_style("names-sidebar--count"))
        if row.article is not None:
            date = row.article.iso_date[2:] if row.article.iso_date else "undated"  # 22-09-04: room for the headline
            line = Text(f"  {date} ", self.get_component_rich_style("names-sidebar--count"))
            line.append(row.article.title)  # plain text, never markup
            line.truncate(width, overflow="ellipsis")
            return line
        if row.entity is None:
            fold = "▸" if row.kind in self.folded else "▾"
            title = Text(f"{fold} {SECTION_TITLES[row.kind]}", self.get_component_rich_style("names-sidebar--heading"))
            return title + count
        name = Text("  " + row.entity.name, self.get_component_rich_style(f"names-sidebar--{row.kind}"))
        padding = max(1, width - name.cell_len - count.cell_len)
        return name + Text(" " * padding) + count

    def _empty_message(self) -> str:
        if self.library.names is None:
            return "Finding names…"
        return "No names found."

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
        elif row.entity is None:
            self.folded ^= {row.kind}
            self.rebuild()
        else:
            self.post_message(self.Chosen(row.entity))

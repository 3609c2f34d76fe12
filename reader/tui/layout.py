"""Which layout of the three panes a terminal's width gets, so a headline never has less room than at 80 columns.

Below 100 columns one pane shows at a time, as in newsboat. From 100 the list runs the whole width on top with
the article and the names under it, as mutt's and Thunderbird's index sit over their pager. Three columns side
by side only once each has its room: the list at least as wide as the whole 80-column screen, the article 60
columns of text, the names their own width.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ONE_PANE_BELOW = 100  # columns: below this one pane shows at a time
LIST_LEAST = 80  # columns the list has in three columns at the least: the 80-column screen's, so its headline room
ARTICLE_LEAST = 66  # columns the article has in three columns at the least: 60 of text, its scroll bar, padding, border

Kind = Literal["one pane", "stacked", "columns"]


@dataclass(frozen=True)
class Layout:
    """`kind` of layout; `list_width`: the list's columns in the three-column layout (None in the others, where
    the list takes the whole width)."""

    kind: Kind
    list_width: int | None = None


def three_columns_from(names_width: int) -> int:
    """The narrowest terminal that has room for the list, the article and the names side by side."""
    return LIST_LEAST + ARTICLE_LEAST + names_width


def layout_for(columns: int, list_share: int, names_width: int) -> Layout:
    """The layout for a terminal `columns` wide; `list_share` is the list's share of the width in three columns
    (the `list_width` setting, in percent), never below `LIST_LEAST` nor leaving the article less than its
    least."""
    if columns < ONE_PANE_BELOW:
        return Layout("one pane")
    if columns < three_columns_from(names_width):
        return Layout("stacked")
    most = columns - names_width - ARTICLE_LEAST
    return Layout("columns", max(LIST_LEAST, min(most, columns * list_share // 100)))

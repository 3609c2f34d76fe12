"""A list that renders only its visible rows (Textual's Line API), so 100,000 rows cost what 40 do."""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip


class VirtualList(ScrollView, can_focus=True):
    """A keyboard- and mouse-driven cursor over `row_count` rows drawn by `render_row`."""

    BINDINGS = [
        Binding("down,j", "cursor_down", "Down", show=False),
        Binding("up,k", "cursor_up", "Up", show=False),
        Binding("g,home", "first", "First", show=False),
        Binding("G,end", "last", "Last", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("enter", "choose", "Open", show=False),
    ]
    COMPONENT_CLASSES = {"virtual-list--cursor", "virtual-list--cursor-blurred"}

    cursor: reactive[int] = reactive(0, always_update=True, init=False)

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._row_count = 0
        self._base_style: Style | None = None  # the widget's style, worked out once per render

    # Subclasses -------------------------------------------------------------------------------

    def render_row(self, index: int, width: int) -> Text:
        """The row's text; the base class pads it, crops it and paints the cursor."""
        raise NotImplementedError

    def choose(self, index: int) -> None:
        """Enter (or a click) on row `index`."""

    # Rows -------------------------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        return self._row_count

    def set_row_count(self, count: int, cursor: int = 0) -> None:
        self._row_count = count
        self.virtual_size = Size(0, count)
        self.set_reactive(VirtualList.cursor, max(0, min(cursor, count - 1)))
        self._scroll_cursor_into_view()
        self.refresh()

    def render_lines(self, crop: Region) -> list[Strip]:
        # `rich_style` walks every ancestor's styles: once per render, not once per line.
        self._base_style = self.rich_style
        try:
            return super().render_lines(crop)
        finally:
            self._base_style = None

    def render_line(self, y: int) -> Strip:
        index = y + round(self.scroll_offset.y)
        width = self.scrollable_content_region.width
        base = self._base_style if self._base_style is not None else self.rich_style
        if index >= self._row_count:
            return Strip.blank(width, base)
        text = self.render_row(index, width)
        text.no_wrap = True
        text.overflow = "ellipsis"
        text.truncate(width, overflow="ellipsis", pad=True)
        segments = [Segment(s.text, base + s.style if s.style else base) for s in text.render(self.app.console)]
        strip = Strip(segments).crop_extend(0, width, base)
        if index == self.cursor and self._row_count:
            name = "virtual-list--cursor" if self.has_focus else "virtual-list--cursor-blurred"
            # Over the row's own styles (which carry the widget's background), not under them: under, the
            # cursor would never show.
            # Only its background: the row keeps its colours (dates, kinds of names) on the cursor.
            cursor = self.get_component_rich_style(name)
            over = Style(bgcolor=cursor.bgcolor) if cursor.bgcolor is not None else Style(reverse=True)
            strip = Strip(Segment.apply_style(strip, post_style=over), strip.cell_length)
        return strip

    def refresh_row(self, index: int) -> None:
        y = index - round(self.scroll_offset.y)
        if 0 <= y < self.scrollable_content_region.height:
            self.refresh_line(y)

    # Cursor -----------------------------------------------------------------------------------

    def watch_cursor(self, old: int, new: int) -> None:
        self._scroll_cursor_into_view()
        self.refresh_row(old)
        self.refresh_row(new)

    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, self._row_count - 1))

    def _scroll_cursor_into_view(self) -> None:
        height = self.scrollable_content_region.height
        if height <= 0:
            return
        top = round(self.scroll_offset.y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)

    def on_resize(self, event: events.Resize) -> None:
        self._scroll_cursor_into_view()

    def on_focus(self) -> None:
        self.refresh_row(self.cursor)

    def on_blur(self) -> None:
        self.refresh_row(self.cursor)

    def action_cursor_down(self) -> None:
        self.cursor += 1

    def action_cursor_up(self) -> None:
        self.cursor -= 1

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        self.cursor = self._row_count - 1

    def action_page_down(self) -> None:
        self.cursor += max(1, self.scrollable_content_region.height - 1)

    def action_page_up(self) -> None:
        self.cursor -= max(1, self.scrollable_content_region.height - 1)

    def action_choose(self) -> None:
        if self._row_count:
            self.choose(self.cursor)

    def on_click(self, event: events.Click) -> None:
        index = event.y + round(self.scroll_offset.y)
        if 0 <= index < self._row_count:
            self.cursor = index
            self.choose(index)


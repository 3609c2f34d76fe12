"""Every key the reader answers to, in one table: the app's bindings and the help screen come from it."""

from __future__ import annotations

from dataclasses import dataclass, replace

from textual.binding import Binding


@dataclass(frozen=True, slots=True)
class Key:
    keys: str  # Textual key names, comma-separated
    label: str  # as shown to people
    description: str
    action: str | None = None  # an app action; None where a pane handles the key itself
    footer: str = ""  # a short label shows the key in the footer
    priority: bool = False  # acts before queued keys reach the focused widget


KEYS: tuple[Key, ...] = (
    Key("j,down", "j / ↓", "next row in the list or names; scroll down in the article"),
    Key("k,up", "k / ↑", "previous row; scroll up in the article"),
    Key("g,home", "g / Home", "first row (top of the article)"),
    Key("G,end", "G / End", "last row (end of the article)"),
    Key("enter", "Enter", "open the article; filter by the name; fold a names section"),
    Key("l,right", "l / →", "open the article under the cursor (in the list)"),
    Key("h,left,backspace", "h / ← / Backspace", "from the article or the names, back to the list"),
    Key("tab", "Tab", "next pane: the list, the article, the names (below 100 columns, one shows at a time)",
        "next_pane", priority=True),
    Key("shift+tab", "Shift+Tab", "previous pane", "previous_pane", priority=True),
    Key("space", "Space", "page down the article; at its end, open the next unread", "page", "Page"),
    Key("n", "n", "open the next unread article", "next_unread", "Next unread"),
    Key("p", "p", "open the previous unread article", "previous_unread"),
    Key("m", "m", "mark the article under the cursor (on a story's row: every version) read / unread", "toggle_read",
        "Read/unread"),
    Key("N", "N", "the same as m (newsboat's key)", "toggle_read"),
    Key("M", "M", "mark every article in the list read", "mark_all_read"),
    Key("A", "A", "mark every article of this article's feed read (u undoes)", "mark_feed_read"),
    Key("u", "u", "undo the last read / unread change (including M)", "undo", "Undo"),
    Key("U", "U", "show only unread articles (again to show all)", "unread_only", "Unread only"),
    Key("asterisk", "*", "star the article (or take its star off); u undoes", "star", "Star"),
    Key("S", "S", "show only starred articles (again to show all)", "starred_only"),
    Key("v", "v", "a story told by several sources (“▸ 3 sources”): a row per version, or one row again "
        "(a click on the mark too)", "toggle_versions"),
    Key("V", "V", "the open story in its next version (another source's copy)", "next_version"),
    Key("right_square_bracket", "]", "next article in this story (date order)", "story_next", "Story ›"),
    Key("left_square_bracket", "[", "previous article in this story", "story_previous"),
    Key("right_curly_bracket", "}", "next unread article in this story", "story_next_unread"),
    Key("t", "t", "this story as a timeline: every article in date order, open any", "timeline", "Timeline"),
    Key("T", "T", "mark every article in this story read (u undoes)", "mark_thread_read"),
    Key("R", "R", "the article's related stories in a view of their own: whole headlines, what they share; Enter "
        "opens one", "related"),
    Key("slash", "/", "search headlines and text; the list filters as you type", "search", "Search", True),
    Key("greater_than_sign", ">", "next match of the search in the article (matches are marked)", "next_match"),
    Key("less_than_sign", "<", "previous match of the search in the article", "previous_match"),
    Key("escape", "Esc", "clear the filters (name, search, unread only); below 100 columns, back to the list first",
        "clear_filters"),
    Key("s", "s", "sort oldest first / newest first", "flip_sort"),
    Key("minus", "-", "a narrower article list, or a shorter one over the article (kept for the next start)",
        "narrower_list"),
    Key("plus,equals_sign", "+", "a wider article list, or a taller one over the article (kept for the next start)",
        "wider_list"),
    Key("b", "b", "save the list's filter under a name (the sidebar lists it; Delete there forgets it)",
        "save_filter"),
    Key("c", "c", "names: this article / all articles (below 100 columns, first shows the names)", "names_scope",
        "Names"),
    Key("r", "r", "refresh every feed now (in the background; new articles join the list)", "refresh", "Refresh"),
    Key("ctrl+r", "Ctrl+R", "refresh only the feed of the article under the cursor", "refresh_feed"),
    Key("F", "F", "fetch the open article's page now and show its main text (full text) in place of the summary",
        "full_text"),
    Key("o", "o", "open the article's link in the browser ($BROWSER; http and https only)", "open_link"),
    Key("O", "O", "the article's links, also those its text numbers [1], [2]…: Enter or the number opens one",
        "links"),
    Key("y", "y", "copy the article's link (its text when it has none) to the clipboard", "copy"),
    Key("vertical_line", "|", "send the article as text to the pipe command of the config (mail, notes)", "pipe"),
    Key("exclamation_mark", "!", "problems met while loading", "problems"),
    Key("question_mark", "?", "this help", "help", "Help"),
    Key("q", "q", "quit (below 100 columns, back to the list first)", "quit", "Quit"),
)


def app_bindings(keys: tuple[Key, ...] = KEYS) -> list[Binding]:
    return [
        Binding(
            key.keys,
            key.action,
            key.footer or key.description,
            show=bool(key.footer),
            key_display=key.label,
            priority=key.priority,
        )
        for key in keys
        if key.action is not None
    ]


def rebound(overrides: dict[str, str], lines: dict[str, int] | None = None) -> tuple[tuple[Key, ...], list[str]]:
    """The key table with the keys the config gives for some actions ({"next_unread": "n,ctrl+n"}), and
    what could not be taken (an action that does not exist, a key that is not one: reported and ignored;
    `lines` names the line of each in the file)."""
    actions = {key.action for key in KEYS if key.action is not None}
    problems = [f"[keys] {name}: no such action (actions: {', '.join(sorted(actions))})"
                for name in overrides if name not in actions]
    overrides = dict(overrides)
    for name, given in list(overrides.items()):
        wrong = _not_a_key(given, name)
        if wrong is not None:
            where = f"line {lines[name]}: " if lines and name in lines else ""
            problems.append(f"{where}[keys] {name} = {given!r}: {wrong}; ignored")
            del overrides[name]
    keys = tuple(
        replace(key, keys=overrides[key.action], label=_label(overrides[key.action]))
        if key.action in overrides
        else key
        for key in KEYS
    )
    return keys, problems


def _label(keys: str) -> str:
    return " / ".join(part.strip() for part in keys.split(",") if part.strip())


_MODIFIERS = {"ctrl", "shift", "alt", "meta", "super", "hyper"}


def _not_a_key(keys: str, action: str) -> str | None:
    """Why `keys` (comma-separated Textual key names) is not a list of keys, or None when it is one."""
    import unicodedata

    from textual.keys import KEY_TO_UNICODE_NAME, REPLACED_KEYS, Keys

    wrong = f"{keys!r} is not a key (keys are written as \"n\", \"ctrl+n\", \"escape\", \"comma\")"
    named = {key.value for key in Keys if "+" not in key.value and not key.value.startswith("<")}
    for part in keys.split(","):
        part = part.strip()
        if len(part) == 1 and part.isprintable() and not part.isspace():
            continue  # a character stands for its key ("+" for plus)
        *modifiers, name = part.split("+") if part else [""]
        if not name or any(modifier not in _MODIFIERS for modifier in modifiers):
            return wrong
        if name not in named and not (len(name) == 1 and name.isprintable() and not name.isspace()):
            try:
                original = REPLACED_KEYS.get(name, name)  # "slash" is "solidus" to Unicode
                character = unicodedata.lookup(KEY_TO_UNICODE_NAME.get(original, original))
            except KeyError:
                character = ""
            if not (name.islower() and len(character) == 1 and character.isprintable() and not character.isspace()):
                return wrong
        if part == "ctrl+q" and action != "quit":
            return "ctrl+q always quits"
    return None

"""Settings that stay: a TOML file in the platform's config directory, read at start, written when the reader
changes one of its own (theme, sort order, names scope, the list's width).

`reader.toml` lives in `platformdirs.user_config_path("reader")` (`~/.config/reader/` on Linux) unless
`READER_CONFIG` names another file. A file that cannot be read gives a message naming the line, and the
reader starts with the defaults (and never writes over it). Writing keeps the file's comments and order
(tomlkit), so a file edited by hand stays as it was written, but for the values changed.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

ENV_VAR = "READER_CONFIG"


@dataclass(frozen=True, slots=True)
class Settings:
    """Every setting, with its default. Sections of the file: [display], [feeds], [stories], [commands], [keys]."""

    # [display]
    theme: str = "textual-dark"
    sort: str = "newest"  # newest | oldest
    names: str = "article"  # article | all: the sidebar's names once an article is open
    measure: int = 0  # the widest an article's lines get, in columns (0: the pane's width)
    list_width: int = 34  # the article list's share of the screen, in percent (20-60)
    names_width: int = 26  # the names sidebar's width, in columns (20-60)
    # [feeds]
    refresh_minutes: float = 30.0  # 0: only when r is pressed
    # [stories]
    thread_gap_days: float = 14.0  # a story thread no article joined for this many days has gone quiet
    # [commands]
    browser: str = ""  # a command that opens a link ({url} stands for it); empty: $BROWSER or the system's
    pipe: str = ""  # the command | sends the article to, on its standard input
    # [keys]: action name -> keys (Textual's key names, comma-separated)
    keys: dict[str, str] = field(default_factory=dict)


_SECTIONS = {
    "display": ("theme", "sort", "names", "measure", "list_width", "names_width"),
    "feeds": ("refresh_minutes",),
    "stories": ("thread_gap_days",),
    "commands": ("browser", "pipe"),
}
_CHOICES = {"sort": ("newest", "oldest"), "names": ("article", "all")}
_RANGES = {
    "measure": (0, 1000), "list_width": (20, 60), "names_width": (20, 60), "refresh_minutes": (0, 1e7),
    "thread_gap_days": (1, 3650),
}


def config_path() -> Path:
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR]).expanduser()
    from platformdirs import user_config_path

    return user_config_path("reader", appauthor=False) / "reader.toml"


@dataclass(slots=True)
class Config:
    """The settings, where they came from, and what was wrong with the file (in words, for the user)."""

    path: Path
    settings: Settings = field(default_factory=Settings)
    problems: list[str] = field(default_factory=list)
    writable: bool = True  # False when the file could not be read: it is never written over

    def save(self, **changes: Any) -> str | None:
        """Change settings and write them to the file (keeping its comments); returns a problem, or None."""
        self.settings = replace(self.settings, **changes)
        if not self.writable:
            return f"{self.path} could not be read, so it is left as it is; the change lasts until you quit"
        import tomlkit

        try:
            text = self.path.read_text(encoding="utf-8") if self.path.exists() else ""
            document = tomlkit.parse(text)
            for name, value in changes.items():
                section = next(s for s, names in _SECTIONS.items() if name in names)
                if section not in document:
                    document[section] = tomlkit.table()
                document[section][name] = value
            self.path.parent.mkdir(parents=True, exist_ok=True)
            partial = self.path.with_name(self.path.name + ".partial")
            partial.write_text(tomlkit.dumps(document), encoding="utf-8")
            partial.replace(self.path)
        except (OSError, tomlkit.exceptions.TOMLKitError) as error:
            return f"settings could not be saved to {self.path}: {error}"
        return None


def load(path: Path | None = None) -> Config:
    """The settings in the file (defaults where it says nothing); problems are reported, never raised."""
    path = path or config_path()
    config = Config(path)
    if not path.exists():
        return config
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        config.problems.append(f"{path}: {error}; started with the default settings")
        config.writable = False
        return config
    values: dict[str, Any] = {}
    known = {f.name: f for f in fields(Settings)}
    for section, content in data.items():
        if section == "keys" and isinstance(content, dict):
            keys = {str(action): value for action, value in content.items() if isinstance(value, str) and value}
            values["keys"] = keys
            bad = [str(action) for action, value in content.items() if not (isinstance(value, str) and value)]
            if bad:
                shown = ", ".join(bad)
                config.problems.append(f'{path}: [keys] {shown}: a key is a string such as "n" or "ctrl+n"')
            continue
        if section not in _SECTIONS or not isinstance(content, dict):
            config.problems.append(f"{path}: unknown section [{section}] (known: {', '.join([*_SECTIONS, 'keys'])})")
            continue
        for name, value in content.items():
            if name not in _SECTIONS[section]:
                config.problems.append(f"{path}: [{section}] has no setting {name!r}")
                continue
            problem = _check(name, value, known[name].default)
            if problem is not None:
                config.problems.append(f"{path}: [{section}] {name}: {problem}; the default is used")
            else:
                values[name] = float(value) if name in ("refresh_minutes", "thread_gap_days") else value
    config.settings = replace(Settings(), **values)
    return config


def _check(name: str, value: object, default: object) -> str | None:
    if isinstance(default, bool) or isinstance(value, bool):
        return f"{value!r} is not a {type(default).__name__}"
    if isinstance(default, (int, float)) and not isinstance(value, (int, float)):
        return f"{value!r} is not a number"
    if isinstance(default, str) and not isinstance(value, str):
        return f"{value!r} is not a string"
    if name in _CHOICES and value not in _CHOICES[name]:
        return f"{value!r} is not one of {', '.join(_CHOICES[name])}"
    if name in _RANGES:
        low, high = _RANGES[name]
        assert isinstance(value, (int, float))
        if not low <= value <= high:
            return f"{value} is not between {low:g} and {high:g}"
    return None

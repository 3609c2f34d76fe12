"""Settings that stay: a TOML file in the platform's config directory, read at start, written when the reader
changes one of its own (theme, sort order, names scope, the list's width).

`reader.toml` lives in `platformdirs.user_config_path("reader")` (`~/.config/reader/` on Linux) unless
`READER_CONFIG` names another file. A file that cannot be read gives a message naming the line, and the
reader starts with the defaults (and never writes over it). Writing keeps the file's comments and order
(tomlkit), so a file edited by hand stays as it was written, but for the values changed.
"""

from __future__ import annotations

import os
import stat
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

ENV_VAR = "READER_CONFIG"


SERVICES = ("fever", "greader")


@dataclass(frozen=True, slots=True)
class SyncAccount:
    """[sync]: the server whose subscriptions, items and read state are the reader's (reader.sources.sync)."""

    service: str  # fever | greader
    url: str
    user: str
    password: str = ""
    password_command: str = ""  # run by the shell when the password is needed; its first line is the password


@dataclass(frozen=True, slots=True)
class Settings:
    """Every setting, with its default. Sections of the file: [display], [feeds], [stories], [commands], [keys],
    [sync]."""

    # [display]
    theme: str = "textual-dark"
    sort: str = "newest"  # newest | oldest
    names: str = "article"  # article | all: the sidebar's names once an article is open
    measure: int = 0  # the widest an article's lines get, in columns (0: the pane's width)
    list_width: int = 34  # the article list's share of the screen beside the article, in percent (20-60)
    list_height: int = 40  # the list's share of the rows when it runs the whole width over the article (20-80)
    names_width: int = 26  # the names sidebar's width, in columns (20-60)
    # [feeds]
    refresh_minutes: float = 30.0  # 0: only when r is pressed
    keep_days: float = 0.0  # entries a feed no longer carries go after this many days, starred ones never; 0: never
    # [stories]
    thread_gap_days: float = 14.0  # a story thread no article joined for this many days has gone quiet
    # [commands]
    browser: str = ""  # a command that opens a link ({url} stands for it); empty: $BROWSER or the system's
    pipe: str = ""  # the command | sends the article to, on its standard input
    # [keys]: action name -> keys (Textual's key names, comma-separated)
    keys: dict[str, str] = field(default_factory=dict)
    # [sync]: None when the section is absent or unusable
    sync: SyncAccount | None = None


_SECTIONS = {
    "display": ("theme", "sort", "names", "measure", "list_width", "list_height", "names_width"),
    "feeds": ("refresh_minutes", "keep_days"),
    "stories": ("thread_gap_days",),
    "commands": ("browser", "pipe"),
}
_CHOICES = {"sort": ("newest", "oldest"), "names": ("article", "all")}
_RANGES = {
    "measure": (0, 1000), "list_width": (20, 60), "list_height": (20, 80), "names_width": (20, 60),
    "refresh_minutes": (0, 1e7), "keep_days": (0, 1e6), "thread_gap_days": (1, 3650),
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
    key_lines: dict[str, int] = field(default_factory=dict)  # [keys] action -> its line in the file

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
                elif not isinstance(document[section], (tomlkit.items.Table, tomlkit.items.InlineTable)):
                    return (
                        f"settings could not be saved to {self.path}: [{section}] is not a section there"
                        " (fix it by hand); the change lasts until you quit"
                    )
                document[section][name] = value
            # Written beside the real file (a symlinked config stays a link) and put in its place at once, with
            # the mode it had (a file kept private stays so; the partial one is never readable by others).
            target = Path(os.path.realpath(self.path))
            target.parent.mkdir(parents=True, exist_ok=True)
            mode = stat.S_IMODE(target.stat().st_mode) if target.exists() else None
            partial = target.with_name(target.name + ".partial")
            descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600 if mode is not None else 0o666)
            with os.fdopen(descriptor, "w", encoding="utf-8") as out:
                out.write(tomlkit.dumps(document))
            if mode is not None:
                os.chmod(partial, mode)
            partial.replace(target)
        except (OSError, TypeError, ValueError, tomlkit.exceptions.TOMLKitError) as error:
            return f"settings could not be saved to {self.path}: {error}"
        return None


MAX_BYTES = 1024 * 1024  # a config is a few hundred bytes; a bigger file is not one


class _NotReadable(Exception):
    """The config path names something that is not a file to read."""


def load(path: Path | None = None) -> Config:
    """The settings in the file (defaults where it says nothing); problems are reported, never raised."""
    path = path or config_path()
    config = Config(path)
    if not path.exists():
        return config
    try:
        # A named pipe would wait for ever and /dev/zero never ends: only a regular file of a sane size is read.
        status = path.stat()
        if not stat.S_ISREG(status.st_mode):
            raise _NotReadable("not a regular file")
        with path.open("rb") as file:
            raw = file.read(MAX_BYTES + 1)
        if len(raw) > MAX_BYTES:
            raise _NotReadable(f"over {MAX_BYTES // 1024 // 1024} MB, too big for a config")
        text = raw.decode("utf-8")
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, _NotReadable) as error:
        config.problems.append(f"{path}: {error}; started with the default settings")
        config.writable = False
        return config
    values: dict[str, Any] = {}
    known = {f.name: f for f in fields(Settings)}
    for section, content in data.items():
        if section == "keys" and isinstance(content, dict):
            keys = {str(action): value for action, value in content.items() if isinstance(value, str) and value}
            values["keys"] = keys
            config.key_lines = _key_lines(text)
            bad = [str(action) for action, value in content.items() if not (isinstance(value, str) and value)]
            if bad:
                shown = ", ".join(bad)
                config.problems.append(f'{path}: [keys] {shown}: a key is a string such as "n" or "ctrl+n"')
            continue
        if section == "sync" and isinstance(content, dict):
            account, problems = _sync_account(content, _section_lines(text, "sync"))
            config.problems.extend(f"{path}: {problem}" for problem in problems)
            if account is not None:
                values["sync"] = account
            continue
        if section in (*_SECTIONS, "keys", "sync") and not isinstance(content, dict):
            config.problems.append(f"{path}: [{section}] is not a section ({section} = {content!r}); it is ignored")
            continue
        if section not in _SECTIONS or not isinstance(content, dict):
            known_sections = ", ".join([*_SECTIONS, "keys", "sync"])
            config.problems.append(f"{path}: unknown section [{section}] (known: {known_sections})")
            continue
        for name, value in content.items():
            if name not in _SECTIONS[section]:
                config.problems.append(f"{path}: [{section}] has no setting {name!r}")
                continue
            problem = _check(name, value, known[name].default)
            if problem is not None:
                config.problems.append(f"{path}: [{section}] {name}: {problem}; the default is used")
            else:
                values[name] = float(value) if name in ("refresh_minutes", "keep_days", "thread_gap_days") else value
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


def _key_lines(text: str) -> dict[str, int]:
    """Each setting of the [keys] section and the line it is on (so a problem with one can name its line)."""
    return _section_lines(text, "keys")


def _section_lines(text: str, wanted: str) -> dict[str, int]:
    """Each setting of the section `wanted` and the line it is on (so a problem with one can name its line);
    the section's own line under the empty name."""
    lines: dict[str, int] = {}
    section = ""
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("["):
            section = stripped.strip("[] \t").split("]")[0].strip()
            if section == wanted:
                lines.setdefault("", number)
        elif section == wanted and "=" in stripped and not stripped.startswith("#"):
            lines.setdefault(stripped.split("=", 1)[0].strip().strip("\"'"), number)
    return lines


_SYNC_KEYS = ("service", "url", "user", "password", "password_command")


def _sync_account(content: dict[str, Any], lines: dict[str, int]) -> tuple[SyncAccount | None, list[str]]:
    """The [sync] section as an account, or None (and why) when it cannot be used: a bad setting is named with
    its line, and without a usable service, url, user and password there is no sync (the feeds are fetched)."""
    problems: list[str] = []

    def where(name: str) -> str:
        line = lines.get(name) or lines.get("")
        return f"line {line}: " if line else ""

    values: dict[str, str] = {}
    for name, value in content.items():
        if name not in _SYNC_KEYS:
            problems.append(f"{where(name)}[sync] has no setting {name!r} (known: {', '.join(_SYNC_KEYS)})")
        elif not isinstance(value, str):
            problems.append(f"{where(name)}[sync] {name}: {value!r} is not a string; it is ignored")
        else:
            values[name] = value.strip() if name != "password" else value
    service = values.get("service", "").lower()
    if "service" in values and service not in SERVICES:
        problems.append(f"{where('service')}[sync] service: {values['service']!r} is not one of {', '.join(SERVICES)}")
        values.pop("service")
    url = values.get("url", "")
    if url and not url.lower().startswith(("http://", "https://")):
        problems.append(f"{where('url')}[sync] url: {url!r} is not an http or https address")
        values.pop("url")
    if values.get("password") and values.get("password_command"):
        problems.append(f"{where('password_command')}[sync] password and password_command: give one, not both")
        return None, problems
    missing = [name for name in ("service", "url", "user") if not values.get(name)]
    if not values.get("password") and not values.get("password_command"):
        missing.append("password (or password_command)")
    if missing:
        problems.append(f"{where('')}[sync] needs {', '.join(missing)}: no sync until it is set")
        return None, problems
    account = SyncAccount(
        service, values["url"], values["user"], values.get("password", ""), values.get("password_command", "")
    )
    return account, problems

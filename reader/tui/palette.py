"""The command palette (Ctrl+P) offers every reader action by what it does, with its key."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from reader.tui.keys import KEYS, Key


class ReaderCommands(Provider):
    """Each action of the key table, found by any word of its description or its key."""

    def _commands(self) -> list[Key]:
        keys = getattr(self.app, "keys", KEYS)  # as the config bound them
        return [key for key in keys if key.action is not None]

    def _run(self, action: str) -> None:
        self.app.call_later(self.app.run_action, action)

    def _saved(self) -> list[str]:
        saved = getattr(self.app, "saved_filters", None)
        return saved() if callable(saved) else []

    def _apply(self, name: str) -> None:
        self.app.call_later(self.app.apply_saved, name)  # type: ignore[attr-defined]

    async def discover(self) -> Hits:
        for name in self._saved():
            yield DiscoveryHit(f"Saved filter: {name}", partial(self._apply, name), help="apply it to the list")
        for key in self._commands():
            assert key.action is not None
            yield DiscoveryHit(_title(key), partial(self._run, key.action), help=f"key: {key.label}")

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name in self._saved():
            title = f"Saved filter: {name}"
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), partial(self._apply, name), help="apply it to the list")
        for key in self._commands():
            assert key.action is not None
            title = _title(key)
            score = max(matcher.match(title), matcher.match(f"{key.label} {key.action.replace('_', ' ')}"))
            if score > 0:
                yield Hit(score, matcher.highlight(title), partial(self._run, key.action), help=f"key: {key.label}")


def _title(key: Key) -> str:
    return key.description[0].upper() + key.description[1:]

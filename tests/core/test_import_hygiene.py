"""The core stays headless: nothing outside reader/tui may import Textual."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import reader

PACKAGE = Path(reader.__file__).parent


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_no_core_module_imports_textual() -> None:
    core = [p for p in PACKAGE.rglob("*.py") if "tui" not in p.relative_to(PACKAGE).parts]
    assert len(core) > 8
    offenders = {
        str(p.relative_to(PACKAGE)): sorted(m for m in _imported_modules(p) if m.split(".")[0] == "textual")
        for p in core
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_a_headless_export_never_loads_textual(tmp_path: Path) -> None:
    script = (
        "import sys, io, contextlib\n"
        "from reader.cli.main import main\n"
        "with contextlib.redirect_stdout(io.TextIOWrapper(io.BytesIO())):\n"
        f"    main(['export', '--json', '--db', {str(tmp_path / 'x.db')!r}])\n"
        "assert 'textual' not in sys.modules, 'textual was imported'\n"
        "assert 'reader.names' in sys.modules\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_starting_on_subscribed_feeds_loads_no_feed_parser_or_http_client(tmp_path: Path) -> None:
    """The start-up path (the command line, the feeds' articles, the app's module) stays light: the parser,
    the HTML reader and the HTTP client load with the first refresh."""
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from reader.storage.read_marks import ReadState\n"
        "from reader.sources.feeds.subscriptions import Subscriptions\n"
        f"db = Path({str(tmp_path / 'x.db')!r})\n"
        "ReadState.open(db).close()\n"
        "s = Subscriptions.open(db); s.add('https://example.org/rss'); s.close()\n"
        "import reader.cli.main, reader.config, reader.tui.app\n"
        "from reader.sources.feeds import subscribed\n"
        "next(subscribed(db))\n"
        "heavy = [m for m in ('fastfeedparser', 'lxml', 'selectolax', 'aiohttp') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr

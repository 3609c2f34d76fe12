"""Fixtures of the sync tests: the servers of `sync_servers`, started for each test (coldsweat installed once)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.sources.sync_servers import COLDSWEAT, Coldsweat, FeedServer


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    server = FeedServer()
    yield server
    server.close()


@pytest.fixture(scope="session")
def coldsweat_command(request: pytest.FixtureRequest) -> Path:
    """The `coldsweat` command, installed once into its own virtual environment in pytest's cache."""
    given = os.environ.get("READER_TEST_COLDSWEAT")
    if given:
        return Path(given)
    home = Path(request.config.cache.mkdir("coldsweat-0.10.2"))
    command = home / "bin" / "coldsweat"
    if not command.exists():
        made = subprocess.run([sys.executable, "-m", "venv", str(home)], capture_output=True, text=True)
        installed = made.returncode == 0 and subprocess.run(
            [str(home / "bin" / "python"), "-m", "pip", "install", "-q", COLDSWEAT],
            capture_output=True,
            text=True,
            timeout=900,
        )
        if not installed or installed.returncode != 0 or not command.exists():
            said = (installed.stderr if installed else made.stderr).strip().splitlines()
            pytest.skip(f"{COLDSWEAT} could not be installed ({said[-1] if said else 'no reason given'})")
    return command


@pytest.fixture
def coldsweat(coldsweat_command: Path, feed_server: FeedServer, tmp_path: Path) -> Iterator[Coldsweat]:
    home = tmp_path / "coldsweat"
    home.mkdir()
    feeds = [
        feed_server.atom(
            "/wire.xml", "Wire", [(f"w{n}", f"Wire story {n}", f"Text {n} of the wire.") for n in range(7)]
        ),
        feed_server.atom(
            "/desk.xml", "Desk", [(f"d{n}", f"Desk story {n}", f"Text {n} of the desk.") for n in range(5)]
        ),
    ]
    server = Coldsweat(coldsweat_command, home, feeds)
    server.start()
    yield server
    server.stop()

"""What every headless command shares: the --db option, the one-line error, and a standard output that
never fails on an odd character or a closed pipe."""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import IO

from reader.articles import Problem
from reader.storage.database import ENV_VAR, default_db_path
from reader.text import displayable

DB_HELP = f"the reader's database (default: ${ENV_VAR} or the data directory)"


class CommandError(Exception):
    """The command could not do its job; the message says why (exit status 1)."""


class Stdout:
    """Standard output as UTF-8 text (never failing on an odd character); a reader that stops early
    (`| head`) ends the command quietly."""

    def __enter__(self) -> IO[str]:
        self._out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", errors="replace", newline="\n",
                                     write_through=False)
        return self._out

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, _: object) -> bool:
        try:
            self._out.flush()
            self._out.detach()
        except BrokenPipeError:
            kind = BrokenPipeError
        if kind is not None and issubclass(kind, BrokenPipeError):
            quiet_stdout()
            return True
        return False


def quiet_stdout() -> None:
    """After a closed pipe, send what is left to /dev/null, so exiting does not complain about stdout."""
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def db_path(option: str | None) -> Path:
    return Path(option).expanduser() if option else default_db_path()


def warn(warnings: list[str]) -> None:
    for warning in warnings:
        print(f"reader: {displayable(warning)}", file=sys.stderr)


def report_problems(problems: list[Problem]) -> None:
    for problem in problems:
        print(f"reader: {displayable(problem.path)}: {displayable(problem.reason)}", file=sys.stderr)

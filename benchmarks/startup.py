"""How long until the first screen shows: `reader` on the seeds against a bare Textual app.

Both start the same way (a fresh Python process in a real pseudo-terminal, 120x40) and are timed from
spawn until the terminal output holds their first screen's text: the bare app's title, and the
reader's article list (a seed's date). For the reader it also times the names sidebar filling in.
Runs alternate, after a warm-up of each, and the medians are compared.

    python3 benchmarks/startup.py [--runs N] [PATH ...]
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import re
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

_ANSI = re.compile(rb"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])")


def time_to_markers(
    command: list[str], markers: list[bytes], timeout: float = 60.0, settle: bool = False
) -> tuple[list[float], float]:
    """Seconds from spawn until each marker has appeared in the (escape-stripped) terminal output,
    and the process's peak memory (VmHWM, MB) at the last marker; with `settle`, once the process has
    also finished its background work (two seconds without using the CPU), within `timeout`."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    env = dict(os.environ, TERM="xterm-256color", COLUMNS="120", LINES="40")
    # As a user's Python runs: compiled modules are cached (this machine turns that off for its shells, so
    # the reader, installed editable, would compile its sources on every start while Textual's were
    # compiled when pip installed it).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    started = time.perf_counter()
    process = subprocess.Popen(command, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True)
    os.close(slave)
    pending = text = b""
    found: list[float] = []
    try:
        while len(found) < len(markers) and time.perf_counter() - started < timeout:
            ready, _, _ = select.select([master], [], [], 0.05)
            if not ready:
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            # Strip escapes from the new output only (an escape cut off at the end waits for the next read).
            pending += chunk
            cut = pending.rfind(b"\x1b")
            if 0 <= cut and len(pending) - cut < 64:
                ready_part, pending = pending[:cut], pending[cut:]
            else:
                ready_part, pending = pending, b""
            start = max(0, len(text) - 64)
            text += _ANSI.sub(b"", ready_part)
            while len(found) < len(markers) and markers[len(found)] in text[start:]:
                found.append(time.perf_counter() - started)
        if settle and len(found) == len(markers):
            _wait_until_idle(process.pid, master, started + timeout)
        peak = _peak_mb(process.pid)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
        os.close(master)
    if len(found) < len(markers):
        raise RuntimeError(f"{command} never showed {markers[len(found)]!r}")
    return found, peak


def _wait_until_idle(pid: int, terminal: int, deadline: float) -> None:
    """Until the process has used under 2% of a core for two seconds (draining its output meanwhile)."""
    tick = os.sysconf("SC_CLK_TCK")
    quiet_since, last = time.perf_counter(), _cpu_seconds(pid, tick)
    while time.perf_counter() < deadline:
        if select.select([terminal], [], [], 0.25)[0]:
            try:
                os.read(terminal, 65536)
            except OSError:
                return
        now, used = time.perf_counter(), _cpu_seconds(pid, tick)
        if used - last > 0.02 * (now - quiet_since) + 0.01:
            quiet_since, last = now, used
        elif now - quiet_since >= 2.0:
            return


def _cpu_seconds(pid: int, tick: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / tick  # utime + stime, this process only


def _peak_mb(pid: int) -> float:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    line = next((line for line in status.splitlines() if line.startswith("VmHWM:")), "VmHWM: 0 kB")
    return int(line.split()[1]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("paths", nargs="*", help="articles to open instead of the seeds")
    options = parser.parse_args()
    here = Path(__file__).resolve().parent
    with tempfile.TemporaryDirectory() as folder:
        bare = [sys.executable, str(here / "bare_app.py")]
        reader = [sys.executable, "-m", "reader", "--db", str(Path(folder) / "bench.db"), *options.paths]
        list_marker = b"2022-09-09" if not options.paths else b"Articles"
        time_to_markers(bare, [b"bench-bare-app"])  # warm-up: caches, bytecode
        time_to_markers(reader, [list_marker, b"People"])
        bare_times, list_times, names_times = [], [], []
        for _ in range(options.runs):
            bare_times += time_to_markers(bare, [b"bench-bare-app"])[0]
            (at_list, at_names), _ = time_to_markers(reader, [list_marker, b"People"])
            list_times.append(at_list)
            names_times.append(at_names)
    bare_median = statistics.median(bare_times)
    print(f"runs: {options.runs} each, 120x40 pseudo-terminal, median (min-max)")
    for label, times in (
        ("bare Textual app, header+footer", bare_times),
        ("reader, first screen with the list", list_times),
        ("reader, names sidebar filled", names_times),
    ):
        median = statistics.median(times)
        print(
            f"{label:36} {median * 1000:7.0f} ms  ({min(times) * 1000:.0f}-{max(times) * 1000:.0f})"
            f"  ratio {median / bare_median:.2f}x"
        )


if __name__ == "__main__":
    main()

"""`reader export` at scale: cold (an empty database), then warm (the index the cold run kept), and peak memory.

    python3 -m benchmarks.export [--only reuters,uci] [--format json,jsonl]

Runs `python -m reader export` as a user's script would, output to /dev/null, on the archives
`benchmarks.archives` writes from `../shared/data/` (skipped when the data is absent). Peak memory is
the export's high-water mark (ru_maxrss, each run measured from a process of its own). Also prints how
long a fixed Python loop takes: the machine is shared, and every figure grows alike on a slow hour.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.archives import reuters_jsonl, uci_jsonl
from benchmarks.scale import _loop_seconds

TARGETS = {"reuters": (30.0, 4.0, 400), "uci": (150.0, 40.0, 2048)}  # cold s, warm s, peak MB (--json)


def _export(archive: Path, db: Path, form: str) -> tuple[float, float]:
    """Seconds and the child's peak memory in MB for one `reader export` run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "reader", "export", f"--{form}", "--db", str(db), str(archive)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"reader export failed ({result.returncode}): {result.stderr[-2000:]}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # ru_maxrss of children is the largest of any child so far: a run below the earlier peak shows as it.
    return seconds, max(peak, before) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default="reuters,uci")
    parser.add_argument("--format", default="json,jsonl")
    options = parser.parse_args()
    print(f"this machine's pace: a 10,000,000-step Python loop takes {_loop_seconds():.2f} s (as benchmarks.scale)")
    archives = {"reuters": reuters_jsonl, "uci": uci_jsonl}
    for name in [n for n in options.only.split(",") if n]:
        archive = archives[name]()
        if archive is None:
            print(f"{name}: data absent, skipped")
            continue
        cold_target, warm_target, memory_target = TARGETS[name]
        for form in options.format.split(","):
            # A fresh process per measurement, so each peak is its own (ru_maxrss of children only grows).
            with tempfile.TemporaryDirectory() as folder:
                db = Path(folder) / "reader.db"
                cold, cold_peak = _measured(archive, db, form, "cold")
                warm, warm_peak = _measured(archive, db, form, "warm")
            print(
                f"{name} --{form}: cold {cold:.1f} s (target {cold_target:.0f}), peak {cold_peak:,.0f} MB; "
                f"warm {warm:.1f} s (target {warm_target:.0f}), peak {warm_peak:,.0f} MB "
                f"(memory target {memory_target:,} MB)",
                flush=True,
            )


def _measured(archive: Path, db: Path, form: str, label: str) -> tuple[float, float]:
    """One export in a child process of its own, so its peak memory is not an earlier run's."""
    code = (
        "import sys; from pathlib import Path; from benchmarks.export import _export; "
        f"seconds, peak = _export(Path({str(archive)!r}), Path({str(db)!r}), {form!r}); print(seconds, peak)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=Path(__file__).parents[1])
    if result.returncode != 0:
        raise SystemExit(f"{label} export failed: {result.stdout[-1000:]}{result.stderr[-2000:]}")
    seconds, peak = result.stdout.split()
    return float(seconds), float(peak)


if __name__ == "__main__":
    main()

"""Timing whole processes for the benchmarks: wall seconds and peak memory of each command,
measured by /usr/bin/time, and the floor of ../shared/bench/floor.py in the same run.

Ratios, not seconds, are what count: these machines are shared and noisy, so every figure
in a table comes from one benchmark run.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
TRACKRECORD = str(BIN / "trackrecord")
FLOOR = ROOT.parent / "shared" / "bench" / "floor.py"
WORLDS = Path(os.environ.get("TRACKRECORD_BENCH_DIR", ROOT / ".bench"))


@dataclass
class Timing:
    seconds: float
    peak_mib: float


def timed(argv: list[str], env: dict | None = None) -> Timing:
    """Run argv as a whole process under /usr/bin/time; fail loudly if it fails."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        done = subprocess.run(
            ["/usr/bin/time", "-f", "%e %M", "-o", report.name, *argv],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, **(env or {})},
        )
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(argv)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
        seconds, kib = report.read().split()[-2:]
    return Timing(float(seconds), int(kib) / 1024)


def world(n_claims: int, seed: int = 11) -> Path:
    """A generated world of n_claims, made once and kept under .bench/ (not committed)."""
    folder = WORLDS / f"world-{n_claims}-{seed}"
    if not (folder / "outcomes.jsonl").exists():
        subprocess.run(
            [
                TRACKRECORD,
                "generate",
                "--claims",
                str(n_claims),
                "--out",
                str(folder),
                "--seed",
                str(seed),
            ],
            check=True,
        )
    return folder


def floor(folder: Path, repeats: int = 3) -> Timing:
    """The floor (DuckDB reading and counting the same files), best of `repeats`."""
    if not FLOOR.exists():
        raise SystemExit(f"the floor script is missing: {FLOOR}")
    runs = [timed([sys.executable, str(FLOOR), str(folder)]) for _ in range(repeats)]
    return min(runs, key=lambda t: t.seconds)


def fresh_db(folder: Path) -> Path:
    db = folder.parent / f"{folder.name}.duckdb"
    for suffix in ("", ".wal", ".lock"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    return db


def as_of_date(folder: Path, fraction: float = 0.8) -> str:
    """A day at `fraction` of the world's span (generated worlds span 2024-01-01..2025-12-31)."""
    import datetime as dt

    first, last = dt.date(2024, 1, 1), dt.date(2025, 12, 31)
    return str(first + (last - first) * fraction)


def append_results(section: str, text: str) -> None:
    """Replace `section` in benchmarks/RESULTS.md (a '## ' heading) with `text`."""
    path = ROOT / "benchmarks" / "RESULTS.md"
    current = path.read_text() if path.exists() else "# Benchmark results\n"
    heading = f"## {section}"
    parts = current.split("\n## ")
    kept = [parts[0]] + [p for p in parts[1:] if not p.startswith(section)]
    path.write_text("\n## ".join(kept).rstrip() + f"\n\n{heading}\n\n{text.strip()}\n")

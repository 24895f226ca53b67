"""Ingest speed: a generated 1M-claim world, as JSON lines and as CSV, against the floor.

    .venv/bin/python benchmarks/ingest.py [--claims 1000000] [--repeat 3]

The floor (../shared/bench/floor.py: DuckDB reading the JSON-lines files, best of three) and
`trackrecord ingest` into a fresh warehouse, of the world's JSON-lines files and of the same
world written as CSV (by DuckDB, once, beside it), are each timed as whole processes, in
alternating rounds; the best of each counts. The issue's bar: the JSON-lines ingest <= 4x
the floor. The figures go into benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
from pathlib import Path

import duckdb
from harness import TRACKRECORD, append_results, floor, fresh_db, timed, world


def csv_world(folder: Path) -> Path:
    """The world of `folder` written as CSV (claims.csv, outcomes.csv), made once."""
    target = folder.parent / f"{folder.name}-csv"
    if not (target / "outcomes.csv").exists():
        target.mkdir(exist_ok=True)
        with duckdb.connect() as con:
            for kind in ("claims", "outcomes"):
                rows = con.read_json(str(folder / f"{kind}.jsonl"), format="newline_delimited")
                rows.write_csv(str(target / f"{kind}.csv"), header=True)
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    folders = {"JSON lines": world(args.claims)}
    folders["CSV"] = csv_world(folders["JSON lines"])
    base = floor(folders["JSON lines"])
    timings: dict[str, list] = {name: [] for name in folders}
    for _ in range(args.repeat):
        for name, folder in folders.items():
            db = fresh_db(folder)
            timings[name].append(timed([TRACKRECORD, "--db", str(db), "ingest", str(folder)]))
    best = {name: min(runs, key=lambda t: t.seconds) for name, runs in timings.items()}
    rows = "\n".join(
        f"| ingest, {name} | {t.seconds:.2f} | {t.peak_mib:.0f} | {t.seconds / base.seconds:.2f} |"
        for name, t in best.items()
    )
    ratio = best["JSON lines"].seconds / base.seconds
    verdict = "meets" if ratio <= 4 else "MISSES"
    text = f"""\
Command: `.venv/bin/python benchmarks/ingest.py --claims {args.claims} --repeat {args.repeat}`
on {dt.date.today()} ({platform.machine()}, {os.cpu_count()} cores). Whole processes, the
best of {args.repeat} alternating rounds.

| step | seconds | peak MiB | ratio to floor |
|---|---:|---:|---:|
| floor (best of 3) | {base.seconds:.2f} | {base.peak_mib:.0f} | 1.00 |
{rows}

The JSON-lines ingest is {ratio:.2f}x the floor: {verdict} the bar of 4x. CSV takes
{best["CSV"].seconds / best["JSON lines"].seconds:.2f}x the time of JSON lines.
"""
    append_results(f"Ingest, {args.claims:,} claims", text)
    print(text)


if __name__ == "__main__":
    main()

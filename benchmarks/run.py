"""Ingest + run speed and memory on generated worlds of 100k, 1M and 10M claims.

    .venv/bin/python benchmarks/run.py [--sizes 100000 1000000 10000000]

For each size, in one run: the floor (../shared/bench/floor.py, best of three), `trackrecord
ingest` into a fresh warehouse and `trackrecord run --as-of` a day at 80% of the world's span,
each timed as a whole process with its peak memory. The issue's bar at 1M: ingest + run <= 6x
the floor, peak memory under 8 GiB. The figures go into benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform

from harness import TRACKRECORD, append_results, as_of_date, floor, fresh_db, timed, world


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000, 10_000_000])
    args = parser.parse_args()
    rows = []
    for size in args.sizes:
        folder = world(size)
        db = fresh_db(folder)
        base = floor(folder)
        ingest = timed([TRACKRECORD, "--db", str(db), "ingest", str(folder / "claims.jsonl"),
                        str(folder / "outcomes.jsonl")])
        run = timed([TRACKRECORD, "--db", str(db), "run", "--as-of", as_of_date(folder)])
        total = ingest.seconds + run.seconds
        rows.append(
            f"| {size:,} | {base.seconds:.2f} | {ingest.seconds:.2f} | {run.seconds:.2f} | "
            f"{total / base.seconds:.2f} | {ingest.peak_mib:.0f} | {run.peak_mib:.0f} |"
        )
        print(rows[-1], flush=True)
    text = f"""\
Command: `.venv/bin/python benchmarks/run.py --sizes {' '.join(map(str, args.sizes))}` on
{dt.date.today()} ({platform.machine()}, {os.cpu_count()} cores, as-of at 80% of the span).
Whole processes, one run; the floor is the best of three.

| claims | floor s | ingest s | run s | (ingest + run) / floor | ingest peak MiB | run peak MiB |
|---:|---:|---:|---:|---:|---:|---:|
""" + "\n".join(rows) + "\n\nThe bar at 1M claims: (ingest + run) / floor <= 6, peak memory < 8192 MiB.\n"
    append_results("Ingest + run", text)
    print(text)


if __name__ == "__main__":
    main()

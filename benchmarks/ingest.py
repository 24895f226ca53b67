"""Ingest speed: a generated 1M-claim world (JSONL) against the floor, in one run.

    .venv/bin/python benchmarks/ingest.py [--claims 1000000]

The floor (../shared/bench/floor.py: DuckDB reading the same files, best of three) and
`trackrecord ingest` into a fresh warehouse are each timed as whole processes. The issue's
bar: ingest <= 4x the floor. The figures go into benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform

from harness import TRACKRECORD, append_results, floor, fresh_db, timed, world


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=1_000_000)
    args = parser.parse_args()
    folder = world(args.claims)
    db = fresh_db(folder)
    base = floor(folder)
    ingest = timed(
        [
            TRACKRECORD,
            "--db",
            str(db),
            "ingest",
            str(folder / "claims.jsonl"),
            str(folder / "outcomes.jsonl"),
        ]
    )
    ratio = ingest.seconds / base.seconds
    verdict = "meets" if ratio <= 4 else "MISSES"
    text = f"""\
Command: `.venv/bin/python benchmarks/ingest.py --claims {args.claims}` on {dt.date.today()}
({platform.machine()}, {__import__("os").cpu_count()} cores). Whole processes, one run.

| step | seconds | peak MiB | ratio to floor |
|---|---:|---:|---:|
| floor (best of 3) | {base.seconds:.2f} | {base.peak_mib:.0f} | 1.00 |
| ingest | {ingest.seconds:.2f} | {ingest.peak_mib:.0f} | {ratio:.2f} |

Ingest is {ratio:.2f}x the floor: {verdict} the bar of 4x.
"""
    append_results(f"Ingest, {args.claims:,} claims", text)
    print(text)


if __name__ == "__main__":
    main()

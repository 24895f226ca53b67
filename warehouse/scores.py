"""What a run reads from the warehouse, and how it publishes its scores.

A run reads on a read-only connection (`load_run_inputs`) and writes once, briefly, in one
transaction (`publish_run`), so readers are blocked as little as possible and a run killed at
any moment leaves the last published scores as they were.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

import duckdb
import polars as pl

from warehouse.connection import fetch_frame, register_frame, sql_text, transaction


@dataclass
class RunInputs:
    """Claims and events visible at the as-of date, and who the sources are."""

    claims: pl.DataFrame
    outcomes: pl.DataFrame
    sources: pl.DataFrame


def load_run_inputs(con: duckdb.DuckDBPyConnection, as_of: date, verdicts: dict) -> RunInputs:
    """Claims published and events dated on or before `as_of`; nothing later is read."""
    reads = {
        "claims": ("run_claims.sql", {"as_of": as_of}),
        "outcomes": (
            "run_outcomes.sql",
            {
                "as_of": as_of,
                "holds_up": [v.lower() for v in verdicts["holds_up"]],
                "fails": [v.lower() for v in verdicts["fails"]],
                "threshold": float(verdicts["numeric_threshold"]),
            },
        ),
        "sources": ("run_sources.sql", {"as_of": as_of}),
    }
    return RunInputs(
        **{name: fetch_frame(con, sql_text(file), params) for name, (file, params) in reads.items()}
    )


@dataclass
class RunRecord:
    """One row of `runs`."""

    run_id: str
    as_of: date
    started_at: datetime
    finished_at: datetime | None
    status: str
    claims: int
    sources: int
    metrics: dict
    timings: dict
    fingerprint: str | None
    note: str | None

    def frame(self) -> pl.DataFrame:
        return pl.DataFrame(
            [
                {
                    **self.__dict__,
                    "metrics": json.dumps(self.metrics, default=float),
                    "timings": json.dumps(self.timings),
                }
            ],
            schema_overrides={
                "as_of": pl.Date,
                "started_at": pl.Datetime("us"),
                "finished_at": pl.Datetime("us"),
            },
        )


def publish_run(
    con: duckdb.DuckDBPyConnection,
    run: RunRecord,
    source_scores: pl.DataFrame,
    claim_scores: pl.DataFrame,
    outlet_scores: pl.DataFrame,
    *,
    keep_dates: int,
) -> None:
    """Replace the scores of `run.as_of` and mark the run successful, all or nothing."""
    tagged = {"run_id": pl.lit(run.run_id), "as_of": pl.lit(run.as_of, dtype=pl.Date)}
    register_frame(con, "new_source_scores", source_scores.with_columns(**tagged))
    register_frame(con, "new_claim_scores", claim_scores.with_columns(**tagged))
    register_frame(con, "new_outlet_scores", outlet_scores.with_columns(**tagged))
    register_frame(con, "new_run", run.frame())
    params = {"as_of": run.as_of, "keep_dates": keep_dates}
    try:
        with transaction(con):
            for statement in sql_text("publish.sql").split(";\n"):
                text = statement.strip()
                if text:
                    used = {k: v for k, v in params.items() if f"${k}" in text}
                    con.execute(text, used)
    finally:
        for name in ("new_source_scores", "new_claim_scores", "new_outlet_scores", "new_run"):
            con.unregister(name)


def record_failed_run(con: duckdb.DuckDBPyConnection, run: RunRecord) -> None:
    """Note a failed run in `runs` (its scores are not published)."""
    register_frame(con, "failed_run", run.frame())
    con.execute("insert into main.runs by name select * from failed_run")
    con.unregister("failed_run")

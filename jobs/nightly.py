"""The nightly run: read what was known at the as-of date, score it, publish atomically.

Steps: take the run lock (a second run exits 75 at once) -> read claims and events on a
read-only connection -> Polars features -> scikit-learn model -> source and outlet
reliability -> publish in one short transaction. A run killed at any moment leaves the last
published scores as they were; rerunning a date replaces that date's scores.
"""

from __future__ import annotations

import contextlib
import json
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import polars as pl

from features.build import claim_features
from jobs.config import Settings
from jobs.lock import run_lock
from scoring.aggregate import outlet_reliability, scored_claims, source_reliability
from scoring.model import score_claims
from scoring.text_model import hashed_words
from warehouse.connection import connect_read, connect_write
from warehouse.errors import NoWarehouse, WarehouseBusy
from warehouse.scores import RunRecord, load_run_inputs, publish_run, record_failed_run

Progress = Callable[[str], None]
# read, score, open for publishing, publish: for the progress bar
STEPS = 4


@dataclass
class RunResult:
    """What a run did, for the summary on stderr and for tests."""

    record: RunRecord
    seconds: float
    timings: dict = field(default_factory=dict)

    def summary(self) -> str:
        r = self.record
        m = r.metrics or {}
        if m.get("auc") is not None:
            model = (
                f"model {m.get('model')}: validation AUC {m['auc']:.3f}, Brier "
                f"{m.get('brier', float('nan')):.3f}, calibration error "
                f"{m.get('ece', float('nan')):.3f} on {m.get('rows_valid')} claims "
                f"(trained on {m.get('rows_train')})"
            )
        else:
            model = "no model fitted"
        note = f" {r.note}." if r.note else ""
        return (
            f"run {r.run_id} as of {r.as_of}: {r.claims} claims, {r.sources} sources scored; "
            f"{model};{note} published in {self.seconds:.1f}s."
        )


def run(settings: Settings, as_of: date, progress: Progress | None = None) -> RunResult:
    """Score every claim and source as of `as_of` and publish; see the module docstring."""
    note = progress or (lambda message: None)
    started = time.monotonic()
    started_at = datetime.now(UTC).replace(tzinfo=None)
    run_id = f"{as_of.isoformat()}-{started_at.strftime('%H%M%S')}-{uuid.uuid4().hex[:6]}"
    timings: dict[str, float] = {}

    def timed(step: str, function, *args, **kwargs):
        note(step)
        t = time.monotonic()
        value = function(*args, **kwargs)
        timings[step] = round(time.monotonic() - t, 3)
        return value

    with run_lock(settings.db):
        try:
            inputs = timed("read", _read_inputs, settings, as_of)
            record, sources, claims, outlets = timed(
                "score", _score, settings, as_of, inputs, run_id, started_at, timings
            )
        except Exception as error:
            _record_failure(settings, run_id, as_of, started_at, timings, error)
            raise
        record.timings = timings
        try:
            con = timed(
                "open for publishing",
                connect_write,
                settings.db,
                busy_timeout=settings.busy_timeout,
            )
        except WarehouseBusy as error:
            # Nothing can be written, not even a 'failed' row in `runs`: say so here.
            raise WarehouseBusy(
                f"{error}; run {run_id} was scored but not published, and "
                "the last published scores stand"
            ) from error
        with con:
            record.finished_at = datetime.now(UTC).replace(tzinfo=None)
            timed(
                "publish",
                publish_run,
                con,
                record,
                sources,
                claims,
                outlets,
                keep_dates=int(settings.section("warehouse")["claim_history_dates"]),
            )
            # The run's row was written inside the publishing; its own time is added after.
            con.execute(
                "update main.runs set timings = $timings where run_id = $run_id",
                {"timings": json.dumps(timings), "run_id": run_id},
            )
    return RunResult(record=record, seconds=time.monotonic() - started, timings=timings)


def _read_inputs(settings: Settings, as_of: date):
    try:
        con = connect_read(settings.db, busy_timeout=settings.busy_timeout)
    except NoWarehouse:
        # No warehouse yet, or one from an older trackrecord: created or migrated (a brief
        # write), then read.
        connect_write(settings.db, busy_timeout=settings.busy_timeout).close()
        con = connect_read(settings.db, busy_timeout=settings.busy_timeout)
    with con:
        return load_run_inputs(con, as_of, settings.section("verdicts"))


def _score(
    settings: Settings, as_of: date, inputs, run_id: str, started_at: datetime, timings: dict
):
    t = time.monotonic()
    claims = inputs.claims.sort("claim_id")
    # The words are hashed while Polars builds the features, which leaves a core idle.
    with ThreadPoolExecutor(max_workers=1) as beside:
        words = beside.submit(hashed_words, claims["text"])
        features = claim_features(claims.lazy(), inputs.outcomes.lazy(), as_of).collect()
    timings["features"] = round(time.monotonic() - t, 3)

    reliability = settings.section("reliability")
    priors = settings.priors()

    t = time.monotonic()
    # The words' rows are the features' rows when every claim read has a row, in claim order.
    aligned = words.result() if claims["claim_id"].equals(features["claim_id"]) else None
    scores = score_claims(features, words=aligned, **settings.model_options())
    timings["model"] = round(time.monotonic() - t, 3)

    t = time.monotonic()
    scored = scored_claims(features, scores.frame)
    options = dict(
        prior_strength=float(reliability["prior_strength"]),
        group_strength=float(reliability["group_strength"]),
        unsettled_weight=float(reliability["unsettled_weight"]),
        interval=float(reliability["interval"]),
        priors=priors,
        fitted=scores.fitted,
    )
    sources = source_reliability(scored, **options)
    outlets = outlet_reliability(scored, **options)
    timings["aggregate"] = round(time.monotonic() - t, 3)

    names = inputs.sources.select("source_id", "source")
    sources = sources.join(names, on="source_id", how="left").with_columns(
        source=pl.when(pl.col("kind") == "anonymous")
        .then(pl.format("{} @ {}", "source", "outlet"))
        .otherwise(pl.col("source"))
        .fill_null(pl.col("source_id"))
    )
    claim_rows = scores.frame.select("claim_id", "source_id", "p_true", "p_model", "label")
    record = RunRecord(
        run_id=run_id,
        as_of=as_of,
        started_at=started_at,
        finished_at=None,
        status="success",
        claims=features.height,
        sources=sources.height,
        metrics={
            **scores.metrics,
            "rows": int(scores.metrics.get("rows_train") or 0)
            + int(scores.metrics.get("rows_valid") or 0),
        },
        timings=timings,
        fingerprint=scores.fingerprint,
        note=scores.note or None,
    )
    return record, sources, claim_rows, outlets


def _record_failure(settings, run_id, as_of, started_at, timings, error) -> None:
    """Best effort: leave a 'failed' row in `runs` saying why."""
    message = str(error).splitlines()[0] if str(error) else ""
    record = RunRecord(
        run_id=run_id,
        as_of=as_of,
        started_at=started_at,
        finished_at=datetime.now(UTC).replace(tzinfo=None),
        status="failed",
        claims=None,
        sources=None,
        metrics={},
        timings=timings,
        fingerprint=None,
        note=f"{type(error).__name__}: {message}"[:500],
    )
    with contextlib.suppress(Exception), connect_write(settings.db, busy_timeout=2) as con:
        record_failed_run(con, record)

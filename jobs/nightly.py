"""The nightly run: read what was known at the as-of date, score it, publish atomically.

Steps: take the run lock (a second run exits 75 at once) -> read claims and events on a
read-only connection -> Polars features -> scikit-learn model -> source and outlet
reliability -> publish in one short transaction. A run killed at any moment leaves the last
published scores as they were; rerunning a date replaces that date's scores.
"""

from __future__ import annotations

import json
import sys
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import polars as pl

from features.build import claim_features
from jobs.config import Settings
from jobs.lock import run_lock
from jobs.startup import collector_paused, deferred_module
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
        # scikit-learn is imported while the run reads and builds its features: DuckDB's
        # reads leave part of a core idle, and a core waiting on the import later would cost
        # more (0.1 s of a run at a million claims).
        with ThreadPoolExecutor(max_workers=1) as importer:
            importer.submit(_import_scikit_learn)
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
        try:
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
        finally:
            con.close()
    return RunResult(record=record, seconds=time.monotonic() - started, timings=timings)


def _read_inputs(settings: Settings, as_of: date):
    try:
        con = connect_read(settings.db, busy_timeout=settings.busy_timeout)
    except NoWarehouse:
        # No warehouse yet, or one from an older trackrecord: created or migrated (a brief
        # write), then read.
        connect_write(settings.db, busy_timeout=settings.busy_timeout).close()
        con = connect_read(settings.db, busy_timeout=settings.busy_timeout)
    try:
        return load_run_inputs(con, as_of, settings.section("verdicts"))
    finally:
        con.close()


def _score(
    settings: Settings, as_of: date, inputs, run_id: str, started_at: datetime, timings: dict
):
    # Imported here, by then loaded (with numpy) alongside the read by _import_scikit_learn.
    from scoring.aggregate import outlet_reliability, scored_claims, source_reliability
    from scoring.model import score_claims
    from scoring.text_model import hashed_words_by_claim

    reliability = settings.section("reliability")
    priors = settings.priors()

    t = time.monotonic()
    # Sorted once, here: the hashing and the features' numbering both want claim_id order,
    # and Polars does not sort again a column it knows is sorted.
    claims = inputs.claims.sort("claim_id")
    # The words are hashed while Polars builds the features: the cores have room to spare in
    # it, and the hashing would otherwise wait for it to finish.
    with ThreadPoolExecutor(max_workers=1) as pool:
        hashing = pool.submit(hashed_words_by_claim, claims)
        features = claim_features(claims.lazy(), inputs.outcomes.lazy(), as_of).collect()
        ids, words = hashing.result()
    timings["features"] = round(time.monotonic() - t, 3)

    t = time.monotonic()
    # The matrix is used only if its rows are the features' rows, claim for claim.
    aligned = words if ids.equals(features["claim_id"]) else None
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


def _import_scikit_learn() -> None:
    """Load what a run uses of scikit-learn ahead of the model (see run), the garbage
    collector paused and scipy.stats deferred (jobs.startup: it is loaded only if something
    calls it); an error is left for the import that needs it to raise. Once loaded (a
    backfill runs many dates in one process) there is nothing to do, and nothing more is
    frozen."""
    if "scoring.candidates" in sys.modules:
        return
    try:
        with collector_paused(), deferred_module("scipy.stats"):
            import sklearn.feature_extraction.text  # noqa: F401  (scoring.text_model)

            import scoring.aggregate  # noqa: F401  (and numpy, scoring.model, text_model)
            import scoring.candidates  # noqa: F401
    except Exception:
        pass


def _record_failure(settings, run_id, as_of, started_at, timings, error) -> None:
    """Best effort: leave a 'failed' row in `runs` saying why."""
    try:
        con = connect_write(settings.db, busy_timeout=2)
    except Exception:
        return
    try:
        record_failed_run(
            con,
            RunRecord(
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
                note=f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"[
                    :500
                ],
            ),
        )
    except Exception:
        pass
    finally:
        con.close()


def backfill(
    settings: Settings, first: date, last: date, progress: Progress | None = None
) -> list[RunResult]:
    """One run per day from `first` to `last`, in order."""
    results = []
    day = first
    while day <= last:
        results.append(run(settings, day, progress))
        day += timedelta(days=1)
    return results

"""The backtest behind `trackrecord evaluate`: train as of a cutoff, score the claims still
open then, and compare with what happened to them later, beside two baselines.

Point in time holds: the model and both baselines see only what was known at the cutoff;
the later verdicts are used only to grade them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl

from features.build import claim_features
from features.evidence import claim_labels
from jobs.config import Settings
from scoring import metrics
from scoring.model import score_claims
from warehouse.connection import connect_read, connect_write, register_frame
from warehouse.errors import BadInput, TrackrecordError
from warehouse.scores import load_run_inputs

METHODS = ("model", "naive track record", "overall rate")


@dataclass
class Backtest:
    cutoff: date
    horizon: date
    results: pl.DataFrame  # method, claims, auc, brier, log_loss, ece
    deciles: pl.DataFrame  # bin, claims, predicted, observed (the model)
    graded: pl.DataFrame  # claim_id, label, model, naive track record, overall rate
    fingerprint: str
    note: str

    def text(self) -> str:
        from jobs.formatting import render

        lines = [
            f"Backtest: trained as of {self.cutoff}; graded {self.graded.height} claims open then "
            f"and settled by {self.horizon}.",
            "",
            render(self.results.rename({"method": "method (baselines below the model)"}), "table"),
            "Reliability of the model by decile (predicted vs observed):",
            render(self.deciles, "table"),
        ]
        if self.note:
            lines.insert(1, f"Note: {self.note}")
        return "\n".join(lines)


def default_cutoff(outcomes: pl.DataFrame, horizon: date) -> date:
    """The day by which three quarters of the eventually settled claims had settled."""
    settled = claim_labels(outcomes.lazy(), horizon).collect()
    if settled.is_empty():
        raise TrackrecordError("nothing is settled: there is nothing to backtest against")
    # (indexed, not Series.quantile: that gives a datetime for a Date column in Polars 2)
    days = settled["settled_on"].sort()
    return days[round(0.75 * (len(days) - 1))]


def backtest(settings: Settings, cutoff: date | None = None) -> Backtest:
    """Grade a model trained at `cutoff` (default: see default_cutoff) on later verdicts."""
    with connect_read(settings.db, busy_timeout=settings.busy_timeout) as con:
        [(span,)] = con.execute(
            "select greatest((select max(published_at) from claims),"
            ' (select max("at") from outcomes))::date'
        ).fetchall()
        if span is None:
            raise TrackrecordError("the warehouse holds no claims yet: ingest some first")
        inputs = load_run_inputs(con, span, settings.section("verdicts"))
    cutoff = cutoff or default_cutoff(inputs.outcomes, span)
    if cutoff >= span:
        raise BadInput(f"--cutoff {cutoff} leaves nothing after it (the data end on {span})")

    features = claim_features(inputs.claims.lazy(), inputs.outcomes.lazy(), cutoff).collect()
    scores = score_claims(features, **settings.model_options())
    later = (
        claim_labels(inputs.outcomes.lazy(), span).collect().select("claim_id", later_label="label")
    )
    targets = (
        scores.frame.filter(pl.col("label").is_null())
        .join(later, on="claim_id", how="inner")
        .select(
            "claim_id",
            "source_id",
            pl.col("later_label").alias("label"),
            pl.col("p_true").alias("model"),
        )
    )
    if targets.is_empty():
        raise TrackrecordError(
            f"no claim open at {cutoff} was settled later: choose an earlier --cutoff"
        )
    history = features.filter(pl.col("label").is_not_null()).select("source_id", "label")
    naive = metrics.naive_track_record(history, targets.select("claim_id", "source_id"))
    overall = metrics.overall_rate(history, targets.select("claim_id"))
    graded = targets.join(
        naive.select("claim_id", pl.col("p").alias("naive track record")), on="claim_id"
    ).join(overall.select("claim_id", pl.col("p").alias("overall rate")), on="claim_id")
    y = graded["label"].cast(pl.Float64).to_numpy()
    results = pl.DataFrame(
        [
            {
                "method": method,
                "claims": graded.height,
                **metrics.summary(y, graded[method].to_numpy()),
            }
            for method in METHODS
        ]
    )
    deciles = metrics.reliability_table(y, graded["model"].to_numpy())
    return Backtest(
        cutoff=cutoff,
        horizon=span,
        results=results,
        deciles=deciles,
        graded=graded,
        fingerprint=scores.fingerprint,
        note=scores.note,
    )


def save(settings: Settings, result: Backtest) -> None:
    """Append the results to the `evaluations` table."""
    rows = result.results.with_columns(
        evaluated_at=pl.lit(datetime.now(UTC).replace(tzinfo=None)),
        cutoff=pl.lit(result.cutoff),
        horizon=pl.lit(result.horizon),
        fingerprint=pl.lit(result.fingerprint),
    )
    with connect_write(settings.db, busy_timeout=settings.busy_timeout) as con:
        register_frame(con, "new_evaluations", rows)
        con.execute("insert into evaluations by name select * from new_evaluations")


def plot(result: Backtest, path: Path) -> None:
    """Calibration curve (model and naive track record, by decile) and the distribution of
    the model's probabilities for claims that held up and did not, as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    y = result.graded["label"].cast(pl.Float64).to_numpy()
    fig, (curve, spread) = plt.subplots(1, 2, figsize=(11, 4.5))
    curve.plot([0, 1], [0, 1], linestyle="--", color="grey", label="perfect calibration")
    for method, style in (("model", "o-"), ("naive track record", "s--")):
        table = metrics.reliability_table(y, result.graded[method].to_numpy())
        curve.plot(table["predicted"], table["observed"], style, label=method)
    curve.set(
        xlabel="predicted probability (decile mean)",
        ylabel="observed share true",
        title=f"Calibration, cutoff {result.cutoff}",
        xlim=(0, 1),
        ylim=(0, 1),
    )
    curve.legend(loc="upper left")
    p = result.graded["model"].to_numpy()
    spread.hist(
        [p[y == 1], p[y == 0]],
        bins=20,
        range=(0, 1),
        label=["held up", "did not"],
        color=["tab:green", "tab:red"],
        alpha=0.8,
    )
    spread.set(xlabel="model p_true", ylabel="claims", title=f"Scores of {len(y)} graded claims")
    spread.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)

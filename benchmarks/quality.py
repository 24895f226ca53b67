"""How good are trackrecord's scores? Features + model + aggregation, straight from frames.

    .venv/bin/python benchmarks/quality.py world [--claims 20000] [--seed 7] [--dir DIR]
    .venv/bin/python benchmarks/quality.py liar [--split given|time] [--delay 7] [--per-day 3]
    .venv/bin/python benchmarks/quality.py liar2 [--split time|random]
    .venv/bin/python benchmarks/quality.py speed [--claims 1000000] [--dir DIR]
    .venv/bin/python benchmarks/quality.py variants [--claims 20000]

`world` scores a generated world (`jobs.generate.write_world`, or the one in DIR) as of the day
by which about half of its claims are settled, read with Polars (the truth's identity as
source_id, lower case for subject and `by` keys), and compares with the hidden truth: Spearman
of source reliability against true reliability (identities with 10+ claims) and AUC / Brier of
p_true on the claims still open, beside the naive track record (each source's settled
true-rate shrunk toward the overall rate; several strengths). `liar` does the same on LIAR:
the history's verdicts become `rated` outcomes (statements dated in id order), the other
statements are scored with their verdicts withheld; the history is the train file, or the
earliest 70% by id. `liar2` does it on LIAR2's validation file with its real dates, holding
back the latest 30% or a random 30%. `speed` times features, model and aggregation on a
generated world of a million claims (best of three; wall and CPU seconds). `variants` scores
worlds of other seeds and worlds with the generator's signals turned down or up (its
constants patched: evidence and wording that say nothing, narrow reliabilities, strong
outlets), to see how the scores hold up away from the world the defaults were chosen on.
Columns 9-13 of
LIAR and LIAR2's count columns are never read. This is a tuning tool, not a test.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import polars as pl
from scipy.stats import spearmanr

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from features.build import claim_features  # noqa: E402
from scoring import metrics  # noqa: E402
from scoring.aggregate import scored_claims, source_reliability  # noqa: E402
from scoring.model import score_claims  # noqa: E402

SETTINGS = dict(
    validation_fraction=0.2,
    min_training_rows=40,
    max_training_rows=300_000,
    random_state=0,
    priors={"named": 0.6, "anonymous": 0.5},
)
RELIABILITY = dict(prior_strength=4, group_strength=200, unsettled_weight=0.5, interval=0.9)
LIAR = Path(__file__).resolve().parents[2] / "shared" / "data" / "liar"
LIAR2 = LIAR.parent / "liar2"
HOLDS_UP = {"true", "mostly-true", "half-true"}


# --- worlds ---------------------------------------------------------------------------------


def generated_world(directory: Path) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """A world written by `trackrecord generate`, read with Polars: the truth's identity as
    source_id, simple lower case for subject and `by` keys, verdicts mapped as config does."""
    claims_raw = pl.read_ndjson(directory / "claims.jsonl", infer_schema_length=None)
    outcomes_raw = pl.read_ndjson(directory / "outcomes.jsonl", infer_schema_length=None)
    truth = _read_truth(directory / "truth")
    claims = claims_raw.join(truth.select("claim_id", "identity"), on="claim_id", how="left")
    claims = claims.select(
        "claim_id",
        _day(pl.col("published_at")).alias("published"),
        pl.col("identity").alias("source_id"),
        pl.col("identity").str.extract(r"^(named|anonymous):").alias("kind"),
        pl.col("affiliation").str.strip_chars().replace("", None)
        if "affiliation" in claims.columns
        else pl.lit(None, pl.String).alias("affiliation"),
        pl.col("outlet").str.strip_chars().str.replace(r"(?i)^the\s+", ""),
        (
            pl.col("subject").str.to_lowercase().str.strip_chars()
            if "subject" in claims.columns
            else pl.lit(None, pl.String)
        ).alias("subject_key"),
        "text",
    )
    verdict = (
        pl.col("verdict").cast(pl.String).str.to_lowercase()
        if "verdict" in outcomes_raw.columns
        else pl.lit(None, pl.String)
    )
    numeric = verdict.cast(pl.Float64, strict=False)
    label = (
        pl.when(pl.col("event") == "confirmed")
        .then(1)
        .when(pl.col("event") == "retracted")
        .then(0)
        .when(pl.col("event") == "rated")
        .then(
            pl.when(numeric.is_not_null())
            .then((numeric >= 0.5).cast(pl.Int32))
            .when(verdict.is_in(list(HOLDS_UP)))
            .then(1)
            .when(verdict.is_in(["mostly-false", "barely-true", "false", "pants-fire"]))
            .then(0)
        )
        .cast(pl.Int8)
    )
    by = pl.col("by") if "by" in outcomes_raw.columns else pl.lit(None, pl.String)
    outcomes = outcomes_raw.select(
        "claim_id",
        "event",
        _day(pl.col("at")).alias("at"),
        by.fill_null("")
        .str.to_lowercase()
        .str.strip_chars()
        .str.replace(r"^the\s+", "")
        .alias("by_key"),
        label.alias("label"),
    )
    return claims, outcomes, truth


def _day(expr: pl.Expr) -> pl.Expr:
    """The UTC day of an ISO date or datetime ("2024-01-01", "...T21:12:00-05:00", "...Z")."""
    text = expr.cast(pl.String).str.replace(r"Z$", "+00:00")
    stamp = text.str.to_datetime("%Y-%m-%dT%H:%M:%S%:z", strict=False, time_zone="UTC")
    return (
        pl.when(text.str.len_chars() <= 10)
        .then(text.str.to_date("%Y-%m-%d", strict=False))
        .otherwise(stamp.dt.date())
    )


def _read_truth(folder: Path) -> pl.DataFrame:
    """claim_id, identity, true_reliability, truth from whatever the generator wrote."""
    frames = {}
    for path in sorted(folder.iterdir()):
        if path.suffix in (".jsonl", ".ndjson"):
            frames[path.stem] = pl.read_ndjson(path, infer_schema_length=None)
        elif path.suffix == ".csv":
            frames[path.stem] = pl.read_csv(path)
        elif path.suffix == ".parquet":
            frames[path.stem] = pl.read_parquet(path)
    claim_frame = next(f for f in frames.values() if "claim_id" in f.columns)
    identity_frame = next(
        (f for f in frames.values() if "claim_id" not in f.columns and "identity" in f.columns),
        None,
    )
    truth_column = next(
        c for c in ("truth", "true", "holds_up", "is_true", "label") if c in claim_frame.columns
    )
    claim_frame = claim_frame.with_columns(pl.col(truth_column).cast(pl.Int8).alias("truth"))
    if "true_reliability" not in claim_frame.columns:
        reliability_column = next(
            c for c in identity_frame.columns if c in ("reliability", "true_reliability")
        )
        claim_frame = claim_frame.join(
            identity_frame.select("identity", pl.col(reliability_column).alias("true_reliability")),
            on="identity",
            how="left",
        )
    return claim_frame.select("claim_id", "identity", "true_reliability", "truth")


def half_settled_day(claims: pl.DataFrame, outcomes: pl.DataFrame) -> date:
    """The first day by which at least half of the claims published by then are settled."""
    first_settled = (
        outcomes.filter(pl.col("label").is_not_null())
        .group_by("claim_id")
        .agg(pl.col("at").min().alias("settled_on"))
    )
    days = claims.select("published").unique().sort("published")["published"].to_list()
    joined = claims.join(first_settled, on="claim_id", how="left")
    candidate = days[len(days) // 2]
    for day in days[len(days) // 2 :]:
        seen = joined.filter(pl.col("published") <= day)
        share = (seen["settled_on"] <= day).sum() / seen.height
        candidate = day
        if share >= 0.5:
            break
    return candidate


# --- measurement ----------------------------------------------------------------------------


def run_pipeline(claims, outcomes, as_of, *, timings=None, **overrides):
    clock = time.perf_counter()
    features = claim_features(claims.lazy(), outcomes.lazy(), as_of).collect()
    t_features = time.perf_counter() - clock
    scores = score_claims(features, **{**SETTINGS, **overrides})
    t_model = time.perf_counter() - clock - t_features
    scored = scored_claims(features, scores.frame)
    sources = source_reliability(
        scored, fitted=scores.fitted, priors=SETTINGS["priors"], **RELIABILITY
    )
    t_total = time.perf_counter() - clock
    if timings is not None:
        timings.update(
            features=t_features,
            model=t_model,
            aggregate=t_total - t_features - t_model,
            total=t_total,
        )
    return features, scores, scored, sources


def naive_strengths(history, targets, y):
    """AUC and Brier of the naive track record at a few smoothing strengths; the best AUC."""
    rows = []
    for strength in (1, 2, 4, 8, 16):
        p = metrics.naive_track_record(history, targets, strength=strength)["p"].to_numpy()
        rows.append((strength, metrics.auc(y, p), metrics.brier(y, p)))
    return rows


def evaluate_world(claims, outcomes, truth, label: str) -> dict:
    as_of = half_settled_day(claims, outcomes)
    timings = {}
    features, scores, scored, sources = run_pipeline(claims, outcomes, as_of, timings=timings)
    open_claims = scored.filter(pl.col("label").is_null()).join(
        truth.select("claim_id", "truth"), on="claim_id"
    )
    y = open_claims["truth"].to_numpy()
    history = scored.filter(pl.col("label").is_not_null()).select("source_id", "label")
    naive = naive_strengths(history, open_claims, y)
    published = claims.filter(pl.col("published") <= as_of)
    identities = (
        published.join(truth.select("claim_id", "true_reliability"), on="claim_id")
        .group_by("source_id")
        .agg(pl.len().alias("n"), pl.col("true_reliability").first())
    )
    big = identities.filter(pl.col("n") >= 10).join(sources, on="source_id")
    naive_source = metrics.naive_track_record(history, big.select("source_id"), strength=8)
    result = {
        "world": label,
        "as_of": str(as_of),
        "claims": published.height,
        "open": open_claims.height,
        "identities_10plus": big.height,
        "spearman": spearmanr(big["reliability"], big["true_reliability"]).statistic,
        "spearman_naive": spearmanr(naive_source["p"], big["true_reliability"]).statistic,
        "auc_open": metrics.auc(y, open_claims["p_true"]),
        "brier_open": metrics.brier(y, open_claims["p_true"]),
        "naive (strength, auc, brier)": [(s, round(a, 4), round(b, 4)) for s, a, b in naive],
        "model": scores.metrics,
        "note": scores.note,
        "seconds": {k: round(v, 2) for k, v in timings.items()},
    }
    return result


def liar_world(path: Path = LIAR, split: str = "given", delay: int = 7, per_day: int = 3):
    """LIAR as trackrecord input: statements as claims dated in id order (about three a day),
    history verdicts as `rated` outcomes `delay` days later, the rest open. The history is the
    train file ("given" split) or the earliest 70% by id ("time"). Never columns 9-13."""
    names = [
        "id",
        "verdict",
        "statement",
        "subjects",
        "speaker",
        "job",
        "state",
        "party",
        "c9",
        "c10",
        "c11",
        "c12",
        "c13",
        "context",
    ]
    frames = []
    for part in ("train", "valid"):
        frame = pl.read_csv(
            path / f"{part}.tsv",
            separator="\t",
            has_header=False,
            new_columns=names,
            quote_char=None,
            schema_overrides={n: pl.String for n in names},
        )
        frames.append(frame.select(names[:8] + ["context"]).with_columns(split=pl.lit(part)))
    rows = (
        pl.concat(frames)
        .with_columns(number=pl.col("id").str.replace(r"\.json$", "").cast(pl.Int64))
        .sort("number")
        .with_row_index("order")
    )
    start = date(2007, 1, 1)
    rows = rows.with_columns(
        published=(pl.lit(start) + pl.duration(days=pl.col("order") // per_day)).cast(pl.Date),
        truth=pl.col("verdict").is_in(list(HOLDS_UP)).cast(pl.Int8),
    )
    if split == "time":
        rows = rows.with_columns(
            split=pl.when(pl.col("order") < int(rows.height * 0.7))
            .then(pl.lit("train"))
            .otherwise(pl.lit("valid"))
        )
    claims = rows.select(
        pl.col("id").alias("claim_id"),
        "published",
        pl.col("speaker").fill_null("unknown").alias("source_id"),
        pl.lit("named").alias("kind"),
        pl.when(pl.col("party").is_in(["none", ""]) | pl.col("party").is_null())
        .then(None)
        .otherwise(pl.col("party"))
        .alias("affiliation"),
        pl.col("context").fill_null("").alias("outlet"),
        pl.lit(None, pl.String).alias("subject_key"),
        pl.col("statement").fill_null("").alias("text"),
    )
    outcomes = rows.filter(pl.col("split") == "train").select(
        pl.col("id").alias("claim_id"),
        pl.lit("rated").alias("event"),
        (pl.col("published") + timedelta(days=delay)).alias("at"),
        pl.lit("").alias("by_key"),
        pl.col("truth").alias("label"),
    )
    targets = rows.filter(pl.col("split") == "valid").select(
        pl.col("id").alias("claim_id"), "truth"
    )
    as_of = rows["published"].max() + timedelta(days=30)
    return claims, outcomes, targets, as_of


def evaluate_liar(split: str = "given", delay: int = 7, per_day: int = 3) -> dict:
    claims, outcomes, targets, as_of = liar_world(split=split, delay=delay, per_day=per_day)
    history = "train file" if split == "given" else "earliest 70% by id"
    return evaluate_targets(
        claims,
        outcomes,
        targets,
        as_of,
        f"LIAR: history {history}, rated after {delay} days, the rest open",
    )


def liar2_world(split: str, path: Path = LIAR2, seed: int = 0):
    """LIAR2's validation statements with their own dates: verdicts of the history (the
    earliest 70% by date, or a random 70%) as `rated` outcomes a week after the statement, the
    rest open. Labels 3-5 (half-true or better) hold up. Never the count columns."""
    rows = (
        pl.read_csv(path / "valid.csv", infer_schema_length=None)
        .with_columns(
            published=pl.col("date").str.strip_chars().str.to_date("%B %d, %Y", strict=False),
            truth=(pl.col("label") >= 3).cast(pl.Int8),
        )
        .drop_nulls("published")
        .sort("published", "id")
    )
    if split == "time":
        history = pl.Series("history", np.arange(rows.height) < int(rows.height * 0.7))
    else:
        history = pl.Series("history", np.random.default_rng(seed).random(rows.height) < 0.7)
    rows = rows.with_columns(history)
    claims = rows.select(
        pl.col("id").cast(pl.String).alias("claim_id"),
        "published",
        pl.col("speaker").fill_null("unknown").alias("source_id"),
        pl.lit("named").alias("kind"),
        pl.lit(None, pl.String).alias("affiliation"),
        pl.col("context").fill_null("").alias("outlet"),
        pl.lit(None, pl.String).alias("subject_key"),
        pl.col("statement").fill_null("").alias("text"),
    )
    outcomes = rows.filter("history").select(
        pl.col("id").cast(pl.String).alias("claim_id"),
        pl.lit("rated").alias("event"),
        (pl.col("published") + timedelta(days=7)).alias("at"),
        pl.lit("").alias("by_key"),
        pl.col("truth").alias("label"),
    )
    targets = rows.filter(~pl.col("history")).select(
        pl.col("id").cast(pl.String).alias("claim_id"), "truth"
    )
    as_of = rows["published"].max() + timedelta(days=30)
    return claims, outcomes, targets, as_of


def evaluate_targets(claims, outcomes, targets, as_of, label: str) -> dict:
    """AUC and Brier of p_true on the withheld targets, beside the baselines."""
    timings = {}
    _, scores, scored, _ = run_pipeline(claims, outcomes, as_of, timings=timings)
    scored_targets = scored.join(targets, on="claim_id")
    y = scored_targets["truth"].to_numpy()
    history = scored.filter(pl.col("label").is_not_null()).select("source_id", "label")
    naive = naive_strengths(history, scored_targets, y)
    overall = metrics.overall_rate(history, scored_targets)["p"].to_numpy()
    return {
        "world": label,
        "targets": len(y),
        "auc": metrics.auc(y, scored_targets["p_true"]),
        "brier": metrics.brier(y, scored_targets["p_true"]),
        "naive (strength, auc, brier)": [(s, round(a, 4), round(b, 4)) for s, a, b in naive],
        "overall rate brier": metrics.brier(y, overall),
        "model": scores.metrics,
        "note": scores.note,
        "seconds": {k: round(v, 2) for k, v in timings.items()},
    }


def speed(n: int, directory: Path | None, repeat: int = 3) -> dict:
    """Features, model and aggregation on a world of `n` claims (generated, or read from
    `directory`), as of its last day; the best of `repeat` runs (shared machines are noisy),
    wall clock and CPU time."""
    if directory is None:
        from jobs.generate import write_world

        directory = Path(tempfile.mkdtemp(prefix="trackrecord-speed-"))
        write_world(n, directory, seed=1)
    claims, outcomes, _ = generated_world(directory)
    as_of = max(claims["published"].max(), outcomes["at"].max())
    runs = []
    for _ in range(repeat):
        timings = {}
        cpu = time.process_time()
        _, scores, _, _ = run_pipeline(claims, outcomes, as_of, timings=timings)
        timings["cpu"] = time.process_time() - cpu
        runs.append(timings)
    best = min(runs, key=lambda t: t["total"])
    return {
        "claims": claims.height,
        "outcomes": outcomes.height,
        "as_of": str(as_of),
        "model": scores.metrics.get("model"),
        "rows_train": scores.metrics.get("rows_train"),
        "best seconds": {k: round(v, 2) for k, v in best.items()},
        "all totals": [round(t["total"], 2) for t in runs],
    }


# Generator constants per variant (jobs.generate), with the seed of its world.
NO_SIGNAL = dict(
    P_DENIED_BY_SUBJECT=(0.3, 0.3),
    P_DENIED_BY_OTHER=(0.04, 0.04),
    P_CONTRADICTED=(0.15, 0.15),
    P_CORROBORATED=(0.25, 0.25),
    P_HEDGE=(0.24, 0.24),
    P_NUMBER=(0.3, 0.3),
)
VARIANTS = {
    **{f"seed {seed}": (seed, {}) for seed in (1, 3, 5, 7, 11)},
    "seed 5, no evidence or text signal": (5, NO_SIGNAL),
    "seed 3, no evidence or text signal": (3, NO_SIGNAL),
    "seed 5, reliabilities Beta(6, 4)": (5, dict(RELIABILITY_BETA=(6, 4))),
    "seed 5, strong outlet effects": (5, dict(OUTLET_SD=1.5)),
}


def variants(n: int) -> dict:
    """evaluate_world on each of VARIANTS: Spearman and AUC beside the naive track record."""
    import jobs.generate as generate

    defaults = {
        name: getattr(generate, name)
        for patch in (NO_SIGNAL, *[p for _, p in VARIANTS.values()])
        for name in patch
    }
    rows = {}
    for label, (seed, patch) in VARIANTS.items():
        for name, value in {**defaults, **patch}.items():
            setattr(generate, name, value)
        directory = Path(tempfile.mkdtemp(prefix="trackrecord-variant-"))
        generate.write_world(n, directory, seed=seed)
        result = evaluate_world(*generated_world(directory), label)
        naive_auc = dict((s, a) for s, a, _ in result["naive (strength, auc, brier)"])[8]
        rows[label] = {
            k: round(v, 3)
            for k, v in [
                ("spearman", result["spearman"]),
                ("naive", result["spearman_naive"]),
                ("auc", result["auc_open"]),
                ("naive auc", naive_auc),
            ]
        }
    for name, value in defaults.items():
        setattr(generate, name, value)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["world", "liar", "liar2", "speed", "variants"])
    parser.add_argument(
        "--split",
        choices=["given", "time", "random"],
        default=None,
        help="liar: given (train/valid files) or time; liar2: time or random",
    )
    parser.add_argument("--delay", type=int, default=7, help="liar: days from claim to verdict")
    parser.add_argument("--per-day", type=int, default=3, help="liar: statements dated per day")
    parser.add_argument("--claims", type=int, default=None)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--dir", type=Path, default=None)
    args = parser.parse_args()
    if args.what == "speed":
        result = speed(args.claims or 1_000_000, args.dir)
    elif args.what == "variants":
        result = variants(args.claims or 20_000)
    elif args.what == "liar":
        result = evaluate_liar(args.split or "given", args.delay, args.per_day)
    elif args.what == "liar2":
        split = args.split or "time"
        claims, outcomes, targets, as_of = liar2_world(split, seed=args.seed)
        result = evaluate_targets(claims, outcomes, targets, as_of, f"LIAR2 valid, {split} split")
    else:
        directory = args.dir
        if directory is None:
            from jobs.generate import write_world  # the project's generator

            directory = Path(tempfile.mkdtemp(prefix="trackrecord-world-"))
            write_world(args.claims or 20_000, directory, seed=args.seed)
        claims, outcomes, truth = generated_world(directory)
        result = evaluate_world(claims, outcomes, truth, f"generated {directory}")
    for key, value in result.items():
        print(f"{key:>30}: {json.dumps(value, default=str)}")


if __name__ == "__main__":
    main()

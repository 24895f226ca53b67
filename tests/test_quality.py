"""The quality bar, on a generated world with a known truth (seed fixed, 20k claims).

Scored as of a day when about half the claims published so far are unsettled:
- Spearman between each source's `reliability` and its identity's true reliability, over
  identities with 10 or more claims, is at least 0.85;
- the AUC of `p_true` on the claims still open, against what was true, is at least 0.82;
- both beat the naive track record (each source's settled true-rate shrunk toward the overall
  rate), computed here from the warehouse's own claims and outcomes at that day.

`pytest -s tests/test_quality.py` prints the figures.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import polars as pl
import pytest
from click.testing import CliRunner
from scipy.stats import spearmanr
from sklearn.metrics import roc_auc_score

from jobs.cli import cli
from jobs.generate import write_world
from scoring.metrics import naive_track_record

CLAIMS = 20_000
SEED = 2
HOLDS_UP = ["true", "mostly-true", "half-true"]
FAILS = ["mostly-false", "barely-true", "false", "pants-fire"]


def ok(db: Path, config: Path, *args):
    result = CliRunner().invoke(cli, ["--db", str(db), "--config", str(config), *map(str, args)])
    assert result.exit_code == 0, (args, result.stdout, result.stderr, result.exception)
    return result


def frame(con: duckdb.DuckDBPyConnection, sql: str, params: dict | None = None) -> pl.DataFrame:
    return con.sql(sql, params=params).pl()


# The label of each claim at $as_of, from the outcomes alone: its latest settling event on or
# before that day, a false one winning a tie on the same day (design.md, "Verdicts and
# settling", with the default verdict mapping).
LABELS = """
with settling as (
    select claim_id, "at"::date as day,
           case when event = 'confirmed' then 1
                when event = 'retracted' then 0
                when list_contains($holds_up, lower(verdict)) then 1
                when list_contains($fails, lower(verdict)) then 0
                when try_cast(verdict as double) is not null then (try_cast(verdict as double) >= 0.5)::int
           end as label
    from outcomes
    where event in ('confirmed', 'retracted', 'rated') and "at"::date <= $as_of
),
latest as (
    select claim_id, label,
           row_number() over (partition by claim_id order by day desc, label asc) as n
    from settling
),
final as (
    select c.claim_id, c.source_id, l.label
    from claims as c
    left join latest as l on l.claim_id = c.claim_id and l.n = 1
    where c.published_at::date <= $as_of
)
select * from final
"""


@pytest.fixture(scope="module")
def scored(tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("quality")
    world = folder / "world"
    write_world(CLAIMS, world, seed=SEED)
    config = folder / "empty.toml"
    config.write_text("# built-in defaults\n")
    db = folder / "wh.duckdb"
    ok(db, config, "ingest", world / "claims.jsonl", world / "outcomes.jsonl")

    con = duckdb.connect(str(db), read_only=True)
    try:
        # the day by which 70% of the world's claims were published
        as_of = con.execute("select quantile_disc(published_at::date, 0.7) from claims").fetchall()[
            0
        ][0]
        labels = frame(con, LABELS, {"as_of": as_of, "holds_up": HOLDS_UP, "fails": FAILS})
    finally:
        con.close()

    ok(db, config, "run", "--as-of", as_of)
    con = duckdb.connect(str(db), read_only=True)
    try:
        sources = frame(con, "select source_id, reliability, claims from source_scores")
        claims = frame(con, "select claim_id, source_id, p_true, label from claim_scores")
        metrics = json.loads(con.execute("select metrics from latest_run").fetchall()[0][0])
    finally:
        con.close()

    truth_claims = pl.read_ndjson(world / "truth" / "claims.jsonl", infer_schema_length=None)
    truth_identities = pl.read_ndjson(
        world / "truth" / "identities.jsonl", infer_schema_length=None
    )
    return {
        "as_of": as_of,
        "labels": labels,
        "sources": sources,
        "claims": claims,
        "metrics": metrics,
        "truth_claims": truth_claims,
        "truth_identities": truth_identities,
    }


@pytest.fixture(scope="module")
def figures(scored) -> dict:
    labels, sources, claims = scored["labels"], scored["sources"], scored["claims"]
    truth_claims, truth_identities = scored["truth_claims"], scored["truth_identities"]

    # each source stands for the true identity holding most of its claims
    identity = (
        claims.join(truth_claims.select("claim_id", "identity"), on="claim_id")
        .group_by("source_id", "identity")
        .len()
        .sort(["source_id", "len", "identity"], descending=[False, True, False])
        .unique("source_id", keep="first", maintain_order=True)
        .select("source_id", "identity")
    )
    history = labels.filter(pl.col("label").is_not_null()).select("source_id", "label")
    naive_sources = naive_track_record(history, sources.select("source_id"))
    ranked = (
        sources.filter(pl.col("claims") >= 10)
        .join(identity, on="source_id")
        .join(
            truth_identities.select("identity", pl.col("reliability").alias("truth")), on="identity"
        )
        .join(naive_sources.select("source_id", pl.col("p").alias("naive")), on="source_id")
    )

    open_claims = (
        labels.filter(pl.col("label").is_null())
        .join(claims.select("claim_id", "p_true"), on="claim_id")
        .join(truth_claims.select("claim_id", "true"), on="claim_id")
    )
    naive_claims = naive_track_record(history, open_claims.select("claim_id", "source_id"))
    open_claims = open_claims.join(
        naive_claims.select("claim_id", pl.col("p").alias("naive")), on="claim_id"
    )

    result = {
        "as_of": scored["as_of"],
        "claims": labels.height,
        "unsettled_share": labels["label"].null_count() / labels.height,
        "identities_10plus": ranked.height,
        "spearman": spearmanr(ranked["reliability"], ranked["truth"]).statistic,
        "spearman_naive": spearmanr(ranked["naive"], ranked["truth"]).statistic,
        "open_claims": open_claims.height,
        "auc": roc_auc_score(open_claims["true"], open_claims["p_true"]),
        "auc_naive": roc_auc_score(open_claims["true"], open_claims["naive"]),
        "model": scored["metrics"].get("model"),
        "validation_auc": scored["metrics"].get("auc"),
    }
    print(
        f"\nquality on a {CLAIMS}-claim world (seed {SEED}) as of {result['as_of']}: "
        f"{result['claims']} claims, {result['unsettled_share']:.3f} unsettled; "
        f"Spearman {result['spearman']:.4f} (naive {result['spearman_naive']:.4f}) over "
        f"{result['identities_10plus']} identities with 10+ claims; AUC on {result['open_claims']} "
        f"open claims {result['auc']:.4f} (naive {result['auc_naive']:.4f}); model {result['model']}, "
        f"validation AUC {result['validation_auc']}"
    )
    return result


def test_about_half_the_claims_are_unsettled_at_the_chosen_day(figures):
    assert 0.35 <= figures["unsettled_share"] <= 0.65
    assert figures["claims"] >= 0.65 * CLAIMS


def test_the_run_labels_claims_as_the_outcomes_say(scored):
    # the run's labels at the as-of day agree with the contract's rule applied to the outcomes
    mine = scored["labels"].select("claim_id", "label").sort("claim_id")
    run = scored["claims"].select("claim_id", "label").sort("claim_id")
    assert mine["claim_id"].to_list() == run["claim_id"].to_list()
    disagree = mine.join(run, on="claim_id").filter(
        pl.col("label").ne_missing(pl.col("label_right"))
    )
    assert disagree.height == 0, disagree.head()


def test_source_reliability_ranks_like_the_truth(figures):
    assert figures["identities_10plus"] >= 100
    assert figures["spearman"] >= 0.85, figures


def test_source_reliability_beats_the_naive_track_record(figures):
    assert figures["spearman"] > figures["spearman_naive"], figures


def test_p_true_separates_the_open_claims(figures):
    assert figures["open_claims"] >= 2000
    assert figures["auc"] >= 0.82, figures


def test_p_true_beats_the_naive_track_record(figures):
    assert figures["auc"] > figures["auc_naive"], figures

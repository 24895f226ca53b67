"""Point in time: a run as of D sees only claims published and events dated on or before D
(calendar days in UTC), so what arrives later, about earlier claims or as new claims, changes
nothing in D's scores; and a backtest trained at a cutoff never sees past it.

One small generated world is ingested and scored as of D; then confirmations, retractions,
ratings, denials, contradictions and corroborations dated after D, and claims published after
D (with their own outcomes), are ingested, and D is scored again.
"""

from __future__ import annotations

import json
import shutil
from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner
from polars.testing import assert_frame_equal
from read_back import frame

from jobs import evaluate
from jobs.cli import cli
from jobs.config import load_settings
from jobs.generate import write_world

D = date(2025, 4, 1)


def day(n: int) -> str:
    return (D + timedelta(days=n)).isoformat()


def ok(db: Path, config: Path, *args):
    result = CliRunner().invoke(cli, ["--db", str(db), "--config", str(config), *map(str, args)])
    assert result.exit_code == 0, (args, result.stdout, result.stderr, result.exception)
    return result


SOURCE_SCORES = "select * exclude (run_id) from source_scores order by source_id"
CLAIM_SCORES = "select * exclude (run_id) from claim_scores order by claim_id"
OUTLET_SCORES = "select * exclude (run_id) from outlet_scores order by outlet"


def published(db: Path) -> dict[str, pl.DataFrame]:
    return {
        "source_scores": frame(db, SOURCE_SCORES),
        "claim_scores": frame(db, CLAIM_SCORES),
        "outlet_scores": frame(db, OUTLET_SCORES),
        "run": frame(
            db,
            "select as_of, status, claims, sources, fingerprint, metrics, note "
            "from runs where status = 'success' order by finished_at desc limit 1",
        ),
    }


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text(
        "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8"
    )
    return path


def later_news(db: Path, folder: Path) -> tuple[Path, Path, int, int]:
    """Claims published after D and events dated after D, some about claims published on or
    before D; returns the two files and how many claims and outcomes they hold."""
    visible = frame(
        db,
        """
        select c.claim_id, c.source, c.source_kind, c.affiliation, c.outlet, c.text, c.subject,
               c.story, s.label
        from claims as c join claim_scores as s using (claim_id)
        order by c.claim_id
    """,
    )
    open_ = visible.filter(pl.col("label").is_null())
    settled = visible.filter(pl.col("label").is_not_null())
    assert open_.height >= 300 and settled.height >= 100
    outcomes: list[dict] = []
    for i, row in enumerate(open_.head(300).iter_rows(named=True)):
        c, n = row["claim_id"], 1 + i % 40
        kind = i % 6
        if kind == 0:
            outcomes.append({"claim_id": c, "event": "confirmed", "at": day(n), "by": "Reuters"})
        elif kind == 1:
            outcomes.append(
                {"claim_id": c, "event": "retracted", "at": day(n), "by": row["outlet"]}
            )
        elif kind == 2:
            outcomes.append(
                {
                    "claim_id": c,
                    "event": "rated",
                    "at": day(n),
                    "by": "PolitiFact",
                    "verdict": "pants-fire" if i % 2 else "true",
                }
            )
        elif kind == 3:
            outcomes.append(
                {
                    "claim_id": c,
                    "event": "denied",
                    "at": day(n),
                    "by": row["subject"] or "Steve Witkoff",
                }
            )
            outcomes.append({"claim_id": c, "event": "retracted", "at": day(n + 5)})
        elif kind == 4:
            outcomes.append({"claim_id": c, "event": "contradicted", "at": day(n), "by": "Hamas"})
            outcomes.append({"claim_id": c, "event": "rated", "at": day(n + 9), "verdict": 0.1})
        else:
            outcomes.append({"claim_id": c, "event": "corroborated", "at": day(n), "by": "BBC"})
            outcomes.append({"claim_id": c, "event": "confirmed", "at": day(n + 2)})
    # the settled change their verdict after D: D's labels must stay
    for i, row in enumerate(settled.head(100).iter_rows(named=True)):
        event = "retracted" if row["label"] == 1 else "confirmed"
        outcomes.append({"claim_id": row["claim_id"], "event": event, "at": day(1 + i % 30)})
    # on D in the writer's time zone, after D in UTC: invisible to D's run
    edge = open_.row(300, named=True)["claim_id"]
    outcomes.append({"claim_id": edge, "event": "retracted", "at": f"{D}T23:30:00-02:00"})

    claims: list[dict] = []
    for i, row in enumerate(visible.sample(200, seed=1, shuffle=True).iter_rows(named=True)):
        new_id = f"later-{i:04d}"
        published_at = day(1 + i % 60) if i else f"{D}T22:00:00-05:00"  # UTC: the day after D
        claims.append(
            {
                key: value
                for key, value in {
                    "claim_id": new_id,
                    "published_at": published_at,
                    "source": row["source"],
                    "source_kind": row["source_kind"],
                    "affiliation": row["affiliation"],
                    "outlet": row["outlet"],
                    "text": row["text"],
                    "subject": row["subject"],
                    "story": row["story"],
                }.items()
                if value is not None
            }
        )
        if i % 2:
            outcomes.append(
                {
                    "claim_id": new_id,
                    "event": "confirmed" if i % 4 == 1 else "retracted",
                    "at": day(61 + i % 20),
                }
            )
    claims.append(
        {
            "claim_id": "later-new-source",
            "published_at": day(3),
            "source": "Zelda Quorrington",
            "outlet": "Reuters",
            "text": "The crossing will reopen on Sunday.",
        }
    )
    outcomes.append({"claim_id": "later-new-source", "event": "confirmed", "at": day(4)})
    return (
        write_jsonl(folder / "later-claims.jsonl", claims),
        write_jsonl(folder / "later-outcomes.jsonl", outcomes),
        len(claims),
        len(outcomes),
    )


@pytest.fixture(scope="module")
def story(tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("pit")
    write_world(4000, folder / "world", seed=5)
    config = folder / "empty.toml"
    config.write_text("# built-in defaults\n")
    db = folder / "wh.duckdb"
    ok(db, config, "ingest", folder / "world" / "claims.jsonl", folder / "world" / "outcomes.jsonl")
    ok(db, config, "run", "--as-of", D)
    before = published(db)
    assert json.loads(before["run"]["metrics"][0]).get("auc") is not None, (
        "no model was fitted at D"
    )

    later = folder / "later.duckdb"
    shutil.copyfile(db, later)
    claims_file, outcomes_file, n_claims, n_outcomes = later_news(db, folder)
    counts = frame(
        later, "select (select count(*) from claims), (select count(*) from outcomes)"
    ).row(0)
    ok(later, config, "ingest", claims_file, outcomes_file)
    grown = frame(
        later,
        "select (select count(*) from claims), (select count(*) from outcomes), "
        "(select count(*) from quarantine)",
    ).row(0)
    assert grown == (counts[0] + n_claims, counts[1] + n_outcomes, 0), (
        "the later news did not all load"
    )
    ok(later, config, "run", "--as-of", D)
    return {"before": before, "after": published(later), "db": later, "config": config}


# Sums of floats may differ in their last bit when the rows arrive in another order.
FLOATS = dict(check_exact=False, rel_tol=0, abs_tol=1e-12)


@pytest.mark.parametrize("view", ["source_scores", "claim_scores", "outlet_scores"])
def test_news_after_the_as_of_date_changes_nothing_in_its_scores(story, view):
    before, after = story["before"][view], story["after"][view]
    assert after.height > 0
    assert_frame_equal(after, before, **FLOATS)


def test_news_after_the_as_of_date_changes_nothing_in_its_run(story):
    assert_frame_equal(story["after"]["run"], story["before"]["run"], check_exact=True)


def test_the_later_news_is_there_for_a_later_date(story):
    # not vacuous: the later files loaded, dated after D (the edge case by UTC day)
    seen = frame(
        story["db"],
        """
        select count(*) filter (where published_at::date > $d) as later_claims,
               count(*) filter (where claim_id = 'later-0000' and published_at::date = $d + 1) as edge
        from claims where claim_id like 'later-%'
    """,
        {"d": D},
    ).row(0)
    assert seen == (201, 1)
    outcomes = frame(
        story["db"],
        """
        select count(*) from outcomes as o join claims as c using (claim_id)
        where c.published_at::date <= $d and o."at"::date > $d
    """,
        {"d": D},
    ).item()
    assert outcomes >= 400


def test_a_later_spelling_does_not_rename_a_source_in_an_earlier_run(tmp_path):
    db, config = tmp_path / "wh.duckdb", tmp_path / "empty.toml"
    config.write_text("")
    ok(
        db,
        config,
        "ingest",
        write_jsonl(
            tmp_path / "early.jsonl",
            [
                {
                    "claim_id": "a1",
                    "published_at": day(-10),
                    "source": "José Ramírez",
                    "outlet": "Reuters",
                    "text": "The crossing reopens.",
                },
                {
                    "claim_id": "a2",
                    "published_at": day(-9),
                    "source": "a Palestinian official",
                    "outlet": "Times of Israel",
                    "text": "Talks resume.",
                },
            ],
        ),
    )
    ok(db, config, "run", "--as-of", D)
    before = frame(db, "select source_id, source, outlet from source_scores order by source_id")
    ok(
        db,
        config,
        "ingest",
        write_jsonl(
            tmp_path / "later.jsonl",
            [
                {
                    "claim_id": f"b{i}",
                    "published_at": day(5),
                    "source": source,
                    "outlet": outlet,
                    "text": f"Later claim {i}.",
                }
                for i, (source, outlet) in enumerate(
                    [("Jose Ramirez", "REUTERS")] * 2
                    + [("a Palestinian official", "TIMES OF ISRAEL")] * 2
                )
            ],
        ),
    )
    ok(db, config, "run", "--as-of", D)
    after = frame(db, "select source_id, source, outlet from source_scores order by source_id")
    assert sorted(before["source"]) == ["José Ramírez", "Palestinian official @ Times of Israel"]
    assert_frame_equal(after, before)


def test_a_backtest_trains_only_on_what_was_known_at_the_cutoff(story, monkeypatch):
    db = story["db"]
    seen = {}
    real = evaluate.claim_features

    def spy(claims, outcomes, as_of):
        features = real(claims, outcomes, as_of)
        seen["features"] = features.collect()
        seen["as_of"] = as_of
        return features

    monkeypatch.setattr(evaluate, "claim_features", spy)
    result = evaluate.backtest(load_settings(db=str(db), config=str(story["config"])), D)
    features = seen["features"]
    scored_at_d = story["before"]["claim_scores"]

    assert seen["as_of"] == D and result.cutoff == D
    # the model's claims are exactly those published by the cutoff, labelled as they were then
    assert features.height == scored_at_d.height
    assert features["published"].max() <= D
    assert features["knowledge_day"].max() <= D
    labels = features.select("claim_id", "label").sort("claim_id")
    assert_frame_equal(
        labels,
        scored_at_d.select("claim_id", pl.col("label").cast(labels["label"].dtype)),
        check_exact=True,
    )

    # graded: claims open at the cutoff that settled later, scored as the run of D scored them
    graded = result.graded.join(scored_at_d, on="claim_id", how="left")
    assert graded.height > 50
    assert graded["label_right"].null_count() == graded.height, (
        "a claim settled by the cutoff was graded"
    )
    assert (graded["model"] - graded["p_true"]).abs().max() < 1e-9, (
        "the backtest's model at the cutoff differs from the run of that date"
    )
    assert result.fingerprint == story["before"]["run"]["fingerprint"][0]

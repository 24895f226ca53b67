"""The nightly run as a real process: the run lock (a second run exits 75 at once), kill -9 at
any moment (the published scores stay as they were, the next reader and run work), idempotent
reruns, a run with nothing settled, backfill, what `runs` records, how long claim-level
history is kept, and the columns of the views.

Runs whose process matters (lock, kill) go through `.venv/bin/trackrecord` in a subprocess;
the setup runs in-process to keep the module fast. Every warehouse is a copy of a template
built once from a small generated world.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from datetime import date, timedelta
from pathlib import Path

import duckdb
import polars as pl
import pytest
from click.testing import CliRunner
from polars.testing import assert_frame_equal
from read_back import frame, q

from jobs.cli import cli
from jobs.config import DEFAULTS
from jobs.generate import write_world
from jobs.lock import lock_path, run_lock
from warehouse import scores as warehouse_scores
from warehouse.connection import connect_read

TRACKRECORD = Path(sys.executable).parent / "trackrecord"
PYTHON = Path(sys.executable)

D1 = date(2025, 3, 1)
D2 = date(2025, 6, 1)
D3 = date(2025, 9, 1)


# ----------------------------------------------------------------------------- helpers


def environment() -> dict[str, str]:
    """The test's environment without a developer's TRACKRECORD_DB / TRACKRECORD_CONFIG."""
    env = {k: v for k, v in os.environ.items() if k not in ("TRACKRECORD_DB", "TRACKRECORD_CONFIG")}
    env["PYTHONUNBUFFERED"] = "1"
    return env


def tr(
    db: Path, *args, config: Path | None = None, timeout: float = 120
) -> subprocess.CompletedProcess:
    """`trackrecord --db DB [--config C] ARGS...` as a real process, run from the db's folder
    (which holds no config.toml)."""
    prefix = ["--db", str(db)] + (["--config", str(config)] if config else [])
    return subprocess.run(
        [str(TRACKRECORD), *prefix, *map(str, args)],
        cwd=db.parent,
        env=environment(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def start(db: Path, *args) -> subprocess.Popen:
    return subprocess.Popen(
        [str(TRACKRECORD), "--db", str(db), *map(str, args)],
        cwd=db.parent,
        env=environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def invoke(db: Path, *args, config: Path | None = None):
    """The CLI in-process (for setup: no interpreter start-up)."""
    prefix = ["--db", str(db)] + (["--config", str(config)] if config else [])
    result = CliRunner().invoke(cli, [*prefix, *map(str, args)])
    return result


def ok(db: Path, *args, config: Path | None = None):
    result = invoke(db, *args, config=config)
    assert result.exit_code == 0, (args, result.stdout, result.stderr, result.exception)
    return result


def published(db: Path) -> pl.DataFrame:
    """Everything `source_scores` shows, in a stable order."""
    return frame(db, "select * from source_scores order by source_id")


def snapshot(db: Path) -> tuple:
    """What the contract check compares: count, sum of reliability, latest as_of."""
    return q(
        db,
        "select count(*), round(sum(reliability), 6), max(as_of), any_value(run_id) "
        "from source_scores",
    )[0]


def one_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) == 1, f"want one line, got {len(lines)}:\n{text}"
    assert "Traceback" not in text
    return lines[0]


def wait_for_lock(db: Path, proc: subprocess.Popen, timeout: float = 30) -> None:
    """Until `proc` holds the run lock (it writes its pid into the lock file once it has it)."""
    path = lock_path(db)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(
                f"the run ended before it was seen holding the lock: {proc.returncode}, "
                f"{proc.stderr.read()}"
            )
        try:
            if path.read_text().strip() == str(proc.pid):
                return
        except FileNotFoundError:
            pass
        time.sleep(0.005)
    raise AssertionError("the run never took the lock")


def copy_warehouse(template: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "wh.duckdb"
    shutil.copyfile(template, db)
    return db


def claims_at(db: Path, day: date) -> int:
    return q(db, "select count(*) from claims where published_at::date <= $d", {"d": day})[0][0]


def claims_sources(db: Path, day: date) -> int:
    return q(
        db,
        "select count(distinct source_id) from claims where published_at::date <= $d",
        {"d": day},
    )[0][0]


# ----------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("run-world")
    write_world(3000, folder / "world", seed=11)
    return folder / "world"


@pytest.fixture(scope="module")
def ingested(tmp_path_factory, world) -> Path:
    """A template warehouse holding the world's claims and outcomes, and no run."""
    db = tmp_path_factory.mktemp("run-ingested") / "wh.duckdb"
    ok(db, "ingest", world / "claims.jsonl", world / "outcomes.jsonl")
    return db


@pytest.fixture(scope="module")
def after_one_run(tmp_path_factory, ingested) -> Path:
    """A template warehouse with one published run as of D1."""
    db = copy_warehouse(ingested, tmp_path_factory.mktemp("run-published"))
    ok(db, "run", "--as-of", D1)
    return db


@pytest.fixture
def db(tmp_path, after_one_run) -> Path:
    return copy_warehouse(after_one_run, tmp_path / "wh")


# ----------------------------------------------------------------------------- the lock


def test_a_run_while_another_holds_the_lock_exits_75_at_once_with_one_line(db):
    before = q(db, "select count(*) from runs")[0][0]
    with run_lock(db):
        started = time.monotonic()
        refused = tr(db, "run", "--as-of", D2)
        took = time.monotonic() - started
        # readers do not care about the run lock: they are only held off by a publishing write
        reader = tr(db, "sql", "select count(*) as n from source_scores", "--format", "csv")
    assert refused.returncode == 75, (refused.stdout, refused.stderr)
    assert took < 8, f"the refused run took {took:.1f}s"
    line = one_line(refused.stderr)
    assert "lock" in line or "busy" in line or "another" in line, line
    assert refused.stdout == ""
    assert reader.returncode == 0, reader.stderr
    assert q(db, "select count(*) from runs")[0][0] == before, "a refused run left a row in runs"
    assert snapshot(db)[2] == D1

    ok(db, "run", "--as-of", D2)  # the lock released, the same command works
    assert snapshot(db)[2] == D2


def test_a_lock_held_by_another_process_refuses_and_a_kill_9_of_the_holder_frees_it(db):
    holder = subprocess.Popen(
        [
            str(PYTHON),
            "-c",
            textwrap.dedent(f"""
            import sys, time
            from pathlib import Path
            from jobs.lock import run_lock
            with run_lock(Path({str(db)!r})):
                print("held", flush=True)
                time.sleep(120)
        """),
        ],
        stdout=subprocess.PIPE,
        text=True,
        env=environment(),
        cwd=db.parent,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        refused = tr(db, "run", "--as-of", D2)
        assert refused.returncode == 75, refused.stderr
        one_line(refused.stderr)
    finally:
        holder.kill()  # SIGKILL: the kernel drops the flock with the process
        holder.wait()
    assert holder.returncode == -signal.SIGKILL
    with run_lock(db):  # would raise WarehouseBusy if the dead holder still held it
        pass


def test_a_backfill_while_a_run_holds_the_lock_exits_75(db):
    with run_lock(db):  # a second open file description: flock refuses it even in this process
        result = invoke(db, "backfill", "--from", D2, "--to", D2 + timedelta(days=1))
    assert result.exit_code == 75, (result.stdout, result.stderr)
    one_line(result.stderr)
    assert q(db, "select count(*) from runs")[0][0] == 1


HOLD_FOR_WRITING = textwrap.dedent("""
    import sys, time, duckdb
    con = duckdb.connect(sys.argv[1])
    print("open", flush=True)
    time.sleep(120)
""")


def test_a_reader_and_a_run_wait_for_a_warehouse_held_for_writing_then_exit_75(db, tmp_path):
    config = tmp_path / "settings.toml"
    config.write_text("[warehouse]\nbusy_timeout = 1\n")
    before = published(db)
    writer = subprocess.Popen(
        [str(PYTHON), "-c", HOLD_FOR_WRITING, str(db)],
        stdout=subprocess.PIPE,
        text=True,
        env=environment(),
        cwd=db.parent,
    )
    try:
        assert writer.stdout.readline().strip() == "open"
        for args in (("sql", "select 1"), ("report",), ("run", "--as-of", D2)):
            started = time.monotonic()
            result = tr(db, *args, config=config)
            took = time.monotonic() - started
            assert result.returncode == 75, (args, result.returncode, result.stderr)
            assert "busy" in one_line(result.stderr)
            assert took < 8, f"{args[0]} took {took:.1f}s to give up"
    finally:
        writer.kill()
        writer.wait()
    assert_frame_equal(published(db), before)
    ok(db, "run", "--as-of", D2)  # the writer gone, the run works


def test_a_run_that_cannot_publish_for_a_foreign_reader_says_so_and_changes_nothing(db, tmp_path):
    # any DuckDB client may hold the file open read-only; the run scores, cannot write, and
    # says that its scores were not published (exit 75, so a scheduler tries again)
    config = tmp_path / "settings.toml"
    config.write_text("[warehouse]\nbusy_timeout = 1\n")
    before = published(db)
    reader = subprocess.Popen(
        [
            str(PYTHON),
            "-c",
            HOLD_FOR_WRITING.replace(
                "duckdb.connect(sys.argv[1])", "duckdb.connect(sys.argv[1], read_only=True)"
            ),
            str(db),
        ],
        stdout=subprocess.PIPE,
        text=True,
        env=environment(),
        cwd=db.parent,
    )
    try:
        assert reader.stdout.readline().strip() == "open"
        result = tr(db, "run", "--as-of", D2, config=config)
        assert result.returncode == 75, (result.returncode, result.stderr)
        line = one_line(result.stderr)
        assert "has it open" in line and "not published" in line
    finally:
        reader.kill()
        reader.wait()
    assert_frame_equal(published(db), before)
    ok(db, "run", "--as-of", D2)


def test_a_stale_lock_file_left_by_a_dead_run_does_not_block(db):
    # a killed run leaves its lock file (with its pid) behind; only a held flock means busy
    lock_path(db).write_text("999999\n")
    ok(db, "run", "--as-of", D2)
    assert snapshot(db)[2] == D2


# ----------------------------------------------------------------------------- kill -9


def test_kill_9_at_points_of_a_real_run_leaves_the_published_scores_and_the_next_run_works(db):
    old = published(db).drop("run_id")
    seen = []
    for delay in (0.0, 0.3):
        proc = start(db, "run", "--as-of", D2)
        wait_for_lock(db, proc)
        time.sleep(delay)
        proc.kill()
        proc.wait()
        reader = tr(db, "sql", "select count(*) as n from source_scores", "--format", "json")
        assert reader.returncode == 0, f"the next sql after a kill failed: {reader.stderr}"
        state = published(db).drop("run_id")
        assert json.loads(reader.stdout) == [{"n": state.height}]
        seen.append((proc.returncode, state))
    # the first kill came right after the lock was taken, long before anything was published
    assert seen[0][0] == -signal.SIGKILL
    assert_frame_equal(seen[0][1], old)

    final = tr(db, "run", "--as-of", D2)
    assert final.returncode == 0, f"the run after the kills failed: {final.stderr}"
    complete = published(db).drop("run_id")
    assert complete["as_of"].unique().to_list() == [D2]
    for code, state in seen:
        # either nothing of the killed run, or all of it (when the kill came after the commit)
        assert state.equals(old) or state.equals(complete), (code, state.head(3))
    assert (
        q(db, "select count(*) from runs where status = 'success' and as_of = $d", {"d": D1})[0][0]
        == 1
    )
    assert (
        q(db, "select count(*) from runs where status = 'success' and as_of = $d", {"d": D2})[0][0]
        == 1
    )


# A run whose publishing connection kills its own process (SIGKILL) right after one statement
# of the publishing transaction: a kill -9 inside the transaction, at a chosen point.
DYING_RUN = textwrap.dedent("""
    import os, signal, sys
    from datetime import date
    import jobs.nightly as nightly
    from jobs.config import load_settings

    db, marker, as_of = sys.argv[1], sys.argv[2], date.fromisoformat(sys.argv[3])
    real_publish = nightly.publish_run

    class Dying:
        def __init__(self, con):
            self._con = con
        def execute(self, text, *args, **kwargs):
            result = self._con.execute(text, *args, **kwargs)
            if (text.strip() == marker) if marker == "commit" else (marker in text):
                os.kill(os.getpid(), signal.SIGKILL)
            return result
        def __getattr__(self, name):
            return getattr(self._con, name)

    def dying_publish(con, *args, **kwargs):
        return real_publish(Dying(con), *args, **kwargs)

    nightly.publish_run = dying_publish
    nightly.run(load_settings(db=db), as_of)
    print("finished without reaching", marker)
""")

INSIDE_THE_TRANSACTION = [
    "update main.runs set status = 'replaced'",  # the first statement: all the rest undone
    "delete from main.claim_score_rows where as_of",
    "insert into main.runs",  # the last statement before the commit
]


def dying_run(db: Path, marker: str, as_of: date) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(PYTHON), "-c", DYING_RUN, str(db), marker, as_of.isoformat()],
        cwd=db.parent,
        env=environment(),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_kill_9_inside_the_publishing_transaction_of_a_rerun_changes_nothing(db):
    # the worst case: a rerun of the published date, killed after it marked the old run
    # replaced, deleted that date's rows or inserted new ones, but before the commit
    old_sources = published(db)
    old_claims = frame(db, "select * from claim_scores order by claim_id")
    old_runs = frame(db, "select run_id, status from runs order by run_id")
    for marker in INSIDE_THE_TRANSACTION:
        proc = dying_run(db, marker, D1)
        assert proc.returncode == -signal.SIGKILL, (
            marker,
            proc.returncode,
            proc.stdout,
            proc.stderr,
        )
        assert_frame_equal(published(db), old_sources)
        assert_frame_equal(frame(db, "select * from claim_scores order by claim_id"), old_claims)
        assert_frame_equal(frame(db, "select run_id, status from runs order by run_id"), old_runs)

    reader = tr(db, "sql", "select count(*) as n from claim_scores", "--format", "csv")
    assert reader.returncode == 0, reader.stderr
    assert reader.stdout.splitlines() == ["n", str(old_claims.height)]
    after = tr(db, "run", "--as-of", D1)
    assert after.returncode == 0, after.stderr
    assert (
        q(db, "select count(*) from runs where as_of = $d and status = 'success'", {"d": D1})[0][0]
        == 1
    )


def test_kill_9_right_after_the_commit_leaves_the_complete_run(db):
    proc = dying_run(db, "commit", D2)
    assert proc.returncode == -signal.SIGKILL, (proc.returncode, proc.stdout, proc.stderr)
    snap = snapshot(db)
    assert snap[2] == D2
    assert snap[0] == q(db, "select sources from runs where run_id = $r", {"r": snap[3]})[0][0]
    assert q(db, "select count(*) from claim_scores")[0][0] == claims_at(db, D2)


# ----------------------------------------------------------------------------- reruns


def test_rerunning_a_date_replaces_its_scores_and_changes_nothing_else(db):
    # both runs in processes of their own: the same inputs must give the same numbers in
    # another process too (no hash seed, thread count or clock may leak into the scores)
    first = tr(db, "run", "--as-of", D2)
    assert first.returncode == 0, first.stderr
    history = (
        "select * exclude (run_id) from source_score_history where as_of = $d order by source_id"
    )
    claims = "select * exclude (run_id) from claim_scores order by claim_id"
    first_history = frame(db, history, {"d": D2})
    first_claims = frame(db, claims)
    first_run = q(db, "select run_id, fingerprint from runs where as_of = $d", {"d": D2})
    assert len(first_run) == 1 and first_run[0][0] in first.stdout

    rerun = tr(db, "run", "--as-of", D2)
    assert rerun.returncode == 0, rerun.stderr

    assert_frame_equal(frame(db, history, {"d": D2}), first_history)
    assert_frame_equal(frame(db, claims), first_claims)
    assert (
        q(db, "select count(*) from source_score_rows where as_of = $d", {"d": D2})[0][0]
        == first_history.height
    )
    assert (
        q(db, "select count(*) from claim_score_rows where as_of = $d", {"d": D2})[0][0]
        == first_claims.height
    )
    runs = q(
        db,
        "select run_id, status, fingerprint from runs where as_of = $d order by finished_at",
        {"d": D2},
    )
    assert [r[1] for r in runs] == ["replaced", "success"]
    assert runs[0][0] == first_run[0][0]
    assert runs[1][0] != first_run[0][0] and runs[1][0] in rerun.stdout
    assert runs[1][2] == first_run[0][1], "the same inputs gave a different model fingerprint"
    assert q(db, "select distinct run_id from source_scores")[0][0] == runs[1][0]
    # the run of the other date is untouched
    assert q(db, "select status from runs where as_of = $d", {"d": D1}) == [("success",)]


def test_the_latest_run_is_the_greatest_as_of_not_the_last_to_finish(db):
    ok(db, "run", "--as-of", D2)
    ok(db, "run", "--as-of", D1)  # rerun an older date afterwards
    assert q(db, "select distinct as_of from source_scores") == [(D2,)]
    assert q(db, "select distinct as_of from claim_scores") == [(D2,)]
    assert q(db, "select distinct as_of from outlet_scores") == [(D2,)]
    assert q(db, "select count(*) from claim_scores")[0][0] == claims_at(db, D2)


# ----------------------------------------------------------------------------- nothing settled


def test_a_run_with_nothing_settled_gives_each_claim_its_kinds_prior_from_the_config(
    tmp_path, world
):
    db = tmp_path / "wh.duckdb"
    config = tmp_path / "settings.toml"
    config.write_text("[priors]\nnamed = 0.71\nanonymous = 0.37\n")
    ok(db, "ingest", world / "claims.jsonl")
    ok(db, "run", "--as-of", D2, config=config)

    scored = frame(
        db,
        """
        select s.claim_id, s.p_true, s.p_model, s.label, c.source_kind
        from claim_scores as s join claims as c using (claim_id)
    """,
    )
    assert scored.height == claims_at(db, D2) > 0
    assert scored["label"].null_count() == scored.height
    prior = scored["source_kind"].replace_strict({"named": 0.71, "anonymous": 0.37})
    assert (scored["p_true"] - prior).abs().max() < 1e-9
    assert (scored["p_model"] - prior).abs().max() < 1e-9

    sources = frame(
        db,
        "select kind, reliability, reliability_low, reliability_high, settled from source_scores",
    )
    assert sources["settled"].sum() == 0
    assert ((sources["reliability_high"] - sources["reliability_low"]) >= 0.4).all(), (
        "intervals are not wide"
    )
    assert (sources["reliability_low"] <= sources["reliability"]).all()
    assert (sources["reliability"] <= sources["reliability_high"]).all()
    kind_prior = sources["kind"].replace_strict({"named": 0.71, "anonymous": 0.37})
    assert (sources["reliability"] - kind_prior).abs().max() < 1e-6

    status, note, metrics = q(db, "select status, note, metrics from runs")[0]
    assert status == "success"
    assert note and "settled" in note.lower(), note
    assert json.loads(metrics).get("auc") is None


def test_a_run_with_only_one_kind_of_verdict_gives_open_claims_the_prior(tmp_path, world):
    db = tmp_path / "wh.duckdb"
    ok(db, "ingest", world / "claims.jsonl")
    confirmed = tmp_path / "outcomes.jsonl"
    first = frame(
        db,
        "select claim_id, published_at::date as day from claims "
        "where published_at::date <= $d order by claim_id limit 200",
        {"d": D2},
    )
    confirmed.write_text(
        "".join(
            json.dumps({"claim_id": c, "event": "confirmed", "at": str(d)}) + "\n"
            for c, d in first.iter_rows()
        )
    )
    ok(db, "ingest", confirmed)
    ok(db, "run", "--as-of", D2)
    note = q(db, "select note from runs")[0][0]
    assert note and "verdict" in note
    open_claims = frame(
        db,
        """
        select s.p_true, c.source_kind from claim_scores as s join claims as c using (claim_id)
        where s.label is null
    """,
    )
    prior = open_claims["source_kind"].replace_strict({"named": 0.6, "anonymous": 0.5})
    assert (open_claims["p_true"] - prior).abs().max() < 1e-9


# ----------------------------------------------------------------------------- backfill and history


def test_backfill_makes_one_run_per_day_and_keeps_claim_history_for_the_configured_dates(
    tmp_path, ingested
):
    db = copy_warehouse(ingested, tmp_path / "wh")
    config = tmp_path / "settings.toml"
    config.write_text("[warehouse]\nclaim_history_dates = 2\n")
    first, last = date(2025, 6, 1), date(2025, 6, 3)
    result = tr(db, "backfill", "--from", first, "--to", last, config=config)
    assert result.returncode == 0, result.stderr
    days = [(first + timedelta(days=i),) for i in range(3)]
    assert q(db, "select as_of from runs where status = 'success' order by as_of") == days
    for (day,) in days:
        assert q(db, "select claims from runs where as_of = $d", {"d": day})[0][0] == claims_at(
            db, day
        )
    # claim-level history: the newest two as-of dates; source and outlet history: every date
    assert q(db, "select distinct as_of from claim_score_rows order by 1") == days[-2:]
    assert q(db, "select distinct as_of from source_score_history order by 1") == days
    assert q(db, "select distinct as_of from outlet_score_rows order by 1") == days
    assert q(db, "select count(*) from claim_scores")[0][0] == claims_at(db, last)
    assert snapshot(db)[2] == last


def test_backfill_with_to_before_from_is_bad_usage(db):
    result = invoke(db, "backfill", "--from", "2025-06-03", "--to", "2025-06-01")
    assert result.exit_code == 2, (result.stdout, result.stderr)
    one_line(result.stderr)
    assert q(db, "select count(*) from runs")[0][0] == 1


# ----------------------------------------------------------------------------- what runs records


def test_runs_records_status_counts_metrics_timings_and_fingerprint(after_one_run):
    db = after_one_run
    row = frame(db, "select * from runs").row(0, named=True)
    assert row["status"] == "success" and row["as_of"] == D1
    assert row["claims"] == claims_at(db, D1)
    assert row["claims"] == q(db, "select count(*) from claim_scores")[0][0]
    assert row["sources"] == q(db, "select count(*) from source_scores")[0][0]
    assert row["sources"] == claims_sources(db, D1)
    assert row["started_at"] <= row["finished_at"]

    metrics = json.loads(row["metrics"])
    assert 0.5 < metrics["auc"] <= 1, metrics
    assert 0 < metrics["brier"] < 0.25, metrics
    assert 0 <= metrics["ece"] < 0.5, metrics
    assert metrics["rows_train"] > 0 and metrics["rows_valid"] > 0, metrics
    settled = q(db, "select count(*) from claim_scores where label is not null")[0][0]
    assert metrics["rows_train"] + metrics["rows_valid"] <= settled

    timings = json.loads(row["timings"])
    for step in ("read", "features", "model", "aggregate", "open for publishing", "publish"):
        assert step in timings and timings[step] >= 0, timings
    assert isinstance(row["fingerprint"], str) and len(row["fingerprint"]) >= 8
    assert row["note"]


# ----------------------------------------------------------------------------- the views


CONTRACT_COLUMNS = {
    "source_scores": "source_id source kind affiliation outlet reliability reliability_low "
    "reliability_high claims settled confirmed refuted denied contradicted rank as_of run_id",
    "claim_scores": "claim_id source_id p_true p_model label as_of run_id",
    "outlet_scores": "outlet reliability reliability_low reliability_high claims rank as_of run_id",
    "source_score_history": "source_id source kind affiliation outlet reliability reliability_low "
    "reliability_high claims settled confirmed refuted denied contradicted rank as_of run_id",
    "runs": "run_id as_of started_at finished_at status claims sources metrics note",
}


@pytest.mark.parametrize("view", sorted(CONTRACT_COLUMNS))
def test_the_views_have_the_contracts_columns(after_one_run, view):
    columns = {row[0] for row in q(after_one_run, f"describe {view}")}
    missing = set(CONTRACT_COLUMNS[view].split()) - columns
    assert not missing, f"{view} lacks {sorted(missing)}"


def test_source_scores_is_one_row_per_source_ranked_by_reliability(after_one_run):
    scores = frame(after_one_run, "select * from source_scores")
    assert scores["source_id"].n_unique() == scores.height == claims_sources(after_one_run, D1)
    ordered = scores.sort(["reliability", "claims", "source_id"], descending=[True, True, False])
    assert ordered["rank"].to_list() == list(range(1, scores.height + 1))
    assert (
        (scores["reliability_low"] <= scores["reliability"])
        & (scores["reliability"] <= scores["reliability_high"])
    ).all()
    assert (scores["settled"] == scores["confirmed"] + scores["refuted"]).all()
    outlets = frame(after_one_run, "select * from outlet_scores")
    assert outlets["outlet"].n_unique() == outlets.height
    assert sorted(outlets["rank"].to_list()) == list(range(1, outlets.height + 1))
    assert outlets["claims"].sum() == claims_at(after_one_run, D1)


def test_claim_scores_give_settled_claims_their_label(after_one_run):
    claims = frame(after_one_run, "select * from claim_scores")
    assert claims["claim_id"].n_unique() == claims.height == claims_at(after_one_run, D1)
    settled = claims.filter(pl.col("label").is_not_null())
    assert settled.height > 0
    assert (settled["p_true"] == settled["label"].cast(pl.Float64)).all()
    assert claims["p_model"].is_between(0, 1).all()
    open_ = claims.filter(pl.col("label").is_null())
    assert (open_["p_true"] == open_["p_model"]).all()


def test_a_run_creates_a_missing_warehouse_and_migrates_an_old_one(tmp_path, after_one_run):
    # A run reads first and writes the schema only when the warehouse is missing or older.
    fresh = tmp_path / "fresh" / "warehouse.duckdb"
    ok(fresh, "run", "--as-of", "2025-06-01")
    assert q(fresh, "select count(*), any_value(status) from runs") == [(1, "success")]
    old = copy_warehouse(after_one_run, tmp_path / "old")
    con = duckdb.connect(str(old))
    con.execute("drop table evaluations")
    con.execute("delete from schema_migrations where version = 3")
    con.close()
    ok(old, "run", "--as-of", "2025-06-01")
    assert q(old, "select count(*) from schema_migrations where version = 3") == [(1,)]
    assert q(
        old, "select count(*) from runs where as_of = '2025-06-01' and status = 'success'"
    ) == [(1,)]


def test_a_runs_reads_are_in_utc_whatever_the_host_time_zone(warehouse, monkeypatch):
    """A run reads timestamps in UTC, not in the host's time zone."""
    seen = []
    fetch = warehouse_scores.fetch_frame

    def spy(con, query, params=None):
        seen.append(con.execute("select current_setting('TimeZone')").fetchall()[0][0])
        return fetch(con, query, params)

    with monkeypatch.context() as patch:
        patch.setenv("TZ", "America/New_York")
        time.tzset()
        patch.setattr(warehouse_scores, "fetch_frame", spy)
        with connect_read(warehouse) as con:
            warehouse_scores.load_run_inputs(con, date(2025, 1, 1), DEFAULTS["verdicts"])
    time.tzset()
    assert seen == ["UTC"] * 3

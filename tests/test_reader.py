"""What a reader touches, through click's CliRunner: the ranked report (four formats, filters,
an older run, the change since the previous run), explain, schedule, evaluate, and the one-line
errors of the usual mistakes; and two hand-made worlds where the right ranking is obvious.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shlex
import shutil
from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner
from read_back import frame, q

from jobs.cli import cli
from jobs.generate import write_world

SAMPLE = Path(__file__).resolve().parents[1] / "sample"
D1 = date(2025, 3, 1)
D2 = date(2025, 6, 1)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def invoke(db: Path, *args, config: Path | None = None):
    prefix = ["--db", str(db)] + (["--config", str(config)] if config else [])
    return CliRunner().invoke(cli, [*prefix, *map(str, args)])


def ok(db: Path, *args, config: Path | None = None):
    result = invoke(db, *args, config=config)
    assert result.exit_code == 0, (args, result.stdout, result.stderr, result.exception)
    return result


def one_line_error(result) -> str:
    assert result.exit_code != 0
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]


def report_json(db: Path, *args) -> list[dict]:
    result = ok(db, "report", *args, "--format", "json")
    return json.loads(result.stdout)


# ----------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory) -> Path:
    """A generated world scored as of D1, then as of D2."""
    folder = tmp_path_factory.mktemp("reader")
    write_world(4000, folder / "world", seed=8)
    db = folder / "wh.duckdb"
    ok(db, "ingest", folder / "world" / "claims.jsonl", folder / "world" / "outcomes.jsonl")
    ok(db, "run", "--as-of", D1)
    ok(db, "run", "--as-of", D2)
    return db


@pytest.fixture(scope="module")
def ceasefire(tmp_path_factory) -> Path:
    """The project's own sample (the ceasefire story in its history), run as of 2025-06-01."""
    db = tmp_path_factory.mktemp("sample") / "wh.duckdb"
    ok(db, "ingest", SAMPLE)
    ok(db, "run", "--as-of", "2025-06-01")
    return db


# ----------------------------------------------------------------------------- report


def test_report_top_5_as_json_is_ranks_1_to_5_by_reliability(two_runs):
    rows = report_json(two_runs, "--top", "5")
    assert [r["rank"] for r in rows] == [1, 2, 3, 4, 5]
    reliability = [r["reliability"] for r in rows]
    assert reliability == sorted(reliability, reverse=True)
    assert all(isinstance(x, float) for x in reliability)
    assert all(r["as_of"] == D2.isoformat() for r in rows)
    expected = [
        r[0] for r in q(two_runs, "select source_id from source_scores order by rank limit 5")
    ]
    assert [r["source_id"] for r in rows] == expected
    for r in rows:
        assert r["reliability_low"] <= r["reliability"] <= r["reliability_high"]
        assert r["settled"] == r["confirmed"] + r["refuted"] <= r["claims"]


def test_report_as_csv_is_a_header_with_reliability_then_the_rows(two_runs):
    out = ok(two_runs, "report", "--top", "5", "--format", "csv").stdout
    assert "\r" not in out and out.endswith("\n")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert "reliability" in out.splitlines()[0].split(",")
    assert [int(r["rank"]) for r in rows] == [1, 2, 3, 4, 5]
    as_json = report_json(two_runs, "--top", "5")
    assert [r["source_id"] for r in rows] == [r["source_id"] for r in as_json]
    assert [float(r["reliability"]) for r in rows] == [r["reliability"] for r in as_json]


def test_report_as_markdown_is_a_table(two_runs):
    out = ok(two_runs, "report", "--top", "5", "--format", "markdown").stdout
    lines = [line for line in out.splitlines() if line.startswith("|")]
    assert len(lines) == 7, out  # header, separator, five rows
    assert re.fullmatch(r"\|(\s*:?-{3,}:?\s*\|)+", lines[1]), lines[1]
    assert "reliability" in lines[0]
    assert len({line.count("|") for line in lines}) == 1


def test_report_as_a_table_names_the_run_and_the_top_sources(two_runs):
    out = ok(two_runs, "report", "--top", "5").stdout
    run_id = q(two_runs, "select distinct run_id from source_scores")[0][0]
    assert run_id in out and D2.isoformat() in out
    for (name,) in q(two_runs, "select source from source_scores order by rank limit 5"):
        assert name[:12] in out


def test_report_kind_and_min_claims_filter_the_rows(two_runs):
    rows = report_json(two_runs, "--kind", "anonymous", "--min-claims", "20", "--top", "1000")
    assert rows, "no anonymous source with 20 or more claims"
    assert all(r["kind"] == "anonymous" and r["claims"] >= 20 for r in rows)
    expected = q(
        two_runs,
        "select source_id, rank from source_scores "
        "where kind = 'anonymous' and claims >= 20 order by rank",
    )
    assert [(r["source_id"], r["rank"]) for r in rows] == expected  # ranks of the whole run


def test_report_outlet_and_affiliation_filter_the_rows(two_runs):
    rows = report_json(two_runs, "--outlet", "times of israel", "--top", "1000")
    assert rows and all("times of israel" in r["outlet"].lower() for r in rows)
    assert (
        len(rows)
        == q(
            two_runs,
            "select count(*) from source_scores where lower(outlet) like '%times of israel%'",
        )[0][0]
    )
    rows = report_json(two_runs, "--affiliation", "Palestinian", "--top", "1000")
    assert rows and all("palestinian" in r["affiliation"].lower() for r in rows)
    assert (
        len(rows)
        == q(
            two_runs, "select count(*) from source_scores where affiliation ilike '%palestinian%'"
        )[0][0]
    )


def test_report_matching_nothing(two_runs):
    assert report_json(two_runs, "--outlet", "no such outlet") == []
    out = ok(two_runs, "report", "--outlet", "no such outlet").stdout
    assert out.strip() == "no source matches these filters"


def test_report_shows_the_configured_number_of_rows_by_default(two_runs, tmp_path):
    config, empty = tmp_path / "settings.toml", tmp_path / "empty.toml"
    config.write_text("[report]\ntop = 3\n")
    empty.write_text("")
    rows = json.loads(ok(two_runs, "report", "--format", "json", config=config).stdout)
    assert [r["rank"] for r in rows] == [1, 2, 3]
    rows = json.loads(ok(two_runs, "report", "--format", "json", config=empty).stdout)
    assert len(rows) == 25  # the built-in default


def test_report_as_of_an_older_run(two_runs):
    rows = report_json(two_runs, "--as-of", D1, "--top", "10")
    assert [r["rank"] for r in rows] == list(range(1, 11))
    assert {r["as_of"] for r in rows} == {D1.isoformat()}
    older = q(
        two_runs,
        "select source_id, reliability from source_score_history "
        "where as_of = $d order by rank limit 10",
        {"d": D1},
    )
    assert [(r["source_id"], r["reliability"]) for r in rows] == older


def test_report_as_of_a_date_without_a_run_is_one_line(two_runs):
    line = one_line_error(invoke(two_runs, "report", "--as-of", "2025-04-15"))
    assert "2025-04-15" in line


def test_report_shows_the_change_since_the_previous_run(two_runs):
    rows = report_json(two_runs, "--top", "1000")
    before = dict(
        q(
            two_runs,
            "select source_id, reliability from source_score_history where as_of = $d",
            {"d": D1},
        )
    )
    assert len(rows) > len(before) > 0
    for r in rows:
        if r["source_id"] in before:
            assert r["change"] == pytest.approx(
                r["reliability"] - before[r["source_id"]], abs=1e-12
            )
        else:
            assert r["change"] is None
    assert any(r["change"] not in (None, 0) for r in rows)


def test_report_before_any_run_is_one_line_without_traceback(tmp_path):
    db = tmp_path / "wh.duckdb"
    ok(db, "init")
    line = one_line_error(invoke(db, "report"))
    assert "run" in line
    one_line_error(invoke(tmp_path / "missing.duckdb", "report"))
    assert not (tmp_path / "missing.duckdb").exists()


# ----------------------------------------------------------------------------- explain


def test_explain_shows_the_denial_by_witkoff(ceasefire):
    result = ok(ceasefire, "explain", "Palestinian official @ Times of Israel")
    out = result.stdout
    assert out.splitlines()[0].startswith("Palestinian official @ Times of Israel")
    assert "gz-003" in out
    denial = [line for line in out.splitlines() if "denied" in line and "Witkoff" in line]
    assert denial, out
    source_id = q(
        ceasefire,
        "select source_id from source_scores "
        "where source = 'Palestinian official @ Times of Israel'",
    )[0][0]
    assert source_id in out
    # the same source by its id
    assert ok(ceasefire, "explain", source_id).stdout == out


@pytest.mark.parametrize(
    "given, shown",
    [
        ("US special envoy Steve Witkoff", "Steve Witkoff"),
        ("steve   WITKOFF", "Steve Witkoff"),
        (
            "two Palestinian officials @ The Times of Israel",
            "Palestinian official @ Times of Israel",
        ),
    ],
)
def test_explain_finds_a_source_written_as_a_claim_would_give_it(ceasefire, given, shown):
    """What the user types is keyed as ingest keys sources: titles, spacing, number words,
    plurals and the outlet's "The" make no difference."""
    assert ok(ceasefire, "explain", given).stdout.splitlines()[0].startswith(f"{shown}  (")


def test_report_outlet_is_the_outlet_as_written_or_as_shown(ceasefire):
    shown = ok(ceasefire, "report", "--outlet", "Times of Israel", "--format", "csv").stdout
    assert shown.count("\n") > 1
    assert (
        ok(ceasefire, "report", "--outlet", "The  Times of Israel", "--format", "csv").stdout
        == shown
    )


def test_explain_of_an_ambiguous_part_lists_the_candidates(ceasefire):
    result = invoke(ceasefire, "explain", "official")
    assert result.exit_code == 2, (result.stdout, result.stderr)
    listed = re.findall(r"src-[0-9a-f]{12}", result.stdout)
    expected = q(ceasefire, "select source_id from source_scores where source ilike '%official%'")
    assert len(expected) > 1
    assert set(listed) == {row[0] for row in expected} or len(listed) == 30
    assert "Traceback" not in result.stdout + result.stderr


def test_explain_of_an_unknown_source_is_one_line(ceasefire):
    result = invoke(ceasefire, "explain", "Nobody Atall")
    assert result.exit_code == 2
    assert "Nobody Atall" in one_line_error(result)
    assert result.stdout == ""


# ----------------------------------------------------------------------------- schedule


def cron_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]


def test_schedule_cron_is_one_crontab_line_running_trackrecord_run(tmp_path):
    db = tmp_path / "my warehouse 100%" / "wh.duckdb"
    out = ok(db, "schedule", "--cron", "--at", "03:15").stdout
    lines = cron_lines(out)
    assert len(lines) == 1, out
    match = re.fullmatch(r"(\S+) (\S+) (\S+) (\S+) (\S+) (.+)", lines[0])
    assert match and match.groups()[:5] == ("15", "3", "*", "*", "*"), lines[0]
    # cron turns an unescaped % into a newline, then hands the rest to the shell
    command = match[6]
    assert re.search(r"(?<!\\)%", command) is None
    argv = shlex.split(command.replace("\\%", "%"))
    assert Path(argv[0]).name == "trackrecord" and Path(argv[0]).is_absolute()
    assert argv[argv.index("--db") + 1] == str(db)
    assert argv[argv.index(">>") - 1] == "run"
    assert ok(db, "schedule").stdout == ok(db, "schedule", "--cron", "--at", "02:30").stdout


def test_schedule_names_a_config_file_only_when_one_is_in_use(tmp_path, monkeypatch):
    """Without a config file the job runs on the defaults; naming a config.toml that does
    not exist would make it fail every night."""
    monkeypatch.chdir(tmp_path)  # no config.toml here
    monkeypatch.delenv("TRACKRECORD_CONFIG", raising=False)
    db = tmp_path / "wh.duckdb"
    for style in ("--cron", "--systemd"):
        assert "--config" not in ok(db, "schedule", style).stdout
    config = tmp_path / "etc" / "trackrecord.toml"
    config.parent.mkdir()
    config.write_text("", encoding="utf-8")
    argv = shlex.split(cron_lines(ok(db, "schedule", "--cron", config=config).stdout)[0])
    assert argv[argv.index("--config") + 1] == str(config)


def test_schedule_systemd_is_a_oneshot_service_and_a_persistent_timer(tmp_path):
    db = tmp_path / "wh.duckdb"
    out = ok(db, "schedule", "--systemd", "--at", "03:15").stdout
    for needle in (
        "[Service]",
        "[Timer]",
        "Type=oneshot",
        "SuccessExitStatus=75",
        "Persistent=true",
        "OnCalendar=*-*-* 03:15:00",
    ):
        assert needle in out, needle
    exec_start = [line for line in out.splitlines() if line.startswith("ExecStart=")]
    assert len(exec_start) == 1
    argv = shlex.split(exec_start[0].removeprefix("ExecStart="))
    assert Path(argv[0]).name == "trackrecord" and argv[-1] == "run"
    assert argv[argv.index("--db") + 1] == str(db)
    assert out.index("[Service]") < out.index("[Timer]")


def test_schedule_at_a_time_that_does_not_exist_is_bad_usage(tmp_path):
    result = invoke(tmp_path / "wh.duckdb", "schedule", "--at", "25:00")
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr


def test_the_readmes_sql_cookbook_runs(two_runs):
    """Every query of the README's SQL cookbook runs through `trackrecord sql` (but the one
    that joins a table of the reader's own)."""
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    block = readme.split("## SQL cookbook", 1)[1].split("```sql", 1)[1].split("```", 1)[0]
    queries = [
        "\n".join(line for line in q.splitlines() if not line.startswith("--")).strip()
        for q in block.split(";")
        if q.strip()
    ]
    assert len(queries) == 5
    for query in queries:
        if "my_quotes" not in query:
            ok(two_runs, "sql", query)


# ----------------------------------------------------------------------------- evaluate


def test_evaluate_prints_auc_and_brier_beside_the_baselines_and_keeps_them(two_runs, tmp_path):
    db = tmp_path / "wh.duckdb"
    shutil.copyfile(two_runs, db)
    plot = tmp_path / "calibration.png"
    result = ok(db, "evaluate", "--cutoff", D1, "--plot", plot)
    out = result.stdout.lower()
    for needle in ("auc", "brier", "naive track record", "overall rate", str(D1)):
        assert needle in out, needle

    saved = frame(db, "select * from evaluations order by method")
    assert saved["method"].to_list() == ["model", "naive track record", "overall rate"]
    assert set(saved["cutoff"]) == {D1}
    assert saved["claims"].n_unique() == 1 and saved["claims"][0] > 0
    assert str(saved["claims"][0]) in result.stdout
    for row in saved.iter_rows(named=True):
        printed = re.search(
            rf"^{re.escape(row['method'])}\s+(\d+)\s+([\d.]+)\s+([\d.]+)", result.stdout, re.M
        )
        assert printed, row["method"]
        assert float(printed[2]) == pytest.approx(row["auc"], abs=0.0006)
        assert float(printed[3]) == pytest.approx(row["brier"], abs=0.0006)
    model = saved.filter(pl.col("method") == "model").row(0, named=True)
    assert 0.5 < model["auc"] <= 1 and 0 < model["brier"] < 0.25

    data = plot.read_bytes()
    assert data[:8] == PNG_SIGNATURE
    assert len(data) > 10_000

    ok(db, "evaluate", "--cutoff", D1)  # a second evaluation adds its own rows
    assert q(db, "select count(*) from evaluations")[0][0] == 6


def test_evaluate_without_a_cutoff_takes_the_day_three_quarters_had_settled(two_runs, tmp_path):
    """The README's `evaluate --plot calibration.png`, with no --cutoff."""
    db = tmp_path / "wh.duckdb"
    shutil.copyfile(two_runs, db)
    result = ok(db, "evaluate")
    cutoff = q(db, "select distinct cutoff from evaluations")
    assert len(cutoff) == 1 and isinstance(cutoff[0][0], date)
    assert str(cutoff[0][0]) in result.stdout


def test_evaluate_with_a_cutoff_after_the_data_is_one_line(two_runs, tmp_path):
    db = tmp_path / "wh.duckdb"
    shutil.copyfile(two_runs, db)
    result = invoke(db, "evaluate", "--cutoff", "2030-01-01")
    assert result.exit_code == 2
    one_line_error(result)
    assert q(db, "select count(*) from evaluations")[0][0] == 0


def test_evaluate_to_a_folder_that_does_not_exist_stops_before_the_backtest(two_runs, tmp_path):
    db = tmp_path / "wh.duckdb"
    shutil.copyfile(two_runs, db)
    result = invoke(db, "evaluate", "--plot", tmp_path / "nowhere" / "calibration.png")
    assert result.exit_code == 2
    assert "no such folder" in one_line_error(result)
    assert q(db, "select count(*) from evaluations")[0][0] == 0


# ----------------------------------------------------------------------------- hand-made worlds


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def records(tmp_path: Path, people: dict[str, list[int]]) -> Path:
    """A warehouse where each person's claims settle as listed (1 confirmed, 0 retracted),
    scored as of 2025-06-01."""
    claims, outcomes = [], []
    start = date(2025, 1, 1)
    for name, verdicts in people.items():
        for i, verdict in enumerate(verdicts):
            claim_id = f"{name.split()[0].lower()}-{i:03d}"
            published = start + timedelta(days=i % 90)
            claims.append(
                {
                    "claim_id": claim_id,
                    "published_at": published.isoformat(),
                    "source": name,
                    "source_kind": "named",
                    "outlet": "Reuters",
                    "text": f"Statement {i} by {name}.",
                }
            )
            outcomes.append(
                {
                    "claim_id": claim_id,
                    "event": "confirmed" if verdict else "retracted",
                    "at": (published + timedelta(days=3)).isoformat(),
                }
            )
    db = tmp_path / "wh.duckdb"
    ok(
        db,
        "ingest",
        write_jsonl(tmp_path / "claims.jsonl", claims),
        write_jsonl(tmp_path / "outcomes.jsonl", outcomes),
    )
    ok(db, "run", "--as-of", "2025-06-01")
    return db


def by_name(db: Path) -> dict[str, dict]:
    return {r["source"]: r for r in report_json(db, "--top", "100")}


def test_a_source_always_confirmed_ranks_above_one_always_retracted(tmp_path):
    db = records(
        tmp_path,
        {
            "Alice Goodwin": [1] * 30,
            "Boris Badenov": [0] * 30,
            "Dmitri Mixwell": [1, 0] * 40,
        },
    )
    sources = by_name(db)
    good, bad, mixed = sources["Alice Goodwin"], sources["Boris Badenov"], sources["Dmitri Mixwell"]
    assert good["rank"] == 1 and bad["rank"] == 3
    assert good["reliability"] > mixed["reliability"] > bad["reliability"]
    assert good["reliability_low"] > bad["reliability_high"]
    assert (good["confirmed"], good["refuted"], bad["confirmed"], bad["refuted"]) == (30, 0, 0, 30)


def test_a_source_with_2_claims_has_a_wider_interval_than_one_with_200(tmp_path):
    db = records(tmp_path, {"Carla Twoclaims": [1, 0], "Dmitri Manyclaims": [1, 0] * 100})
    sources = by_name(db)
    few, many = sources["Carla Twoclaims"], sources["Dmitri Manyclaims"]
    assert (few["claims"], many["claims"]) == (2, 200)
    width = lambda r: r["reliability_high"] - r["reliability_low"]  # noqa: E731
    assert width(few) > 2 * width(many)
    assert many["reliability"] == pytest.approx(0.5, abs=0.05)

"""Tests for jobs.cli: exact messages and exit codes, one-line errors (a traceback only with
--debug), init's idempotence, and help with an example on every command."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from jobs.cli import cli

TRACKRECORD = Path(sys.executable).parent / "trackrecord"


def test_ingest_of_a_missing_file_is_exit_2_with_one_line(tmp_path, trackrecord, db):
    missing = tmp_path / "claims.jsonl"

    result = trackrecord("ingest", missing)

    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == f"trackrecord: error: no such file or folder: {missing}\n"
    assert not db.exists()


def test_sql_on_a_warehouse_that_does_not_exist_is_exit_1_with_one_line(trackrecord, db):
    result = trackrecord("sql", "select 1")

    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"trackrecord: error: no warehouse at {db}: run `trackrecord init` and "
        "`trackrecord ingest` first\n"
    )
    assert not db.exists()  # a reader never creates it


@pytest.mark.parametrize("command", [("quarantine",), ("alias", "list"), ("alias", "suggest")])
def test_readers_do_not_create_a_missing_warehouse(command, trackrecord, db):
    result = trackrecord(*command)

    assert result.exit_code == 1
    assert result.stderr.startswith(f"trackrecord: error: no warehouse at {db}")
    assert result.stderr.count("\n") == 1
    assert not db.exists()


@pytest.mark.parametrize(
    "args",
    [("run", "--as-of", "2999-01-01"), ("backfill", "--from", "2025-01-01", "--to", "2999-01-02")],
)
def test_a_run_dated_after_today_is_refused(args, tmp_path, rows, trackrecord, ingest_ok, query):
    """The views show the run of the latest as-of date: a run dated in the future (a typo for
    2025) would stand above every nightly run after it."""
    ingest_ok(rows.jsonl(tmp_path / "claims.jsonl", [rows.claim("c1")]))

    result = trackrecord(*args)

    assert result.exit_code == 2
    assert "is after today" in result.stderr and result.stderr.count("\n") == 1
    assert query("select count(*) from runs") == [(0,)]


def test_version():
    result = CliRunner().invoke(cli, ["--version"])

    assert result.exit_code == 0
    assert result.stdout == f"trackrecord, version {version('trackrecord')}\n"


def test_init_creates_then_is_safe_to_repeat(tmp_path, rows, trackrecord, ingest_ok, db, query):
    first = trackrecord("init")
    assert first.exit_code == 0, first.output
    assert first.stdout.startswith(f"warehouse created: {db} (schema version ")
    migrations = query("select version, name, applied_at from schema_migrations order by version")
    assert migrations
    ingest_ok(rows.jsonl(tmp_path / "claims.jsonl", [rows.claim("c1")]))

    again = trackrecord("init")

    assert again.exit_code == 0, again.output
    assert again.stderr == ""
    assert (
        query("select version, name, applied_at from schema_migrations order by version")
        == migrations
    )
    assert query("select claim_id from claims") == [("c1",)]  # nothing lost


def test_an_unknown_option_is_usage_exit_2(trackrecord):
    result = trackrecord("sql", "select 1", "--format", "xml")

    assert result.exit_code == 2
    assert "Invalid value for '--format'" in result.stderr


@pytest.mark.parametrize(
    "args, option",
    [
        (("quarantine", "--limit", "-1"), "--limit"),
        (("alias", "suggest", "--threshold", "101"), "--threshold"),
        (("alias", "suggest", "--threshold", "-5"), "--threshold"),
    ],
)
def test_a_number_out_of_range_is_usage_exit_2(trackrecord, args, option):
    result = trackrecord(*args)

    assert result.exit_code == 2
    assert f"Invalid value for '{option}'" in result.stderr


def test_quarantine_lists_reasons_and_rows(tmp_path, rows, ingest_ok, trackrecord):
    ingest_ok(
        rows.jsonl(
            tmp_path / "claims.jsonl",
            [
                rows.claim("c1"),
                rows.claim("c2", text=None),
                rows.claim("c3", text=None),
                rows.claim("c4", published_at="2025-13-45"),
            ],
        )
    )

    result = trackrecord("quarantine", "--format", "csv")
    narrowed = trackrecord("quarantine", "--reason", "TEXT", "--format", "csv")
    nothing = trackrecord("quarantine", "--reason", "unknown claim")

    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "file,line,reason,raw"
    assert len(lines) == 4
    assert sum("missing text" in line for line in narrowed.stdout.splitlines()) == 2
    assert "2025-13-45" not in narrowed.stdout
    assert (nothing.exit_code, nothing.stdout) == (0, "nothing quarantined for 'unknown claim'\n")
    assert result.stderr == ""  # every row listed

    cut = trackrecord("quarantine", "--format", "json", "--limit", "1")
    assert len(json.loads(cut.stdout)) == 1
    assert cut.stderr == "1 of 3 rows listed; --limit 3 lists them all\n"


def test_quarantine_counts_a_reason_once_whatever_values_it_quotes(db, tmp_path, rows, ingest_ok):
    from warehouse.connection import connect_read
    from warehouse.quarantine import quarantine_counts

    ingest_ok(
        rows.jsonl(
            tmp_path / "claims.jsonl",
            [
                rows.claim("c1"),
                rows.claim("c2", published_at="2025-13-45"),
                rows.claim("c3", published_at="2025-02-30"),
                rows.claim("c4", text=None),
            ],
        )
    )

    con = connect_read(db)
    try:
        counts = quarantine_counts(con)
    finally:
        con.close()
    assert counts.select("reason", "rows").rows() == [
        ("published_at is not a real date", 2),
        ("missing text", 1),
    ]


def test_an_empty_quarantine_says_so(warehouse, trackrecord):
    result = trackrecord("quarantine")

    assert (result.exit_code, result.stdout) == (0, "quarantine is empty\n")


# ----------------------------------------------------------------------------- errors and --debug


def run_installed(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """The installed console script, in a real process: what a user (or cron) sees."""
    if not TRACKRECORD.exists():
        pytest.skip(f"no console script at {TRACKRECORD}; run `make setup`")
    return subprocess.run(
        [str(TRACKRECORD), *args], capture_output=True, text=True, cwd=cwd, timeout=60
    )


def test_an_error_is_one_line_without_traceback_and_debug_shows_the_traceback(tmp_path):
    db = tmp_path / "absent.duckdb"

    plain = run_installed("--db", str(db), "sql", "select 1", cwd=tmp_path)
    debug = run_installed("--db", str(db), "--debug", "sql", "select 1", cwd=tmp_path)

    assert plain.returncode == 1
    assert plain.stdout == ""
    assert plain.stderr.count("\n") == 1 and "Traceback" not in plain.stderr
    assert plain.stderr.startswith("trackrecord: error: no warehouse at")
    assert debug.returncode != 0
    assert "Traceback (most recent call last)" in debug.stderr
    assert "NoWarehouse" in debug.stderr


def test_debug_lets_the_original_exception_through(trackrecord):
    result = trackrecord("--debug", "sql", "select 1")

    assert type(result.exception).__name__ == "NoWarehouse"


def test_a_bad_config_file_is_one_line(tmp_path, trackrecord):
    broken = tmp_path / "config.toml"
    broken.write_text("[warehouse\npath = 1\n", encoding="utf-8")

    missing = trackrecord("--config", tmp_path / "nope.toml", "init")
    invalid = trackrecord("--config", broken, "init")

    assert missing.exit_code == 2
    assert missing.stderr == f"trackrecord: error: no such config file: {tmp_path / 'nope.toml'}\n"
    assert invalid.exit_code == 2
    assert invalid.stderr.startswith("trackrecord: error: ")
    assert "not valid TOML" in invalid.stderr and invalid.stderr.count("\n") == 1


# ----------------------------------------------------------------------------- help


def command_paths(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command and subcommand under `group`, as the words that invoke it."""
    paths = [prefix]
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            paths.extend(command_paths(command, (*prefix, name)))
        else:
            paths.append((*prefix, name))
    return paths


def commands_without_an_example(group: click.Group) -> list[str]:
    """The commands whose --help is missing, fails, or shows no example."""
    runner = CliRunner()
    missing = []
    for path in command_paths(group):
        result = runner.invoke(group, [*path, "--help"])
        if result.exit_code != 0 or "Example" not in result.stdout:
            missing.append(" ".join(path) or "(the group itself)")
    return missing


def test_every_command_and_subcommand_has_help_with_an_example():
    paths = command_paths(cli)
    assert ("ingest",) in paths and ("alias", "add") in paths and ("sql",) in paths

    assert commands_without_an_example(cli) == []


def test_the_help_walk_catches_a_command_without_an_example():
    @click.group()
    def toy() -> None:
        """A toy.

        Example:

            toy fine
        """

    @toy.command()
    def fine() -> None:
        """Fine.

        Example:

            toy fine
        """

    @toy.group()
    def nested() -> None:
        """Nested.

        Example:

            toy nested bare
        """

    @nested.command()
    def bare() -> None:
        """No example here."""

    assert commands_without_an_example(toy) == ["nested bare"]


def test_every_command_is_in_the_contract():
    contract = {
        "init",
        "ingest",
        "quarantine",
        "run",
        "backfill",
        "report",
        "explain",
        "sql",
        "evaluate",
        "alias",
        "schedule",
        "generate",
    }
    assert contract <= set(cli.commands)
    assert set(cli.commands["alias"].commands) >= {"add", "list", "remove", "suggest"}

"""Tests for jobs.schedule: the crontab line and systemd units that run the nightly job."""

from __future__ import annotations

import re
import shlex
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from jobs.schedule import (
    SERVICE_NAME,
    TIMER_NAME,
    crontab_line,
    parse_at,
    systemd_unit_files,
    systemd_units,
)

EXE = "/abs/.venv/bin/trackrecord"
CONFIG = "/abs/config.toml"
DB = "/abs/wh.duckdb"

CRON_LINE = re.compile(r"^(\S+\s+){5}(?P<command>.*)$")


def _job_line(text: str) -> str:
    """The one line of a crontab snippet that is not a comment."""
    (line,) = [line for line in text.splitlines() if line and not line.startswith("#")]
    return line


# Folder names that need quoting: systemd runs the first directly, the second only through env.
AWKWARD_FOLDERS = ["my projects/100% $HOME", 'the "100%" news \\ it\'s']


@pytest.fixture(params=AWKWARD_FOLDERS)
def fake_install(tmp_path: Path, request: pytest.FixtureRequest) -> tuple[Path, Path, Path]:
    """A trackrecord executable, config and warehouse in a folder with an awkward name."""
    home = tmp_path / request.param
    (home / ".venv" / "bin").mkdir(parents=True)
    executable = home / ".venv" / "bin" / "trackrecord"
    # The stand-in writes its arguments, one a line, next to itself, to show what it was given.
    executable.write_text('#!/bin/sh\nprintf "%s\\n" "$@" > "$(dirname "$0")/argv.txt"\n')
    executable.chmod(executable.stat().st_mode | stat.S_IXUSR)
    config = home / "config.toml"
    config.write_text("")
    return executable, config, home / "warehouse.duckdb"


# --- crontab ------------------------------------------------------------------------------


def test_crontab_line_runs_the_job_at_half_past_two_by_default() -> None:
    text = crontab_line(EXE, CONFIG, DB)
    comment, line = text.splitlines()
    assert comment.startswith("# ") and "75" in comment
    assert line == (
        "30 2 * * * /abs/.venv/bin/trackrecord --config /abs/config.toml --db /abs/wh.duckdb run"
        " >> /abs/trackrecord.log 2>&1"
    )
    assert text.endswith("\n")


def test_crontab_line_has_five_time_fields_then_the_command() -> None:
    line = _job_line(crontab_line(EXE, CONFIG, DB, at="23:05"))
    match = CRON_LINE.match(line)
    assert match is not None
    assert line.split()[:5] == ["5", "23", "*", "*", "*"]
    assert " run" in match["command"]
    assert shlex.split(match["command"])[:6] == [EXE, "--config", CONFIG, "--db", DB, "run"]


def test_crontab_line_quotes_paths_with_spaces_and_escapes_percent() -> None:
    text = crontab_line("/my dir/trackrecord", "/my dir/100% config.toml", "/my dir/wh.duckdb")
    line = _job_line(text)
    assert r"'/my dir/100\% config.toml'" in line
    assert "%" not in line.replace(r"\%", "")  # a bare % would end the command in cron


def test_crontab_line_makes_relative_paths_absolute(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    line = _job_line(crontab_line("bin/tr", "config.toml", "data/wh.duckdb"))
    assert shlex.split(CRON_LINE.match(line)["command"]) == [
        str(tmp_path / "bin/tr"),
        "--config",
        str(tmp_path / "config.toml"),
        "--db",
        str(tmp_path / "data/wh.duckdb"),
        "run",
        ">>",
        str(tmp_path / "data/trackrecord.log"),
        "2>&1",
    ]


def test_crontab_command_runs_under_sh_as_cron_would(
    fake_install: tuple[Path, Path, Path],
) -> None:
    executable, config, db = fake_install
    command = CRON_LINE.match(_job_line(crontab_line(executable, config, db)))["command"]
    # cron turns "\%" back into "%" and hands the rest to /bin/sh.
    subprocess.run(["/bin/sh", "-c", command.replace(r"\%", "%")], check=True, timeout=10)
    argv = (executable.parent / "argv.txt").read_text().splitlines()
    assert argv == ["--config", str(config), "--db", str(db), "run"]
    assert (db.parent / "trackrecord.log").exists()


@pytest.mark.parametrize("at", ["24:00", "12:60", "noon", "7", "07:5", ""])
def test_a_bad_time_of_day_is_refused(at: str) -> None:
    with pytest.raises(ValueError, match="HH:MM"):
        crontab_line(EXE, CONFIG, DB, at=at)


def test_parse_at_reads_hours_and_minutes() -> None:
    assert parse_at("7:05") == (7, 5)
    assert parse_at("00:00") == (0, 0)
    assert parse_at("23:59") == (23, 59)


# --- systemd ------------------------------------------------------------------------------


def test_systemd_units_hold_a_oneshot_service_and_a_persistent_timer() -> None:
    text = systemd_units(EXE, CONFIG, DB)
    lines = text.splitlines()
    for expected in [
        "[Unit]",
        "[Service]",
        "[Timer]",
        "[Install]",
        "Type=oneshot",
        "ExecStart=/abs/.venv/bin/trackrecord --config /abs/config.toml --db /abs/wh.duckdb"
        " --log-format json run",
        "SuccessExitStatus=75",
        "WorkingDirectory=/abs",
        "OnCalendar=*-*-* 02:30:00",
        "Persistent=true",
        "WantedBy=timers.target",
    ]:
        assert expected in lines, expected
    assert "systemctl enable --now trackrecord.timer" in text
    assert "journalctl -u trackrecord.service" in text


def test_systemd_units_are_the_two_files_under_their_headers() -> None:
    files = systemd_unit_files(EXE, CONFIG, DB)
    assert list(files) == [SERVICE_NAME, TIMER_NAME]
    assert "[Service]" in files[SERVICE_NAME] and "[Timer]" not in files[SERVICE_NAME]
    assert "[Timer]" in files[TIMER_NAME] and "[Service]" not in files[TIMER_NAME]
    text = systemd_units(EXE, CONFIG, DB)
    service, timer = text.split("# --- trackrecord.timer ---\n")
    assert service == f"# --- trackrecord.service ---\n{files[SERVICE_NAME]}\n"
    assert timer == files[TIMER_NAME]


def test_systemd_timer_follows_the_time_of_day() -> None:
    assert "OnCalendar=*-*-* 07:05:00" in systemd_units(EXE, CONFIG, DB, at="7:05").splitlines()


def test_systemd_exec_start_escapes_spaces_specifiers_and_variables() -> None:
    service = systemd_unit_files("/my dir/trackrecord", "/my dir/100% c.toml", "/x/$HOME.duckdb")[
        SERVICE_NAME
    ]
    assert (
        'ExecStart="/my dir/trackrecord" --config "/my dir/100%% c.toml" --db /x/$$HOME.duckdb'
        " --log-format json run"
    ) in service.splitlines()
    assert "WorkingDirectory=/my dir" in service.splitlines()


def test_systemd_runs_a_program_whose_path_it_refuses_through_env() -> None:
    service = systemd_unit_files('/it\'s "here"/trackrecord', CONFIG, DB)[SERVICE_NAME]
    assert (
        'ExecStart=/usr/bin/env "/it\'s \\"here\\"/trackrecord" --config /abs/config.toml'
        " --db /abs/wh.duckdb --log-format json run"
    ) in service.splitlines()


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze not on PATH")
def test_systemd_analyze_accepts_the_units(
    tmp_path: Path, fake_install: tuple[Path, Path, Path]
) -> None:
    executable, config, db = fake_install
    units = tmp_path / "units"
    units.mkdir()
    for name, text in systemd_unit_files(executable, config, db, at="04:15").items():
        (units / name).write_text(text)
    # verify also checks that ExecStart's program exists, so the quoting of the awkward path counts.
    result = subprocess.run(
        ["systemd-analyze", "verify", str(units / SERVICE_NAME), str(units / TIMER_NAME)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    complaints = [line for line in result.stderr.splitlines() if "trackrecord" in line]
    assert result.returncode == 0, result.stderr
    assert complaints == []  # unknown keys are only warned about, with exit 0

"""The text that schedules trackrecord's nightly run: a crontab line, or systemd units.

`trackrecord schedule` prints what these functions return; nothing here installs anything. The
command run is always `<executable> --config <config> --db <db> ... run` (without --config when
no config file is in use), with every path made absolute, because cron and systemd start jobs
in a directory of their own choosing.

A second run that finds the warehouse held by the first exits 75 (EX_TEMPFAIL). Cron ignores
exit codes; the systemd service counts 75 as success so a skipped night is not a failed unit.
"""

from __future__ import annotations

import os
import re
import shlex
from pathlib import Path

DEFAULT_AT = "02:30"
SERVICE_NAME = "trackrecord.service"
TIMER_NAME = "trackrecord.timer"
LOG_NAME = "trackrecord.log"

_BUSY_EXIT = 75  # the warehouse is held by another run; see the design's exit codes

_AT_PATTERN = re.compile(r"(\d{1,2}):(\d{2})")

PathArg = str | os.PathLike[str]
# The config file, or None when the settings are the defaults (no --config in the command).
ConfigArg = PathArg | None


def crontab_line(executable: PathArg, config: ConfigArg, db: PathArg, at: str = DEFAULT_AT) -> str:
    """A comment and a crontab line running the nightly job daily at `at` (HH:MM, local time).

    Output and errors are appended to `trackrecord.log` in the warehouse's folder.
    """
    hour, minute = parse_at(at)
    log = _absolute(db).parent / LOG_NAME
    command = " ".join(
        [*map(shlex.quote, _run_argv(executable, config, db)), ">>", shlex.quote(str(log)), "2>&1"]
    )
    comment = (
        f"# trackrecord: score sources every day at {hour:02d}:{minute:02d}, appending to {log}; "
        f"exit {_BUSY_EXIT} means another run held the warehouse and this one was skipped."
    )
    # cron turns an unescaped % into a newline, even inside shell quotes.
    command = command.replace("%", r"\%")
    return f"{comment}\n{minute} {hour} * * * {command}\n"


def systemd_units(executable: PathArg, config: ConfigArg, db: PathArg, at: str = DEFAULT_AT) -> str:
    """The service and timer units for the nightly job, each under a `# --- name ---` header."""
    units = systemd_unit_files(executable, config, db, at)
    return "\n".join(f"# --- {name} ---\n{text}" for name, text in units.items())


def systemd_unit_files(
    executable: PathArg, config: ConfigArg, db: PathArg, at: str = DEFAULT_AT
) -> dict[str, str]:
    """The text of `trackrecord.service` and `trackrecord.timer`, keyed by file name."""
    return {
        SERVICE_NAME: _service_unit(executable, config, db),
        TIMER_NAME: _timer_unit(at),
    }


def parse_at(at: str) -> tuple[int, int]:
    """The hour and minute of a time of day written `HH:MM` (24-hour clock)."""
    match = _AT_PATTERN.fullmatch(at.strip())
    if match is None or int(match[1]) > 23 or int(match[2]) > 59:
        raise ValueError(f"time of day must be HH:MM on a 24-hour clock, not {at!r}")
    return int(match[1]), int(match[2])


def _absolute(path: PathArg) -> Path:
    """`path` made absolute without resolving symlinks: a venv's bin/ must stay the venv's."""
    return Path(os.path.abspath(os.path.expanduser(path)))


def _run_argv(executable: PathArg, config: ConfigArg, db: PathArg, *options: str) -> list[str]:
    """The nightly run's command line, `options` going before the `run` subcommand."""
    return [
        str(_absolute(executable)),
        *(["--config", str(_absolute(config))] if config is not None else []),
        "--db",
        str(_absolute(db)),
        *options,
        "run",
    ]


def _systemd_word(word: str, *, program: bool = False) -> str:
    """`word` as one word of an ExecStart line: specifiers, variables and quotes escaped."""
    # % starts a specifier (%h, %u) and $ a variable; doubled, each is literal. systemd expands
    # no variable in the program's own path, so there a $ stays single.
    escaped = word.replace("%", "%%") if program else word.replace("%", "%%").replace("$", "$$")
    if re.search(r"[\s\"'\\;]", escaped) or not escaped:
        escaped = '"' + escaped.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return escaped


def _exec_start(argv: list[str]) -> str:
    """The ExecStart value that runs `argv`."""
    program, *arguments = argv
    if re.search(r"[\"'\\]", program):
        # systemd refuses a program path holding quotes or backslashes; env will run any path.
        program, arguments = "/usr/bin/env", [program, *arguments]
    words = [_systemd_word(program, program=True), *map(_systemd_word, arguments)]
    return " ".join(words)


def _service_unit(executable: PathArg, config: ConfigArg, db: PathArg) -> str:
    """The oneshot service that runs the nightly job once and logs JSON to the journal."""
    exec_start = _exec_start(_run_argv(executable, config, db, "--log-format", "json"))
    # WorkingDirectory takes the rest of the line as the path: only specifiers need escaping.
    workdir = str(_absolute(config if config is not None else db).parent).replace("%", "%%")
    return f"""\
# Install: copy this file and {TIMER_NAME} to /etc/systemd/system/ (or, for your user alone,
# ~/.config/systemd/user/ and add --user to each systemctl and journalctl command), then
#   systemctl daemon-reload && systemctl enable --now {TIMER_NAME}
# Logs, one JSON object a line: journalctl -u {SERVICE_NAME}
[Unit]
Description=trackrecord: score news sources' reliability (nightly run)

[Service]
Type=oneshot
WorkingDirectory={workdir}
ExecStart={exec_start}
# Exit {_BUSY_EXIT}: another run held the warehouse, so this one skipped; not a failure.
SuccessExitStatus={_BUSY_EXIT}
# A batch job: let interactive work go first.
Nice=10
"""


def _timer_unit(at: str) -> str:
    """The timer that starts the service daily at `at`, catching up on a night the machine slept."""
    hour, minute = parse_at(at)
    return f"""\
# Starts {SERVICE_NAME} every day at {hour:02d}:{minute:02d}, the machine's local time.
# Persistent=true runs a missed night as soon as the machine is back up.
# Check it with: systemctl list-timers {TIMER_NAME}
[Unit]
Description=Run trackrecord every day at {hour:02d}:{minute:02d}

[Timer]
OnCalendar=*-*-* {hour:02d}:{minute:02d}:00
Persistent=true
Unit={SERVICE_NAME}

[Install]
WantedBy=timers.target
"""

"""What every command of the `trackrecord` command line shares: the --format option, dates
from options, settings, and the group that turns library errors into one line on stderr with
the contract's exit code (1 failed, 2 bad input, 75 warehouse busy), or a traceback with
--debug.
"""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime

import click
import duckdb

from jobs.config import Settings
from warehouse.errors import TrackrecordError

FORMATS = ["table", "csv", "json", "markdown"]


class CommandError(click.ClickException):
    """A TrackrecordError on its way out, one line, with its exit code."""

    def __init__(self, message: str, exit_code: int):
        super().__init__(message)
        self.exit_code = exit_code

    def show(self, file=None) -> None:
        click.echo(f"trackrecord: error: {self.format_message()}", err=True)


def settings_of(ctx: click.Context) -> Settings:
    return ctx.find_root().obj["settings"]


def output_option(function):
    """Adds --format table|csv|json|markdown."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(FORMATS),
        default="table",
        show_default=True,
        help="Output format.",
    )(function)


def echo_frame(frame, fmt: str) -> None:
    from jobs.formatting import render

    text = render(frame, fmt)
    click.echo(text, nl=not text.endswith("\n"))


def parse_day(value: str | None, name: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"'{value}' is not a date like 2025-06-01", param_hint=name
        ) from None


def today_utc() -> date:
    return datetime.now(UTC).date()


def not_after_today(day: date, name: str) -> date:
    """`day`, unless it is after today (UTC): the views show the run of the latest as-of
    date, so one run dated in the future would hide every later nightly run."""
    if day > today_utc():
        raise click.BadParameter(
            f"{day} is after today ({today_utc()}, UTC): a run scores what is known by its "
            "date, and a later date would stand above every nightly run until then",
            param_hint=name,
        )
    return day


class TrackrecordGroup(click.Group):
    """Turns library errors into one-line click errors carrying the contract's exit code."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.UsageError as error:
            # One line, as every other error: what is wrong and where the help is.
            where = error.ctx.command_path if error.ctx else "trackrecord"
            click.echo(
                f"trackrecord: error: {error.format_message()} (see '{where} --help')", err=True
            )
            sys.exit(error.exit_code)
        except click.ClickException as error:
            error.show()
            sys.exit(error.exit_code)
        except click.Abort:
            click.echo("trackrecord: aborted", err=True)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as error:
            if (ctx.obj or {}).get("debug"):
                raise
            raise as_command_error(error) from error


def as_command_error(error: Exception) -> CommandError:
    if isinstance(error, TrackrecordError):
        return CommandError(str(error), error.exit_code)
    first = str(error).strip().splitlines()[0] if str(error).strip() else ""
    if isinstance(error, duckdb.Error):
        return CommandError(f"warehouse: {first}", 1)
    if isinstance(error, KeyboardInterrupt):
        return CommandError("interrupted", 1)
    return CommandError(f"{type(error).__name__}: {first} (rerun with --debug for details)", 1)


def connect_write_logged(settings: Settings):
    """The warehouse open for writing (created or migrated when needed)."""
    from warehouse.connection import connect_write

    return connect_write(settings.db, busy_timeout=settings.busy_timeout)

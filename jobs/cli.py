"""The `trackrecord` command line: thin commands over the library.

Each command parses its options, calls one function of `warehouse`, `jobs` or `scoring`, and
formats the result. Errors leave as one line on stderr with the contract's exit code (1
failed, 2 bad input, 75 warehouse busy); `--debug` shows the traceback instead.
"""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path

import click
import duckdb
import polars as pl

from jobs.cli_alias import alias
from jobs.cli_articles import extract, review
from jobs.cli_support import (
    TrackrecordGroup,
    connect_write_logged,
    echo_frame,
    not_after_today,
    output_option,
    parse_day,
    settings_of,
    today_utc,
)
from jobs.config import load_settings
from warehouse.errors import BadInput


@click.group(
    cls=TrackrecordGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.option(
    "--db",
    type=click.Path(dir_okay=False),
    help="The warehouse file (default: $TRACKRECORD_DB, then config.toml).",
)
@click.option(
    "--config",
    type=click.Path(dir_okay=False),
    help="The config file (default: $TRACKRECORD_CONFIG, then ./config.toml).",
)
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.option(
    "--log-format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Format of progress and summary lines on stderr (json for scheduled runs).",
)
@click.version_option(package_name="trackrecord", prog_name="trackrecord")
@click.pass_context
def cli(
    ctx: click.Context, db: str | None, config: str | None, debug: bool, log_format: str
) -> None:
    """Score the reliability of news sources from their claims and what happened to them.

    Example:

    \b
        trackrecord ingest claims.jsonl outcomes.jsonl
        trackrecord run
        trackrecord report --top 20
    """
    ctx.ensure_object(dict)
    # Speed trick (pays: benchmarks/RESULTS.md): a run's frames fit in memory, where Polars'
    # in-memory engine beats its streaming default. A user's POLARS_ENGINE_AFFINITY wins.
    if not os.environ.get("POLARS_ENGINE_AFFINITY"):
        pl.Config.set_engine_affinity("in-memory")
    ctx.obj["debug"] = debug
    ctx.obj["log_format"] = log_format
    ctx.obj["settings"] = load_settings(db=db, config=config)


# ----------------------------------------------------------------------------- warehouse


@cli.command()
@click.pass_context
def init(ctx: click.Context) -> None:
    """Create the warehouse, or migrate an older one. Safe to repeat.

    Example:

    \b
        trackrecord --db scores.duckdb init
    """
    from warehouse.connection import migration_files

    settings = settings_of(ctx)
    existed = settings.db.exists()
    con = connect_write_logged(settings)
    con.close()
    state = "migrated" if existed else "created"
    click.echo(f"warehouse {state}: {settings.db} (schema version {migration_files()[-1][0]})")


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--dry-run", is_flag=True, help="Validate and report without writing anything.")
@click.option("--outlet", help="The outlet of articles and pages that do not name one.")
@click.option(
    "--published-at", metavar="DATE", help="The date of articles and pages that give none."
)
@click.pass_context
def ingest(
    ctx: click.Context,
    paths: tuple[str, ...],
    dry_run: bool,
    outlet: str | None,
    published_at: str | None,
) -> None:
    """Load claim, outcome and article files (.jsonl, .ndjson, .csv, .parquet, also .gz;
    .html/.htm pages; folders and globs too). The kind of each file is told from its
    columns; an article's claims and the events it reports are extracted and load like
    claims and outcomes. Bad rows go to quarantine with a reason; good rows load.

    Example:

    \b
        trackrecord ingest data/claims.jsonl data/outcomes.csv
        trackrecord ingest 'inbox/*.jsonl.gz' --dry-run
        trackrecord ingest page.html --outlet "Times of Israel" --published-at 2025-05-29
    """
    from jobs.progress import step_reporter
    from warehouse.article_ingest import ArticleOptions
    from warehouse.connection import connect_read, in_utc, migrate
    from warehouse.ingest import ingest as ingest_files
    from warehouse.inputs import check_inputs

    settings = settings_of(ctx)
    options = ArticleOptions(
        **settings.extraction_options(), outlet=outlet, published_at=published_at
    )
    # A bad path or file fails here, before the warehouse is touched.
    files = check_inputs(list(paths))
    if dry_run:
        if settings.db.exists():
            con = connect_read(settings.db, busy_timeout=settings.busy_timeout)
        else:
            con = in_utc(duckdb.connect())
            migrate(con)
    else:
        con = connect_write_logged(settings)
    with con:
        # one step a file, then validating, merging, updating sources, committing
        steps = len(files) + 4
        with step_reporter(ctx.find_root().obj["log_format"], total=steps) as progress:
            report = ingest_files(con, files, dry_run=dry_run, progress=progress, articles=options)
    click.echo(("dry run: " if dry_run else "") + report.summary())


@cli.command()
@click.option("--reason", help="Only rows whose reason contains this text.")
@click.option(
    "--limit",
    type=click.IntRange(min=0),
    default=50,
    show_default=True,
    help="Rows to list after the counts.",
)
@output_option
@click.pass_context
def quarantine(ctx: click.Context, reason: str | None, limit: int, fmt: str) -> None:
    """List what is held in quarantine, by reason: bad rows and outcomes waiting for their
    claim.

    Example:

    \b
        trackrecord quarantine
        trackrecord quarantine --reason "unknown claim" --format csv
    """
    from warehouse.connection import connect_read
    from warehouse.quarantine import quarantine_counts, quarantine_rows

    settings = settings_of(ctx)
    con = connect_read(settings.db, busy_timeout=settings.busy_timeout)
    try:
        counts = quarantine_counts(con, reason)
        rows = quarantine_rows(con, reason, limit)
    finally:
        con.close()
    if counts.is_empty():
        click.echo(
            "quarantine is empty" if reason is None else f"nothing quarantined for '{reason}'"
        )
        return
    if fmt != "table":  # machine formats: the rows themselves, one document
        echo_frame(rows, fmt)
        held = int(counts["rows"].sum())
        if rows.height < held:
            click.echo(
                f"{rows.height} of {held} rows listed; --limit {held} lists them all", err=True
            )
        return
    echo_frame(counts, fmt)
    if limit:
        click.echo()
        echo_frame(rows, fmt)


@cli.command()
@click.argument("query")
@output_option
@click.pass_context
def sql(ctx: click.Context, query: str, fmt: str) -> None:
    """Run one read-only SELECT over the warehouse (views source_scores, claim_scores,
    outlet_scores, source_score_history; tables claims, outcomes, sources, runs, quarantine).

    Example:

    \b
        trackrecord sql "select source, reliability from source_scores order by rank limit 10"
        trackrecord sql "select * from runs" --format json
    """
    from warehouse.connection import connect_read
    from warehouse.query import read_query

    settings = settings_of(ctx)
    con = connect_read(settings.db, busy_timeout=settings.busy_timeout, sandboxed=True)
    try:
        frame = read_query(con, query)
    finally:
        con.close()
    echo_frame(frame, fmt)


# ----------------------------------------------------------------------------- runs


def _announce(ctx: click.Context, result) -> None:
    from jobs.progress import log_json

    if ctx.find_root().obj["log_format"] == "json":
        r = result.record
        log_json(
            "run",
            run_id=r.run_id,
            as_of=r.as_of.isoformat(),
            status=r.status,
            claims=r.claims,
            sources=r.sources,
            metrics=r.metrics,
            note=r.note,
            seconds=round(result.seconds, 2),
            timings=result.timings,
        )
    else:
        click.echo(result.summary(), err=True)


@cli.command()
@click.option(
    "--as-of", "as_of", metavar="DATE", help="Score as of this day (default: today, UTC)."
)
@click.pass_context
def run(ctx: click.Context, as_of: str | None) -> None:
    """Run the nightly job: features, model and scores as of a date, published atomically.
    Rerunning a date replaces that date's scores. Exit 75 when another run holds the
    warehouse.

    Example:

    \b
        trackrecord run
        trackrecord run --as-of 2025-06-01
    """
    from jobs import nightly
    from jobs.progress import step_reporter

    day = not_after_today(parse_day(as_of, "--as-of") or today_utc(), "--as-of")
    with step_reporter(ctx.find_root().obj["log_format"], total=nightly.STEPS) as progress:
        result = nightly.run(settings_of(ctx), day, progress)
    _announce(ctx, result)
    click.echo(f"published scores as of {day} (run {result.record.run_id})")


@cli.command()
@click.option("--from", "first", required=True, metavar="DATE", help="First as-of day.")
@click.option("--to", "last", required=True, metavar="DATE", help="Last as-of day (inclusive).")
@click.pass_context
def backfill(ctx: click.Context, first: str, last: str) -> None:
    """Run the nightly job once per day, FROM to TO, oldest first.

    Example:

    \b
        trackrecord backfill --from 2025-05-01 --to 2025-05-31
    """
    from jobs import nightly
    from jobs.progress import step_reporter

    start, end = parse_day(first, "--from"), not_after_today(parse_day(last, "--to"), "--to")
    if end < start:
        raise BadInput(f"--to {end} is before --from {start}")
    with step_reporter(ctx.find_root().obj["log_format"]) as progress:
        day = start
        while day <= end:
            result = nightly.run(settings_of(ctx), day, progress)
            _announce(ctx, result)
            day = date.fromordinal(day.toordinal() + 1)
    click.echo(f"published {(end - start).days + 1} runs, {start} to {end}")


# ----------------------------------------------------------------------------- reading


def terminal_width() -> int:
    import shutil

    return max(80, shutil.get_terminal_size((100, 24)).columns)


@cli.command()
@click.option(
    "--top", type=click.IntRange(min=1), help="How many sources (default: config [report] top)."
)
@click.option("--kind", type=click.Choice(["named", "anonymous"]), help="Only this kind of source.")
@click.option("--outlet", help="Only sources whose outlet contains this text.")
@click.option("--affiliation", help="Only sources whose affiliation contains this text.")
@click.option(
    "--min-claims",
    type=click.IntRange(min=0),
    default=0,
    help="Only sources with at least K claims.",
)
@click.option(
    "--as-of", "as_of", metavar="DATE", help="The run of this date (default: the latest)."
)
@output_option
@click.pass_context
def report(ctx, top, kind, outlet, affiliation, min_claims, as_of, fmt) -> None:
    """The ranked source report from the latest run: reliability with its 90% interval, the
    record behind it, and the change since the previous run.

    Example:

    \b
        trackrecord report --top 20
        trackrecord report --kind anonymous --min-claims 20 --format csv
    """
    from jobs.reader import report_frame
    from warehouse.connection import connect_read
    from warehouse.reader import report_rows

    settings = settings_of(ctx)
    con = connect_read(settings.db, busy_timeout=settings.busy_timeout)
    try:
        rows = report_rows(
            con,
            top=top or int(settings.section("report")["top"]),
            kind=kind,
            outlet=outlet,
            affiliation=affiliation,
            min_claims=min_claims,
            as_of=parse_day(as_of, "--as-of"),
        )
    finally:
        con.close()
    if rows.is_empty() and fmt == "table":
        click.echo("no source matches these filters")
        return
    from jobs.formatting import render

    frame = report_frame(rows, fmt)
    title = None
    if fmt == "table":
        title = f"Sources by reliability, as of {rows['as_of'][0]} (run {rows['run_id'][0]})"
    text = render(
        frame,
        fmt,
        title=title,
        width=terminal_width(),
        keep_whole=("reliability [90%]", "t/f", "Δ%"),
    )
    click.echo(text, nl=not text.endswith("\n"))


@cli.command()
@click.argument("source")
@click.pass_context
def explain(ctx: click.Context, source: str) -> None:
    """The claims and events behind one source's score. SOURCE is a source_id, a name or part
    of one, or a source as a claim would give it ("US envoy Steve Witkoff", "a Palestinian
    official @ The Times of Israel"); when several sources match, they are listed.

    Example:

    \b
        trackrecord explain "Palestinian official @ Times of Israel"
        trackrecord explain src-4a42ac01d9fb
    """
    from jobs.reader import explain_text
    from warehouse.connection import connect_read
    from warehouse.reader import claim_events, find_sources, source_claims

    settings = settings_of(ctx)
    con = connect_read(settings.db, busy_timeout=settings.busy_timeout)
    try:
        matches = find_sources(con, source)
        if matches.is_empty():
            raise BadInput(f"no source matches '{source}' in the latest run")
        if matches.height > 1:
            click.echo(f"{matches.height} sources match '{source}'; name one by its source_id:")
            for row in matches.head(30).iter_rows(named=True):
                what = f"{row['kind']}, {row['claims']} claims"
                click.echo(f"  {row['source_id']}  {row['source']}  ({what})")
            ctx.exit(2)
        chosen = matches.row(0, named=True)
        claims = source_claims(con, chosen["source_id"], chosen["run_id"], chosen["as_of"])
        events = claim_events(con, chosen["source_id"], chosen["as_of"])
    finally:
        con.close()
    click.echo(explain_text(chosen, claims, events, width=terminal_width()))


@cli.command()
@click.option(
    "--cutoff",
    metavar="DATE",
    help="Train as of this day (default: when 3/4 of the settled claims had settled).",
)
@click.option(
    "--plot",
    type=click.Path(dir_okay=False, writable=True),
    metavar="FILE.png",
    help="Write the calibration curve and the score distribution to this PNG.",
)
@click.pass_context
def evaluate(ctx: click.Context, cutoff: str | None, plot: str | None) -> None:
    """Backtest: train as of the cutoff, score the claims open then that settled later, and
    compare AUC, Brier score, log loss and calibration error with two baselines (the overall
    rate, the naive track record). Results are kept in the `evaluations` table.

    Example:

    \b
        trackrecord evaluate --cutoff 2025-03-01 --plot calibration.png
    """
    from jobs import evaluate as backtests

    settings = settings_of(ctx)
    if plot and not Path(plot).absolute().parent.is_dir():
        raise BadInput(f"--plot {plot}: no such folder to write it in")
    result = backtests.backtest(settings, parse_day(cutoff, "--cutoff"))
    click.echo(result.text())
    backtests.save(settings, result)
    if plot:
        backtests.plot(result, Path(plot))
        click.echo(f"plot written to {plot}", err=True)


@cli.command()
@click.option("--cron", "style", flag_value="cron", default=True, help="A crontab line (default).")
@click.option("--systemd", "style", flag_value="systemd", help="A systemd service and timer.")
@click.option(
    "--at", "at", default="02:30", show_default=True, metavar="HH:MM", help="Time of day to run."
)
@click.pass_context
def schedule(ctx: click.Context, style: str, at: str) -> None:
    """Print a crontab line, or systemd service and timer units, that run the nightly job with
    this installation's absolute paths, config and warehouse.

    Example:

    \b
        trackrecord schedule --cron >> mycrontab
        trackrecord schedule --systemd --at 03:15
    """
    from jobs import schedule as schedules

    settings = settings_of(ctx)
    executable = (
        Path(sys.argv[0]).absolute()
        if Path(sys.argv[0]).name == "trackrecord"
        else Path(sys.executable).with_name("trackrecord")
    )
    # No config file in use: the job runs on the defaults too (a config.toml named here that
    # does not exist would fail every night).
    config = settings.config_file
    try:
        schedules.parse_at(at)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--at") from error
    if style == "systemd":
        click.echo(schedules.systemd_units(executable, config, settings.db, at), nl=False)
    else:
        click.echo(schedules.crontab_line(executable, config, settings.db, at), nl=False)


@cli.command()
@click.option(
    "--claims", "n_claims", type=click.IntRange(min=1), required=True, help="How many claims."
)
@click.option(
    "--out", "out_dir", type=click.Path(file_okay=False), required=True, help="Folder to write."
)
@click.option(
    "--seed", type=int, default=0, show_default=True, help="The same seed gives the same world."
)
def generate(n_claims: int, out_dir: str, seed: int) -> None:
    """Write a synthetic world: claims.jsonl and outcomes.jsonl in the input format, and the
    hidden truth under DIR/truth/ (each identity's true reliability, each claim's truth).

    Example:

    \b
        trackrecord generate --claims 20000 --out world --seed 7
    """
    from jobs.generate import write_world

    counts = write_world(n_claims, Path(out_dir), seed)
    click.echo(", ".join(f"{k} {v}" for k, v in counts.items()) + f" -> {out_dir}", err=True)


cli.add_command(alias)
cli.add_command(extract)
cli.add_command(review)


def main() -> None:
    """Console entry point."""
    cli(prog_name="trackrecord")

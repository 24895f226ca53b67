"""`trackrecord alias`: merge spellings of a named source or of an outlet, list and remove
them, and suggest likely pairs. Registered on the group in jobs/cli.py.
"""

from __future__ import annotations

import click

from jobs.cli_support import connect_write_logged, echo_frame, output_option, settings_of


@click.group()
def alias() -> None:
    """Maintain aliases: merge spellings of a named source, or of an outlet.

    Example:

    \b
        trackrecord alias suggest
        trackrecord alias add "Steve Whitcoff" "Steve Witkoff"
    """


@alias.command("add")
@click.argument("alias_name", metavar="ALIAS")
@click.argument("name")
@click.option("--outlet", is_flag=True, help="Alias an outlet rather than a source.")
@click.pass_context
def alias_add(ctx: click.Context, alias_name: str, name: str, outlet: bool) -> None:
    """Make ALIAS mean NAME; existing claims are re-pointed at once.

    Example:

    \b
        trackrecord alias add "Steve Whitcoff" "Steve Witkoff"
        trackrecord alias add --outlet "ToI" "Times of Israel"
    """
    from warehouse.aliases import add_alias

    con = connect_write_logged(settings_of(ctx))
    try:
        click.echo(add_alias(con, alias_name, name, outlet=outlet))
    finally:
        con.close()


@alias.command("remove")
@click.argument("alias_name", metavar="ALIAS")
@click.option("--outlet", is_flag=True, help="Remove an outlet alias.")
@click.pass_context
def alias_remove(ctx: click.Context, alias_name: str, outlet: bool) -> None:
    """Remove an alias; its claims go back to their own identity.

    Example:

    \b
        trackrecord alias remove "Steve Whitcoff"
    """
    from warehouse.aliases import remove_alias

    con = connect_write_logged(settings_of(ctx))
    try:
        click.echo(remove_alias(con, alias_name, outlet=outlet))
    finally:
        con.close()


@alias.command("list")
@output_option
@click.pass_context
def alias_list(ctx: click.Context, fmt: str) -> None:
    """List the aliases.

    Example:

    \b
        trackrecord alias list --format csv
    """
    from warehouse.aliases import list_aliases
    from warehouse.connection import connect_read

    settings = settings_of(ctx)
    con = connect_read(settings.db, busy_timeout=settings.busy_timeout)
    try:
        frame = list_aliases(con)
    finally:
        con.close()
    if frame.is_empty() and fmt == "table":
        click.echo("no aliases")
        return
    echo_frame(frame, fmt)


@alias.command("suggest")
@click.option(
    "--threshold",
    type=click.FloatRange(0, 100),
    default=80.0,
    show_default=True,
    help="Least similarity (0-100).",
)
@click.pass_context
def alias_suggest(ctx: click.Context, threshold: float) -> None:
    """Print likely same-person pairs among named sources, one per line, with a similarity and
    claim counts. Nothing is merged: add the ones you agree with by `alias add`.

    Example:

    \b
        trackrecord alias suggest --threshold 85
    """
    from warehouse.aliases import suggest_aliases
    from warehouse.connection import connect_read

    settings = settings_of(ctx)
    con = connect_read(settings.db, busy_timeout=settings.busy_timeout)
    try:
        pairs = suggest_aliases(con, threshold=threshold)
    finally:
        con.close()
    if pairs.is_empty():
        click.echo("no likely aliases")
        return
    for row in pairs.iter_rows(named=True):  # one line per suggested pair (a handful)
        similarity = f"{row['similarity']:.2f}"
        click.echo(
            f"{row['a']}  ~  {row['b']}  similarity {similarity}  "
            f"claims {row['claims_a']} / {row['claims_b']}  ({row['why']})"
        )

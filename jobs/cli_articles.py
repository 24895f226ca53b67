"""`trackrecord extract` (what article files would load, written to a folder, no warehouse)
and `trackrecord review` (the links extraction was unsure of, for a person to accept or
reject). Registered on the group in jobs/cli.py.
"""

from __future__ import annotations

from pathlib import Path

import click

from jobs.cli_support import connect_write_logged, echo_frame, output_option, settings_of


@click.command()
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False),
    help="Folder for claims.jsonl, outcomes.jsonl and attributions.jsonl (created if needed).",
)
@click.option("--outlet", help="The outlet of articles and pages that do not name one.")
@click.option(
    "--published-at", metavar="DATE", help="The date of articles and pages that give none."
)
@click.pass_context
def extract(
    ctx: click.Context,
    paths: tuple[str, ...],
    out_dir: str,
    outlet: str | None,
    published_at: str | None,
) -> None:
    """Write the claims, events and attributions found in article files, touching no
    warehouse: look before you ingest. Rows that cannot be read are counted on stderr.

    Example:

    \b
        trackrecord extract articles.jsonl --out extracted
        trackrecord extract pages/ --outlet "Times of Israel" --out extracted
    """
    from warehouse.article_ingest import ArticleOptions, extract_files

    options = ArticleOptions(
        **settings_of(ctx).extraction_options(), outlet=outlet, published_at=published_at
    )
    counts, rejected = extract_files(list(paths), Path(out_dir), options)
    click.echo(", ".join(f"{name} {value}" for name, value in counts.items()) + f" -> {out_dir}")
    for row in rejected.iter_rows(named=True):
        where = row["file"] if row["line"] is None else f"{row['file']}:{row['line']}"
        click.echo(f"{where}: {row['reason']}", err=True)
    if rejected.height:
        click.echo(f"{rejected.height} article row(s) could not be read", err=True)


@click.group(invoke_without_command=True)
@output_option
@click.pass_context
def review(ctx: click.Context, fmt: str) -> None:
    """List the links between claims that extraction was unsure of (a later denial,
    contradiction or confirmation and the claim it may answer, their sentences side by
    side); accept one to load its event, or reject it.

    Example:

    \b
        trackrecord review
        trackrecord review accept 'toi-0530#88>toi-0529#412'
        trackrecord review reject 'toi-0530#88>toi-0529#412'
    """
    if ctx.invoked_subcommand is not None:
        return
    from warehouse.connection import connect_read
    from warehouse.review import pending_links

    settings = settings_of(ctx)
    con = connect_read(settings.db, busy_timeout=settings.busy_timeout)
    try:
        links = pending_links(con)
    finally:
        con.close()
    if links.is_empty() and fmt == "table":
        click.echo("no links waiting for review")
        return
    echo_frame(links, fmt)


@review.command("accept")
@click.argument("link_id", metavar="ID")
@click.pass_context
def review_accept(ctx: click.Context, link_id: str) -> None:
    """Accept a link: its event loads as an outcome of the claim, as an ingest would load it.

    Example:

    \b
        trackrecord review accept 'toi-0530#88>toi-0529#412'
    """
    from warehouse.review import accept_link

    with connect_write_logged(settings_of(ctx)) as con:
        report = accept_link(con, link_id)
    click.echo(f"accepted {link_id}: " + report.summary())


@review.command("reject")
@click.argument("link_id", metavar="ID")
@click.pass_context
def review_reject(ctx: click.Context, link_id: str) -> None:
    """Reject a link: nothing loads, and a re-ingest does not ask again.

    Example:

    \b
        trackrecord review reject 'toi-0530#88>toi-0529#412'
    """
    from warehouse.review import reject_link

    with connect_write_logged(settings_of(ctx)) as con:
        reject_link(con, link_id)
    click.echo(f"rejected {link_id}")

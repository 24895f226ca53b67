"""Queries behind the reader's commands: the ranked report and the story of one source."""

from __future__ import annotations

from datetime import date

import duckdb
import polars as pl

from warehouse import identity
from warehouse.connection import fetch_frame, sql_text
from warehouse.errors import TrackrecordError


def has_runs(con: duckdb.DuckDBPyConnection, as_of: date | None = None) -> bool:
    return (
        con.execute(
            "select count(*) from runs where status = 'success' "
            "and ($as_of::date is null or as_of = $as_of::date)",
            {"as_of": as_of},
        ).fetchall()[0][0]
        > 0
    )


def report_rows(
    con: duckdb.DuckDBPyConnection,
    *,
    top: int,
    kind: str | None = None,
    outlet: str | None = None,
    affiliation: str | None = None,
    min_claims: int = 0,
    as_of: date | None = None,
) -> pl.DataFrame:
    """The ranked sources of the latest run (or the run of `as_of`), filtered."""
    if not has_runs(con, as_of):
        if as_of is not None and has_runs(con):
            raise TrackrecordError(
                f'no successful run as of {as_of}; see `trackrecord sql "select as_of from runs"`'
            )
        raise TrackrecordError("no scores yet: run `trackrecord run` first")
    return fetch_frame(
        con,
        sql_text("report.sql"),
        {
            "as_of": as_of,
            "kind": kind,
            "outlet": outlet_words(outlet) if outlet else None,
            "affiliation": affiliation,
            "min_claims": min_claims,
            "top": top,
        },
    )


def find_sources(con: duckdb.DuckDBPyConnection, text: str) -> pl.DataFrame:
    """Sources of the latest run matching an id, a name, or part of a name (case and accents
    ignored), or whose identity the text names as ingest would key it (titles, spacing,
    articles and plurals folded: "US special envoy Steve Witkoff", "a Palestinian official",
    "Palestinian official @ The Times of Israel"; an alias's spelling too). An exact id, name
    or identity wins over partial matches."""
    if not has_runs(con):
        raise TrackrecordError("no scores yet: run `trackrecord run` first")
    candidates = fetch_frame(
        con,
        """
        with scores as (
            select s.*, i.identity_key
            from source_scores as s left join main.sources as i using (source_id)
        ),
        keys as (
            -- what the text names: a person or body (through an alias, if it is one), an
            -- anonymous identity at an outlet, or an anonymous descriptor at any outlet
            select 'named:' || coalesce((select min(target_key) from main.source_aliases
                                         where kind = 'source' and alias_key = $named),
                                        $named) as named,
                   'anonymous:' || $descriptor || '@' || coalesce(
                       (select min(target_key) from main.source_aliases
                        where kind = 'outlet' and alias_key = $outlet), $outlet) as anonymous,
                   'anonymous:' || $descriptor || '@' as descriptor
        ),
        matched as (
            select scores.*,
                   source_id = $text or lower(strip_accents(source)) = lower(strip_accents($text))
                   or identity_key in (keys.named, keys.anonymous) as exact
            from scores, keys
            where source_id = $text
               or contains(lower(strip_accents(source)), lower(strip_accents($text)))
               or identity_key in (keys.named, keys.anonymous)
               or ($outlet is null and starts_with(identity_key, keys.descriptor))
        )
        select * exclude (identity_key) from matched order by exact desc, rank
    """,
        {"text": text, **_identity_keys(text)},
    )
    exact = candidates.filter(pl.col("exact"))
    return (exact if exact.height == 1 else candidates).drop("exact")


def _identity_keys(text: str) -> dict[str, str | None]:
    """The keys ingest would give `text` (warehouse.identity): named (as a named source),
    descriptor (as an anonymous one) and outlet (after " @ ", when given)."""
    who, _, outlet = text.partition(" @ ")
    return {
        "named": identity.of_text(identity.named_key, text),
        "descriptor": identity.of_text(identity.descriptor, who),
        "outlet": identity.of_text(identity.outlet_key, outlet or None),
    }


def outlet_words(outlet: str) -> str:
    """An outlet as `report --outlet` compares it with the scores' outlet names: spaces
    collapsed and a leading "The" dropped, as ingest shows outlets ("The Times of Israel" is
    "Times of Israel")."""
    return identity.of_text(identity.outlet_display, outlet)


def source_claims(
    con: duckdb.DuckDBPyConnection, source_id: str, run_id: str, as_of: date
) -> pl.DataFrame:
    """The source's claims visible at `as_of`, with the run's p_true, p_model and label, and
    for a claim extracted from an article, its article and the sentence it came from."""
    # A warehouse from before articles (migration 008) read read-only has no claim_origins.
    has_origins = con.execute(
        "select count(*) from duckdb_tables() where schema_name = 'main' "
        "and table_name = 'claim_origins'"
    ).fetchall()[0][0]
    origins = (
        "main.claim_origins"
        if has_origins
        else "(select null::varchar as claim_id, null::varchar as article_id, "
        "null::varchar as sentence where false)"
    )
    return fetch_frame(
        con,
        f"""
        select c.claim_id, c.published_at::date as published, c.outlet, c.text, c.subject,
               s.p_true, s.p_model, s.label, o.article_id, o.sentence
        from main.claims as c
        left join main.claim_score_rows as s on s.claim_id = c.claim_id and s.run_id = $run_id
        left join {origins} as o on o.claim_id = c.claim_id
        where c.source_id = $source_id and c.published_at::date <= $as_of
        order by c.published_at, c.claim_id
    """,
        {"source_id": source_id, "run_id": run_id, "as_of": as_of},
    )


def claim_events(con: duckdb.DuckDBPyConnection, source_id: str, as_of: date) -> pl.DataFrame:
    """The events on the source's claims on or before `as_of`: what, who, when."""
    return fetch_frame(
        con,
        """
        select o.claim_id, o.event, o."by", o."at"::date as "at", o.verdict, o.note
        from main.outcomes as o
        join main.claims as c using (claim_id)
        where c.source_id = $source_id and o."at"::date <= $as_of
        order by o.claim_id, o."at", o.event
    """,
        {"source_id": source_id, "as_of": as_of},
    )

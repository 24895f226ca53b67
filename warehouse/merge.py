"""The merge: the valid staged rows identified (who each source, outlet, subject and denier
is, by the rules of warehouse.identity), weighed against the warehouse
(sql/ingest_classify.sql), then written (sql/ingest_write.sql) in the ingest's transaction.
A dry run classifies and counts, and writes nothing.

The identity rules (Polars) run on the distinct names of the valid rows only, and their
results join the rows in SQL as temp tables: source_identities, outlet_identities,
subject_keys and by_identities.
"""

from __future__ import annotations

import duckdb
import polars as pl

from warehouse import identity
from warehouse.database import fetch_frame, registered, run_script
from warehouse.staging import REASONS


def distinct_claim_values(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """The distinct sources (with their given kind), outlets and subjects of the valid staged
    claims, in one scan of the rows; is_source, is_outlet and is_subject say which a row is."""
    return fetch_frame(
        con,
        """
        select source, source_kind_given as source_kind, outlet, subject,
               grouping(source, source_kind_given) = 0 as is_source,
               grouping(outlet) = 0 as is_outlet, grouping(subject) = 0 as is_subject
        from staged_claims where reason is null
        group by grouping sets ((source, source_kind_given), (outlet), (subject))""",
    )


def claim_identities(distinct: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """The identities of the claims' distinct values (distinct_claim_values):
    source_identities, outlet_identities and subject_keys. Polars only: no connection."""
    subjects = distinct.filter(pl.col("is_subject") & pl.col("subject").is_not_null())
    return {
        "source_identities": identity.identify_sources(
            distinct.filter(pl.col("is_source")).select("source", "source_kind")
        ),
        "outlet_identities": identity.identify_outlets(
            distinct.filter(pl.col("is_outlet")).select("outlet")
        ),
        "subject_keys": identity.named_keys(
            subjects.lazy().select("subject"), "subject", "subject_key"
        ).collect(),
    }


def identify(con: duckdb.DuckDBPyConnection, claims: dict[str, pl.DataFrame]) -> None:
    """The identities of the valid staged rows as temp tables for the merge to join: those
    of the claims (claim_identities) and by_identities, who did each outcome (by_kind as
    the by_kind_of macro says, by, by_key: a person folded like a subject, an outlet like an
    outlet)."""
    bys = fetch_frame(
        con,
        """
        select distinct by_kind_of(event) as by_kind, "by"
        from staged_outcomes where reason is null and "by" <> ''""",
    )
    subjects = claims["subject_keys"].select(
        pl.col("subject").alias("by"), pl.col("subject_key").alias("by_key")
    )
    people = bys.filter(pl.col("by_kind") == "person")
    new_names = people.select("by").join(subjects, on="by", how="anti")
    person_keys = pl.concat(
        [subjects, identity.named_keys(new_names.lazy(), "by", "by_key").collect()]
    )
    by_identities = pl.concat(
        [
            people.join(person_keys, on="by", how="left"),
            bys.filter(pl.col("by_kind") == "outlet").with_columns(
                by_key=identity.outlet_key(pl.col("by"))
            ),
        ]
    ).select("by_kind", "by", pl.col("by_key").fill_null(""))
    for name, frame in {**claims, "by_identities": by_identities}.items():
        with registered(con, "frame", frame):
            con.execute(_KEEP[name])


_KEEP = {
    "source_identities": "create or replace temp table source_identities as select * from frame",
    "outlet_identities": "create or replace temp table outlet_identities as select * from frame",
    "subject_keys": "create or replace temp table subject_keys as select * from frame",
    "by_identities": "create or replace temp table by_identities as select * from frame",
}


def classify(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """What writing the staged rows would do, counted (ingest_counts): nothing is written."""
    run_script(con, "ingest_classify.sql", REASONS)
    counts = fetch_frame(con, "select * from ingest_counts").row(0, named=True)
    return {name: int(value or 0) for name, value in counts.items()}


def write(con: duckdb.DuckDBPyConnection) -> None:
    """Write what classify found. Call inside a transaction, after classify."""
    run_script(con, "ingest_write.sql", REASONS)

"""The alias table users edit: merges of named sources and of outlets, and suggestions.

An alias re-points existing claims at once (their source_id is recomputed), no re-ingest.
Suggestions come from fuzzy matching (RapidFuzz) over named sources' folded names; a bare
surname is suggested beside the full name but never merged: trackrecord never merges on a
guess.
"""

from __future__ import annotations

import duckdb
import numpy as np
import polars as pl
from rapidfuzz import fuzz, process

from warehouse import identity
from warehouse.connection import fetch_frame, transaction
from warehouse.errors import BadInput
from warehouse.refresh import refresh_identities


def _key(name: str, *, outlet: bool) -> str:
    return identity.of_text(identity.outlet_key if outlet else identity.named_key, name)


def _anonymous(con: duckdb.DuckDBPyConnection, given: str, key: str) -> bool:
    """Whether `given` reads as an anonymous description ("a Palestinian official") and no
    claim names a source of that key as named (a source_kind given at ingest wins)."""
    if identity.of_text(identity.infer_kind, given) != "anonymous":
        return False
    named = con.execute(
        "select count(*) from main.claims as c join main.source_spellings as s "
        "using (source, source_kind) where s.source_kind = 'named' and s.source_key = $key",
        {"key": key},
    ).fetchall()[0][0]
    return named == 0


def add_alias(
    con: duckdb.DuckDBPyConnection, alias: str, name: str, *, outlet: bool = False
) -> str:
    """Record that `alias` means `name` and re-point the claims. Returns a message."""
    kind = "outlet" if outlet else "source"
    alias_key, target_key = _key(alias, outlet=outlet), _key(name, outlet=outlet)
    if not alias_key or not target_key:
        raise BadInput("an alias and a name must both have letters or digits")
    if alias_key == target_key:
        raise BadInput(f"'{alias}' and '{name}' already fold to the same {kind}")
    if not outlet:
        for given, key in ((alias, alias_key), (name, target_key)):
            if _anonymous(con, given, key):
                raise BadInput(
                    f"'{given}' is an anonymous description: anonymous sources are pooled as "
                    "description @ outlet and cannot be aliased (alias their outlet with --outlet)"
                )
    cycle = con.execute(
        "select count(*) from source_aliases where kind = $kind and alias_key = $target",
        {"kind": kind, "target": target_key},
    ).fetchall()[0][0]
    if cycle:
        raise BadInput(f"'{name}' is itself an alias; point '{alias}' at what '{name}' means")
    with transaction(con):
        con.execute(
            "delete from source_aliases where kind = $kind and alias_key = $alias_key",
            {"kind": kind, "alias_key": alias_key},
        )
        # Anything that pointed at the alias now points at the new target.
        con.execute(
            "update source_aliases set target_key = $target, name = $name "
            "where kind = $kind and target_key = $alias_key",
            {"kind": kind, "alias_key": alias_key, "target": target_key, "name": name},
        )
        con.execute(
            "insert into source_aliases "
            "values ($kind, $alias, $alias_key, $name, $target, now()::timestamp)",
            {
                "kind": kind,
                "alias": alias,
                "alias_key": alias_key,
                "name": name,
                "target": target_key,
            },
        )
        refresh_identities(con)
    return f"{kind} alias added: '{alias}' -> '{name}'"


def remove_alias(con: duckdb.DuckDBPyConnection, alias: str, *, outlet: bool = False) -> str:
    kind = "outlet" if outlet else "source"
    alias_key = _key(alias, outlet=outlet)
    found = con.execute(
        "select count(*) from source_aliases where kind = $kind and alias_key = $key",
        {"kind": kind, "key": alias_key},
    ).fetchall()[0][0]
    if not found:
        raise BadInput(f"no {kind} alias '{alias}' (see `trackrecord alias list`)")
    with transaction(con):
        con.execute(
            "delete from source_aliases where kind = $kind and alias_key = $key",
            {"kind": kind, "key": alias_key},
        )
        refresh_identities(con)
    return f"{kind} alias removed: '{alias}'"


def list_aliases(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    return fetch_frame(
        con, "select kind, alias, name, created_at from source_aliases order by kind, alias"
    )


def suggest_aliases(
    con: duckdb.DuckDBPyConnection, *, threshold: float = 80.0, limit: int = 50
) -> pl.DataFrame:
    """Likely same-person pairs among named sources: (a, b, similarity, claims_a, claims_b,
    why). A bare surname is paired with the full names it ends."""
    names = fetch_frame(
        con,
        """
        select s.source, s.claims, s.identity_key
        from sources as s
        where s.kind = 'named'
        order by s.claims desc, s.source
        limit 8000
        """,
    )
    if names.height < 2:
        return pl.DataFrame(
            schema={
                "a": pl.String,
                "b": pl.String,
                "similarity": pl.Float64,
                "claims_a": pl.Int64,
                "claims_b": pl.Int64,
                "why": pl.String,
            }
        )
    keys = names["identity_key"].str.strip_prefix("named:")
    # RapidFuzz's cdist scores every pair in C, on both cores; uint8 keeps it small.
    full = process.cdist(
        keys.to_list(),
        keys.to_list(),
        scorer=fuzz.ratio,
        score_cutoff=threshold,
        dtype=np.uint8,
        workers=-1,
    )
    fi, fj = np.nonzero(np.triu(full, k=1))
    # A bare surname ("Witkoff") against the last word of full names ("Steve Witkoff").
    single = np.flatnonzero(~keys.str.contains(" ").to_numpy())
    multi = np.flatnonzero(keys.str.contains(" ").to_numpy())
    last_words = keys.str.split(" ").list.last().to_numpy()
    bare = process.cdist(
        keys.to_numpy()[single].tolist(),
        last_words[multi].tolist(),
        scorer=fuzz.ratio,
        score_cutoff=threshold,
        dtype=np.uint8,
        workers=-1,
    )
    bi, bj = np.nonzero(bare)
    pairs = pl.concat(
        [
            pl.DataFrame({"i": fi, "j": fj, "score": full[fi, fj], "why": "similar spelling"}),
            pl.DataFrame(
                {"i": single[bi], "j": multi[bj], "score": bare[bi, bj], "why": "bare surname"}
            ),
        ],
        how="vertical_relaxed",
    )
    lookup = names.with_row_index("i").with_columns(pl.col("i").cast(pl.Int64))
    return (
        pairs.with_columns(pl.col("i", "j").cast(pl.Int64), similarity=pl.col("score") / 100.0)
        .join(lookup.select("i", a="source", claims_a="claims"), on="i")
        .join(lookup.select(j="i", b="source", claims_b="claims"), on="j")
        .sort(["similarity", "claims_a", "a", "b"], descending=[True, True, False, False])
        .select("a", "b", "similarity", "claims_a", "claims_b", "why")
        .head(limit)
    )

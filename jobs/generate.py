"""Synthetic worlds: claims, their outcomes, and the hidden truth behind both.

`write_world(n_claims, out_dir, seed)` writes a world that looks like what trackrecord ingests
and knows what actually happened, so tests and benchmarks can check scores against the truth.
The same seed gives byte-identical files on any day: every draw comes from
`numpy.random.default_rng(seed)` in a fixed order and nothing reads the clock. Everything is
vectorised (numpy for the draws, Polars for the strings); the only Python loops run over small
vocabularies or over fixed-size chunks of claims, so 1M claims take seconds and 10M fit in memory.

The world
    Claims are published 2024-01-01 .. 2025-12-31 (UTC days). Most `published_at` values are
    dates; some are datetimes in UTC ("Z") or with an offset.
    Named sources are people (some named in Arabic script, some with diacritics that are
    sometimes dropped) and a few bodies ("Hamas", "White House"). Their claim counts are
    heavy-tailed: most have 1-3 claims, a few have hundreds. A mention may carry a title
    ("US special envoy Steve Karovan") and about 1.5% carry a one-letter typo in the surname.
    Anonymous identities are *descriptor @ outlet*, each pooling several unseen people. Their
    surface forms vary ("two senior Palestinian officials", "a Palestinian official speaking on
    condition of anonymity") but all fold to the descriptor ("Palestinian official") when one
    lowercases, drops articles, number words (one, two, three, several, some, multiple) and
    seniority words (senior, top, high-ranking), drops a trailing clause starting with "who",
    "speaking", "familiar with" or "on condition of", and singularises the last word.
    Outlets ("The Times of Israel" / "Times of Israel") vet with different care: each shifts
    the logit of its claims' truth probability.

    A claim is true with p_true = sigmoid(logit(person reliability) + outlet effect). Hedges
    ("reportedly") and numbers in the text are drawn after the truth, slightly more often for
    false claims. About half the claims settle (confirmed / retracted / rated by a fact-checker)
    after an exponential delay; settlements after 2025-12-31 are dropped, so late claims are
    less often settled. Subjects deny false claims more often than true ones, other sources
    contradict (mostly false claims), other outlets corroborate (mostly true claims).

Files in out_dir
    claims.jsonl, outcomes.jsonl   the contract's input formats (design.md), UTF-8 JSON lines.
    truth/identities.jsonl         one row per true identity that has claims:
        identity     stable key: "named:<canonical name>" or "anonymous:<descriptor> @ <outlet>"
        kind         "named" | "anonymous"
        name         canonical name (named) or descriptor (anonymous), e.g. "Palestinian official"
        outlet       canonical outlet (no leading "The") for anonymous identities, null for named
        affiliation  the side it speaks for, null for descriptors without one ("person")
        reliability  mean p_true over the identity's claims: the probability its claims are
                     true, averaged over the people it pools (claim-weighted) and the outlets
                     that carried them
        claims       number of claims
    truth/claims.jsonl             one row per claim:
        claim_id, identity (key as above), true (bool), p_true (the probability it was drawn with)
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import numpy as np
import polars as pl

from jobs.world import (
    AFFILIATION_MISSING,
    AFFILIATIONS,
    ANONYMOUS,
    BODY,
    CHUNK,
    EVENT_ORDER,
    FACT_CHECKERS,
    FALSE_VERDICTS,
    HEDGES,
    N_DAYS,
    NAMED,
    NUMBER_CLAUSES,
    P_CONFIRMED_IF_TRUE,
    P_CONTRADICTED,
    P_CORROBORATED,
    P_DENIED_BY_OTHER,
    P_DENIED_BY_SUBJECT,
    P_HEDGE,
    P_NUMBER,
    P_NUMERIC_VERDICT,
    P_RETRACTED_IF_FALSE,
    P_SETTLE,
    SETTLE_MEAN_DAYS,
    SOURCE_KIND_MISSING,
    START,
    TITLES,
    TOPICS,
    TRUE_VERDICTS,
    TYPO_RATE,
    UTC_OFFSETS,
    VERBS,
    World,
    plan,
    weights,
)

# ---------------------------------------------------------------------------------------------
# Strings: dates, outlets, mentions of sources
# ---------------------------------------------------------------------------------------------

# day -1 .. N_DAYS: an offset can move a local date one day off the UTC day
DATES = pl.Series([(START + timedelta(days=d)).isoformat() for d in range(-1, N_DAYS + 1)])
CLOCK = pl.Series([f"{m // 60:02d}:{m % 60:02d}:00" for m in range(1440)])


def _dates(day: np.ndarray) -> pl.Series:
    return DATES.gather(day + 1)


def _stamps(day: np.ndarray, rng: np.random.Generator, p_utc: float, p_offset: float) -> pl.Series:
    """ISO strings for UTC days: mostly dates, some UTC datetimes, some with an offset."""
    n = day.size
    form = rng.choice(3, n, p=[1 - p_utc - p_offset, p_utc, p_offset])
    minute = rng.integers(0, 1440, n)
    off = rng.integers(0, len(UTC_OFFSETS), n)
    local = minute + np.array([m for _, m in UTC_OFFSETS])[off]
    # the local date can differ from the UTC day; the UTC day is what ingest compares
    shifted = (
        _dates(day + np.floor_divide(local, 1440))
        + "T"
        + CLOCK.gather(local % 1440)
        + pl.Series([s for s, _ in UTC_OFFSETS]).gather(off)
    )
    utc = _dates(day) + "T" + CLOCK.gather(minute) + "Z"
    return pl.select(
        pl.when(pl.Series(form == 0))
        .then(_dates(day))
        .when(pl.Series(form == 1))
        .then(utc)
        .otherwise(shifted)
    ).to_series()


def _pick(flags: np.ndarray, yes: pl.Series, no: pl.Series | None = None) -> pl.Series:
    """yes where flags, else no (or null): a vectorised if/else over aligned series."""
    expr = pl.when(pl.Series(flags)).then(yes)
    return pl.select(expr.otherwise(no) if no is not None else expr).to_series()


def _outlet_mentions(world: World, outlet: np.ndarray, rng: np.random.Generator) -> pl.Series:
    """Outlet names as reported: some take a leading 'The' some of the time."""
    names = pl.Series(world.outlets.names).gather(outlet)
    the = world.outlets.takes_the[outlet] & (rng.random(outlet.size) < 0.3)
    return _pick(the, "The " + names, names)


def _prefixes(world: World, ident: np.ndarray, p_title: float, rng) -> pl.Series:
    """'', 'Special Envoy ' or 'US special envoy ' (half the titles each) before a name.

    A title that opens the field is capitalised, as a desk would write it."""
    n_t, n_a = len(TITLES), len(AFFILIATIONS)
    table = pl.Series(
        [f"{t.title()} " for t, _ in TITLES]
        + [f"{a} {t} " for a, _ in AFFILIATIONS for t, _ in TITLES]
        + [""]
    )
    title = world.idents.title[ident]
    aff = np.maximum(world.idents.affiliation[ident], 0)
    u = rng.random(ident.size)
    idx = np.where(
        u < p_title / 2, title, np.where(u < p_title, n_t + aff * n_t + title, n_t + n_a * n_t)
    )
    return table.gather(idx)


def _person_mentions(
    world: World, ident: np.ndarray, rng, *, titles: float, typos: float
) -> pl.Series:
    """People's names as reported: titles, diacritics sometimes dropped, rare surname typos."""
    n = ident.size
    f = world.idents.first[ident]
    frame = pl.DataFrame(
        {
            "first": _pick(
                rng.random(n) < 0.5, world.first_ascii.gather(f), world.first_names.gather(f)
            ),
            "surname": world.surnames.gather(world.idents.surname[ident]),
            "u": rng.random(n),
            "typo": rng.random(n) < typos,
            "double": rng.random(n) < 0.5,
            "prefix": _prefixes(world, ident, titles, rng),
        }
    )
    # one letter doubled or dropped, never the first: a new spelling that only an alias merges
    pos = (1 + pl.col("u") * (pl.col("surname").str.len_chars() - 1)).floor().cast(pl.Int64)
    head, rest = pl.col("surname").str.slice(0, pos), pl.col("surname").str.slice(pos)
    doubled, dropped = head + rest.str.slice(0, 1) + rest, head + rest.str.slice(1)
    misspelt = pl.when("double").then(doubled).otherwise(dropped)
    frame = frame.with_columns(
        canonical=pl.col("first") + " " + pl.col("surname"),
        misspelt=pl.col("first") + " " + misspelt,
    )
    # a typo that happens to spell another person's name would be that person: skip it
    real_typo = (
        pl.col("typo")
        & (pl.col("surname").str.len_chars() > 2)
        & ~pl.col("misspelt").is_in(world.idents.name.implode())
    )
    return frame.select(
        pl.col("prefix") + pl.when(real_typo).then("misspelt").otherwise("canonical")
    ).to_series()


def _descriptor_mentions(world: World, ident: np.ndarray, rng) -> pl.Series:
    """One of the descriptor's surface forms per row, by their weights."""
    desc = world.descriptors
    d = np.maximum(world.idents.descriptor[ident], 0)
    k = (rng.random(ident.size)[:, None] > desc.variant_cum[d]).sum(axis=1)
    return desc.variants.gather(desc.variant_offset[d] + k)


def _source_mentions(
    world: World, ident: np.ndarray, rng, *, titles: float, typos: float
) -> pl.Series:
    """Any identity as it would be written in a 'source' or 'by' field."""
    kind = world.idents.kind[ident]
    people = _person_mentions(world, ident, rng, titles=titles, typos=typos)
    return pl.select(
        pl.when(pl.Series(kind == NAMED))
        .then(people)
        .when(pl.Series(kind == BODY))
        .then(world.idents.name.gather(ident))
        .otherwise(_descriptor_mentions(world, ident, rng))
    ).to_series()


def _choose(rng: np.random.Generator, options, probs, n: int) -> pl.Series:
    return pl.Series(options).gather(rng.choice(len(options), n, p=probs))


def _with_null(values: list) -> pl.Series:
    """A lookup table whose last entry is null, for indices that mean 'none'."""
    return pl.Series(values + [None], dtype=pl.String)


# ---------------------------------------------------------------------------------------------
# Claims
# ---------------------------------------------------------------------------------------------


def _id_width(n_claims: int) -> int:
    return max(7, len(str(n_claims)))


def _claim_ids(rows: pl.Expr | pl.Series, n_claims: int):
    return "c" + (rows + 1).cast(pl.String).str.zfill(_id_width(n_claims))


def _claim_texts(
    world: World,
    subject: np.ndarray,
    truth: np.ndarray,
    topic: np.ndarray,
    rng: np.random.Generator,
) -> pl.Series:
    """Short sentences; hedges and numbers come slightly more often with false claims."""
    n, falsity = subject.size, (~truth).astype(int)
    n_obj = len(TOPICS[0][1])
    clause = rng.integers(0, len(NUMBER_CLAUSES), n)
    lo = np.array([c[1] for c in NUMBER_CLAUSES])[clause]
    hi = np.array([c[2] for c in NUMBER_CLAUSES])[clause]
    number = (
        pl.Series([c[0].split("{}")[0] for c in NUMBER_CLAUSES]).gather(clause)
        + pl.Series(lo + (rng.random(n) * (hi - lo + 1)).astype(int)).cast(pl.String)
        + pl.Series([c[0].split("{}")[1] for c in NUMBER_CLAUSES]).gather(clause)
    )
    actors = ["Israel", "Hamas", "the mediators", "Washington", "Cairo", "Doha"]
    frame = pl.DataFrame(
        {
            "actor": _pick(
                subject >= 0,
                world.idents.name.gather(np.maximum(subject, 0)),
                _choose(rng, actors, None, n),
            ),
            "hedge": _pick(
                rng.random(n) < np.array(P_HEDGE)[falsity], _choose(rng, HEDGES, None, n)
            ),
            "verb": _choose(rng, VERBS, None, n),
            "object": pl.Series([o for _, objs in TOPICS for o in objs]).gather(
                topic * n_obj + rng.integers(0, n_obj, n)
            ),
            "number": _pick(rng.random(n) < np.array(P_NUMBER)[falsity], number),
        }
    )
    return frame.select(
        pl.concat_str(
            "actor",
            pl.lit(" "),
            pl.col("hedge").fill_null(""),
            "verb",
            pl.lit(" "),
            "object",
            pl.col("number").fill_null(""),
            pl.lit("."),
        )
    ).to_series()


def _claim_rows(world: World, lo: int, hi: int, rng: np.random.Generator) -> pl.DataFrame:
    n = hi - lo
    ident, day = world.claim_identity[lo:hi], world.claim_day[lo:hi]
    subject = world.claim_subject[lo:hi]
    kind, aff = world.idents.kind[ident], world.idents.affiliation[ident]
    topic = rng.choice(len(TOPICS), n, p=weights(np.arange(len(TOPICS), 0, -1)))
    aff_missing = (aff < 0) | (rng.random(n) < AFFILIATION_MISSING)
    kind_idx = np.where(rng.random(n) < SOURCE_KIND_MISSING, 2, (kind == ANONYMOUS).astype(int))
    people = _with_null(world.idents.name.filter(pl.Series(world.idents.kind == NAMED)).to_list())
    return pl.DataFrame(
        {
            "claim_id": _claim_ids(pl.Series(np.arange(lo, hi)), world.n_claims),
            "published_at": _stamps(day, rng, p_utc=0.1, p_offset=0.15),
            "source": _source_mentions(world, ident, rng, titles=0.3, typos=TYPO_RATE),
            "source_kind": _with_null(["named", "anonymous"]).gather(kind_idx),
            "affiliation": _with_null([a for a, _ in AFFILIATIONS]).gather(
                np.where(aff_missing, len(AFFILIATIONS), aff)
            ),
            "outlet": _outlet_mentions(world, world.claim_outlet[lo:hi].astype(np.int64), rng),
            "text": _claim_texts(world, subject, world.claim_true[lo:hi], topic, rng),
            "subject": people.gather(np.where(subject >= 0, subject, people.len() - 1)),
            # a story is a topic in a month: "gaza-ceasefire-2025-05"
            "story": pl.Series([t for t, _ in TOPICS]).gather(topic)
            + "-"
            + _dates(day).str.slice(0, 7),
        }
    )


# ---------------------------------------------------------------------------------------------
# Outcomes
# ---------------------------------------------------------------------------------------------


def _delays(rng: np.random.Generator, mean_days: float, n: int) -> np.ndarray:
    return np.floor(rng.exponential(mean_days, n)).astype(np.int64)


def _events(
    rows: np.ndarray,
    event: str,
    day: np.ndarray,
    by: pl.Series,
    verdict: pl.Series | None = None,
    note: str | None = None,
) -> pl.DataFrame:
    n = rows.size
    return pl.DataFrame(
        {
            "row": rows,
            "order": np.full(n, EVENT_ORDER.index(event)),
            "day": day,
            "event": pl.Series([event] * n, dtype=pl.String),
            "by": by.cast(pl.String),
            "verdict": pl.Series([None] * n, dtype=pl.String) if verdict is None else verdict,
            "note": pl.Series([note] * n, dtype=pl.String),
        }
    )


def _other_outlets(world: World, outlet: np.ndarray, k: np.ndarray, rng):
    """k distinct outlets per row, none of them the row's own: (outlets, row of each)."""
    n_out = len(world.outlets.names)
    k = np.minimum(k, n_out - 1)
    rows = np.repeat(np.arange(outlet.size), k)
    nth = np.arange(rows.size) - np.repeat(np.cumsum(k) - k, k)
    base = rng.integers(1, max(n_out - 2, 2), outlet.size)
    step = np.minimum(base[rows] + nth, n_out - 1)  # 1 .. n_out-1: never the row's own outlet
    return (outlet[rows] + step) % n_out, rows


def _other_named(world: World, avoid: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A named identity per row, never the one in avoid; the loud ones speak up more often.

    Needs two or more named identities in the world."""
    named = world.named_ids
    pick = named[rng.choice(named.size, avoid.size, p=world.named_loudness)]
    return np.where(pick == avoid, named[(np.searchsorted(named, pick) + 1) % named.size], pick)


def _settlements(world: World, rows, day, truth, outlet, rng) -> list[pl.DataFrame]:
    """Confirmed, retracted or rated, after weeks; the last frame holds numeric verdicts."""
    n = rows.size
    settle_day = day + _delays(rng, SETTLE_MEAN_DAYS, n)
    settles = (rng.random(n) < P_SETTLE) & (settle_day < N_DAYS)
    u = rng.random(n)
    confirmed = settles & truth & (u < P_CONFIRMED_IF_TRUE)
    retracted = settles & ~truth & (u < P_RETRACTED_IF_FALSE)
    rated = settles & ~confirmed & ~retracted
    m = int(rated.sum())

    confirmer, _ = _other_outlets(world, outlet[confirmed], np.ones(int(confirmed.sum()), int), rng)
    confirm_by = _pick(rng.random(confirmer.size) < 0.5, _outlet_mentions(world, confirmer, rng))
    checker = _choose(rng, FACT_CHECKERS, None, m)
    verdict = _pick(truth[rated], _choose(rng, *TRUE_VERDICTS, m), _choose(rng, *FALSE_VERDICTS, m))
    number = np.where(truth[rated], rng.uniform(0.55, 1.0, m), rng.uniform(0.0, 0.45, m)).round(2)
    numeric = rng.random(m) < P_NUMERIC_VERDICT
    as_text, as_number = pl.Series(~numeric), pl.Series(numeric)
    r_rows, r_days = rows[rated], settle_day[rated]
    return [
        _events(rows[confirmed], "confirmed", settle_day[confirmed], confirm_by),
        _events(
            rows[retracted],
            "retracted",
            settle_day[retracted],
            _outlet_mentions(world, outlet[retracted], rng),
            note="the outlet withdrew the report",
        ),
        _events(
            r_rows[~numeric],
            "rated",
            r_days[~numeric],
            checker.filter(as_text),
            verdict=verdict.filter(as_text),
        ),
        # numbers stay numbers in JSON, so these rows are written as a frame of their own
        _events(
            r_rows[numeric],
            "rated",
            r_days[numeric],
            checker.filter(as_number),
            verdict=pl.Series(number[numeric], dtype=pl.Float64),
        ),
    ]


def _evidence(world: World, rows, day, truth, ident, subject, outlet, rng) -> list[pl.DataFrame]:
    """Denials, contradictions and corroborations, within days; each leans on the truth."""
    n, falsity = rows.size, (~truth).astype(int)
    frames = []

    denied = (subject >= 0) & (rng.random(n) < np.array(P_DENIED_BY_SUBJECT)[falsity])
    frames.append(
        _events(
            rows[denied],
            "denied",
            day[denied] + _delays(rng, 1.5, int(denied.sum())),
            _person_mentions(world, subject[denied], rng, titles=0.3, typos=0.0),
        )
    )

    if world.named_ids.size > 1:  # someone other than the source and the subject to speak up
        other = rng.random(n) < np.array(P_DENIED_BY_OTHER)[falsity]
        by = _other_named(world, np.where(subject >= 0, subject, ident)[other], rng)
        frames.append(
            _events(
                rows[other],
                "denied",
                day[other] + _delays(rng, 3.0, int(other.sum())),
                _source_mentions(world, by, rng, titles=0.2, typos=0.0),
            )
        )
        contra = rng.random(n) < np.array(P_CONTRADICTED)[falsity]
        by = _other_named(world, ident[contra], rng)
        frames.append(
            _events(
                rows[contra],
                "contradicted",
                day[contra] + _delays(rng, 6.0, int(contra.sum())),
                _source_mentions(world, by, rng, titles=0.2, typos=0.0),
            )
        )

    corr = rng.random(n) < np.array(P_CORROBORATED)[falsity]
    k = rng.choice([1, 2, 3], int(corr.sum()), p=[0.6, 0.28, 0.12])
    outlets, which = _other_outlets(world, outlet[corr], k, rng)
    frames.append(
        _events(
            rows[corr][which],
            "corroborated",
            day[corr][which] + _delays(rng, 4.0, which.size),
            _outlet_mentions(world, outlets, rng),
        )
    )
    return frames


def _outcome_rows(world: World, lo: int, hi: int, rng: np.random.Generator):
    """Events on the claims lo..hi: (frame with text verdicts, frame with numeric verdicts)."""
    day = world.claim_day[lo:hi].astype(np.int64)
    truth, subject = world.claim_true[lo:hi], world.claim_subject[lo:hi]
    ident = world.claim_identity[lo:hi].astype(np.int64)
    outlet = world.claim_outlet[lo:hi].astype(np.int64)
    rows = np.arange(lo, hi)
    settled = _settlements(world, rows, day, truth, outlet, rng)
    numeric = settled.pop()
    text = pl.concat(settled + _evidence(world, rows, day, truth, ident, subject, outlet, rng))

    def finish(events: pl.DataFrame) -> pl.DataFrame:
        # events past the period never happened as far as this world knows
        events = events.filter(pl.col("day") < N_DAYS)
        events = events.sort("row", "day", "order", "by", maintain_order=True)
        return events.select(
            _claim_ids(pl.col("row"), world.n_claims).alias("claim_id"),
            "event",
            _stamps(events["day"].to_numpy(), rng, p_utc=0.1, p_offset=0.0).alias("at"),
            "by",
            "verdict",
            "note",
        )

    return finish(text), finish(numeric)


# ---------------------------------------------------------------------------------------------
# Truth and the entry point
# ---------------------------------------------------------------------------------------------


def _identity_keys(world: World) -> pl.Series:
    idents, n_out = world.idents, len(world.outlets.names)
    outlet = pl.Series(world.outlets.names + [""])
    outlet = outlet.gather(np.where(idents.outlet >= 0, idents.outlet, n_out))
    return _pick(
        idents.kind == ANONYMOUS,
        "anonymous:" + idents.name + " @ " + outlet,
        "named:" + idents.name,
    )


def _identity_truth(world: World, keys: pl.Series) -> pl.DataFrame:
    idents, n_out = world.idents, len(world.outlets.names)
    n = idents.kind.size
    claims = np.bincount(world.claim_identity, minlength=n)
    p_sum = np.bincount(world.claim_identity, weights=world.claim_p_true, minlength=n)
    anonymous = idents.kind == ANONYMOUS
    aff = idents.affiliation
    return pl.DataFrame(
        {
            "identity": keys,
            "kind": pl.Series(np.where(anonymous, "anonymous", "named")),
            "name": idents.name,
            "outlet": _with_null(world.outlets.names).gather(
                np.where(anonymous, idents.outlet, n_out)
            ),
            "affiliation": _with_null([a for a, _ in AFFILIATIONS]).gather(
                np.where(aff >= 0, aff, len(AFFILIATIONS))
            ),
            "reliability": np.round(p_sum / np.maximum(claims, 1), 4),
            "claims": claims,
        }
    ).filter(pl.col("claims") > 0)


def _claim_truth(
    world: World, keys: pl.Series, claim_ids: pl.Series, lo: int, hi: int
) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "claim_id": claim_ids,
            "identity": keys.gather(world.claim_identity[lo:hi]),
            "true": world.claim_true[lo:hi],
            "p_true": np.round(world.claim_p_true[lo:hi], 4),
        }
    )


def write_world(n_claims: int, out_dir: Path, seed: int = 0) -> dict:
    """Write a synthetic world of n_claims claims to out_dir and return counts for a summary.

    Writes claims.jsonl and outcomes.jsonl (the contract's input formats) and the hidden truth
    under truth/ (format in the module docstring). The same seed gives byte-identical files.
    """
    if n_claims < 1:
        raise ValueError("a world needs at least one claim")
    out_dir = Path(out_dir)
    (out_dir / "truth").mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    world = plan(n_claims, rng)
    keys = _identity_keys(world)

    n_outcomes = 0
    with (
        open(out_dir / "claims.jsonl", "wb") as claims_file,
        open(out_dir / "outcomes.jsonl", "wb") as outcomes_file,
        open(out_dir / "truth" / "claims.jsonl", "wb") as truth_file,
    ):
        for lo in range(0, n_claims, CHUNK):
            hi = min(lo + CHUNK, n_claims)
            claims = _claim_rows(world, lo, hi, rng)
            claims.write_ndjson(claims_file)
            for events in _outcome_rows(world, lo, hi, rng):
                if events.height:
                    events.write_ndjson(outcomes_file)
                n_outcomes += events.height
            _claim_truth(world, keys, claims["claim_id"], lo, hi).write_ndjson(truth_file)

    identities = _identity_truth(world, keys)
    identities.write_ndjson(out_dir / "truth" / "identities.jsonl")
    anonymous = int((identities["kind"] == "anonymous").sum())
    return {
        "claims": n_claims,
        "outcomes": n_outcomes,
        "identities": identities.height,
        "named": identities.height - anonymous,
        "anonymous": anonymous,
        "outlets": len(world.outlets.names),
    }

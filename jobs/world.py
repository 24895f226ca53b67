"""The hidden side of a synthetic world: its knobs, its vocabulary, and the plan drawn from
them (outlets, true identities and the people behind them, and who said each claim where, when,
about whom, and whether it was true). `jobs.generate` turns a plan into the files.
See jobs/generate.py for what a world looks like; its vocabulary is jobs/data/world.toml.
"""

from __future__ import annotations

import tomllib
import unicodedata
from dataclasses import dataclass
from datetime import date
from importlib import resources

import numpy as np
import polars as pl

# ---------------------------------------------------------------------------------------------
# The period and the knobs of the world
# ---------------------------------------------------------------------------------------------

START = date(2024, 1, 1)
N_DAYS = (date(2025, 12, 31) - START).days + 1
CHUNK = 500_000  # claims built and written at a time; bounds memory for 10M-claim worlds

NAMED_SHARE = 0.6  # of claims; the rest come from anonymous identities
BODY_SHARE = 0.06  # of named claims, spoken by bodies ("Hamas", "White House")
ZIPF_A = 1.7  # claim counts of named people: ~70% have 1-3 claims
MAX_NAMED_CLAIMS = 400
# true reliability: named people 0.08 + 0.88 * Beta(a, b); anonymous identities logit-normal,
# their people spread around it; outlets shift the logit by N(0, OUTLET_SD)
RELIABILITY_BETA = (1.2, 0.9)
ANON_LOGIT_MEAN, ANON_LOGIT_SD, ANON_PERSON_SD = 0.4, 1.0, 0.6
OUTLET_SD = 0.5
TYPO_RATE = 0.015
SOURCE_KIND_MISSING = 0.15
AFFILIATION_MISSING = 0.05
SUBJECT_RATE = 0.85

P_SETTLE = 0.53  # ~0.5 of all claims once settlements past the period are dropped
SETTLE_MEAN_DAYS = 45.0
# (if true, if false): evidence is informative but not decisive
P_CONFIRMED_IF_TRUE = 0.65  # else rated
P_RETRACTED_IF_FALSE = 0.5  # else rated
P_NUMERIC_VERDICT = 0.08
P_DENIED_BY_SUBJECT = (0.15, 0.45)
P_DENIED_BY_OTHER = (0.03, 0.06)
P_CONTRADICTED = (0.07, 0.28)
P_CORROBORATED = (0.38, 0.12)
P_HEDGE = (0.18, 0.30)
P_NUMBER = (0.25, 0.35)

# Vocabulary: jobs/data/world.toml (word lists there are whitespace-separated strings)
_VOCABULARY = tomllib.loads(
    resources.files("jobs").joinpath("data", "world.toml").read_text("utf-8")
)
OUTLETS = _VOCABULARY["outlets"]
AFFILIATIONS = _VOCABULARY["affiliations"]
ROLES = _VOCABULARY["roles"]
# weight of the descriptor "person" ("people familiar with the talks"); the affiliation x role
# descriptors weigh 0.9 together
PERSON_WEIGHT = 0.03
PERSON_VARIANTS = _VOCABULARY["person_variants"]
TITLES = _VOCABULARY["titles"]
FIRST_NAMES = _VOCABULARY["first_names"].split()
SURNAME_HEADS = _VOCABULARY["surname_heads"].split()
SURNAME_MIDS = _VOCABULARY["surname_mids"]
SURNAME_TAILS = _VOCABULARY["surname_tails"].split()
ARABIC_FIRST = _VOCABULARY["arabic_first"].split()
ARABIC_LAST = _VOCABULARY["arabic_last"].split()
ARABIC_SHARE = 0.03  # of named people, capped by the number of distinct Arabic names
BODIES = _VOCABULARY["bodies"]
TOPICS = _VOCABULARY["topics"]
VERBS = _VOCABULARY["verbs"]
HEDGES = _VOCABULARY["hedges"]
NUMBER_CLAUSES = _VOCABULARY["number_clauses"]
FACT_CHECKERS = _VOCABULARY["fact_checkers"]
TRUE_VERDICTS = _VOCABULARY["true_verdicts"]
FALSE_VERDICTS = _VOCABULARY["false_verdicts"]
UTC_OFFSETS = _VOCABULARY["utc_offsets"]
NUMBER_WORDS = _VOCABULARY["number_words"]
CLAUSES = _VOCABULARY["clauses"]

EVENT_ORDER = ["confirmed", "retracted", "rated", "denied", "contradicted", "corroborated"]


def _article(word: str) -> str:
    """'a' or 'an' before word, the way it is spoken ("a US official", "an Israeli source")."""
    return "an" if word[0].lower() in "aeio" and word not in ("European", "UN", "US") else "a"


def weights(values) -> np.ndarray:
    w = np.asarray(values, dtype=float)
    return w / w.sum()


# ---------------------------------------------------------------------------------------------
# Anonymous descriptors and the surface forms they are reported under
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Descriptors:
    """Every anonymous descriptor, its affiliation and its surface forms with weights."""

    names: list[str]  # "Palestinian official"
    affiliation: np.ndarray  # index into AFFILIATIONS, -1 for none
    weight: np.ndarray
    variants: pl.Series  # all surface forms, descriptor after descriptor
    variant_offset: np.ndarray  # first variant of each descriptor
    variant_cum: np.ndarray  # (descriptor, k) cumulative weights, padded with 1.0


def _role_variants(adj: str, single: str, plural: str) -> list[tuple[str, float]]:
    """Surface forms of '<adj> <role>' that all fold back to it (see module docstring)."""
    desc, many = f"{adj} {single}", f"{adj} {plural}"
    art = _article(adj)
    forms = [
        (f"{art} {desc}", 4.0),
        (many, 2.0),
        (f"{art.capitalize()} {desc}", 0.3),
        (f"a senior {desc}", 1.0),
        (f"senior {many}", 0.5),
        (f"two senior {many}", 0.3),
        (f"a top {desc}", 0.3),
        (f"a high-ranking {desc}", 0.3),
        (f"{art} {desc} who spoke to the newspaper", 0.3),
        (f"{many} familiar with the talks", 0.2),
    ]
    forms += [(f"{n} {many}", 0.3) for n in NUMBER_WORDS]
    forms += [(f"{art} {desc} {c}", 0.3) for c in CLAUSES]
    return forms


def _descriptors() -> Descriptors:
    names, affil, weight, forms = [], [], [], []
    for a, (adj, aw) in enumerate(AFFILIATIONS):
        for single, plural, rw in ROLES:
            names.append(f"{adj} {single}")
            affil.append(a)
            weight.append(aw * rw)
            forms.append(_role_variants(adj, single, plural))
    names.append("person")
    affil.append(-1)
    weight.append(PERSON_WEIGHT)
    forms.append(PERSON_VARIANTS)

    width = max(len(f) for f in forms)
    cum = np.ones((len(forms), width))
    for d, f in enumerate(forms):
        cum[d, : len(f)] = np.cumsum(weights([w for _, w in f]))
    sizes = np.array([len(f) for f in forms])
    return Descriptors(
        names=names,
        affiliation=np.array(affil),
        weight=weights(weight),
        variants=pl.Series([s for f in forms for s, _ in f], dtype=pl.String),
        variant_offset=np.concatenate([[0], np.cumsum(sizes)[:-1]]),
        variant_cum=cum,
    )


# ---------------------------------------------------------------------------------------------
# The plan: outlets, identities, the people behind them, and who said each claim where and when
# ---------------------------------------------------------------------------------------------

NAMED, BODY, ANONYMOUS = 0, 1, 2


@dataclass
class Outlets:
    names: list[str]  # canonical, without a leading "The"
    takes_the: np.ndarray  # also written "The <name>"
    volume: np.ndarray  # share of claims
    effect: np.ndarray  # how carefully the outlet vets, on the logit scale


@dataclass
class Identities:
    """True identities, one row each; people (named) have first/surname/title, else 0."""

    kind: np.ndarray  # NAMED, BODY or ANONYMOUS
    name: pl.Series  # canonical name, or descriptor for anonymous identities
    affiliation: np.ndarray  # index into AFFILIATIONS, -1 for none
    outlet: np.ndarray  # anonymous: its own outlet; named: -1
    home: np.ndarray  # named: the outlet that carries half its claims; anonymous: -1
    descriptor: np.ndarray  # anonymous: index into descriptors; else -1
    first: np.ndarray
    surname: np.ndarray
    title: np.ndarray
    people: np.ndarray  # how many unseen people the identity pools (1 for named)
    person_reliability: np.ndarray  # one per person, identity after identity
    claims: np.ndarray

    @staticmethod
    def stack(parts: list[Identities]) -> Identities:
        return Identities(
            **{
                f: pl.concat([getattr(p, f) for p in parts])
                if f == "name"
                else np.concatenate([getattr(p, f) for p in parts])
                for f in Identities.__dataclass_fields__
            }
        )


@dataclass
class World:
    """Everything drawn before the claims are written out; claims are in publication order."""

    n_claims: int
    outlets: Outlets
    first_names: pl.Series  # with diacritics where they have them
    first_ascii: pl.Series  # the same names, diacritics dropped
    surnames: pl.Series
    descriptors: Descriptors
    idents: Identities
    named_ids: np.ndarray  # identities that can deny or contradict by name
    named_loudness: np.ndarray  # their share of named claims: the loud ones speak up more
    claim_day: np.ndarray  # UTC day since START
    claim_identity: np.ndarray
    claim_outlet: np.ndarray
    claim_subject: np.ndarray  # a named person (identity index), -1 for none
    claim_p_true: np.ndarray
    claim_true: np.ndarray


def _logit(p):
    return np.log(p) - np.log1p(-p)


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _outlets(n_claims: int, rng: np.random.Generator) -> Outlets:
    # ~30 outlets for big worlds, a few for tiny ones
    n = int(np.clip(round(np.sqrt(n_claims) / 4), 3, len(OUTLETS)))
    return Outlets(
        names=[name for name, _ in OUTLETS[:n]],
        takes_the=np.array([the for _, the in OUTLETS[:n]]),
        volume=weights(rng.lognormal(0.0, 0.8, n) / np.arange(1, n + 1) ** 0.5),
        effect=rng.normal(0.0, OUTLET_SD, n),
    )


def _name_tables() -> tuple[pl.Series, pl.Series, pl.Series]:
    """First names as written, the same without diacritics, and surnames; Latin, then Arabic."""
    ascii_first = [
        "".join(c for c in unicodedata.normalize("NFKD", n) if not unicodedata.combining(c))
        for n in FIRST_NAMES
    ]
    latin = sorted({h + m + t for h in SURNAME_HEADS for m in SURNAME_MIDS for t in SURNAME_TAILS})
    return (
        pl.Series(FIRST_NAMES + ARABIC_FIRST),
        pl.Series(ascii_first + ARABIC_FIRST),
        pl.Series(latin + ARABIC_LAST),
    )


def _named_claim_counts(total: int, rng: np.random.Generator) -> np.ndarray:
    """Heavy-tailed claim counts (Zipf) that add up to total."""
    counts = np.zeros(0, dtype=np.int64)
    while counts.sum() < total:
        draw = rng.zipf(ZIPF_A, total // 8 + 16)
        # the extreme tail goes back into the hundreds, so no one source swamps a world
        tail = rng.integers(MAX_NAMED_CLAIMS // 4, MAX_NAMED_CLAIMS + 1, draw.size)
        counts = np.concatenate([counts, np.where(draw > MAX_NAMED_CLAIMS, tail, draw)])
    cut = int(np.searchsorted(np.cumsum(counts), total))
    counts = counts[: cut + 1]
    counts[-1] -= counts.sum() - total
    return counts[counts > 0]


def _unique_names(n: int, surnames: pl.Series, rng: np.random.Generator):
    """n distinct (first, surname) index pairs: mostly Latin script, a few Arabic."""
    n_first, n_last = len(FIRST_NAMES), surnames.len() - len(ARABIC_LAST)
    n_ar_first, n_ar_last = len(ARABIC_FIRST), len(ARABIC_LAST)
    n_arabic = min(int(round(ARABIC_SHARE * n)), n_ar_first * n_ar_last // 2)
    if n - n_arabic > n_first * n_last:
        raise ValueError(f"too many named people for the name tables ({n})")
    latin = rng.choice(n_first * n_last, n - n_arabic, replace=False)
    arabic = rng.choice(n_ar_first * n_ar_last, n_arabic, replace=False)
    f = np.concatenate([latin // n_last, n_first + arabic // n_ar_last])
    s = np.concatenate([latin % n_last, n_last + arabic % n_ar_last])
    order = rng.permutation(n)  # Arabic names anywhere in the tail, not bunched at the end
    return f[order], s[order]


def _reliability(n: int, aff_shift: np.ndarray, affiliation: np.ndarray, rng) -> np.ndarray:
    """Named sources: spread over ~0.1-0.95, nudged by the side they speak for."""
    base = 0.08 + 0.88 * rng.beta(*RELIABILITY_BETA, n)
    return _sigmoid(_logit(base) + aff_shift[affiliation])


def _named_people(total: int, first, surnames, outlets: Outlets, aff_shift, rng) -> Identities:
    claims = _named_claim_counts(total, rng) if total else np.zeros(0, dtype=np.int64)
    n = claims.size
    f, s = _unique_names(n, surnames, rng)
    aff = rng.choice(len(AFFILIATIONS), n, p=weights([w for _, w in AFFILIATIONS]))
    none = np.full(n, -1)
    return Identities(
        kind=np.full(n, NAMED),
        name=first.gather(f) + " " + surnames.gather(s),
        affiliation=aff,
        outlet=none,
        home=rng.choice(len(outlets.names), n, p=outlets.volume),
        descriptor=none,
        first=f,
        surname=s,
        title=rng.choice(len(TITLES), n, p=weights([w for _, w in TITLES])),
        people=np.ones(n, dtype=np.int64),
        person_reliability=_reliability(n, aff_shift, aff, rng),
        claims=claims,
    )


def _bodies(total: int, n_claims: int, outlets: Outlets, aff_shift, rng) -> Identities:
    """A few loud named sources that are bodies, not people ("Hamas", "White House")."""
    n = min(len(BODIES), max(1, n_claims // 2000)) if total else 0
    aff = np.array([[a for a, _ in AFFILIATIONS].index(a) for _, a in BODIES[:n]], dtype=np.int64)
    none, zero = np.full(n, -1), np.zeros(n, dtype=np.int64)
    return Identities(
        kind=np.full(n, BODY),
        name=pl.Series([b for b, _ in BODIES[:n]], dtype=pl.String),
        affiliation=aff,
        outlet=none,
        home=rng.choice(len(outlets.names), n, p=outlets.volume),
        descriptor=none,
        first=zero,
        surname=zero,
        title=zero,
        people=np.ones(n, dtype=np.int64),
        person_reliability=_reliability(n, aff_shift, aff, rng),
        claims=rng.multinomial(total, weights(rng.lognormal(0, 0.7, n))) if n else zero,
    )


def _anonymous(total: int, desc: Descriptors, outlets: Outlets, aff_shift, rng) -> Identities:
    """Descriptor @ outlet identities; every pair may exist, weights decide which do."""
    n_desc, n_out = len(desc.names), len(outlets.names)
    d = np.tile(np.arange(n_desc), n_out)
    o = np.repeat(np.arange(n_out), n_desc)
    habit = rng.lognormal(0.0, 0.5, n_out)  # how much an outlet relies on anonymous sources
    w = desc.weight[d] * outlets.volume[o] * habit[o] * rng.lognormal(0.0, 1.0, d.size)
    claims = rng.multinomial(total, weights(w))
    keep = claims > 0
    d, o, claims = d[keep], o[keep], claims[keep]
    n = d.size

    aff = desc.affiliation[d]
    role_shift = rng.normal(0.0, 0.25, n_desc)
    centre = (
        rng.normal(ANON_LOGIT_MEAN, ANON_LOGIT_SD, n)
        + role_shift[d]
        + np.where(aff >= 0, aff_shift[np.maximum(aff, 0)], 0.0)
    )
    people = 2 + rng.poisson(2.0, n)  # the unseen people one descriptor pools
    person_rel = _sigmoid(np.repeat(centre, people) + rng.normal(0.0, ANON_PERSON_SD, people.sum()))
    none, zero = np.full(n, -1), np.zeros(n, dtype=np.int64)
    return Identities(
        kind=np.full(n, ANONYMOUS),
        name=pl.Series(desc.names, dtype=pl.String).gather(d),
        affiliation=aff,
        outlet=o,
        home=none,
        descriptor=d,
        first=zero,
        surname=zero,
        title=zero,
        people=people,
        person_reliability=person_rel,
        claims=claims,
    )


def _claims(n_claims: int, idents: Identities, outlets: Outlets, rng):
    """Who said each claim, where and when, and whether it was true."""
    day = np.sort(rng.integers(0, N_DAYS, n_claims)).astype(np.int32)
    ids = np.arange(idents.kind.size, dtype=np.int32)
    identity = rng.permutation(np.repeat(ids, idents.claims))
    # a named source speaks through its home outlet half the time, otherwise anywhere
    roam = rng.choice(len(outlets.names), n_claims, p=outlets.volume)
    at_home = rng.random(n_claims) < 0.5
    own = idents.outlet[identity]
    named_outlet = np.where(at_home, idents.home[identity], roam)
    outlet = np.where(own >= 0, own, named_outlet).astype(np.int16)
    first_person = np.concatenate([[0], np.cumsum(idents.people)[:-1]])
    nth = (rng.random(n_claims) * idents.people[identity]).astype(np.int64)
    person = first_person[identity] + nth
    p_true = _sigmoid(_logit(idents.person_reliability[person]) + outlets.effect[outlet])
    return day, identity, outlet, p_true, rng.random(n_claims) < p_true


def _subjects(identity: np.ndarray, people: Identities, rng) -> np.ndarray:
    """Named people the claims are about: the prominent ones more often, never the source."""
    n, subject = people.kind.size, np.full(identity.size, -1, dtype=np.int64)
    if n > 1:
        has = rng.random(identity.size) < SUBJECT_RATE
        pick = rng.choice(n, int(has.sum()), p=weights(people.claims))
        subject[has] = np.where(pick == identity[has], (pick + 1) % n, pick)
    return subject


def plan(n_claims: int, rng: np.random.Generator) -> World:
    outlets = _outlets(n_claims, rng)
    first, first_ascii, surnames = _name_tables()
    desc = _descriptors()
    aff_shift = rng.normal(0.0, 0.35, len(AFFILIATIONS))  # some sides are more truthful

    n_named = int(round(n_claims * NAMED_SHARE))
    n_body_claims = int(round(n_named * BODY_SHARE)) if n_claims >= 50 else 0
    people = _named_people(n_named - n_body_claims, first, surnames, outlets, aff_shift, rng)
    idents = Identities.stack(
        [
            people,  # first, so a person's identity index is also its index among people
            _bodies(n_body_claims, n_claims, outlets, aff_shift, rng),
            _anonymous(n_claims - n_named, desc, outlets, aff_shift, rng),
        ]
    )
    day, identity, outlet, p_true, truth = _claims(n_claims, idents, outlets, rng)
    named_ids = np.flatnonzero(idents.kind != ANONYMOUS)
    return World(
        n_claims=n_claims,
        outlets=outlets,
        first_names=first,
        first_ascii=first_ascii,
        surnames=surnames,
        descriptors=desc,
        idents=idents,
        named_ids=named_ids,
        named_loudness=weights(idents.claims[named_ids]) if named_ids.size else named_ids,
        claim_day=day,
        claim_identity=identity,
        claim_outlet=outlet,
        claim_subject=_subjects(identity, people, rng),
        claim_p_true=p_true,
        claim_true=truth,
    )

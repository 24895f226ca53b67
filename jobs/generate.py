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

import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

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

# ---------------------------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------------------------

# (name, also written with a leading "The"); the first three carry the ceasefire story
OUTLETS = [
    ("Times of Israel", True),
    ("Haaretz", False),
    ("Axios", False),
    ("Reuters", False),
    ("Associated Press", True),
    ("Al Jazeera", False),
    ("BBC", True),
    ("CNN", False),
    ("New York Times", True),
    ("Washington Post", True),
    ("Wall Street Journal", True),
    ("Guardian", True),
    ("Jerusalem Post", True),
    ("Al Arabiya", False),
    ("Asharq Al-Awsat", False),
    ("Ynet", False),
    ("Channel 12", False),
    ("Kan", False),
    ("Politico", False),
    ("Financial Times", True),
    ("Le Monde", False),
    ("Der Spiegel", False),
    ("Al-Monitor", False),
    ("Middle East Eye", False),
    ("Anadolu Agency", False),
    ("Sky News", False),
    ("Fox News", False),
    ("NBC News", False),
    ("Economist", True),
    ("Independent", True),
]

# (adjective used as affiliation, weight)
AFFILIATIONS = [
    ("US", 0.18),
    ("Israeli", 0.20),
    ("Palestinian", 0.12),
    ("Hamas", 0.08),
    ("Egyptian", 0.07),
    ("Qatari", 0.07),
    ("European", 0.08),
    ("Saudi", 0.04),
    ("Turkish", 0.04),
    ("UN", 0.05),
    ("Iranian", 0.04),
    ("Lebanese", 0.03),
]

# (singular, plural, weight) of anonymous roles
ROLES = [
    ("official", "officials", 0.35),
    ("source", "sources", 0.25),
    ("diplomat", "diplomats", 0.12),
    ("aide", "aides", 0.08),
    ("insider", "insiders", 0.05),
    ("officer", "officers", 0.05),
]
# weight of the descriptor "person" ("people familiar with the talks"); the affiliation x role
# descriptors weigh 0.9 together
PERSON_WEIGHT = 0.03

TITLES = [
    ("special envoy", 0.08),
    ("minister", 0.2),
    ("foreign minister", 0.12),
    ("spokesperson", 0.2),
    ("senator", 0.1),
    ("president", 0.05),
    ("ambassador", 0.15),
    ("general", 0.1),
]

FIRST_NAMES = """Steve John David Michael Daniel Yossi Avi Moshe Ron Tal Noa Yael Dana Ahmed
Mohammed Khalil Omar Hassan Ali Samir Youssef Ibrahim Mahmoud Layla Fatima Nour Rania Hala
Mustafa Karim Tariq Walid Ziad Majed Sarah Emily Anna Maria Elena Sophie Claire Laura Julia
Marco Luca Pierre Jean François Hélène José Raúl Inés Jürgen Søren Zoë Antoine Emmanuel Olaf
Ursula Kaja Josep Recep Hakan Mevlüt Ayşe Emre Mehmet Abbas Hussein Naim Reza Javad Masoud
Abdel Sameh Badr Faisal Adel Tamim Lolwah Antony Lindsey Chuck Ted Rachel Mike Tom Amos Benny
Yoav Gideon Itamar Yair Gadi Eli Ofir Ruth Michal Linda Joe Karine Matthew Jake Brett Adam
Miriam Ilan Shira Salim Nabil Rima""".split()
SURNAME_HEADS = """Ab Al Bar Ben Cal Dar El Far Gal Har Kar Lev Mar Nas Or Pel Ras Sal Tal Val
Wit Zar Hal Mor Sh Kh Bor Dov Fen Gor Jab Kal Lun Mas Nor Qas Rub Sab Tov Yar""".split()
SURNAME_MIDS = ["", "a", "e", "i", "o", "u", "ak", "el", "im", "or", "an", "ad"]
SURNAME_TAILS = """koff man stein ri di lan son vic ov ani awi oud berg ton ley ez ins ash
aoui ski nik ero ham tin ford ard ian ulu avi""".split()
ARABIC_FIRST = """محمد أحمد خليل عمر حسن علي سامي يوسف إبراهيم محمود ليلى فاطمة نور رانيا
مصطفى كريم""".split()
ARABIC_LAST = """الحسيني المصري النجار الخطيب حداد الشريف القاسم البرغوثي العمري الزعبي حمدان
منصور سلامة عيسى يونس درويش الأحمد الطويل خوري العلي""".split()
ARABIC_SHARE = 0.03  # of named people, capped by the number of distinct Arabic names

# (name, affiliation) of bodies that speak as one named source
BODIES = [
    ("Hamas", "Hamas"),
    ("White House", "US"),
    ("Israeli military", "Israeli"),
    ("State Department", "US"),
    ("Qatari foreign ministry", "Qatari"),
    ("Egyptian foreign ministry", "Egyptian"),
    ("Palestinian Authority", "Palestinian"),
    ("Hezbollah", "Lebanese"),
    ("Iranian foreign ministry", "Iranian"),
    ("UN humanitarian office", "UN"),
]

# (story topic, what claims about it are about)
TOPICS = [
    (
        "gaza-ceasefire",
        ["the ceasefire proposal", "amendments to the ceasefire plan", "a temporary truce"],
    ),
    (
        "hostage-deal",
        ["a hostage release agreement", "the list of hostages to be freed", "a prisoner exchange"],
    ),
    (
        "rafah-crossing",
        [
            "reopening the Rafah crossing",
            "a new border monitoring mission",
            "the crossing schedule",
        ],
    ),
    ("aid-deliveries", ["new aid corridors", "a maritime aid route", "the aid distribution plan"]),
    (
        "lebanon-border",
        [
            "a withdrawal from border positions",
            "the border monitoring plan",
            "a truce in the north",
        ],
    ),
    ("iran-talks", ["a new round of nuclear talks", "sanctions relief", "an inspection regime"]),
    (
        "west-bank",
        ["new settlement permits", "a security coordination plan", "the tax revenue transfer"],
    ),
    (
        "us-mediation",
        ["a visit to the region", "a framework for a permanent ceasefire", "the mediators' draft"],
    ),
    (
        "red-sea-shipping",
        ["a naval escort mission", "strikes on launch sites", "a shipping insurance scheme"],
    ),
    (
        "gaza-reconstruction",
        ["a reconstruction fund", "the day-after governance plan", "a donor conference"],
    ),
]
VERBS = [
    "accepted",
    "rejected",
    "backed",
    "blocked",
    "proposed",
    "signed off on",
    "privately opposed",
    "walked back support for",
    "agreed to",
    "demanded changes to",
]
HEDGES = ["reportedly ", "allegedly ", "apparently "]
NUMBER_CLAUSES = [
    (" within {} days", 2, 30),
    (" covering {} hostages", 3, 60),
    (" worth ${} million", 5, 900),
]

FACT_CHECKERS = [
    "PolitiFact",
    "AFP Fact Check",
    "Full Fact",
    "FactCheck.org",
    "Misbar",
    "FakeReporter",
    "Reuters Fact Check",
]
TRUE_VERDICTS = (["true", "mostly-true", "half-true"], [0.5, 0.3, 0.2])
FALSE_VERDICTS = (["mostly-false", "barely-true", "false", "pants-fire"], [0.3, 0.1, 0.45, 0.15])

UTC_OFFSETS = [
    ("+01:00", 60),
    ("+02:00", 120),
    ("+03:00", 180),
    ("-04:00", -240),
    ("-05:00", -300),
    ("+05:30", 330),
]

NUMBER_WORDS = ["two", "three", "several", "some", "multiple"]
CLAUSES = [
    "speaking on condition of anonymity",
    "who spoke on condition of anonymity",
    "who asked not to be named",
    "familiar with the talks",
]

EVENT_ORDER = ["confirmed", "retracted", "rated", "denied", "contradicted", "corroborated"]


def _article(word: str) -> str:
    """'a' or 'an' before word, the way it is spoken ("a US official", "an Israeli source")."""
    return "an" if word[0].lower() in "aeio" and word not in ("European", "UN", "US") else "a"


def _weights(values) -> np.ndarray:
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


PERSON_VARIANTS = [
    ("a person familiar with the talks", 3.0),
    ("people familiar with the talks", 2.0),
    ("two people familiar with the negotiations", 1.0),
    ("a person familiar with the matter", 1.0),
    ("several people familiar with the matter", 1.0),
]


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
        cum[d, : len(f)] = np.cumsum(_weights([w for _, w in f]))
    sizes = np.array([len(f) for f in forms])
    return Descriptors(
        names=names,
        affiliation=np.array(affil),
        weight=_weights(weight),
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
        volume=_weights(rng.lognormal(0.0, 0.8, n) / np.arange(1, n + 1) ** 0.5),
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
    aff = rng.choice(len(AFFILIATIONS), n, p=_weights([w for _, w in AFFILIATIONS]))
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
        title=rng.choice(len(TITLES), n, p=_weights([w for _, w in TITLES])),
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
        claims=rng.multinomial(total, _weights(rng.lognormal(0, 0.7, n))) if n else zero,
    )


def _anonymous(total: int, desc: Descriptors, outlets: Outlets, aff_shift, rng) -> Identities:
    """Descriptor @ outlet identities; every pair may exist, weights decide which do."""
    n_desc, n_out = len(desc.names), len(outlets.names)
    d = np.tile(np.arange(n_desc), n_out)
    o = np.repeat(np.arange(n_out), n_desc)
    habit = rng.lognormal(0.0, 0.5, n_out)  # how much an outlet relies on anonymous sources
    w = desc.weight[d] * outlets.volume[o] * habit[o] * rng.lognormal(0.0, 1.0, d.size)
    claims = rng.multinomial(total, _weights(w))
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
        pick = rng.choice(n, int(has.sum()), p=_weights(people.claims))
        subject[has] = np.where(pick == identity[has], (pick + 1) % n, pick)
    return subject


def _plan(n_claims: int, rng: np.random.Generator) -> World:
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
        named_loudness=_weights(idents.claims[named_ids]) if named_ids.size else named_ids,
        claim_day=day,
        claim_identity=identity,
        claim_outlet=outlet,
        claim_subject=_subjects(identity, people, rng),
        claim_p_true=p_true,
        claim_true=truth,
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
    topic = rng.choice(len(TOPICS), n, p=_weights(np.arange(len(TOPICS), 0, -1)))
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
    world = _plan(n_claims, rng)
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

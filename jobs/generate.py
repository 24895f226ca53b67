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
    ("Times of Israel", True), ("Haaretz", False), ("Axios", False), ("Reuters", False),
    ("Associated Press", True), ("Al Jazeera", False), ("BBC", True), ("CNN", False),
    ("New York Times", True), ("Washington Post", True), ("Wall Street Journal", True),
    ("Guardian", True), ("Jerusalem Post", True), ("Al Arabiya", False),
    ("Asharq Al-Awsat", False), ("Ynet", False), ("Channel 12", False), ("Kan", False),
    ("Politico", False), ("Financial Times", True), ("Le Monde", False), ("Der Spiegel", False),
    ("Al-Monitor", False), ("Middle East Eye", False), ("Anadolu Agency", False),
    ("Sky News", False), ("Fox News", False), ("NBC News", False), ("Economist", True),
    ("Independent", True),
]

# (adjective used as affiliation, weight)
AFFILIATIONS = [
    ("US", 0.18), ("Israeli", 0.20), ("Palestinian", 0.12), ("Hamas", 0.08),
    ("Egyptian", 0.07), ("Qatari", 0.07), ("European", 0.08), ("Saudi", 0.04),
    ("Turkish", 0.04), ("UN", 0.05), ("Iranian", 0.04), ("Lebanese", 0.03),
]

# (singular, plural, weight) of anonymous roles
ROLES = [
    ("official", "officials", 0.35), ("source", "sources", 0.25),
    ("diplomat", "diplomats", 0.12), ("aide", "aides", 0.08),
    ("insider", "insiders", 0.05), ("officer", "officers", 0.05),
]
PERSON_WEIGHT = 0.6  # of the descriptor "person" ("people familiar with the talks"), vs ~1 per role

TITLES = [
    ("special envoy", 0.08), ("minister", 0.2), ("foreign minister", 0.12),
    ("spokesperson", 0.2), ("senator", 0.1), ("president", 0.05), ("ambassador", 0.15),
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
ARABIC_FIRST = "محمد أحمد خليل عمر حسن علي سامي يوسف إبراهيم محمود ليلى فاطمة نور رانيا مصطفى كريم".split()
ARABIC_LAST = """الحسيني المصري النجار الخطيب حداد الشريف القاسم البرغوثي العمري الزعبي حمدان
منصور سلامة عيسى يونس درويش الأحمد الطويل خوري العلي""".split()
ARABIC_SHARE = 0.03  # of named people, capped by the number of distinct Arabic names

# (name, affiliation) of bodies that speak as one named source
BODIES = [
    ("Hamas", "Hamas"), ("White House", "US"), ("Israeli military", "Israeli"),
    ("State Department", "US"), ("Qatari foreign ministry", "Qatari"),
    ("Egyptian foreign ministry", "Egyptian"), ("Palestinian Authority", "Palestinian"),
    ("Hezbollah", "Lebanese"), ("Iranian foreign ministry", "Iranian"),
    ("UN humanitarian office", "UN"),
]

# (story topic, what claims about it are about)
TOPICS = [
    ("gaza-ceasefire", ["the ceasefire proposal", "amendments to the ceasefire plan", "a temporary truce"]),
    ("hostage-deal", ["a hostage release agreement", "the list of hostages to be freed", "a prisoner exchange"]),
    ("rafah-crossing", ["reopening the Rafah crossing", "a new border monitoring mission", "the crossing schedule"]),
    ("aid-deliveries", ["new aid corridors", "a maritime aid route", "the aid distribution plan"]),
    ("lebanon-border", ["a withdrawal from border positions", "the border monitoring plan", "a truce in the north"]),
    ("iran-talks", ["a new round of nuclear talks", "sanctions relief", "an inspection regime"]),
    ("west-bank", ["new settlement permits", "a security coordination plan", "the tax revenue transfer"]),
    ("us-mediation", ["a visit to the region", "a framework for a permanent ceasefire", "the mediators' draft"]),
    ("red-sea-shipping", ["a naval escort mission", "strikes on launch sites", "a shipping insurance scheme"]),
    ("gaza-reconstruction", ["a reconstruction fund", "the day-after governance plan", "a donor conference"]),
]
VERBS = ["accepted", "rejected", "backed", "blocked", "proposed", "signed off on",
         "privately opposed", "walked back support for", "agreed to", "demanded changes to"]
HEDGES = ["reportedly ", "allegedly ", "apparently "]
NUMBER_CLAUSES = [(" within {} days", 2, 30), (" covering {} hostages", 3, 60),
                  (" worth ${} million", 5, 900)]

FACT_CHECKERS = ["PolitiFact", "AFP Fact Check", "Full Fact", "FactCheck.org", "Misbar",
                 "FakeReporter", "Reuters Fact Check"]
TRUE_VERDICTS = (["true", "mostly-true", "half-true"], [0.5, 0.3, 0.2])
FALSE_VERDICTS = (["mostly-false", "barely-true", "false", "pants-fire"], [0.3, 0.1, 0.45, 0.15])

UTC_OFFSETS = [("+01:00", 60), ("+02:00", 120), ("+03:00", 180), ("-04:00", -240),
               ("-05:00", -300), ("+05:30", 330)]

NUMBER_WORDS = ["two", "three", "several", "some", "multiple"]
CLAUSES = ["speaking on condition of anonymity", "who spoke on condition of anonymity",
           "who asked not to be named", "familiar with the talks"]

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
    forms = [(f"{art} {desc}", 4.0), (many, 2.0), (f"{art.capitalize()} {desc}", 0.3),
             (f"a senior {desc}", 1.0), (f"senior {many}", 0.5), (f"two senior {many}", 0.3),
             (f"a top {desc}", 0.3), (f"a high-ranking {desc}", 0.3),
             (f"{art} {desc} who spoke to the newspaper", 0.3),
             (f"{many} familiar with the talks", 0.2)]
    forms += [(f"{n} {many}", 0.3) for n in NUMBER_WORDS]
    forms += [(f"{art} {desc} {c}", 0.3) for c in CLAUSES]
    return forms


PERSON_VARIANTS = [("a person familiar with the talks", 3.0), ("people familiar with the talks", 2.0),
                   ("two people familiar with the negotiations", 1.0),
                   ("a person familiar with the matter", 1.0),
                   ("several people familiar with the matter", 1.0)]


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
    weight.append(PERSON_WEIGHT * min(w for _, _, w in ROLES) * max(w for _, w in AFFILIATIONS))
    forms.append(PERSON_VARIANTS)

    width = max(len(f) for f in forms)
    cum = np.ones((len(forms), width))
    for d, f in enumerate(forms):
        cum[d, : len(f)] = np.cumsum(_weights([w for _, w in f]))
    sizes = np.array([len(f) for f in forms])
    return Descriptors(
        names=names, affiliation=np.array(affil), weight=_weights(weight),
        variants=pl.Series([s for f in forms for s, _ in f], dtype=pl.String),
        variant_offset=np.concatenate([[0], np.cumsum(sizes)[:-1]]), variant_cum=cum,
    )


# ---------------------------------------------------------------------------------------------
# The plan: outlets, identities, people, and which person said each claim where and when
# ---------------------------------------------------------------------------------------------

NAMED, BODY, ANONYMOUS = 0, 1, 2


@dataclass
class World:
    """Everything drawn before the claims are written out. Arrays are indexed as named."""

    n_claims: int
    # outlets
    outlet_names: list[str]
    outlet_takes_the: np.ndarray
    outlet_volume: np.ndarray
    outlet_effect: np.ndarray
    # names
    first_names: pl.Series  # with diacritics where they have them
    first_ascii: pl.Series  # the same names, diacritics dropped
    surnames: pl.Series
    descriptors: Descriptors
    # identities: named people, then bodies, then anonymous (descriptor @ outlet)
    ident_kind: np.ndarray
    ident_name: pl.Series  # canonical name or descriptor
    ident_affiliation: np.ndarray  # index into AFFILIATIONS, -1 for none
    ident_outlet: np.ndarray  # anonymous: own outlet; named: -1
    ident_home_outlet: np.ndarray  # named: the outlet carrying half its claims
    ident_descriptor: np.ndarray  # anonymous: index into descriptors; else -1
    ident_first: np.ndarray  # people: index into first names; else 0
    ident_surname: np.ndarray
    ident_title: np.ndarray
    person_offset: np.ndarray  # first unseen person of the identity
    person_count: np.ndarray
    person_reliability: np.ndarray
    # claims, in publication order
    claim_day: np.ndarray
    claim_identity: np.ndarray
    claim_outlet: np.ndarray
    claim_subject: np.ndarray  # index of a named person, -1 for none
    claim_p_true: np.ndarray
    claim_true: np.ndarray


def _outlets(n_claims: int, rng: np.random.Generator):
    # ~30 outlets for big worlds, a few for tiny ones
    n = int(np.clip(round(np.sqrt(n_claims) / 4), 3, len(OUTLETS)))
    names = [name for name, _ in OUTLETS[:n]]
    takes_the = np.array([the for _, the in OUTLETS[:n]])
    volume = _weights(rng.lognormal(0.0, 0.8, n) / np.arange(1, n + 1) ** 0.5)
    effect = rng.normal(0.0, OUTLET_SD, n)  # how carefully the outlet vets, on the logit scale
    return names, takes_the, volume, effect


def _name_tables():
    ascii_first = [
        "".join(c for c in unicodedata.normalize("NFKD", n) if not unicodedata.combining(c))
        for n in FIRST_NAMES
    ]
    surnames = sorted({h + m + t for h in SURNAME_HEADS for m in SURNAME_MIDS for t in SURNAME_TAILS})
    first = pl.Series(FIRST_NAMES + ARABIC_FIRST)
    first_ascii = pl.Series(ascii_first + ARABIC_FIRST)
    return first, first_ascii, pl.Series(surnames + ARABIC_LAST)


def _named_claim_counts(total: int, rng: np.random.Generator) -> np.ndarray:
    """Heavy-tailed claim counts (Zipf) that add up to total."""
    counts = np.zeros(0, dtype=np.int64)
    while counts.sum() < total:
        draw = rng.zipf(ZIPF_A, int(total / 8) + 16)
        # the extreme tail goes back into the hundreds, so no one source swamps a world
        draw = np.where(draw > MAX_NAMED_CLAIMS, rng.integers(100, MAX_NAMED_CLAIMS + 1, draw.size), draw)
        counts = np.concatenate([counts, draw])
    cut = int(np.searchsorted(np.cumsum(counts), total))
    counts = counts[: cut + 1]
    counts[-1] -= counts.sum() - total
    return counts[counts > 0]


def _unique_name_codes(n_people: int, first_latin: int, first_all: int, n_latin_surnames: int,
                       n_surnames: int, rng: np.random.Generator):
    """Distinct (first, surname) pairs: mostly Latin script, a few Arabic."""
    n_ar_first, n_ar_last = first_all - first_latin, n_surnames - n_latin_surnames
    n_arabic = min(int(round(ARABIC_SHARE * n_people)), n_ar_first * n_ar_last // 2)
    n_latin = n_people - n_arabic
    latin = rng.choice(first_latin * n_latin_surnames, n_latin, replace=False)
    arabic = rng.choice(n_ar_first * n_ar_last, n_arabic, replace=False)
    first = np.concatenate([latin // n_latin_surnames, first_latin + arabic // n_ar_last])
    surname = np.concatenate([latin % n_latin_surnames, n_latin_surnames + arabic % n_ar_last])
    order = rng.permutation(n_people)  # Arabic names anywhere in the tail, not just at the end
    return first[order], surname[order]


def _logit(p):
    return np.log(p) - np.log1p(-p)


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _plan(n_claims: int, rng: np.random.Generator) -> World:
    outlet_names, takes_the, volume, outlet_effect = _outlets(n_claims, rng)
    n_out = len(outlet_names)
    first, first_ascii, surnames = _name_tables()
    desc = _descriptors()
    n_aff = len(AFFILIATIONS)
    aff_w = _weights([w for _, w in AFFILIATIONS])
    aff_shift = rng.normal(0.0, 0.35, n_aff)  # some sides are more truthful than others

    n_named = int(round(n_claims * NAMED_SHARE))
    n_body_claims = int(round(n_named * BODY_SHARE)) if n_claims >= 50 else 0
    n_anon = n_claims - n_named

    # named people
    people_counts = _named_claim_counts(n_named - n_body_claims, rng)
    n_people = people_counts.size
    f_idx, s_idx = _unique_name_codes(n_people, len(FIRST_NAMES), len(first), len(surnames) - len(ARABIC_LAST),
                                      len(surnames), rng)
    p_aff = rng.choice(n_aff, n_people, p=aff_w)
    p_title = rng.choice(len(TITLES), n_people, p=_weights([w for _, w in TITLES]))
    p_rel = _sigmoid(_logit(0.08 + 0.88 * rng.beta(*RELIABILITY_BETA, n_people)) + aff_shift[p_aff])

    # bodies: a few loud named sources
    n_bodies = min(len(BODIES), max(1, n_claims // 2000)) if n_body_claims else 0
    body_counts = rng.multinomial(n_body_claims, _weights(rng.lognormal(0, 0.7, n_bodies))) if n_bodies else np.zeros(0, int)
    b_aff = np.array([[a for a, _ in AFFILIATIONS].index(aff) for _, aff in BODIES[:n_bodies]], dtype=int)
    b_rel = _sigmoid(_logit(0.08 + 0.88 * rng.beta(*RELIABILITY_BETA, n_bodies)) + aff_shift[b_aff])

    # anonymous identities: every descriptor at every outlet may exist; weights decide
    n_desc = len(desc.names)
    anon_desc = np.tile(np.arange(n_desc), n_out)
    anon_outlet = np.repeat(np.arange(n_out), n_desc)
    anon_habit = rng.lognormal(0.0, 0.5, n_out)  # how much an outlet relies on anonymous sources
    w = desc.weight[anon_desc] * volume[anon_outlet] * anon_habit[anon_outlet] * rng.lognormal(0, 1.0, anon_desc.size)
    anon_counts = rng.multinomial(n_anon, _weights(w))
    keep = anon_counts > 0
    anon_desc, anon_outlet, anon_counts = anon_desc[keep], anon_outlet[keep], anon_counts[keep]
    n_anon_ids = anon_desc.size
    a_aff = desc.affiliation[anon_desc]
    role_shift = rng.normal(0.0, 0.25, n_desc)
    a_base = rng.normal(ANON_LOGIT_MEAN, ANON_LOGIT_SD, n_anon_ids) + np.where(a_aff >= 0, aff_shift[a_aff], 0.0) + role_shift[anon_desc]
    a_people = 2 + rng.poisson(2.0, n_anon_ids)  # the unseen people one descriptor pools
    a_person_rel = _sigmoid(np.repeat(a_base, a_people) + rng.normal(0.0, ANON_PERSON_SD, a_people.sum()))

    kind = np.concatenate([np.full(n_people, NAMED), np.full(n_bodies, BODY), np.full(n_anon_ids, ANONYMOUS)])
    n_ident = kind.size
    person_count = np.concatenate([np.ones(n_people + n_bodies, dtype=np.int64), a_people])
    person_offset = np.concatenate([[0], np.cumsum(person_count)[:-1]])
    person_rel = np.concatenate([p_rel, b_rel, a_person_rel])
    counts = np.concatenate([people_counts, body_counts, anon_counts])

    people_names = first.gather(f_idx) + " " + surnames.gather(s_idx)
    ident_name = pl.concat([
        people_names,
        pl.Series([b for b, _ in BODIES[:n_bodies]], dtype=pl.String),
        pl.Series(desc.names, dtype=pl.String).gather(anon_desc),
    ])
    pad = np.zeros(n_bodies + n_anon_ids, dtype=np.int64)
    named = kind != ANONYMOUS
    home = np.full(n_ident, -1)
    home[named] = rng.choice(n_out, int(named.sum()), p=volume)

    # claims: publication days sorted, identities shuffled over them
    day = np.sort(rng.integers(0, N_DAYS, n_claims)).astype(np.int32)
    identity = rng.permutation(np.repeat(np.arange(n_ident, dtype=np.int32), counts))
    ident_outlet = np.concatenate([np.full(n_people + n_bodies, -1), anon_outlet])
    # a named source speaks through its home outlet half the time, otherwise anywhere
    roam = rng.choice(n_out, n_claims, p=volume)
    outlet = np.where(ident_outlet[identity] >= 0, ident_outlet[identity],
                      np.where(rng.random(n_claims) < 0.5, home[identity], roam)).astype(np.int16)
    person = person_offset[identity] + (rng.random(n_claims) * person_count[identity]).astype(np.int64)
    p_true = _sigmoid(_logit(person_rel[person]) + outlet_effect[outlet])
    truth = rng.random(n_claims) < p_true

    # subjects: named people, the prominent ones more often, never the claim's own source
    subject = np.full(n_claims, -1, dtype=np.int64)
    if n_people > 1:
        has = rng.random(n_claims) < SUBJECT_RATE
        pick = rng.choice(n_people, int(has.sum()), p=_weights(people_counts))
        subject[has] = np.where(pick == identity[has], (pick + 1) % n_people, pick)

    return World(
        n_claims=n_claims, outlet_names=outlet_names, outlet_takes_the=takes_the,
        outlet_volume=volume, outlet_effect=outlet_effect, first_names=first,
        first_ascii=first_ascii, surnames=surnames, descriptors=desc, ident_kind=kind,
        ident_name=ident_name, ident_affiliation=np.concatenate([p_aff, b_aff, a_aff]),
        ident_outlet=ident_outlet, ident_home_outlet=home,
        ident_descriptor=np.concatenate([np.full(n_people + n_bodies, -1), anon_desc]),
        ident_first=np.concatenate([f_idx, pad]), ident_surname=np.concatenate([s_idx, pad]),
        ident_title=np.concatenate([p_title, pad]), person_offset=person_offset,
        person_count=person_count, person_reliability=person_rel, claim_day=day,
        claim_identity=identity, claim_outlet=outlet, claim_subject=subject,
        claim_p_true=p_true, claim_true=truth,
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
    local_day = day + np.floor_divide(local, 1440)
    utc = _dates(day) + "T" + CLOCK.gather(minute) + "Z"
    shifted = (_dates(local_day) + "T" + CLOCK.gather(local % 1440)
               + pl.Series([s for s, _ in UTC_OFFSETS]).gather(off))
    frame = pl.DataFrame({"form": form, "date": _dates(day), "utc": utc, "shifted": shifted})
    return frame.select(
        pl.when(pl.col("form") == 0).then("date").when(pl.col("form") == 1).then("utc")
        .otherwise("shifted").alias("stamp")
    ).to_series()


def _outlet_mentions(world: World, outlet: np.ndarray, rng: np.random.Generator) -> pl.Series:
    """Outlet names as reported: some take a leading 'The' some of the time."""
    names = pl.Series(world.outlet_names)
    with_the = world.outlet_takes_the[outlet] & (rng.random(outlet.size) < 0.3)
    return pl.select(pl.when(pl.Series(with_the)).then("The " + names.gather(outlet))
                     .otherwise(names.gather(outlet))).to_series()


def _prefixes(world: World, ident: np.ndarray, p_title: float, p_nationality: float,
              rng: np.random.Generator) -> pl.Series:
    """'' or 'special envoy ' or 'US special envoy ' before a person's name."""
    n_t, n_a = len(TITLES), len(AFFILIATIONS)
    table = pl.Series([f"{t} " for t, _ in TITLES]
                      + [f"{a} {t} " for a, _ in AFFILIATIONS for t, _ in TITLES] + [""])
    title = world.ident_title[ident]
    aff = np.maximum(world.ident_affiliation[ident], 0)
    u = rng.random(ident.size)
    idx = np.where(u < p_title * (1 - p_nationality), title,
                   np.where(u < p_title, n_t + aff * n_t + title, n_t + n_a * n_t))
    return table.gather(idx)


def _person_mentions(world: World, ident: np.ndarray, rng: np.random.Generator, *,
                     titles: float, typos: float) -> pl.Series:
    """Names of people as reported: titles, diacritics sometimes dropped, rare surname typos."""
    n = ident.size
    first_idx = world.ident_first[ident]
    ascii_first = rng.random(n) < 0.5
    first = pl.select(pl.when(pl.Series(ascii_first)).then(world.first_ascii.gather(first_idx))
                      .otherwise(world.first_names.gather(first_idx))).to_series()
    surname = world.surnames.gather(world.ident_surname[ident])
    frame = pl.DataFrame({
        "first": first, "surname": surname, "u": rng.random(n), "typo": rng.random(n) < typos,
        "double": rng.random(n) < 0.5, "prefix": _prefixes(world, ident, titles, 0.5, rng),
    })
    # one letter doubled or dropped, never the first; the warehouse must not merge it by itself
    pos = (1 + pl.col("u") * (pl.col("surname").str.len_chars() - 1)).floor().cast(pl.Int64)
    head, rest = pl.col("surname").str.slice(0, pos), pl.col("surname").str.slice(pos)
    misspelt = pl.when(pl.col("double")).then(head + rest.str.slice(0, 1) + rest) \
        .otherwise(head + rest.str.slice(1))
    frame = frame.with_columns(
        canonical=pl.col("first") + " " + pl.col("surname"),
        misspelt=pl.col("first") + " " + misspelt,
    )
    # a typo that happens to spell another person's name would be a different person: skip it
    frame = frame.with_columns(
        pl.col("typo") & pl.col("surname").str.len_chars().gt(2)
        & ~pl.col("misspelt").is_in(world.ident_name.implode())
    )
    return frame.select(
        pl.col("prefix") + pl.when("typo").then("misspelt").otherwise("canonical")
    ).to_series()


def _source_mentions(world: World, ident: np.ndarray, rng: np.random.Generator, *,
                     titles: float, typos: float) -> pl.Series:
    """Any identity as it would be written in a 'source' or 'by' field."""
    kind = world.ident_kind[ident]
    people = _person_mentions(world, ident, rng, titles=titles, typos=typos)
    desc = world.descriptors
    d = np.maximum(world.ident_descriptor[ident], 0)
    k = (rng.random(ident.size)[:, None] > desc.variant_cum[d]).sum(axis=1)
    variants = desc.variants.gather(desc.variant_offset[d] + k)
    return pl.select(
        pl.when(pl.Series(kind == NAMED)).then(people)
        .when(pl.Series(kind == BODY)).then(world.ident_name.gather(ident))
        .otherwise(variants)
    ).to_series()


def _choose(rng: np.random.Generator, options, probs, n: int) -> pl.Series:
    return pl.Series(options).gather(rng.choice(len(options), n, p=probs))


# ---------------------------------------------------------------------------------------------
# Claims
# ---------------------------------------------------------------------------------------------


def _claim_ids(lo: int, hi: int, width: int) -> pl.Series:
    return ("c" + pl.Series(np.arange(lo + 1, hi + 1)).cast(pl.String).str.zfill(width)).alias("claim_id")


def _claim_texts(world: World, subject: np.ndarray, truth: np.ndarray, topic: np.ndarray,
                 rng: np.random.Generator) -> pl.Series:
    """Short sentences; hedges and numbers come slightly more often with false claims."""
    n = subject.size
    falsity = (~truth).astype(int)
    hedged = rng.random(n) < np.array(P_HEDGE)[falsity]
    numbered = rng.random(n) < np.array(P_NUMBER)[falsity]
    n_obj = len(TOPICS[0][1])
    objects = pl.Series([o for _, objs in TOPICS for o in objs]).gather(topic * n_obj + rng.integers(0, n_obj, n))
    clause = rng.integers(0, len(NUMBER_CLAUSES), n)
    lo = np.array([c[1] for c in NUMBER_CLAUSES])[clause]
    hi = np.array([c[2] for c in NUMBER_CLAUSES])[clause]
    number = pl.Series(lo + (rng.random(n) * (hi - lo + 1)).astype(int)).cast(pl.String)
    heads = pl.Series([c[0].split("{}")[0] for c in NUMBER_CLAUSES]).gather(clause)
    tails = pl.Series([c[0].split("{}")[1] for c in NUMBER_CLAUSES]).gather(clause)
    actors = pl.Series(["Israel", "Hamas", "the mediators", "Washington", "Cairo", "Doha"])
    actor = pl.select(pl.when(pl.Series(subject >= 0)).then(world.ident_name.gather(np.maximum(subject, 0)))
                      .otherwise(actors.gather(rng.integers(0, len(actors), n)))).to_series()
    frame = pl.DataFrame({
        "actor": actor, "hedged": hedged, "hedge": pl.Series(HEDGES).gather(rng.integers(0, len(HEDGES), n)),
        "verb": pl.Series(VERBS).gather(rng.integers(0, len(VERBS), n)), "object": objects,
        "numbered": numbered, "number": heads + number + tails,
    })
    return frame.select(pl.concat_str(
        "actor", pl.lit(" "), pl.when("hedged").then("hedge").otherwise(pl.lit("")), "verb",
        pl.lit(" "), "object", pl.when("numbered").then("number").otherwise(pl.lit("")), pl.lit("."),
    )).to_series()


def _claim_rows(world: World, lo: int, hi: int, rng: np.random.Generator) -> pl.DataFrame:
    n = hi - lo
    ident = world.claim_identity[lo:hi]
    day = world.claim_day[lo:hi]
    subject = world.claim_subject[lo:hi]
    kind = world.ident_kind[ident]
    aff = world.ident_affiliation[ident]
    topic = rng.choice(len(TOPICS), n, p=_weights(np.arange(len(TOPICS), 0, -1)))
    affiliations = pl.Series([a for a, _ in AFFILIATIONS] + [None], dtype=pl.String)
    aff_missing = (aff < 0) | (rng.random(n) < AFFILIATION_MISSING)
    kinds = pl.Series(["named", "anonymous", None], dtype=pl.String)
    kind_idx = np.where(rng.random(n) < SOURCE_KIND_MISSING, 2, (kind == ANONYMOUS).astype(int))
    names = pl.concat([world.ident_name.filter(pl.Series(world.ident_kind == NAMED)),
                       pl.Series([None], dtype=pl.String)])
    stories = pl.Series([t for t, _ in TOPICS]).gather(topic) + "-" + _dates(day).str.slice(0, 7)
    return pl.DataFrame({
        "claim_id": _claim_ids(lo, hi, _id_width(world.n_claims)),
        "published_at": _stamps(day, rng, p_utc=0.1, p_offset=0.15),
        "source": _source_mentions(world, ident, rng, titles=0.3, typos=TYPO_RATE),
        "source_kind": kinds.gather(kind_idx),
        "affiliation": affiliations.gather(np.where(aff_missing, len(AFFILIATIONS), aff)),
        "outlet": _outlet_mentions(world, world.claim_outlet[lo:hi].astype(np.int64), rng),
        "text": _claim_texts(world, subject, world.claim_true[lo:hi], topic, rng),
        "subject": names.gather(np.where(subject >= 0, subject, names.len() - 1)),
        "story": stories,
    })


def _id_width(n_claims: int) -> int:
    return max(7, len(str(n_claims)))


# ---------------------------------------------------------------------------------------------
# Outcomes
# ---------------------------------------------------------------------------------------------


def _delays(rng: np.random.Generator, mean_days: float, n: int) -> np.ndarray:
    return np.floor(rng.exponential(mean_days, n)).astype(np.int64)


def _other_named(world: World, avoid: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A named identity (person or body) per row, never the one in avoid, louder ones likelier.

    Only called for worlds with two or more named identities."""
    named = world.named_ids
    pick = named[rng.choice(named.size, avoid.size, p=world.named_loudness)]
    return np.where(pick == avoid, named[(np.searchsorted(named, pick) + 1) % named.size], pick)


def _events(rows: np.ndarray, event: str, day: np.ndarray, by: pl.Series, verdict=None, note=None) -> pl.DataFrame:
    n = rows.size
    return pl.DataFrame({
        "row": rows, "order": np.full(n, EVENT_ORDER.index(event)), "day": day,
        "event": pl.Series([event] * n, dtype=pl.String), "by": by.cast(pl.String),
        "verdict": pl.Series([None] * n, dtype=pl.String) if verdict is None else verdict,
        "note": pl.Series([note] * n, dtype=pl.String),
    })


def _settlements(world: World, rows, day, truth, outlet, rng) -> list[pl.DataFrame]:
    n = rows.size
    settle_day = day + _delays(rng, SETTLE_MEAN_DAYS, n)
    settles = (rng.random(n) < P_SETTLE) & (settle_day < N_DAYS)
    u = rng.random(n)
    confirmed = settles & truth & (u < P_CONFIRMED_IF_TRUE)
    retracted = settles & ~truth & (u < P_RETRACTED_IF_FALSE)
    rated = settles & ~confirmed & ~retracted
    m = int(rated.sum())

    other = _corroborating_outlets(world, outlet[confirmed], np.ones(int(confirmed.sum()), int), rng)[0]
    confirm_by = pl.select(pl.when(pl.Series(rng.random(other.size) < 0.5))
                           .then(_outlet_mentions(world, other, rng))).to_series()
    verdict = pl.select(
        pl.when(pl.Series(truth[rated])).then(_choose(rng, *TRUE_VERDICTS, m))
        .otherwise(_choose(rng, *FALSE_VERDICTS, m))
    ).to_series()
    number = np.where(truth[rated], rng.uniform(0.55, 1.0, m), rng.uniform(0.0, 0.45, m)).round(2)
    numeric = rng.random(m) < P_NUMERIC_VERDICT
    checker = _choose(rng, FACT_CHECKERS, None, m)
    rated_rows, rated_days = rows[rated], settle_day[rated]
    return [
        _events(rows[confirmed], "confirmed", settle_day[confirmed], confirm_by),
        _events(rows[retracted], "retracted", settle_day[retracted],
                _outlet_mentions(world, outlet[retracted], rng), note="the outlet withdrew the report"),
        _events(rated_rows[~numeric], "rated", rated_days[~numeric], checker.filter(pl.Series(~numeric)),
                verdict=verdict.filter(pl.Series(~numeric))),
        # numbers stay numbers in JSON: these rows go to the file in a frame of their own
        _events(rated_rows[numeric], "rated", rated_days[numeric], checker.filter(pl.Series(numeric)),
                verdict=pl.Series(number[numeric], dtype=pl.Float64)),
    ]


def _corroborating_outlets(world: World, outlet: np.ndarray, k: np.ndarray, rng):
    """k distinct outlets per row, none of them the claim's own: row-major, with their rows."""
    n_out = len(world.outlet_names)
    k = np.minimum(k, n_out - 1)
    rows = np.repeat(np.arange(outlet.size), k)
    nth = np.arange(rows.size) - np.repeat(np.cumsum(k) - k, k)
    base = rng.integers(1, max(n_out - 2, 2), outlet.size)
    step = base[rows] + nth  # 1 .. n_out-1: never 0, so never the claim's own outlet
    return (outlet[rows] + np.minimum(step, n_out - 1)) % n_out, rows


def _evidence(world: World, rows, day, truth, ident, subject, outlet, rng) -> list[pl.DataFrame]:
    n = rows.size
    falsity = (~truth).astype(int)
    frames = []

    denied = (subject >= 0) & (rng.random(n) < np.array(P_DENIED_BY_SUBJECT)[falsity])
    deny_day = day[denied] + _delays(rng, 1.5, int(denied.sum()))
    frames.append(_events(rows[denied], "denied", deny_day,
                          _person_mentions(world, subject[denied], rng, titles=0.3, typos=0.0)))

    other = rng.random(n) < np.array(P_DENIED_BY_OTHER)[falsity]
    others = _other_named(world, np.where(subject >= 0, subject, ident)[other], rng)
    frames.append(_events(rows[other], "denied", day[other] + _delays(rng, 3.0, int(other.sum())),
                          _source_mentions(world, others, rng, titles=0.2, typos=0.0)))

    contra = rng.random(n) < np.array(P_CONTRADICTED)[falsity]
    by = _other_named(world, ident[contra], rng)
    frames.append(_events(rows[contra], "contradicted", day[contra] + _delays(rng, 6.0, int(contra.sum())),
                          _source_mentions(world, by, rng, titles=0.2, typos=0.0)))

    corr = rng.random(n) < np.array(P_CORROBORATED)[falsity]
    k = rng.choice([1, 2, 3], int(corr.sum()), p=[0.6, 0.28, 0.12])
    outlets, which = _corroborating_outlets(world, outlet[corr], k, rng)
    frames.append(_events(rows[corr][which], "corroborated",
                          day[corr][which] + _delays(rng, 4.0, which.size),
                          _outlet_mentions(world, outlets, rng)))
    return frames


def _outcome_rows(world: World, lo: int, hi: int, rng: np.random.Generator):
    """Events on the claims lo..hi: (frame with text verdicts, frame with numeric verdicts)."""
    rows = np.arange(lo, hi)
    day = world.claim_day[lo:hi].astype(np.int64)
    truth = world.claim_true[lo:hi]
    ident = world.claim_identity[lo:hi].astype(np.int64)
    outlet = world.claim_outlet[lo:hi].astype(np.int64)
    settled = _settlements(world, rows, day, truth, outlet, rng)
    evidence = _evidence(world, rows, day, truth, ident, world.claim_subject[lo:hi], outlet, rng)
    numeric = settled.pop(3)
    text = pl.concat(settled + evidence)

    def finish(events: pl.DataFrame) -> pl.DataFrame:
        events = events.filter(pl.col("day") < N_DAYS).sort("row", "day", "order", "by", maintain_order=True)
        width = _id_width(world.n_claims)
        at = _stamps(events["day"].to_numpy(), rng, p_utc=0.1, p_offset=0.0)
        return events.select(
            ("c" + (pl.col("row") + 1).cast(pl.String).str.zfill(width)).alias("claim_id"),
            "event", at.alias("at"), "by", "verdict", "note",
        )

    return finish(text), finish(numeric)


# ---------------------------------------------------------------------------------------------
# Truth and the entry point
# ---------------------------------------------------------------------------------------------


def _identity_keys(world: World) -> pl.Series:
    outlet = pl.Series(world.outlet_names + [""]).gather(np.where(world.ident_outlet >= 0, world.ident_outlet, len(world.outlet_names)))
    anonymous = pl.Series(world.ident_kind == ANONYMOUS)
    return pl.select(
        pl.when(anonymous).then("anonymous:" + world.ident_name + " @ " + outlet)
        .otherwise("named:" + world.ident_name)
    ).to_series()


def _identity_truth(world: World, keys: pl.Series) -> pl.DataFrame:
    n_ident = world.ident_kind.size
    claims = np.bincount(world.claim_identity, minlength=n_ident)
    p_sum = np.bincount(world.claim_identity, weights=world.claim_p_true, minlength=n_ident)
    anonymous = world.ident_kind == ANONYMOUS
    outlets = pl.Series(world.outlet_names + [None], dtype=pl.String)
    affiliations = pl.Series([a for a, _ in AFFILIATIONS] + [None], dtype=pl.String)
    aff = world.ident_affiliation
    frame = pl.DataFrame({
        "identity": keys,
        "kind": pl.Series(np.where(anonymous, "anonymous", "named")),
        "name": world.ident_name,
        "outlet": outlets.gather(np.where(anonymous, world.ident_outlet, len(world.outlet_names))),
        "affiliation": affiliations.gather(np.where(aff >= 0, aff, len(AFFILIATIONS))),
        "reliability": np.round(p_sum / np.maximum(claims, 1), 4),
        "claims": claims,
    })
    return frame.filter(pl.col("claims") > 0)


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
    with open(out_dir / "claims.jsonl", "wb") as claims, open(out_dir / "outcomes.jsonl", "wb") as outcomes, \
            open(out_dir / "truth" / "claims.jsonl", "wb") as truth:
        for lo in range(0, n_claims, CHUNK):
            hi = min(lo + CHUNK, n_claims)
            rows = _claim_rows(world, lo, hi, rng)
            rows.write_ndjson(claims)
            for events in _outcome_rows(world, lo, hi, rng):
                if events.height:
                    events.write_ndjson(outcomes)
                n_outcomes += events.height
            pl.DataFrame({
                "claim_id": rows["claim_id"],
                "identity": keys.gather(world.claim_identity[lo:hi]),
                "true": world.claim_true[lo:hi],
                "p_true": np.round(world.claim_p_true[lo:hi], 4),
            }).write_ndjson(truth)

    identities = _identity_truth(world, keys)
    identities.write_ndjson(out_dir / "truth" / "identities.jsonl")
    anonymous = int((identities["kind"] == "anonymous").sum())
    return {
        "claims": n_claims, "outcomes": n_outcomes, "identities": identities.height,
        "named": identities.height - anonymous, "anonymous": anonymous,
        "outlets": len(world.outlet_names),
    }

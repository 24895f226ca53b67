"""Writes the sample data that `make demo` loads: the ceasefire story and a history around it.

    python -m jobs.sample_history [OUT_DIR]      (default: sample/)

It writes OUT_DIR/claims.jsonl and OUT_DIR/outcomes.jsonl, the same bytes every time, from three
parts:

1. Background: a world from `jobs.generate.write_world` (fixed seed), cut to the claims published
   2024-06-01 .. 2025-05-31 and the events up to 2025-05-31. Its own copies of the cast's
   identities are left out, so the cast's records are exactly the ones written below.
2. The cast's records: the sources of the story (Steve Witkoff, a Palestinian official @ Times
   of Israel, an Israeli source @ Haaretz, Hamas) and a few others, each with a true
   reliability and a history of claims drawn the way `generate` draws them: settlements,
   subjects' denials, contradictions and corroborations that lean on the (hidden) truth.
3. The story itself (2025-05-26 .. 2025-05-28), written by hand from
   ../shared/reference/ceasefire-article.txt. It is left unsettled: what a run as of 2025-06-01
   should believe about it is the question trackrecord answers.

The history is invented. It gives the story's sources records to be scored on; it says nothing
about what the real people and bodies said or how reliable they are.
"""

from __future__ import annotations

import json
import sys
import tempfile
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np

from jobs import generate, world

SEED = 2025
BACKGROUND_CLAIMS = 3800  # about half of them fall inside the history's window
HISTORY_START, HISTORY_END = date(2024, 6, 1), date(2025, 5, 31)
CAST_LAST_CLAIM = date(2025, 5, 20)  # the cast's history ends a few days before the story
P_SETTLE = 0.75  # the cast's claims settle more often than the background's: records to show


@dataclass(frozen=True)
class Cast:
    """A source of the story with a record of its own."""

    key: str  # the identity as generate's truth names it; background copies are dropped
    kind: str  # named | anonymous
    affiliation: str
    outlets: tuple[str, ...]  # where its claims appear; one outlet for an anonymous source
    mentions: tuple[str, ...]  # how it is written in the `source` field
    reliability: float  # probability that one of its claims is true
    claims: int
    subjects: tuple[str | None, ...]  # what its claims are about; a named subject may deny
    contradictors: tuple[str, ...]  # who speaks up against its false claims


def _anonymous_mentions(adj: str, role: str, plural: str) -> tuple[str, ...]:
    return tuple(form for form, _ in world._role_variants(adj, role, plural))


CAST = [
    Cast(
        "named:Steve Witkoff",
        "named",
        "US",
        ("Axios", "Times of Israel", "Reuters", "CNN"),
        ("Steve Witkoff", "US special envoy Steve Witkoff", "Special Envoy Steve Witkoff"),
        0.85,
        24,
        ("Hamas", "Israeli Prime Minister's Office", None),
        ("Hamas", "Qatari foreign ministry"),
    ),
    Cast(
        "anonymous:Palestinian official @ Times of Israel",
        "anonymous",
        "Palestinian",
        ("Times of Israel",),
        _anonymous_mentions("Palestinian", "official", "officials"),
        0.5,
        20,
        ("Steve Witkoff", "Israeli Prime Minister's Office", "Hamas", None),
        ("Israeli Prime Minister's Office", "Qatari foreign ministry"),
    ),
    Cast(
        "anonymous:Israeli source @ Haaretz",
        "anonymous",
        "Israeli",
        ("Haaretz",),
        _anonymous_mentions("Israeli", "source", "sources"),
        0.7,
        20,
        ("Hamas", "Steve Witkoff", None),
        ("Hamas", "Qatari foreign ministry"),
    ),
    Cast(
        "named:Hamas",
        "named",
        "Hamas",
        ("Al Jazeera", "Reuters", "Times of Israel"),
        ("Hamas",),
        0.3,
        18,
        ("Israeli Prime Minister's Office", "Steve Witkoff", None),
        ("Israeli Prime Minister's Office", "Steve Witkoff", "Qatari foreign ministry"),
    ),
    Cast(
        "named:Israeli Prime Minister's Office",
        "named",
        "Israeli",
        ("Times of Israel", "Haaretz", "Reuters"),
        ("Israeli Prime Minister's Office",),
        0.6,
        15,
        ("Hamas", None),
        ("Hamas",),
    ),
    Cast(
        "named:Qatari foreign ministry",
        "named",
        "Qatari",
        ("Al Jazeera", "Reuters"),
        ("Qatari foreign ministry",),
        0.8,
        12,
        ("Hamas", "Steve Witkoff", None),
        ("Hamas",),
    ),
]

# The story, as written from the article (claims, then the events the article reports).
STORY_CLAIMS = [
    {
        "claim_id": "gz-001",
        "published_at": "2025-05-26T10:05:00+03:00",
        "source": "Hamas",
        "source_kind": "named",
        "affiliation": "Hamas",
        "outlet": "Al Jazeera",
        "text": "Hamas has accepted the US envoy's proposal for a temporary ceasefire in Gaza.",
        "subject": "Steve Witkoff",
        "story": "gaza-ceasefire",
    },
    {
        "claim_id": "gz-002",
        "published_at": "2025-05-26",
        "source": "Steve Whitcoff",
        "source_kind": None,
        "affiliation": "US",
        "outlet": "Axios",
        "text": "Hamas' claims that it accepted the ceasefire proposal are not true; what Hamas "
        "has sent is disappointing and totally unacceptable.",
        "subject": "Hamas",
        "story": "gaza-ceasefire",
    },
    {
        "claim_id": "gz-003",
        "published_at": "2025-05-27T14:20:00+03:00",
        "source": "a Palestinian official",
        "source_kind": "anonymous",
        "affiliation": "Palestinian",
        "outlet": "The Times of Israel",
        "text": "Witkoff informed the Hamas leadership through the mediators that he accepted the "
        "amendments Hamas made to his ceasefire proposal.",
        "subject": "Steve Witkoff",
        "story": "gaza-ceasefire",
    },
    {
        "claim_id": "gz-004",
        "published_at": "2025-05-27T14:20:00+03:00",
        "source": "a Palestinian official speaking to the Times of Israel",
        "source_kind": None,
        "affiliation": "Palestinian",
        "outlet": "Times of Israel",
        "text": "Witkoff then changed his stance and told the mediators that Hamas' terms were "
        "not acceptable.",
        "subject": "Steve Witkoff",
        "story": "gaza-ceasefire",
    },
    {
        "claim_id": "gz-005",
        "published_at": "2025-05-27",
        "source": "US special envoy Steve Witkoff",
        "source_kind": "named",
        "affiliation": "US",
        "outlet": "Times of Israel",
        "text": "Israel will agree to a temporary ceasefire and a hostage release deal that "
        "returns half the living and half the dead hostages; the proposal is still on the table.",
        "subject": "Hamas",
        "story": "gaza-ceasefire",
    },
    {
        "claim_id": "gz-006",
        "published_at": "2025-05-28",
        "source": "an Israeli source who spoke to Haaretz",
        "source_kind": None,
        "affiliation": "Israeli",
        "outlet": "Haaretz",
        "text": "Ceasefire negotiations remain at an impasse: both sides are entrenched in their "
        "positions.",
        "subject": None,
        "story": "gaza-ceasefire",
    },
    {
        "claim_id": "gz-007",
        "published_at": "2025-05-28",
        "source": "an Israeli source",
        "source_kind": "anonymous",
        "affiliation": "Israeli",
        "outlet": "Haaretz",
        "text": "Hamas insists on guarantees that a temporary ceasefire will lead to a permanent "
        "end to the war; Israel demands its disarmament, the exile of its leaders and its "
        "exclusion from governing Gaza.",
        "subject": "Hamas",
        "story": "gaza-ceasefire",
    },
]
STORY_OUTCOMES = [
    {
        "claim_id": "gz-001",
        "event": "contradicted",
        "at": "2025-05-26",
        "by": "Steve Witkoff",
        "verdict": None,
        "note": "statement to Axios: Hamas' claims of acceptance are not true",
    },
    {
        "claim_id": "gz-003",
        "event": "denied",
        "at": "2025-05-27",
        "by": "Steve Witkoff",
        "verdict": None,
        "note": "told the Times of Israel he never accepted Hamas' changes",
    },
]

OTHER_OUTLETS = (
    "Reuters",
    "Associated Press",
    "Axios",
    "Haaretz",
    "Times of Israel",
    "Al Jazeera",
    "CNN",
    "BBC",
)


def _utc_day(value: str) -> date:
    if len(value) == 10:
        return date.fromisoformat(value)
    return datetime.fromisoformat(value).astimezone(UTC).date()


def _read(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def background() -> tuple[list[dict], list[dict]]:
    """A generated world cut to the history's window, without its own copies of the cast."""
    with tempfile.TemporaryDirectory() as tmp:
        generate.write_world(BACKGROUND_CLAIMS, Path(tmp), seed=SEED)
        claims = _read(Path(tmp) / "claims.jsonl")
        outcomes = _read(Path(tmp) / "outcomes.jsonl")
        truth = _read(Path(tmp) / "truth" / "claims.jsonl")
    identity = {t["claim_id"]: t["identity"] for t in truth}
    cast = {c.key for c in CAST}
    kept = [
        c
        for c in claims
        if HISTORY_START <= _utc_day(c["published_at"]) <= HISTORY_END
        and identity[c["claim_id"]] not in cast
    ]
    ids = {c["claim_id"] for c in kept}
    events = [o for o in outcomes if o["claim_id"] in ids and _utc_day(o["at"]) <= HISTORY_END]
    return kept, events


def _text(subject: str | None, truth: bool, rng: np.random.Generator) -> tuple[str, str]:
    """A sentence in generate's style, and the story it belongs to."""
    topic, objects = world.TOPICS[rng.integers(0, 4)]  # the story's neighbourhood of topics
    actor = subject or ["Israel", "the mediators", "Cairo", "Doha"][rng.integers(0, 4)]
    hedged = rng.random() < world.P_HEDGE[int(not truth)]
    hedge = world.HEDGES[rng.integers(0, 3)] if hedged else ""
    verb = world.VERBS[rng.integers(0, len(world.VERBS))]
    return f"{actor} {hedge}{verb} {objects[rng.integers(0, len(objects))]}.", topic


def _events_for(
    claim_id: str,
    day: date,
    truth: bool,
    member: Cast,
    outlet: str,
    subject: str | None,
    rng: np.random.Generator,
) -> list[dict]:
    """What happened to one of the cast's claims, drawn the way generate draws it."""
    false = int(not truth)
    events = []

    def add(event, delay_mean, by, verdict=None):
        at = day + timedelta(days=int(rng.exponential(delay_mean)))
        if at <= HISTORY_END:
            events.append(
                {
                    "claim_id": claim_id,
                    "event": event,
                    "at": at.isoformat(),
                    "by": by,
                    "verdict": verdict,
                    "note": None,
                }
            )

    if rng.random() < P_SETTLE:
        if truth and rng.random() < world.P_CONFIRMED_IF_TRUE:
            add("confirmed", 30, None)
        elif not truth and rng.random() < world.P_RETRACTED_IF_FALSE:
            add("retracted", 30, outlet)
        else:
            verdicts, p = world.TRUE_VERDICTS if truth else world.FALSE_VERDICTS
            checker = world.FACT_CHECKERS[rng.integers(0, 3)]
            add("rated", 30, checker, verdicts[rng.choice(len(verdicts), p=p)])
    if subject and rng.random() < world.P_DENIED_BY_SUBJECT[false]:
        add("denied", 1.5, subject)
    if rng.random() < world.P_CONTRADICTED[false]:
        add("contradicted", 4, member.contradictors[rng.integers(0, len(member.contradictors))])
    if rng.random() < world.P_CORROBORATED[false]:
        others = [o for o in OTHER_OUTLETS if o != outlet]
        for o in rng.choice(others, size=rng.integers(1, 3), replace=False):
            add("corroborated", 3, str(o))
    return events


def cast_history(rng: np.random.Generator) -> tuple[list[dict], list[dict]]:
    """Claims and events of the story's sources before the story."""
    claims, outcomes = [], []
    span = (CAST_LAST_CLAIM - HISTORY_START).days
    for member in CAST:
        days = sorted(int(d) for d in rng.integers(0, span + 1, member.claims))
        for day_offset in days:
            n = len(claims) + 1
            claim_id, day = f"h-{n:04d}", HISTORY_START + timedelta(days=day_offset)
            truth = bool(rng.random() < member.reliability)
            outlet = member.outlets[rng.integers(0, len(member.outlets))]
            subject = member.subjects[rng.integers(0, len(member.subjects))]
            text, topic = _text(subject, truth, rng)
            claims.append(
                {
                    "claim_id": claim_id,
                    "published_at": day.isoformat(),
                    "source": member.mentions[rng.integers(0, len(member.mentions))],
                    "source_kind": member.kind if rng.random() < 0.8 else None,
                    "affiliation": member.affiliation,
                    "outlet": outlet,
                    "text": text,
                    "subject": subject,
                    "story": f"{topic}-{day.isoformat()[:7]}",
                }
            )
            outcomes += _events_for(claim_id, day, truth, member, outlet, subject, rng)
    return claims, outcomes


def write_sample(out_dir: Path) -> dict:
    """Write claims.jsonl and outcomes.jsonl of the sample to out_dir; returns counts."""
    rng = np.random.default_rng(SEED)
    bg_claims, bg_outcomes = background()
    cast_claims, cast_outcomes = cast_history(rng)
    claims = sorted(
        bg_claims + cast_claims + STORY_CLAIMS,
        key=lambda c: (_utc_day(c["published_at"]), c["claim_id"]),
    )
    outcomes = sorted(
        bg_outcomes + cast_outcomes + STORY_OUTCOMES,
        key=lambda o: (_utc_day(o["at"]), o["claim_id"], o["event"]),
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, rows in [("claims.jsonl", claims), ("outcomes.jsonl", outcomes)]:
        with open(out_dir / name, "w", encoding="utf-8", newline="\n") as f:
            f.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    return {
        "claims": len(claims),
        "outcomes": len(outcomes),
        "cast claims": len(cast_claims),
        "story claims": len(STORY_CLAIMS),
    }


if __name__ == "__main__":
    default = Path(__file__).resolve().parents[1] / "sample"
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else default
    print(write_sample(target), file=sys.stderr)

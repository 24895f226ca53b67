"""Later denials, contradictions and confirmations linked to the claims they answer. An attribution
answers an earlier claim (earlier in the same article, or in an earlier article of the same
story, given or inferred by stories.py) when its cue denies or confirms ("categorically denied",
"confirmed") or its content says an earlier statement is false ("said that was not true"), and
something points to the claim: whose claims it names ("the Palestinian official's claims"), the
claim's words repeated, or a back-reference ("denied the report") to the latest claim of someone
else. The event is `denied` (or `confirmed`) when the answer comes from the claim's subject or
its own source, `contradicted` (or `corroborated`) from anyone else. Each link has a confidence;
a sentence that is only negative and points to nothing ("police said nobody was hurt") is none.
"""

from __future__ import annotations

import re
from functools import cache

import polars as pl

from extraction import cues as cue_words

# Confidence of each kind of pointer to the claim answered.
_NAMED_OWNER_ABOUT_DENIER = 0.9
_NAMED_OWNER = 0.6
_BACK_REFERENCE = 0.55
_STOPWORDS = frozenset(
    "the a an and or but of to in on at for with by from that this it is was were be been has "
    "had have he she they his her their its not no never as which who said says would will "
    "could should did do does than then there these those".split()
)

LINK_COLUMNS = {
    "link_id": pl.String,
    "claim_id": pl.String,
    "event": pl.String,
    "at": pl.String,
    "by": pl.String,
    "note": pl.String,
    "confidence": pl.Float64,
    "answer_id": pl.String,
    "claim_sentence": pl.String,
}


@cache
def _patterns() -> dict[str, re.Pattern]:
    c = cue_words.load()
    return {
        "owner": re.compile(
            r"(?P<owner>[\w’'.-]+(?:\s+[\w’'.-]+){0,4}?)['’]s?\s+(?:earlier\s+|recent\s+)?"
            rf"(?:{c.nouns}|account|story)\b"
        ),
        # A back-reference is an anaphor standing as the whole content ("denied the report")
        # or as the subject of a copula ("that was not true", "the claims are false").
        "back": re.compile(
            rf"^(?:that\s+)?(?:{c.anaphors})(?:$|\s+(?:was|is|were|are|had\s+been|has\s+been|"
            r"would\s+be|remains?)\b)",
            re.IGNORECASE,
        ),
        "negation": re.compile(rf"\b(?:{c.negations})\b", re.IGNORECASE),
        "agreement": re.compile(rf"\b(?:{c.agreements})\b", re.IGNORECASE),
    }


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in _STOPWORDS}


def find(attributions: pl.DataFrame, owner_keys: dict[str, str | None]) -> pl.DataFrame:
    """Links from answering attributions to the earlier claims they answer, one row per
    link with its event, confidence and the answering sentence as note. `owner_keys` maps
    an answer's claim_id to the identity key of the owner its content names, if any."""
    p = _patterns()
    rows = attributions.sort("published_at", "article_id", "cue_start").to_dicts()
    links: list[dict] = []
    # Claims an answer may concern: those of its article and of its story, in order, so that
    # each answer looks at its own few instead of the whole batch.
    related: dict[tuple[str, str], list[tuple[int, dict]]] = {}
    for index, row in enumerate(rows):
        related.setdefault(("article", row["article_id"]), []).append((index, row))
        if row["link_story"]:
            related.setdefault(("story", row["link_story"]), []).append((index, row))
    for index, answer in enumerate(rows):
        content = answer["content_text"] or ""
        family = answer["family"]
        negative = bool(p["negation"].search(content))
        back = bool(p["back"].match(content))
        if family not in ("denial", "confirmation") and not (negative and back):
            continue
        agrees = family == "confirmation" or (family != "denial" and not negative)
        # A source does not answer itself; an answer is not itself answered here.
        nearby = related[("article", answer["article_id"])]
        if answer["link_story"]:
            nearby = related[("story", answer["link_story"])]
        earlier = [
            claim
            for at, claim in nearby
            if at < index
            and claim["source_key"]
            and claim["source_key"] != answer["source_key"]
            and claim["family"] != "denial"
            and _same_story(claim, answer)
        ]
        for claim, confidence in _targets(answer, earlier, owner_keys.get(answer["claim_id"])):
            from_subject = answer["source_key"] in (claim["subject_key"], claim["source_key"])
            event = (
                ("confirmed" if from_subject else "corroborated")
                if agrees
                else ("denied" if from_subject else "contradicted")
            )
            links.append(
                {
                    "link_id": f"{answer['claim_id']}>{claim['claim_id']}",
                    "claim_id": claim["claim_id"],
                    "event": event,
                    "at": answer["published_at"],
                    "by": answer["resolved_source"],
                    "note": answer["sentence"],
                    "confidence": confidence,
                    "answer_id": answer["claim_id"],
                    "claim_sentence": claim["sentence"],
                }
            )
    return pl.DataFrame(links, schema=LINK_COLUMNS)


def _same_story(claim: dict, answer: dict) -> bool:
    if claim["article_id"] == answer["article_id"]:
        return claim["cue_start"] < answer["cue_start"]
    return bool(claim["link_story"]) and claim["link_story"] == answer["link_story"]


def _targets(answer: dict, earlier: list[dict], owner: str | None) -> list[tuple[dict, float]]:
    """The earlier claims `answer` points to, each with the confidence of the pointer."""
    if owner:
        owned = [c for c in earlier if c["source_key"] == owner]
        if owned:
            return [
                (
                    c,
                    _NAMED_OWNER_ABOUT_DENIER
                    if c["subject_key"] == answer["source_key"]
                    else _NAMED_OWNER,
                )
                for c in owned
            ]
    words = _words(answer["content_text"] or "")
    best, best_score = None, 0.0
    for claim in earlier:
        theirs = _words(claim["content_text"] or "")
        if not theirs or not words:
            continue
        score = len(words & theirs) / min(len(words), len(theirs))
        if score > best_score:
            best, best_score = claim, score
    if best is not None and best_score >= 0.5:
        return [(best, min(0.95, 0.3 + best_score * 0.6))]
    content = answer["content_text"] or ""
    if _patterns()["back"].match(content) or answer["family"] in ("denial", "confirmation"):
        others = [c for c in earlier if c["article_id"] == answer["article_id"]] or earlier
        if others and _patterns()["back"].match(content):
            return [(others[-1], _BACK_REFERENCE)]
    return []

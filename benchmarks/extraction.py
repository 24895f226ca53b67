"""Scores extraction against PolNeAR's gold attributions (train and dev splits).

For each role (source, cue, content) the predicted and gold spans of an article are matched one
to one: exactly (the same pieces) or by overlap (character Jaccard of the pieces' union at
least 0.5). Precision counts against every gold attribution, as PolNeAR marks beliefs and
evaluations too; recall is also given on the gold attributions whose cue is a speech or report
cue (the share an extractor of reported speech can find). Articles per second is the time of
`extract_articles` over the whole split. The corpus is read from ../shared/data/polnear beside
the project and never copied into it.

    .venv/bin/python benchmarks/extraction.py [--split dev] [--split train]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extraction import extract_articles  # noqa: E402
from extraction.cues import load as load_cues  # noqa: E402

POLNEAR = ROOT.parent / "shared" / "data" / "polnear"
ROLES = ("source", "cue", "content")
_SPEECH_FAMILIES = {"speech", "report", "denial", "confirmation"}


def _spans(role: dict | None) -> tuple[tuple[int, int], ...] | None:
    if not role or not role.get("spans"):
        return None
    return tuple(tuple(piece) for piece in role["spans"])


def _chars(spans) -> set[int]:
    return {i for start, end in spans for i in range(start, end)}


def _overlaps(a, b) -> bool:
    ca, cb = _chars(a), _chars(b)
    union = len(ca | cb)
    return union > 0 and len(ca & cb) / union >= 0.5


def _match(predicted: list, gold: list, exact: bool) -> tuple[int, set[int]]:
    """How many predicted items find a gold item (one to one), and which gold items."""
    used: set[int] = set()
    hits = 0
    for spans in predicted:
        for i, truth in enumerate(gold):
            if i in used:
                continue
            if spans == truth if exact else _overlaps(spans, truth):
                used.add(i)
                hits += 1
                break
    return hits, used


def _speech_cue(cue_text: str | None) -> bool:
    if not cue_text:
        return False
    words = cue_text.lower().replace("’", "'").split()
    if " ".join(words[-2:]) == "according to":
        return True
    family_of = load_cues().family_of
    return any(family_of.get(w) in _SPEECH_FAMILIES for w in words[-2:])


def score(split: str) -> dict:
    """Precision, recall and F1 of each role, exact and overlapping, on one split."""
    articles = pl.read_ndjson(POLNEAR / f"{split}.articles.jsonl")
    gold = [json.loads(line) for line in (POLNEAR / f"{split}.gold.jsonl").open()]
    extract_articles(articles.head(1))  # word lists read and regexes compiled once, untimed
    started = time.perf_counter()
    found = extract_articles(articles).attributions
    seconds = time.perf_counter() - started
    by_article: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for row in found.iter_rows(named=True):
        for role in ROLES:
            spans = _spans(row[role])
            if spans:
                by_article[row["article_id"]][("p", role)].append(spans)
    for row in gold:
        for role in ROLES:
            spans = _spans(row[role])
            if spans:
                by_article[row["article_id"]][("g", role)].append(spans)
                if _speech_cue((row["cue"] or {}).get("text")):
                    by_article[row["article_id"]][("s", role)].append(spans)
    figures: dict = {"articles": articles.height, "per_second": articles.height / seconds}
    for role in ROLES:
        for exact in (True, False):
            hits = gold_hits = speech_hits = n_pred = n_gold = n_speech = 0
            for roles in by_article.values():
                predicted, truth = roles[("p", role)], roles[("g", role)]
                speech = roles[("s", role)]
                h, _ = _match(predicted, truth, exact)
                _, used = _match(predicted, truth, exact)
                hits += h
                gold_hits += len(used)
                speech_hits += _match(predicted, speech, exact)[0]
                n_pred += len(predicted)
                n_gold += len(truth)
                n_speech += len(speech)
            p = hits / n_pred if n_pred else 0.0
            r = gold_hits / n_gold if n_gold else 0.0
            f = 2 * p * r / (p + r) if p + r else 0.0
            figures[(role, exact)] = (p, r, f, speech_hits / n_speech if n_speech else 0.0)
    return figures


def table(results: dict[str, dict]) -> str:
    lines = [
        "| split | role | exact P | exact R | exact F1 | overlap P | overlap R | overlap F1 "
        "| speech/report R (overlap) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for split, figures in results.items():
        for role in ROLES:
            ep, er, ef, _ = figures[(role, True)]
            op, orr, of, sr = figures[(role, False)]
            lines.append(
                f"| {split} | {role} | {ep:.3f} | {er:.3f} | {ef:.3f} | {op:.3f} | {orr:.3f} "
                f"| {of:.3f} | {sr:.3f} |"
            )
    lines.append("")
    for split, figures in results.items():
        lines.append(
            f"{split}: {figures['articles']} articles, {figures['per_second']:.0f} articles/s"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", action="append", choices=["dev", "train"])
    args = parser.parse_args()
    if not POLNEAR.exists():
        raise SystemExit(f"PolNeAR not found at {POLNEAR}; nothing to score")
    results = {split: score(split) for split in args.split or ["dev", "train"]}
    print(table(results))


if __name__ == "__main__":
    main()

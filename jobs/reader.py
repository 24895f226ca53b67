"""What the reader's commands print: the report table and the story behind one score."""

from __future__ import annotations

import textwrap

import polars as pl

REPORT_COLUMNS = [
    "rank",
    "source",
    "kind",
    "outlet",
    "affiliation",
    "reliability",
    "reliability_low",
    "reliability_high",
    "claims",
    "settled",
    "confirmed",
    "refuted",
    "denied",
    "contradicted",
    "change",
    "source_id",
    "as_of",
    "run_id",
]


def report_frame(rows: pl.DataFrame, fmt: str) -> pl.DataFrame:
    """Machine formats get every column; the table gets a compact view for 100 columns."""
    if fmt != "table":
        return rows.select(REPORT_COLUMNS)
    fixed = lambda name: pl.col(name).round(2).cast(pl.String).str.pad_end(4, "0")  # noqa: E731
    return rows.select(
        pl.col("rank").alias("#"),
        # An anonymous identity's name ends in "@ outlet"; the outlet column says it already.
        pl.when(pl.col("kind") == "anonymous")
        .then(pl.col("source").str.replace(r" @ .*$", "") + " (anon.)")
        .otherwise(pl.col("source"))
        .alias("source"),
        "outlet",
        pl.format(
            "{} [{}-{}]", fixed("reliability"), fixed("reliability_low"), fixed("reliability_high")
        ).alias("reliability [90%]"),
        "claims",
        pl.format("{}/{}", "confirmed", "refuted").alias("t/f"),
        pl.col("denied").alias("den"),
        pl.col("contradicted").alias("con"),
        pl.when(pl.col("change").is_null())
        .then(pl.lit("new"))
        .when(pl.col("change").abs() < 0.005)
        .then(pl.lit("="))
        .otherwise(pl.format("{}", (pl.col("change") * 100).round(0).cast(pl.Int64)))
        .str.replace(r"^(\d)", "+$1")
        .alias("Δ%"),
    )


def _pct(value) -> str:
    return "-" if value is None else f"{value:.2f}"


def explain_text(source: dict, claims: pl.DataFrame, events: pl.DataFrame, width: int = 100) -> str:
    """A readable account of one source's score: the score and its group, each claim with
    its events, and the claims that moved the score most."""
    lines = [
        f"{source['source']}  ({source['kind']}, {source['source_id']})",
        f"reliability {_pct(source['reliability'])}  90% interval "
        f"{_pct(source['reliability_low'])}-{_pct(source['reliability_high'])}  "
        f"rank {source['rank']}  as of {source['as_of']}",
        f"shrunk toward its group: {source['group']} ({_pct(source['group_reliability'])})",
        f"record: {source['claims']} claims, {source['settled']} settled "
        f"({source['confirmed']} held up, {source['refuted']} did not), "
        f"{source['denied']} denied, {source['contradicted']} contradicted",
        "",
        "Claims",
    ]
    by_claim = events.partition_by("claim_id", as_dict=True) if events.height else {}
    for claim in claims.iter_rows(named=True):  # one source's claims: a page, not a table scan
        label = claim["label"]
        state = "open" if label is None else ("held up" if label == 1 else "did not hold up")
        lines.append(
            f"  {claim['published']}  {claim['claim_id']}  {claim['outlet']}  "
            f"p_true {_pct(claim['p_true'])}  (model {_pct(claim['p_model'])})  {state}"
        )
        lines.extend(
            textwrap.wrap(
                f'"{claim["text"]}"',
                width=width - 6,
                initial_indent="      ",
                subsequent_indent="       ",
            )
        )
        if claim.get("sentence"):  # extracted from an article: the sentence it came from
            lines.extend(
                textwrap.wrap(
                    f"from {claim['article_id']}: {claim['sentence']}",
                    width=width - 6,
                    initial_indent="      ",
                    subsequent_indent="        ",
                )
            )
        claim_events_ = by_claim.get((claim["claim_id"],))
        if claim_events_ is not None:
            for event in claim_events_.iter_rows(named=True):
                who = f" by {event['by']}" if event["by"] else ""
                verdict = f" ({event['verdict']})" if event["verdict"] else ""
                note = f": {event['note']}" if event["note"] else ""
                lines.append(f"      - {event['event']}{verdict}{who} on {event['at']}{note}")
    lines += ["", "What moved the score most"]
    group = source["group_reliability"] or 0.5
    movers = (
        claims.filter(pl.col("p_true").is_not_null())
        .with_columns(pull=pl.col("p_true") - group)
        .sort(pl.col("pull").abs(), descending=True)
        .head(5)
    )
    for claim in movers.iter_rows(named=True):
        direction = "up" if claim["pull"] > 0 else "down"
        claim_events_ = by_claim.get((claim["claim_id"],))
        why = ", ".join(
            f"{e['event']}" + (f" by {e['by']}" if e["by"] else "")
            for e in (claim_events_.iter_rows(named=True) if claim_events_ is not None else [])
        ) or ("its verdict" if claim["label"] is not None else "the model's reading of it")
        pull, p_true = abs(claim["pull"]), _pct(claim["p_true"])
        lines.append(f"  {direction:>4} {pull:.2f}  {claim['claim_id']} (p_true {p_true}): {why}")
    return "\n".join(lines)

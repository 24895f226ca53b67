"""Quality on real data, end to end through the command line: LIAR (Wang 2017).

    .venv/bin/python benchmarks/liar.py

History = the train statements with their PolitiFact verdicts (as `rated` outcomes); targets
= the valid statements, ingested as claims with their verdicts withheld. Statements become
claims (source = speaker, outlet = context, affiliation = party), dated in id order (ids
follow PolitiFact's order, close to time order; three statements a day), each verdict a week
after its statement. Columns 9-13 (credit counts that include later verdicts) are never read.
`trackrecord ingest` + `run` score the targets; p_true is compared with the withheld verdicts
(true = half-true or better) beside the naive track record (each speaker's settled share
that held up, smoothed toward the overall share) and the overall rate. Figures go into
benchmarks/RESULTS.md.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.harness import ROOT, TRACKRECORD, append_results  # noqa: E402
from scoring import metrics  # noqa: E402

LIAR = ROOT.parent / "shared" / "data" / "liar"
COLUMNS = [
    "id",
    "verdict",
    "statement",
    "subjects",
    "speaker",
    "job",
    "state",
    "party",
    "c9",
    "c10",
    "c11",
    "c12",
    "c13",
    "context",
]
HOLDS_UP = ["true", "mostly-true", "half-true"]


def statements() -> pl.DataFrame:
    frames = [
        pl.read_csv(
            LIAR / f"{split}.tsv",
            separator="\t",
            has_header=False,
            new_columns=COLUMNS,
            quote_char=None,
            schema_overrides={c: pl.String for c in COLUMNS},
        )
        .select("id", "verdict", "statement", "speaker", "party", "context")
        .with_columns(split=pl.lit(split))
        for split in ("train", "valid")
    ]
    rows = (
        pl.concat(frames)
        .with_columns(number=pl.col("id").str.replace(r"\.json$", "").cast(pl.Int64))
        .sort("number")
        .with_row_index("order")
    )
    return rows.with_columns(
        published=(pl.lit(dt.date(2007, 1, 1)) + pl.duration(days=pl.col("order") // 3)).cast(
            pl.Date
        ),
        truth=pl.col("verdict").is_in(HOLDS_UP).cast(pl.Int8),
    )


def write_input(rows: pl.DataFrame, folder: Path) -> None:
    rows.select(
        claim_id=pl.col("id"),
        published_at=pl.col("published").cast(pl.String),
        source=pl.col("speaker").fill_null("unknown").str.replace_all("-", " "),
        source_kind=pl.lit("named"),
        affiliation=pl.when(pl.col("party").is_in(["none", ""]))
        .then(None)
        .otherwise(pl.col("party")),
        outlet=pl.col("context").fill_null("unknown").str.strip_chars().replace("", "unknown"),
        text=pl.col("statement").fill_null("").replace("", "(no text)"),
    ).write_ndjson(folder / "claims.jsonl")
    rows.filter(pl.col("split") == "train").select(
        claim_id=pl.col("id"),
        event=pl.lit("rated"),
        at=(pl.col("published") + dt.timedelta(days=7)).cast(pl.String),
        by=pl.lit("PolitiFact"),
        verdict=pl.col("verdict"),
    ).write_ndjson(folder / "outcomes.jsonl")


def cli(db: Path, *args: str) -> str:
    done = subprocess.run([TRACKRECORD, "--db", str(db), *args], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"trackrecord {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout


def main() -> None:
    if not LIAR.exists():
        raise SystemExit(f"LIAR is not at {LIAR}; nothing to measure")
    rows = statements()
    as_of = rows["published"].max() + dt.timedelta(days=30)
    with tempfile.TemporaryDirectory() as tmp:
        folder, db = Path(tmp), Path(tmp) / "liar.duckdb"
        write_input(rows, folder)
        cli(db, "ingest", str(folder / "claims.jsonl"), str(folder / "outcomes.jsonl"))
        cli(db, "run", "--as-of", str(as_of))
        scores = pl.DataFrame(
            json.loads(
                cli(
                    db,
                    "sql",
                    "select c.claim_id, c.source_id, s.p_true from claim_scores as s "
                    "join claims as c using (claim_id)",
                    "--format",
                    "json",
                )
            )
        )
        run = json.loads(cli(db, "sql", "select metrics, note from runs", "--format", "json"))[0]
    truth = rows.select(claim_id="id", split="split", label="truth")
    scored = scores.join(truth, on="claim_id")
    history = scored.filter(pl.col("split") == "train").select("source_id", "label")
    targets = scored.filter(pl.col("split") == "valid")
    y = targets["label"].to_numpy()
    naive = metrics.naive_track_record(history, targets.select("claim_id", "source_id"))
    overall = metrics.overall_rate(history, targets.select("claim_id"))
    table = [
        ("trackrecord p_true", targets["p_true"].to_numpy()),
        ("naive track record", naive["p"].to_numpy()),
        ("overall rate", overall["p"].to_numpy()),
    ]
    lines = [
        f"| {name} | {metrics.auc(y, p):.3f} | {metrics.brier(y, p):.4f} | "
        f"{metrics.log_loss(y, p):.4f} | {metrics.expected_calibration_error(y, p):.3f} |"
        for name, p in table
    ]
    gain = metrics.auc(y, table[0][1]) - metrics.auc(y, table[1][1])
    text = (
        f"""\
Command: `.venv/bin/python benchmarks/liar.py` on {dt.date.today()}: {history.height} train
verdicts as history, {len(y)} valid statements as targets (verdicts withheld), run as of
{as_of}; end to end through `trackrecord ingest` and `trackrecord run`. Model: {run["metrics"]}.

| method | AUC | Brier | log loss | calibration error |
|---|---:|---:|---:|---:|
"""
        + "\n".join(lines)
        + f"""

AUC gain over the naive track record: {gain:+.3f} (bar: +0.05 and a lower Brier score).
"""
    )
    append_results("LIAR (real data)", text)
    print(text)


if __name__ == "__main__":
    main()

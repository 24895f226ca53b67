"""Loading claim, outcome and article files into the warehouse, with validation and
quarantine.

How the checked files (warehouse.inputs) travel:

0. Article files are read, their claims and events extracted and written as claim and outcome
   files in a temporary folder (warehouse.article_ingest); from then on they travel as the
   files a person hands in, quarantine naming the article file.

1. Staged (warehouse.staging): every row typed and checked in temp tables, with why an
   invalid row is invalid and what loading a valid one would do. Claims first: outcomes are
   checked against them.
2. Identified and merged (warehouse.merge): the identity rules run on the distinct names of
   the valid rows; in one transaction, valid rows insert or update `claims` and `outcomes`,
   each invalid row goes to `quarantine` with a reason a person understands, and an outcome
   whose claim has not arrived waits there (`unknown claim`) until an ingest brings it.
3. Articles kept (warehouse.article_ingest.save): the articles, where each claim came from,
   links for review, unreadable article rows in quarantine; an edited article's old claims
   and events taken back. Then `sources` and `outlets` rebuilt, in the same transaction.

A dry run stops after counting what the merge would do.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from warehouse import article_ingest, merge
from warehouse.article_ingest import ArticleOptions
from warehouse.database import run_script, transaction
from warehouse.errors import BadInput
from warehouse.inputs import InputFile
from warehouse.refresh import refresh_identities
from warehouse.staging import Progress, stage


@dataclass
class IngestReport:
    """What one ingest did, for the summary line and for tests."""

    files: list[str] = field(default_factory=list)
    claims_loaded: int = 0
    claims_updated: int = 0
    claims_unchanged: int = 0
    outcomes_loaded: int = 0
    outcomes_updated: int = 0
    outcomes_unchanged: int = 0
    quarantined: int = 0
    waiting: int = 0
    released: int = 0
    resolved: int = 0
    articles: int = 0
    articles_without_attributions: int = 0
    dry_run: bool = False

    @property
    def loaded_anything(self) -> bool:
        return bool(
            self.claims_loaded
            + self.claims_updated
            + self.claims_unchanged
            + self.outcomes_loaded
            + self.outcomes_updated
            + self.outcomes_unchanged
            + self.released
            + self.waiting
            + self.articles
        )

    def summary(self) -> str:
        verb = "would load" if self.dry_run else "loaded"
        articles = (
            f"{self.articles} article(s), {self.articles_without_attributions} without "
            "attributions; "
            if self.articles
            else ""
        )
        return (
            f"{len(self.files)} file(s): {articles}claims {self.claims_loaded} {verb}, "
            f"{self.claims_updated} updated, {self.claims_unchanged} unchanged; "
            f"outcomes {self.outcomes_loaded + self.released} {verb}, "
            f"{self.outcomes_updated} updated, "
            f"{self.outcomes_unchanged} unchanged; {self.quarantined} quarantined, "
            f"{self.waiting} waiting for their claim"
            + (
                f"; {self.resolved} quarantined row(s) {'would leave' if self.dry_run else 'left'} "
                "quarantine, their claim loaded from the same file"
                if self.resolved
                else ""
            )
        )


def ingest(
    con: duckdb.DuckDBPyConnection,
    inputs: list[InputFile],
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
    articles: ArticleOptions | None = None,
) -> IngestReport:
    """Validate and load the checked `inputs` (warehouse.inputs.check_inputs). With
    `dry_run`, validate and count only. Article files are extracted with `articles`
    (defaults when None).

    `con` is a writable warehouse connection (read-only is enough for a dry run). Raises
    BadInput (exit 2) for a file that cannot be read, before anything is written, and when
    no row at all could load.
    """
    note = progress or (lambda message: None)
    report = IngestReport(files=[str(file.path) for file in inputs], dry_run=dry_run)
    # Row order only matters where it is kept explicitly (line numbers, file order), so DuckDB
    # may stream rows in any order: faster, and far less memory on big files.
    con.execute("set preserve_insertion_order = false")
    run_script(con, "ingest_setup.sql")
    batch = None
    if any(file.kind == "articles" for file in inputs):
        note("extracting articles")
        batch = article_ingest.read_batch(inputs, articles or ArticleOptions())
        report.articles = batch.articles.height
        report.articles_without_attributions = batch.without_attributions
    with tempfile.TemporaryDirectory(prefix="trackrecord-") as workdir:
        extracted = article_ingest.extracted_inputs(batch, Path(workdir)) if batch else []
        numbered = list(enumerate(inputs + extracted))
        claim_files = [(index, file) for index, file in numbered if file.kind == "claims"]
        stage(con, "claims", claim_files, Path(workdir), note)
        outcome_files = [(index, file) for index, file in numbered if file.kind == "outcomes"]
        stage(con, "outcomes", outcome_files, Path(workdir), note)
    note("identifying sources")
    merge.identify(con, merge.claim_identities(merge.distinct_claim_values(con)))
    if dry_run:
        counts = merge.classify(con)
    else:
        with transaction(con):
            note("merging")
            counts = merge.classify(con)
            merge.write(con)
            if batch is not None:
                article_ingest.save(con, batch)
            note("updating sources and outlets")
            refresh_identities(con)
            note("committing")
    for key, value in counts.items():
        setattr(report, key, value)
    if batch is not None:
        report.quarantined += batch.rejected.height
    if not report.loaded_anything and inputs:
        raise BadInput(
            f"no row could load from {len(inputs)} file(s); "
            f"{report.quarantined} row(s) quarantined (see `trackrecord quarantine`)"
        )
    return report

"""Links extraction was unsure of (`review_links`, sql/008_articles.sql): listed for a
person, who accepts one (its event loads through the normal ingest of a one-row outcome, so
identities and validation apply as to any outcome) or rejects it (kept, so that a re-ingest
of the same articles does not ask again).
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import replace
from pathlib import Path

import duckdb
import polars as pl

from warehouse.database import fetch_frame
from warehouse.errors import BadInput
from warehouse.ingest import IngestReport, ingest
from warehouse.inputs import check_inputs


def pending_links(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """The links waiting for a decision, the surest first: the claim's sentence and the
    answering sentence side by side, with the event accepting would load."""
    return fetch_frame(
        con,
        """
        select link_id, round(confidence, 2) as confidence, event, "by",
               claim_sentence, answer_sentence
        from main.review_links
        where status = 'pending'
        order by confidence desc, link_id""",
    )


def _pending(con: duckdb.DuckDBPyConnection, link_id: str) -> dict:
    found = fetch_frame(
        con,
        """select link_id, claim_id, event, "at", "by", note, status, decided_at
           from main.review_links where link_id = $link_id""",
        {"link_id": link_id},
    )
    if found.is_empty():
        raise BadInput(f"no link {link_id} to review (see `trackrecord review`)")
    link = found.row(0, named=True)
    if link["status"] != "pending":
        day = f"{link['decided_at']:%Y-%m-%d}"
        raise BadInput(f"link {link_id} was already {link['status']} on {day}")
    return link


def _decide(con: duckdb.DuckDBPyConnection, link_id: str, status: str) -> None:
    con.execute(
        """update main.review_links set status = $status, decided_at = now()::timestamp
           where link_id = $link_id""",
        {"status": status, "link_id": link_id},
    )


def accept_link(con: duckdb.DuckDBPyConnection, link_id: str) -> IngestReport:
    """Load the link's event as an outcome and mark the link accepted. Raises BadInput for
    an unknown or already decided link, and when the event cannot load (it is then in
    quarantine, and the link stays pending)."""
    link = _pending(con, link_id)
    outcome = {key: link[key] for key in ("claim_id", "event", "at", "by", "note")}
    with tempfile.TemporaryDirectory(prefix="trackrecord-review-") as folder:
        path = Path(folder) / "outcome.jsonl"
        path.write_text(json.dumps(outcome, ensure_ascii=False) + "\n", encoding="utf-8")
        # quarantine, should the event not load, names the review, not a temporary file
        (checked,) = check_inputs([str(path)])
        report = ingest(con, [replace(checked, shown_as=Path(f"review {link_id}"))])
    _decide(con, link_id, "accepted")
    # The event is now the answering article's: an edit of that article can take it back.
    con.execute(
        """insert into main.event_origins
           select claim_id, event, "at", coalesce("by", ''), article_id
           from main.review_links as r
           where link_id = $link_id and not exists (
               select 1 from main.event_origins as e
               where e.claim_id = r.claim_id and e.event = r.event and e."at" = r."at"
                 and e."by" = coalesce(r."by", '') and e.article_id = r.article_id)""",
        {"link_id": link_id},
    )
    return report


def reject_link(con: duckdb.DuckDBPyConnection, link_id: str) -> None:
    """Mark the link rejected: it loads nothing and is not asked again. Raises BadInput for
    an unknown or already decided link."""
    _pending(con, link_id)
    _decide(con, link_id, "rejected")

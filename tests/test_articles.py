"""Article files through `trackrecord ingest`, `extract` and `review` (design.md, "Input:
articles"): claims and events extracted from text load like claims and outcomes, bad article
rows are quarantined with a reason, an edited article replaces what it gave, and unsure links
wait for a person. Articles here are written for the tests, a sentence or two each.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import write_jsonl

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference" / "ceasefire-article.txt"
ARTICLE_TABLES = ["articles", "claim_origins", "event_origins", "review_links"]

DENIAL = {
    "article_id": "toi-0529",
    "published_at": "2025-05-29",
    "outlet": "Times of Israel",
    "story": "gaza-ceasefire",
    "text": (
        "A Palestinian official, speaking to the Times of Israel, claimed that Steve Witkoff "
        "had accepted the amendments proposed by Hamas.\n\nSteve Witkoff categorically denied "
        "the Palestinian official's claims, telling the newspaper that he never agreed to any "
        "changes."
    ),
}
# A back-reference ("that was not true") points to a claim less surely: left for review.
UNSURE = {
    "article_id": "kan-0530",
    "published_at": "2025-05-30",
    "outlet": "Kan",
    "story": "gaza-ceasefire",
    "text": (
        "An Egyptian mediator told Kan that the talks would resume on Sunday.\n\n"
        "A Qatari diplomat said that was not true."
    ),
}
LINK = "kan-0530#88>kan-0530#21"


def ok(result):
    assert result.exit_code == 0, (result.stdout, result.stderr, result.exception)
    return result


@pytest.fixture
def everything(snapshot, query):
    def take():
        tables = {name: sorted(query(f"select * from {name}"), key=repr) for name in ARTICLE_TABLES}
        return snapshot() | tables

    return take


def test_an_article_loads_its_claims_and_the_denial(trackrecord, query, tmp_path):
    path = write_jsonl(tmp_path / "articles.jsonl", [DENIAL])
    result = ok(trackrecord("ingest", path))
    assert "1 article(s), 0 without attributions; claims 3 loaded" in result.stdout
    claims = query("select claim_id, source, outlet from claims order by claim_id")
    assert claims == [
        ("toi-0529#160", "Steve Witkoff", "Times of Israel"),
        ("toi-0529#202", "Steve Witkoff", "Times of Israel"),
        ("toi-0529#57", "Palestinian official", "Times of Israel"),
    ]
    assert query('select claim_id, event, "by" from outcomes') == [
        ("toi-0529#57", "denied", "Steve Witkoff")
    ]
    assert query("select sentence from claim_origins where claim_id = 'toi-0529#57'") == [
        (DENIAL["text"].split("\n\n")[0],)
    ]
    assert query("select article_id, outlet, story from articles") == [
        ("toi-0529", "Times of Israel", "gaza-ceasefire")
    ]


def test_ingesting_the_same_articles_again_changes_nothing(trackrecord, everything, tmp_path):
    path = write_jsonl(tmp_path / "articles.jsonl", [DENIAL, UNSURE])
    ok(trackrecord("ingest", path))
    before = everything()
    result = ok(trackrecord("ingest", path))
    assert "claims 0 loaded, 0 updated, 5 unchanged" in result.stdout
    assert everything() == before


def test_an_edited_article_replaces_its_claims_and_events(trackrecord, query, tmp_path):
    ok(trackrecord("ingest", write_jsonl(tmp_path / "a.jsonl", [DENIAL])))
    # The edit drops the denial: the claims it no longer gives and their events go.
    edited = DENIAL | {"text": DENIAL["text"].split("\n\n")[0]}
    result = ok(trackrecord("ingest", write_jsonl(tmp_path / "a.jsonl", [edited])))
    assert "claims 0 loaded, 0 updated, 1 unchanged" in result.stdout
    assert query("select claim_id from claims") == [("toi-0529#57",)]
    assert query("select count(*) from outcomes") == [(0,)]
    assert query("select claim_id from claim_origins") == [("toi-0529#57",)]
    assert query("select count(*) from event_origins") == [(0,)]
    assert query("select claims from sources where source = 'Steve Witkoff'") == []


def test_bad_article_rows_are_quarantined_and_good_ones_load(trackrecord, query, tmp_path):
    path = write_jsonl(
        tmp_path / "articles.jsonl",
        [
            DENIAL,
            "{broken",
            {"article_id": "empty", "published_at": "2025-05-30", "outlet": "Kan", "text": " "},
            {"article_id": "feb30", "published_at": "2025-02-30", "outlet": "Kan", "text": "x"},
            {"article_id": "nowhere", "published_at": "2025-05-30", "text": "He said so."},
        ],
    )
    result = ok(trackrecord("ingest", path))
    assert "4 quarantined" in result.stdout
    assert query("select line, reason, kind from quarantine order by line") == [
        (2, "not a JSON object (an article is one JSON object per line)", "articles"),
        (3, "no text: the article is empty", "articles"),
        (4, "published_at is not an ISO 8601 date or datetime", "articles"),
        (5, "missing outlet (give --outlet for pages)", "articles"),
    ]
    assert query("select distinct file from quarantine") == [(str(path),)]
    assert query("select count(*) from claims") == [(3,)]
    # Ingested again, the same bad rows are not quarantined twice.
    ok(trackrecord("ingest", path))
    assert query("select count(*) from quarantine") == [(4,)]


def test_a_page_with_no_article_text_is_quarantined(trackrecord, query, tmp_path):
    menu = tmp_path / "menu.html"
    menu.write_text("<html><head><title>Menu</title></head><body><nav>Home</nav></body></html>")
    story = tmp_path / "story.html"
    paragraphs = "".join(f"<p>{p}</p>" for p in DENIAL["text"].split("\n\n"))
    story.write_text(f"<html><body><article>{paragraphs}</article></body></html>")
    result = ok(
        trackrecord("ingest", menu, story, "--outlet", "Kan", "--published-at", "2025-05-30")
    )
    assert "1 article(s), 0 without attributions; claims 3 loaded" in result.stdout
    assert query("select file, reason, kind from quarantine") == [
        (str(menu), "no article text found in the page", "articles")
    ]
    assert query("select article_id, outlet, published_at from articles") == [
        ("story", "Kan", "2025-05-30")
    ]
    assert query("select count(*) from outcomes where event = 'denied'") == [(1,)]


def test_an_article_without_attributions_is_counted_not_refused(trackrecord, query, tmp_path):
    quiet = DENIAL | {"article_id": "weather", "text": "Rain fell over the coast on Friday."}
    result = ok(trackrecord("ingest", write_jsonl(tmp_path / "a.jsonl", [quiet])))
    assert "1 article(s), 1 without attributions" in result.stdout
    assert query("select article_id from articles") == [("weather",)]


def test_extract_writes_claims_outcomes_and_attributions(trackrecord, tmp_path, db):
    path = write_jsonl(tmp_path / "articles.jsonl", [DENIAL, "{broken"])
    out = tmp_path / "out"
    result = ok(trackrecord("extract", path, "--out", out))
    assert result.stdout.startswith("articles 1, without attributions 0, attributions 5, claims 3")
    assert result.stderr.splitlines() == [
        f"{path}:2: not a JSON object (an article is one JSON object per line)",
        "1 article row(s) could not be read",
    ]
    claims = [json.loads(line) for line in (out / "claims.jsonl").read_text().splitlines()]
    assert {c["claim_id"] for c in claims} == {"toi-0529#57", "toi-0529#160", "toi-0529#202"}
    outcomes = [json.loads(line) for line in (out / "outcomes.jsonl").read_text().splitlines()]
    assert [(o["claim_id"], o["event"]) for o in outcomes] == [("toi-0529#57", "denied")]
    first = json.loads((out / "attributions.jsonl").read_text().splitlines()[0])
    assert first["source"] == {"text": "A Palestinian official", "spans": [[0, 22]]}
    assert first["resolved_source"] == "Palestinian official"
    assert not db.exists()  # no warehouse touched


def test_extract_exits_2_when_nothing_could_be_read(trackrecord, tmp_path):
    path = write_jsonl(tmp_path / "articles.jsonl", [{"article_id": "a", "text": "x"}])
    result = trackrecord("extract", path, "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert result.stderr.startswith("trackrecord: error: no article could be read")


def test_review_lists_accepts_and_rejects_links(trackrecord, query, tmp_path):
    path = write_jsonl(tmp_path / "articles.jsonl", [DENIAL, UNSURE])
    ok(trackrecord("ingest", path))
    listed = ok(trackrecord("review", "--format", "json"))
    (link,) = json.loads(listed.stdout)
    assert link["link_id"] == LINK and link["confidence"] == 0.55
    assert (
        link["claim_sentence"]
        == "An Egyptian mediator told Kan that the talks would resume on Sunday."
    )
    assert link["answer_sentence"] == "A Qatari diplomat said that was not true."
    assert query("select count(*) from outcomes where claim_id = 'kan-0530#21'") == [(0,)]

    ok(trackrecord("review", "accept", LINK))
    assert query("select event, \"by\" from outcomes where claim_id = 'kan-0530#21'") == [
        ("contradicted", "Qatari diplomat")
    ]
    assert query("select status from review_links") == [("accepted",)]
    assert ok(trackrecord("review")).stdout == "no links waiting for review\n"

    again = trackrecord("review", "accept", LINK)
    assert again.exit_code == 2 and again.stderr.startswith("trackrecord: error: link ")


def test_a_rejected_link_is_not_asked_again(trackrecord, query, tmp_path):
    path = write_jsonl(tmp_path / "articles.jsonl", [DENIAL, UNSURE])
    ok(trackrecord("ingest", path))
    assert ok(trackrecord("review", "reject", LINK)).stdout == f"rejected {LINK}\n"
    ok(trackrecord("ingest", path))
    assert query("select link_id, status from review_links") == [(LINK, "rejected")]
    assert query("select count(*) from outcomes where claim_id = 'kan-0530#21'") == [(0,)]
    assert ok(trackrecord("review")).stdout == "no links waiting for review\n"


def test_review_of_an_unknown_link_is_one_line_and_exit_2(trackrecord, tmp_path):
    ok(trackrecord("ingest", write_jsonl(tmp_path / "a.jsonl", [DENIAL])))
    result = trackrecord("review", "reject", "nope")
    assert result.exit_code == 2
    assert (
        result.stderr == "trackrecord: error: no link nope to review (see `trackrecord review`)\n"
    )


def test_explain_shows_the_sentence_a_claim_came_from(trackrecord, tmp_path):
    ok(trackrecord("ingest", write_jsonl(tmp_path / "a.jsonl", [DENIAL])))
    ok(trackrecord("run", "--as-of", "2025-06-01"))
    shown = ok(trackrecord("explain", "Palestinian official @ Times of Israel")).stdout
    assert "from toi-0529: A Palestinian official, speaking to the Times of Israel," in shown
    assert "denied by Steve Witkoff on 2025-05-29" in shown


def test_the_ceasefire_article_gives_the_official_a_denial(trackrecord, query, tmp_path):
    if not REFERENCE.is_file():
        pytest.skip(f"the reference article is absent ({REFERENCE})")
    article = {
        "article_id": "toi-0529",
        "published_at": "2025-05-29",
        "outlet": "Times of Israel",
        "text": REFERENCE.read_text(encoding="utf-8"),
    }
    ok(trackrecord("ingest", write_jsonl(tmp_path / "a.jsonl", [article])))
    ok(trackrecord("run", "--as-of", "2025-06-01"))
    (row,) = query(
        "select kind, denied from source_scores "
        "where source = 'Palestinian official @ Times of Israel'"
    )
    assert row[0] == "anonymous" and row[1] >= 1
    assert query("select kind, outlet from source_scores where source like 'Israeli source%'") == [
        ("anonymous", "Haaretz")
    ]

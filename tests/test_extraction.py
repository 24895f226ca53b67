"""extraction: attributions, sources and links found in small hand-written articles, with exact
spans, and in the ceasefire article of ../shared/reference when it is there."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from extraction import extract_articles, sentences, stories
from extraction.cues import inflections

CEASEFIRE = Path(__file__).resolve().parents[2] / "shared" / "reference" / "ceasefire-article.txt"


def articles(*texts: str, story: str | None = "bridge", outlet: str = "The Daily Planet"):
    return pl.DataFrame(
        {
            "article_id": [f"a{i}" for i in range(len(texts))],
            "published_at": [f"2025-06-0{i + 1}" for i in range(len(texts))],
            "outlet": [outlet] * len(texts),
            "text": list(texts),
            "story": [story] * len(texts),
        }
    )


def span(text: str, piece: str, after: int = 0) -> list[int]:
    start = text.index(piece, after)
    return [start, start + len(piece)]


def only(text: str, **columns) -> dict:
    """The one attribution found in `text`."""
    found = extract_articles(articles(text, **columns)).attributions.to_dicts()
    assert len(found) == 1, found
    return found[0]


def test_sentences_split_at_stops_but_not_after_abbreviations_or_initials():
    text = 'Mr. Smith met Sen. Jones at 5 p.m. in the U.S. Capitol. "Go," he said.\nNext line'
    pieces = [text[a:b] for a, b in sentences.split(text)]
    assert pieces == [
        "Mr. Smith met Sen. Jones at 5 p.m. in the U.S. Capitol.",
        '"Go," he said.',
        "Next line",
    ]


def test_verbs_are_inflected_with_their_particle():
    assert {"pointed out", "points out", "pointing out"} <= inflections("point out", {})
    assert {"denies", "denied", "denying"} <= inflections("deny", {})


def test_direct_quote_split_around_the_cue_is_one_attribution_in_two_pieces():
    text = 'Maria Lopez arrived. "The talks have failed," she said. "We will go home."'
    found = only(text.split(". ", 1)[1])
    body = text.split(". ", 1)[1]
    assert found["source"] == {"text": "she", "spans": [span(body, "she")]}
    assert found["cue"]["spans"] == [span(body, "said")]
    assert found["content"]["spans"] == [
        span(body, '"The talks have failed,"'),
        span(body, '"We will go home."'),
    ]


def test_content_before_a_source_after_a_comma():
    text = "The bridge would reopen on Monday, officials said."
    found = only(text)
    assert found["source"]["spans"] == [span(text, "officials")]
    assert found["content"]["spans"] == [span(text, "The bridge would reopen on Monday")]
    assert found["source_kind"] == "anonymous"


def test_cue_before_the_source_after_a_quote():
    text = '"The plan is dead," said John Smith.'
    found = only(text)
    assert found["source"]["spans"] == [span(text, "John Smith")]
    assert found["cue"]["spans"] == [span(text, "said")]
    assert found["content"]["spans"] == [span(text, '"The plan is dead,"')]


def test_indirect_speech_with_an_object_before_that():
    text = "Maria Lopez told the mediators that the offer was final."
    found = only(text)
    assert found["source"]["spans"] == [span(text, "Maria Lopez")]
    assert found["cue"]["spans"] == [span(text, "told")]
    assert found["content"]["spans"] == [span(text, "that the offer was final")]
    assert found["resolved_source"] == "Maria Lopez"
    assert found["source_kind"] == "named"


def test_according_to_before_after_and_inside_the_content():
    first = "According to the central bank, prices will rise."
    found = only(first)
    assert found["source"]["spans"] == [span(first, "the central bank")]
    assert found["cue"]["spans"] == [span(first, "According to")]
    assert found["content"]["spans"] == [span(first, "prices will rise")]
    last = "Prices will rise, according to the central bank."
    assert only(last)["content"]["spans"] == [span(last, "Prices will rise")]
    inside = "Prices, according to the central bank, will rise."
    assert only(inside)["content"]["spans"] == [span(inside, "Prices"), span(inside, "will rise")]


def test_source_splitting_the_content():
    text = "Hamas, the source said, is insisting on guarantees."
    found = [
        a for a in extract_articles(articles(text)).attributions.to_dicts() if a["form"] == "direct"
    ][0]
    assert found["source"]["spans"] == [span(text, "the source")]
    assert found["content"]["spans"] == [
        span(text, "Hamas"),
        span(text, "is insisting on guarantees"),
    ]


def test_speaking_to_an_outlet_names_the_vouching_outlet():
    text = "A person familiar with the talks, speaking to Reuters, said the sides were far apart."
    found = only(text)
    assert found["source"]["spans"] == [span(text, "A person familiar with the talks")]
    assert found["content"]["spans"] == [span(text, "the sides were far apart")]
    assert (found["source_kind"], found["outlet"]) == ("anonymous", "Reuters")


def test_participle_takes_the_subject_of_its_clause():
    text = "The minister resigned on Monday, saying he had lost the confidence of the party."
    found = only(text)
    assert found["source"]["spans"] == [span(text, "The minister")]
    assert found["cue"]["spans"] == [span(text, "saying")]
    assert found["content"]["spans"] == [span(text, "he had lost the confidence of the party")]


def test_impersonal_passive_has_no_source_and_makes_no_claim():
    text = "It was reported that the border had been closed."
    extraction = extract_articles(articles(text))
    found = extraction.attributions.to_dicts()[0]
    assert found["source"] is None
    assert found["cue"]["spans"] == [span(text, "It was reported")]
    assert found["content"]["spans"] == [span(text, "that the border had been closed")]
    assert extraction.claims.height == 0


def test_headline_with_a_colon():
    text = "Mayor: The bridge stays shut\n\nThe city closed the bridge."
    found = only(text)
    assert found["source"]["spans"] == [span(text, "Mayor")]
    assert found["cue"]["spans"] == [span(text, ":")]
    assert found["content"]["spans"] == [span(text, "The bridge stays shut")]


def test_anonymous_descriptions_keep_affiliation_and_the_outlet_they_spoke_to():
    text = "Sources close to Hamas told Haaretz that the group would not disarm."
    found = only(text)
    assert found["source_kind"] == "anonymous"
    assert found["affiliation"] == "Hamas"
    assert found["outlet"] == "Haaretz"
    text = "Two officials who spoke on condition of anonymity said the deal was close."
    found = only(text)
    assert (found["source_kind"], found["resolved_source"]) == ("anonymous", "Official")
    assert found["outlet"] == "Daily Planet"  # the publisher vouches when no outlet is named


def test_pronoun_description_and_surname_resolve_to_the_earlier_mention():
    text = (
        "A senior Israeli official said the talks had stalled. "
        "The official added that a deal was still possible. "
        "Envoy Dana Whitfield said the offer stood. "
        "Whitfield later said the offer had a deadline. "
        "She said the deadline was Friday."
    )
    found = extract_articles(articles(text)).attributions.to_dicts()
    assert [a["source"]["text"] for a in found] == [
        "A senior Israeli official",
        "The official",
        "Envoy Dana Whitfield",
        "Whitfield",
        "She",
    ]
    assert [a["resolved_source"] for a in found] == [
        "Israeli official",
        "Israeli official",
        "Dana Whitfield",
        "Dana Whitfield",
        "Dana Whitfield",
    ]
    assert found[1]["affiliation"] == "Israeli"


def test_claims_are_keyed_by_article_and_cue_offset_and_keep_their_spans():
    text = "Officials said the bridge over the river was closed on Monday."
    claims = extract_articles(articles(text)).claims.to_dicts()
    assert [c["claim_id"] for c in claims] == [f"a0#{text.index('said')}"]
    claim = claims[0]
    assert claim["text"] == "the bridge over the river was closed on Monday"
    assert claim["published_at"] == "2025-06-01"
    assert claim["story"] == "bridge"
    assert claim["sentence"] == text
    assert claim["cue_spans"] == [span(text, "said")]


CLAIM = "Officials said the bridge over the river was closed on Monday."


def test_a_denial_by_someone_else_contradicts_the_claim_it_repeats():
    text = CLAIM + " John Smith denied that the bridge over the river was closed on Monday."
    outcomes = extract_articles(articles(text)).outcomes.to_dicts()
    assert outcomes == [
        {
            "claim_id": f"a0#{text.index('said')}",
            "event": "contradicted",
            "at": "2025-06-01",
            "by": "John Smith",
            "note": "John Smith denied that the bridge over the river was closed on Monday.",
        }
    ]


def test_a_denial_by_the_claims_subject_is_denied_across_articles_of_a_story():
    first = "A Palestinian official told the Times of Israel that Dana Whitfield had accepted."
    later = "Dana Whitfield denied the Palestinian official's claims."
    extraction = extract_articles(articles(first, later))
    assert extraction.outcomes.select("claim_id", "event", "at", "by").to_dicts() == [
        {
            "claim_id": f"a0#{first.index('told')}",
            "event": "denied",
            "at": "2025-06-02",
            "by": "Dana Whitfield",
        }
    ]
    apart = extract_articles(articles(first, later).with_columns(story=pl.Series(["x", "y"])))
    assert apart.outcomes.height == 0  # two stories given: the articles are not linked


def test_a_confirmation_corroborates():
    text = CLAIM + " Police confirmed that the bridge over the river was closed on Monday."
    events = extract_articles(articles(text)).outcomes["event"].to_list()
    assert events == ["corroborated"]


def test_an_unsure_link_waits_for_review_below_the_threshold():
    text = CLAIM + " The mayor rejected the report."
    extraction = extract_articles(articles(text))
    assert extraction.outcomes.height == 0
    link = extraction.links.to_dicts()[0]
    assert (link["claim_id"], link["event"]) == (f"a0#{text.index('said')}", "contradicted")
    assert link["confidence"] < 0.7
    assert extract_articles(articles(text), link_threshold=0.5).outcomes.height == 1


def test_a_negative_sentence_that_points_to_nothing_is_no_denial():
    text = CLAIM + " Police said nobody was hurt. Officials said the ferry was not running."
    extraction = extract_articles(articles(text))
    assert extraction.outcomes.height == 0
    assert extraction.links.height == 0


def test_re_extraction_is_idempotent():
    frame = articles(CLAIM + " John Smith denied that the bridge over the river was closed.")
    first, again = extract_articles(frame), extract_articles(frame)
    for name in ("attributions", "claims", "outcomes", "links"):
        assert getattr(first, name).equals(getattr(again, name))


@pytest.fixture(scope="module")
def ceasefire():
    if not CEASEFIRE.exists():
        pytest.skip(f"{CEASEFIRE} is absent")
    text = CEASEFIRE.read_text(encoding="utf-8")
    frame = pl.DataFrame(
        {
            "article_id": ["toi-0529"],
            "published_at": ["2025-05-29"],
            "outlet": ["Ynet News"],
            "text": [text],
            "story": ["gaza-ceasefire"],
        }
    )
    return text, extract_articles(frame)


def test_ceasefire_the_official_at_the_times_of_israel_holds_the_claim(ceasefire):
    text, extraction = ceasefire
    claim = extraction.claims.filter(pl.col("text").str.contains("he accepted the modifications"))
    row = claim.row(0, named=True)
    assert row["claim_id"] == f"toi-0529#{text.index('claimed')}"
    assert (row["source"], row["source_kind"]) == ("Palestinian official", "anonymous")
    assert (row["affiliation"], row["outlet"]) == ("Palestinian", "Times of Israel")


def test_ceasefire_witkoff_denies_it(ceasefire):
    text, extraction = ceasefire
    denied = extraction.outcomes.filter(pl.col("event") == "denied")
    assert f"toi-0529#{text.index('claimed')}" in denied["claim_id"].to_list()
    assert set(denied["by"]) == {"Steve Whitcoff"}


def test_ceasefire_israeli_source_is_anonymous_at_haaretz(ceasefire):
    _, extraction = ceasefire
    israeli = extraction.claims.filter(pl.col("source") == "Israeli source")
    assert israeli.height == 2
    assert set(israeli["outlet"]) == {"Haaretz"}
    assert set(israeli["source_kind"]) == {"anonymous"}


def test_ceasefire_quoted_statement_is_witkoffs_claim(ceasefire):
    text, extraction = ceasefire
    quote = extraction.claims.filter(pl.col("text").str.starts_with("“What I have seen"))
    row = quote.row(0, named=True)
    assert row["source"] == "Steve Whitcoff"
    assert row["content_spans"] == [
        span(text, "“What I have seen from Hamas is disappointing and totally unacceptable"),
        [text.index("“Israel will"), text.index("Hamas must accept it.”") + 22],
    ]


def test_ceasefire_page_furniture_yields_nothing(ceasefire):
    text, extraction = ceasefire
    furniture = text.index("Ask me anything")
    spans = extraction.attributions["cue"].struct.field("spans").to_list()
    assert all(pieces[0][0] < furniture for pieces in spans)


def test_a_cue_coordinated_to_an_earlier_verb_takes_the_clause_subject():
    text = "Mayor Ann Cole toured the bridge on Friday and said the repairs were finished."
    found = only(text)
    assert found["source"]["spans"] == [span(text, "Mayor Ann Cole")]
    assert found["cue"]["spans"] == [span(text, "said")]
    assert found["content"]["spans"] == [span(text, "the repairs were finished")]


def test_a_source_may_open_with_adjectives_before_a_title():
    text = "On Sunday, former Governor Tom Reed said the toll was too high."
    found = only(text)
    assert found["source"]["spans"] == [span(text, "former Governor Tom Reed")]
    assert found["content"]["spans"] == [span(text, "the toll was too high")]


def test_called_with_a_quoted_label_is_an_evaluation():
    text = "Senator Jane Park called the plan “a costly mistake.”"
    found = only(text)
    assert found["source"]["spans"] == [span(text, "Senator Jane Park")]
    assert found["cue"]["spans"] == [span(text, "called")]
    assert found["content"]["spans"] == [span(text, "the plan “a costly mistake.”")]


def test_asked_opens_the_question_put_to_a_source():
    text = "Asked whether the bridge was safe, the engineer said it was."
    found = extract_articles(articles(text)).attributions.to_dicts()
    asked = found[0]
    assert asked["source"] is None
    assert asked["cue"]["spans"] == [span(text, "Asked")]
    assert asked["content"]["spans"] == [span(text, "whether the bridge was safe")]


def test_an_outlet_or_a_poll_reports_without_that():
    text = (
        "The Daily Planet reported the bridge would close. The poll shows Cole ahead by ten points."
    )
    found = extract_articles(articles(text)).attributions.to_dicts()
    assert [f["source"]["text"] for f in found] == ["The Daily Planet", "The poll"]
    assert found[0]["content"]["spans"] == [span(text, "the bridge would close")]
    assert found[1]["content"]["spans"] == [span(text, "Cole ahead by ten points")]


def test_a_speaker_in_the_first_or_second_person_is_left_out():
    text = "“I think you said the bridge was safe,” Cole said."
    found = only(text)
    assert found["source"]["text"] == "Cole"


BRIDGE = (
    "An engineer at Harbor Works told the Riverside Courier that the Elm Street bridge over the "
    "Calder River had failed its safety inspection. The Elm Street bridge carries commuters."
)
BRIDGE_DENIAL = (
    "Mayor Ann Cole denied that the Elm Street bridge had failed its safety inspection. The "
    "Calder River crossing is sound, the mayor's office said."
)
UNRELATED = (
    "A chef at the Blue Lantern told the Hillside Gazette that the new menu would feature "
    "mushrooms. Diners applauded the autumn dishes."
)


def test_stories_are_inferred_from_shared_names_and_words_within_a_window():
    frame = articles(BRIDGE, BRIDGE_DENIAL, UNRELATED, story=None)
    assert stories.infer(frame).to_list() == ["inferred:a0", "inferred:a0", "inferred:a2"]
    later = frame.with_columns(published_at=pl.Series(["2025-06-01", "2025-06-20", "2025-06-03"]))
    assert stories.infer(later, window_days=7).to_list() == [
        "inferred:a0",
        "inferred:a1",
        "inferred:a2",
    ]
    given = frame.with_columns(story=pl.Series(["bridge", None, None]))
    assert stories.infer(given).to_list()[0] == "bridge"


def test_a_denial_links_to_the_claim_of_an_inferred_story():
    extraction = extract_articles(articles(BRIDGE, BRIDGE_DENIAL, UNRELATED, story=None))
    assert extraction.outcomes.select("claim_id", "event", "by").to_dicts() == [
        {"claim_id": f"a0#{BRIDGE.index('told')}", "event": "contradicted", "by": "Ann Cole"}
    ]
    chef = extraction.claims.filter(pl.col("article_id") == "a2")["claim_id"].to_list()
    assert chef and not set(chef) & set(extraction.outcomes["claim_id"].to_list())
    alone = extract_articles(articles(BRIDGE, BRIDGE_DENIAL, story=None), story_window_days=0)
    assert alone.outcomes.height == 0  # a day apart, outside a window of none


def test_a_quotation_left_open_goes_on_in_the_next_paragraph():
    text = (
        "Bridge reopens\n\nMayor Ann Cole said: “The bridge is safe. We checked it twice.\n\n"
        "“Nobody should worry about the crossing.”\n\nTraffic resumed."
    )
    found = only(text)
    assert found["source"]["spans"] == [span(text, "Mayor Ann Cole")]
    assert found["content"]["spans"] == [
        span(text, "“The bridge is safe. We checked it twice."),
        span(text, "“Nobody should worry about the crossing.”"),
    ]


def test_a_belief_verb_without_that_after_a_name_or_pronoun():
    text = "Ann Cole believes the bridge will last another decade."
    found = only(text)
    assert found["cue"]["spans"] == [span(text, "believes")]
    assert found["content"]["spans"] == [span(text, "the bridge will last another decade")]

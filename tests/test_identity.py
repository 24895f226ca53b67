"""Tests for warehouse.identity: folding, titles, named vs anonymous, descriptor @ outlet pooling,
outlets, and source_id stability, first on the expressions themselves, then through ingest."""

from __future__ import annotations

import hashlib

import duckdb
import polars as pl
import pytest
from click.testing import CliRunner

from jobs.cli import cli
from warehouse import identity
from warehouse.connection import MIGRATIONS_TABLE, migration_files, sql_text


def source_id(identity_key: str) -> str:
    """The id refresh_identities.sql gives an identity key."""
    return "src-" + hashlib.md5(identity_key.encode()).hexdigest()[:12]


def apply(expr_of, values: list[str]) -> list[str]:
    """Run an identity expression over a column of strings."""
    frame = pl.DataFrame({"value": values}, schema={"value": pl.String})
    return frame.select(expr_of(pl.col("value"))).to_series().to_list()


def identify(source: str, source_kind: str | None = None) -> dict:
    """The identity row of one (source, source_kind)."""
    frame = pl.DataFrame(
        {"source": [source], "source_kind": [source_kind]},
        schema={"source": pl.String, "source_kind": pl.String},
    )
    return identity.identify_sources(frame).row(0, named=True)


# ----------------------------------------------------------------------------- folding


@pytest.mark.parametrize(
    "given, folded",
    [
        ("Steve Witkoff", "steve witkoff"),
        ("  STEVE   witkoff  ", "steve witkoff"),
        ("Steve\tWitkoff", "steve witkoff"),
        ("Steve Witkoff!!", "steve witkoff"),
        ("Benjamín Netanyahu", "benjamin netanyahu"),
        ("Recep Tayyip Erdoğan", "recep tayyip erdogan"),
        ("Emmanuel Macron.", "emmanuel macron"),
        ("Al-Jazeera", "al jazeera"),
        ("مسؤول فلسطيني", "مسؤول فلسطيني"),
        ("  مسؤول   فلسطيني  ", "مسؤول فلسطيني"),
        ("גורם ישראלי", "גורם ישראלי"),
    ],
)
def test_fold_folds_case_spacing_punctuation_and_latin_diacritics(given, folded):
    assert apply(identity.fold, [given]) == [folded]


def test_fold_keeps_the_letters_of_every_script():
    [folded] = apply(identity.fold, ["مسؤول فلسطيني"])
    # ؤ decomposes to و + hamza above under NFKD; it must come back whole, not as a bare و
    assert "ؤ" in folded
    assert folded != "مسوول فلسطيني"
    assert apply(identity.fold, ["Юлия Тимошенко"]) == ["юлия тимошенко"]
    assert apply(identity.fold, ["習近平"]) == ["習近平"]


def test_fold_drops_arabic_and_hebrew_vowel_marks_but_not_letters():
    assert apply(identity.fold, ["مُسؤول فلسطيني", "מְקוֹר ישראלי"]) == [
        "مسؤول فلسطيني",
        "מקור ישראלי",
    ]


# ----------------------------------------------------------------------------- named sources


@pytest.mark.parametrize(
    "given, key, display",
    [
        ("Steve Witkoff", "steve witkoff", "Steve Witkoff"),
        ("US special envoy Steve Witkoff", "steve witkoff", "Steve Witkoff"),
        ("U.S. Special Envoy Steve Witkoff", "steve witkoff", "Steve Witkoff"),
        ("Steve Witkoff, US envoy", "steve witkoff", "Steve Witkoff"),
        ("Hamas, the militant group", "hamas", "Hamas"),  # one word, then an apposition
        ("Netanyahu, Israel's prime minister", "netanyahu", "Netanyahu"),
        ("Netanyahu, Prime Minister", "netanyahu", "Netanyahu"),
        ("Prime Minister Benjamin Netanyahu", "benjamin netanyahu", "Benjamin Netanyahu"),
        ("Israeli Prime Minister Benjamin Netanyahu", "benjamin netanyahu", "Benjamin Netanyahu"),
        ("Secretary of State Marco Rubio", "marco rubio", "Marco Rubio"),
        ("Former President Donald Trump", "donald trump", "Donald Trump"),
        ("Hamas spokesman Hazem Qassem", "hazem qassem", "Hazem Qassem"),
        ("Hamas", "hamas", "Hamas"),
        ("White House", "white house", "White House"),
        ("مسؤول فلسطيني", "مسؤول فلسطيني", "مسؤول فلسطيني"),
    ],
)
def test_a_leading_title_and_the_words_before_it_are_dropped(given, key, display):
    assert apply(identity.named_key, [given]) == [key]
    assert apply(identity.named_display, [given]) == [display]


def test_a_title_alone_is_not_emptied():
    assert apply(identity.named_key, ["Prime Minister"]) == ["prime minister"]
    assert apply(identity.named_key, ["Secretary General"]) == ["secretary general"]


def test_titles_in_a_row_are_all_dropped():
    given = ["UN Secretary General Antonio Guterres"]
    assert apply(identity.named_key, given) == ["antonio guterres"]
    assert apply(identity.named_display, given) == ["Antonio Guterres"]


@pytest.mark.parametrize(
    "names",
    [
        # a surname before the comma: "Last, First", not a name and its apposition
        ["Obama, Barack", "Obama, Michelle"],
        ["Al Thani, Tamim", "Al Thani, Mohammed"],
        # a title of a place or body names an office, not a person after the title
        ["Emir of Qatar", "Prime Minister of Qatar"],
        ["President of Egypt", "Foreign Minister of Egypt"],
        # "King" inside a name, before a generational suffix
        ["Martin Luther King Jr.", "Coretta Scott King Jr."],
    ],
)
def test_different_people_are_never_folded_into_one_key(names):
    keys = apply(identity.named_key, names)
    assert len(set(keys)) == len(names)
    assert all(len(key.split()) >= 2 for key in keys)


@pytest.mark.parametrize(
    "given", ["Senior Hamas official Basem Naim", "Top Hamas official Osama Hamdan"]
)
def test_a_named_person_with_a_seniority_word_before_the_title_stays_named(given):
    row = identify(given)
    assert row["kind"] == "named"
    assert row["source_key"] == " ".join(given.lower().split()[-2:])


@pytest.mark.parametrize("given", ["General Motors", "Justice Department"])
def test_a_title_word_inside_an_organisation_name_is_kept(given):
    assert apply(identity.named_key, [given]) == [given.lower()]


# ----------------------------------------------------------------------------- kind


@pytest.mark.parametrize(
    "source, kind",
    [
        ("a Palestinian official", "anonymous"),
        ("an Israeli source", "anonymous"),
        ("two senior officials", "anonymous"),
        ("a person familiar with the talks", "anonymous"),
        ("officials who spoke on condition of anonymity", "anonymous"),
        ("Palestinian officials", "anonymous"),
        ("people familiar with the matter", "anonymous"),
        ("an Israeli source who spoke to Haaretz", "anonymous"),
        ("witnesses", "anonymous"),
        ("Gaza residents", "anonymous"),
        ("Doctors Without Borders", "named"),
        ("Jehovah's Witnesses", "named"),
        ("United Auto Workers", "named"),
        ("Witnesses", "anonymous"),
        ("Steve Witkoff", "named"),
        ("US special envoy Steve Witkoff", "named"),
        ("Hamas", "named"),
        ("Prime Minister Benjamin Netanyahu", "named"),
        ("مسؤول فلسطيني", "named"),
    ],
)
def test_kind_is_inferred_from_the_source(source, kind):
    assert apply(identity.infer_kind, [source]) == [kind]
    assert identify(source)["kind"] == kind


@pytest.mark.parametrize(
    "source, given", [("Hamas", "anonymous"), ("a Palestinian official", "named")]
)
def test_a_given_source_kind_wins(source, given):
    assert identify(source, given)["kind"] == given


# ----------------------------------------------------------------------------- descriptors


@pytest.mark.parametrize(
    "source, descriptor",
    [
        ("a Palestinian official", "palestinian official"),
        ("Palestinian officials", "palestinian official"),
        ("two Palestinian officials", "palestinian official"),
        ("two senior Palestinian officials", "palestinian official"),  # seniority is pooled
        ("an Israeli source who spoke to Haaretz", "israeli source"),
        ("Israeli sources", "israeli source"),
        ("witnesses", "witness"),  # -es after ss, sh, ch, x
        ("a witness", "witness"),
        ("a senior Israeli official who spoke on condition of anonymity", "israeli official"),
        ("people familiar with the talks", "person"),
        ("a person familiar with the talks", "person"),
        ("a US official", "us official"),
        ("three Egyptian diplomats", "egyptian diplomat"),
    ],
)
def test_an_anonymous_descriptor_drops_articles_numbers_and_clauses_and_is_singular(
    source, descriptor
):
    row = identify(source)
    assert row["kind"] == "anonymous"
    assert row["source_key"] == descriptor


def test_descriptor_display_keeps_acronyms_and_capitalises():
    assert identify("a US official")["source_display"] == "US official"
    assert identify("two Palestinian officials")["source_display"] == "Palestinian official"


@pytest.mark.parametrize(
    "given",
    [
        "The Times of Israel",
        "Times of Israel",
        "the times of israel",
        "  Times  of Israel ",
        "THE TIMES OF ISRAEL",
    ],
)
def test_outlets_fold_and_lose_a_leading_the(given):
    assert apply(identity.outlet_key, [given]) == ["times of israel"]


def test_outlet_display_drops_the_leading_the_but_keeps_case():
    assert apply(identity.outlet_display, ["The Times of Israel"]) == ["Times of Israel"]


# ----------------------------------------------------------------------------- through ingest


def test_descriptor_at_outlet_pools_at_one_outlet_and_splits_across_outlets(
    warehouse, tmp_path, rows, ingest_ok, query
):
    descriptions = ["a Palestinian official", "Palestinian officials", "two Palestinian officials"]
    claims = [
        rows.claim(f"toi-{i}", source=s, outlet="The Times of Israel")
        for i, s in enumerate(descriptions)
    ]
    claims += [
        rows.claim(f"haaretz-{i}", source=s, outlet="Haaretz") for i, s in enumerate(descriptions)
    ]
    ingest_ok(rows.jsonl(tmp_path / "claims.jsonl", claims))

    by_outlet = query(
        "select outlet_name, count(distinct source_id), count(*) from identified_claims "
        "group by outlet_name order by 1"
    )
    assert by_outlet == [("Haaretz", 1, 3), ("Times of Israel", 1, 3)]
    assert query("select count(distinct source_id) from claims") == [(2,)]
    assert query("select source, kind, outlet, claims from sources order by source") == [
        ("Palestinian official @ Haaretz", "anonymous", "Haaretz", 3),
        ("Palestinian official @ Times of Israel", "anonymous", "Times of Israel", 3),
    ]


def test_outlet_spellings_fold_to_one_outlet(warehouse, tmp_path, rows, ingest_ok, query):
    ingest_ok(
        rows.jsonl(
            tmp_path / "claims.jsonl",
            [
                rows.claim("a", source="a Palestinian official", outlet="The Times of Israel"),
                rows.claim("b", source="a Palestinian official", outlet="Times of Israel"),
                rows.claim("c", source="Steve Witkoff", outlet="THE TIMES OF ISRAEL"),
            ],
        )
    )

    assert query("select count(distinct source_id) from claims where claim_id in ('a', 'b')") == [
        (1,)
    ]
    assert query("select outlet, claims from outlets") == [("Times of Israel", 3)]


def test_named_spellings_and_titles_are_one_source_at_any_outlet(
    warehouse, tmp_path, rows, ingest_ok, query
):
    ingest_ok(
        rows.jsonl(
            tmp_path / "claims.jsonl",
            [
                rows.claim("a", source="Steve Witkoff", outlet="Axios"),
                rows.claim("b", source="US special envoy Steve Witkoff", outlet="Times of Israel"),
                rows.claim("c", source="Steve  WITKOFF!", outlet="Haaretz"),
                rows.claim("d", source="Prime Minister Benjamin Netanyahu"),
                rows.claim("e", source="Benjamin Netanyahu"),
            ],
        )
    )

    assert query("select source, kind, claims from sources order by source") == [
        ("Benjamin Netanyahu", "named", 2),
        ("Steve Witkoff", "named", 3),
    ]


def test_a_name_in_lower_case_is_the_same_named_source(warehouse, tmp_path, rows, ingest_ok, query):
    ingest_ok(
        rows.jsonl(
            tmp_path / "claims.jsonl",
            [
                rows.claim("a", source="Steve Witkoff", outlet="Axios"),
                rows.claim("b", source="steve witkoff", outlet="Haaretz"),
            ],
        )
    )

    assert query("select source, kind, claims from sources") == [("Steve Witkoff", "named", 2)]


def test_a_given_source_kind_decides_the_identity(warehouse, tmp_path, rows, ingest_ok, query):
    ingest_ok(
        rows.jsonl(
            tmp_path / "claims.jsonl",
            [
                rows.claim("a", source="Hamas", source_kind="anonymous", outlet="Al Jazeera"),
                rows.claim("b", source="Hamas", outlet="Al Jazeera"),
            ],
        )
    )

    assert query("select claim_id, source_kind from claims order by 1") == [
        ("a", "anonymous"),
        ("b", "named"),
    ]
    assert query("select count(distinct source_id) from claims") == [(2,)]


SOURCES = [
    ("Steve Witkoff", "Axios"),
    ("a Palestinian official", "The Times of Israel"),
    ("an Israeli source", "Haaretz"),
    ("مسؤول فلسطيني", "Al Jazeera"),
]


def test_source_id_is_stable_across_reingest_and_a_fresh_warehouse(
    tmp_path, rows, ingest_ok, query
):
    everything = rows.jsonl(
        tmp_path / "all.jsonl",
        [
            rows.claim(f"c{i}", source=source, outlet=outlet)
            for i, (source, outlet) in enumerate(SOURCES)
        ],
    )
    ingest_ok(everything)
    first = dict(query("select source, source_id from claims"))
    ingest_ok(everything)
    assert dict(query("select source, source_id from claims")) == first

    # a fresh warehouse that sees the sources in another order, beside other sources
    fresh = tmp_path / "fresh.duckdb"
    ingest_ok(
        rows.jsonl(
            tmp_path / "reversed.jsonl",
            [
                rows.claim("x0", source="Marco Rubio"),
                *(
                    rows.claim(f"x{i + 1}", source=source, outlet=outlet)
                    for i, (source, outlet) in enumerate(reversed(SOURCES))
                ),
            ],
        ),
        db_path=fresh,
    )
    again = dict(query("select source, source_id from claims", db_path=fresh))
    assert {source: again[source] for source in first} == first
    assert len(set(first.values())) == len(SOURCES)


def test_the_ceasefire_identities(ceasefire, ingest_ok, query):
    ingest_ok(ceasefire / "claims.jsonl", ceasefire / "outcomes.jsonl")

    ids = dict(query("select claim_id, source_id from claims"))
    assert ids["gz-001"] == ids["gz-002"]  # "a Palestinian official" @ Times of Israel, twice
    assert ids["gz-006"] == ids["gz-007"]  # "an Israeli source" @ Haaretz, twice
    assert ids["gz-004"] != ids["gz-005"]  # "Whitcoff" is not merged without an alias
    assert len(set(ids.values())) == 5
    assert query("select source, kind from sources where claims = 2 order by source") == [
        ("Israeli source @ Haaretz", "anonymous"),
        ("Palestinian official @ Times of Israel", "anonymous"),
    ]
    assert query("select source_name from identified_claims where claim_id = 'gz-005'") == [
        ("Steve Witkoff",)
    ]


# ------------------------------------------------------- the step-by-step frames, the same rules

TRICKY_NAMES = [
    "Steve Witkoff",
    "  STEVE   witkoff  ",
    "US special envoy Steve Witkoff",
    "Steve Witkoff, US envoy",
    "Obama, Barack",
    "Al Thani, Tamim",
    "Hamas, the militant group",
    "Emir of Qatar",
    "Prime Minister of Qatar",
    "Martin Luther King Jr.",
    "UN Secretary General Antonio Guterres",
    "Secretary General",
    "Prime Minister",
    "General Motors",
    "Justice Department",
    "Senior Hamas official Basem Naim",
    "Former Israeli Prime Minister Naftali Bennett",
    "Dr. Anthony Fauci",
    "Sheikh Tamim bin Hamad Al Thani",
    "Benjamín Netanyahu",
    "مسؤول فلسطيني",
    "Witnesses",
    "Jehovah's Witnesses",
    "",
    ",",
    "King",
    "Foreign Minister, Egypt",
]


def test_named_keys_frame_gives_named_key():
    """The ingest keys subjects and deniers with the step-by-step frame (named_keys): the
    same keys as the named_key expression the rules are written in."""
    frame = pl.LazyFrame({"name": TRICKY_NAMES})
    staged = identity.named_keys(frame, "name", "key").collect()["key"].to_list()
    assert staged == apply(identity.named_key, TRICKY_NAMES)


def test_identify_sources_gives_the_expressions_keys_and_displays():
    rows = identity.identify_sources(
        pl.DataFrame({"source": TRICKY_NAMES, "source_kind": ["named"] * len(TRICKY_NAMES)})
    )
    rows = rows.sort(pl.col("source").map_elements(TRICKY_NAMES.index, return_dtype=pl.Int64))
    assert rows["source_key"].to_list() == apply(identity.named_key, TRICKY_NAMES)
    assert rows["source_display"].to_list() == apply(identity.named_display, TRICKY_NAMES)


@pytest.mark.parametrize(
    "one, other",
    [
        ("U.S. State Department", "US State Department"),
        ("the White House", "White House"),
        ("The IDF", "IDF"),
        ("Steve Witkoff\u200b", "Steve Witkoff"),
        ("محمـد", "محمد"),
    ],
)
def test_spellings_of_one_name_fold_to_one_key(one, other):
    assert apply(identity.named_key, [one]) == apply(identity.named_key, [other])


@pytest.mark.parametrize(
    "plural, singular",
    [
        ("sources close to Hamas", "a source close to Hamas"),
        ("aides to Netanyahu", "an aide to Netanyahu"),
        ("Israeli officials in Jerusalem", "an Israeli official in Jerusalem"),
        ("people close to the negotiations", "a person close to the negotiations"),
    ],
)
def test_plural_roles_with_where_or_whose_they_are_are_one_anonymous_identity(plural, singular):
    rows = [identify(plural), identify(singular)]
    assert [row["kind"] for row in rows] == ["anonymous", "anonymous"]
    assert rows[0]["source_key"] == rows[1]["source_key"]


# ----------------------------------------------------------------------------- spellings


def test_each_spelling_is_identified_once_however_often_it_is_ingested(
    warehouse, tmp_path, rows, ingest_ok, query
):
    claims = [
        rows.claim("w1", source="US envoy Steve Witkoff", subject="Hamas"),
        rows.claim("w2", source="Steve Witkoff", outlet="The Times of Israel"),
        rows.claim("w3", source="US envoy Steve Witkoff", outlet="Times of Israel"),
    ]
    outcomes = [
        rows.outcome("w1", event="denied", at="2025-06-01", by="Hamas official"),
        rows.outcome("w2", event="corroborated", at="2025-06-01", by="The Axios"),
        rows.outcome("w3", event="denied", at="2025-06-02", by="Hamas official"),
    ]
    ingest_ok(
        rows.jsonl(tmp_path / "claims.jsonl", claims),
        rows.jsonl(tmp_path / "outcomes.jsonl", outcomes),
    )
    first = {
        t: sorted(query(f"select * from {t}"))
        for t in ("source_spellings", "outlet_spellings", "subject_spellings", "by_spellings")
    }
    assert first["by_spellings"] == [
        ("outlet", "The Axios", "axios"),
        ("person", "Hamas official", "hamas official"),
    ]
    ingest_ok(
        rows.jsonl(tmp_path / "again.jsonl", claims[:1]),
        rows.jsonl(tmp_path / "again-outcomes.jsonl", outcomes[:1]),
    )
    assert {t: sorted(query(f"select * from {t}")) for t in first} == first
    assert ("US envoy Steve Witkoff", "named", "steve witkoff", "Steve Witkoff") in first[
        "source_spellings"
    ]
    assert ("The Times of Israel", "times of israel", "Times of Israel") in first[
        "outlet_spellings"
    ]
    assert query(
        "select claim_id, source_key, outlet_key, subject_key from identified_claims "
        "order by claim_id"
    ) == [
        ("w1", "steve witkoff", "axios", "hamas"),
        ("w2", "steve witkoff", "times of israel", None),
        ("w3", "steve witkoff", "times of israel", None),
    ]


def test_a_spelling_identified_anew_takes_its_stored_claims_along(
    warehouse, tmp_path, rows, ingest_ok, query
):
    """A claim loaded under an older trackrecord's identity rules, whose spelling an ingest now
    keys differently, moves to the source its spelling names now: no claim is left pointing to
    a source that `sources` no longer has."""
    ingest_ok(rows.jsonl(tmp_path / "first.jsonl", [rows.claim("w1", source="Steve Witkoff")]))
    old_id = source_id("named:old witkoff")
    con = duckdb.connect(str(warehouse))
    con.execute("update source_spellings set source_key = 'old witkoff'")
    con.execute("update claims set source_id = ?", [old_id])
    con.close()
    ingest_ok(rows.jsonl(tmp_path / "second.jsonl", [rows.claim("w2", source="Steve Witkoff")]))
    new_id = source_id("named:steve witkoff")
    assert query("select claim_id, source_id from claims order by 1") == [
        ("w1", new_id),
        ("w2", new_id),
    ]
    assert query("select source_id, source, claims from sources") == [(new_id, "Steve Witkoff", 2)]


def test_a_warehouse_that_kept_identities_on_its_claims_moves_them_to_spellings(tmp_path, rows):
    """Before migration 004 every claim carried its source's, outlet's and subject's keys and
    names; the migration keeps one per spelling (the latest loaded) and drops the columns.
    Migration 005 turns content hashes into numbers; 006 does for the outcomes' `by` what 004
    does for claims."""
    db = tmp_path / "old.duckdb"
    con = duckdb.connect(str(db))
    con.execute(
        f"create table {MIGRATIONS_TABLE} (version integer primary key, "
        "name varchar not null, applied_at timestamp not null)"
    )
    for version, name in migration_files():
        if version < 4:
            con.execute(sql_text(name))
            con.execute(
                f"insert into {MIGRATIONS_TABLE} values (?, ?, now()::timestamp)", [version, name]
            )
    con.execute("""
        insert into claims values
        ('a1', '2025-01-01', 'src-1', 'Gen. Ann Roe', 'named', 'ann roe old', 'Ann Roe old',
         null, 'The Post', 'post', 'Post', 'text one', 'Hamas', 'hamas', null, null, '11',
         '2025-01-02'),
        ('a2', '2025-01-03', 'src-1', 'Gen. Ann Roe', 'named', 'ann roe', 'Ann Roe',
         null, 'The Post', 'post', 'Post', 'text two', null, null, null, null,
         '18446744073709551615',
         '2025-01-04'),
        ('a3', '2024-12-01', 'src-1', 'Gen. Ann Roe', 'named', 'ann roe', 'Ann Roe',
         null, 'The Post', 'post', 'Post', 'text three', null, null, null, null,
         'cc3b5f7e1d2a4b6c8d9e0f1a2b3c4d5e',
         '2024-12-02')""")
    con.execute("""
        insert into outcomes values
        ('a1', 'denied', '2025-01-05', 'Gen. Ann Roe', 'ann roe', null, null, null, '2025-01-06'),
        ('a1', 'corroborated', '2025-01-05', 'The Post', 'post', null, null, null, '2025-01-06'),
        ('a2', 'confirmed', '2025-01-07', '', '', null, null, null, '2025-01-08')""")
    con.close()
    result = CliRunner().invoke(cli, ["--db", str(db), "init"])
    assert result.exit_code == 0, result.output
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("select * from source_spellings").fetchall() == [
            ("Gen. Ann Roe", "named", "ann roe", "Ann Roe")
        ]
        assert con.execute("select * from outlet_spellings").fetchall() == [
            ("The Post", "post", "Post")
        ]
        assert con.execute("select * from subject_spellings").fetchall() == [("Hamas", "hamas")]
        columns = {row[0] for row in con.execute("describe claims").fetchall()}
        assert not columns & {
            "source_key",
            "source_name",
            "outlet_key",
            "outlet_name",
            "subject_key",
        }
        assert con.execute(
            "select claim_id, source_key, outlet_name, subject_key "
            "from identified_claims order by 1"
        ).fetchall() == [
            ("a1", "ann roe", "Post", "hamas"),
            ("a2", "ann roe", "Post", None),
            ("a3", "ann roe", "Post", None),
        ]
        # a1 was keyed "ann roe old" by older rules: every claim now points to the one source
        # its spelling names, and `sources` has it
        ann_roe = source_id("named:ann roe")
        assert con.execute("select distinct source_id from claims").fetchall() == [(ann_roe,)]
        assert con.execute("select source_id, source, claims from sources").fetchall() == [
            (ann_roe, "Ann Roe", 3)
        ]
        # 006: who did an outcome, folded, once per spelling of `by` and kind of event
        assert sorted(con.execute("select * from by_spellings").fetchall()) == [
            ("outlet", "The Post", "post"),
            ("person", "Gen. Ann Roe", "ann roe"),
        ]
        assert "by_key" not in {row[0] for row in con.execute("describe outcomes").fetchall()}
        assert sorted(
            con.execute("select claim_id, event, by_key from identified_outcomes").fetchall()
        ) == [("a1", "corroborated", "post"), ("a1", "denied", "ann roe"), ("a2", "confirmed", "")]
        # 005: content hashes, kept as their decimal text before, are the numbers they were;
        # the first warehouses' md5 in hex becomes 0 (the next re-ingest sees a change)
        assert con.execute("select content_hash from claims order by claim_id").fetchall() == [
            (11,),
            (2**64 - 1,),
            (0,),
        ]
    finally:
        con.close()

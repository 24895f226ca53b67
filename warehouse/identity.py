"""Who a row is: folding names, telling anonymous descriptions from names, identity keys.

These rules decide what a source *is*, so they live with the warehouse. They are Polars
expressions, applied to the distinct (source, source_kind, outlet) values of an ingest rather
than to every row, and `source_id` is derived from the resulting key in SQL (md5), so the same
source keeps its id across runs and re-ingests.

Rules (see the contract, "Sources and identity"):

- Folding: Unicode NFKD, diacritics and invisible characters removed, NFC again, dotted
  initials closed up ("U.S."), lower case, punctuation and symbols to spaces, spaces collapsed,
  a leading "the" dropped. Only diacritics go: letters of every script stay ("مسؤول فلسطيني"
  keeps its hamza).
- Named sources: after a full name, anything from the first comma on is an apposition and
  goes ("Steve Witkoff, US envoy"; one word before the comma may be a surname, "Obama, Barack",
  and the name stays whole); leading titles, with up to three words before them (nationality,
  organisation, "special", "former"), are dropped: "US special envoy Steve Witkoff" is "steve
  witkoff", unless what follows is no name ("Emir of Qatar", "Martin Luther King Jr.").
- Anonymous sources: the descriptor drops articles, number and quantity words, seniority words
  ("senior", "top", "high-ranking", "junior": seniority is reported inconsistently for the same
  person, so pooling gives each identity a longer record), trailing clauses ("who spoke to
  Haaretz", "speaking on condition of anonymity", "familiar with the talks"), and puts the last
  word in the singular: "two senior Palestinian officials" is "palestinian official";
  "witnesses" and "a witness" are one "witness". Unnamed groups in lower case are anonymous
  without an article too ("Gaza residents", "medics", "witnesses"; not "Jehovah's Witnesses"). The
  identity is descriptor @ outlet.
- Outlets fold the same way and lose a leading "the".
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

# Combining marks that are diacritics, not parts of letters: Latin/Greek/Cyrillic accents,
# Hebrew points and cantillation, Arabic short vowels, tanwin, shadda and sukun. Hamza
# (U+0654/U+0655) and maddah (U+0653) are left alone: in NFKD they carry letters such as ؤ.
_DIACRITICS = r"[\u0300-\u036f\u0591-\u05bd\u05bf\u05c1\u05c2\u05c4\u05c5\u05c7\u064b-\u0652\u0670]"
_PUNCTUATION = r"[\p{P}\p{S}]+"
# Zero-width spaces and joiners, the word joiner, the byte-order mark, the Arabic tatweel.
_INVISIBLE = r"[\u200b-\u200d\u2060\ufeff\u0640]"

_TITLE_WORDS = (
    "president|vice president|prime minister|minister|foreign minister|defen[cs]e minister|"
    "finance minister|envoy|ambassador|senator|sen|representative|rep|congressman|"
    "congresswoman|lawmaker|governor|gov|mayor|secretary of state|secretary|press secretary|"
    "spokesperson|spokesman|spokeswoman|general|gen|lieutenant general|colonel|col|admiral|"
    "commander|chief of staff|chief|director|adviser|advisor|national security adviser|leader|"
    "chairman|chairwoman|chair|ceo|judge|justice|king|queen|prince|sheikh|emir|dr|mr|mrs|ms|"
    "official|prof|professor|negotiator|mediator|mp|mk|candidate|premier|chancellor|speaker"
)
_TITLE_LIST = sorted(
    {
        word.replace("defen[cs]e", "defen")
        for phrase in _TITLE_WORDS.split("|")
        for word in phrase.split()
    }
)
# Up to three words before the title (nationality, organisation, "special", "former"), then
# the title, then at least one more word. Matched on text whose spaces are single spaces
# (folded, or cleaned by named_display): a plain space is many times faster to match than
# Unicode whitespace, and the text ends in a non-space, so the space after the title
# guarantees that something follows.
# Titles may follow each other ("UN Secretary General Antonio Guterres").
_TITLE_PREFIX = rf"^(?:[^ ]+ ){{0,3}}?(?:(?:{_TITLE_WORDS}) )+"
# What a title leaves that is not a person's name: a place or body ("Emir of Qatar", "Prime
# Minister of Qatar": two people, not "of qatar") or a generational suffix ("Martin Luther
# King Jr."); nor is another title alone ("Secretary General"). The name is then kept
# whole. Matched case-blind on single-spaced text.
_NOT_A_NAME = r"(?i)^(?:of |(?:jr|sr|ii|iii|iv)\.?$)"

# Matched on folded text (single spaces).
_CLAUSES = (
    r" (?:who|whom|speaking|spoke|familiar with|with knowledge of|on condition|"
    r"briefed on|knowledgeable about|involved in|requesting anonymity|granted anonymity|"
    r"not authori[sz]ed|told)(?-u:\b).*$"
)
_DROP_WORDS = (
    r"(?-u:\b)(?:a|an|the|one|two|three|four|five|six|seven|eight|nine|ten|several|some|many|"
    r"multiple|few|various|senior|top|high ranking|highranking|junior|anonymous|unnamed|\d+)(?-u:\b)"
)
_ANONYMOUS_START = (
    r"^(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|several|some|many|multiple|"
    r"few|various|unnamed|anonymous|\d+)\s"
)
# A title followed by one of these is part of an organisation's name ("General Motors",
# "Justice Department"), not a title before a person's name.
_ORGANISATION_END = (
    r"\s(?:department|ministry|office|motors|electric|dynamics|council|court|assembly|staff|"
    r"command|corps|services|agency|bureau|committee)$"
)
_ANONYMOUS_PHRASE = r"(?-u:\b)(?:anonymous|anonymity|unnamed|familiar with|with knowledge of|on condition of)(?-u:\b)"
# Roles of unnamed people, in the singular ("people" is the plural of "person"), and what can
# follow a plural one to say where or whose they are ("sources close to Hamas").
_ROLES = (
    "official|source|diplomat|insider|aide|officer|analyst|negotiator|mediator|staffer|"
    "adviser|advisor|figure|member"
)
_ROLE_PREPOSITION = r" (?:close to|in|to|from|at|inside|within|near|around|on|for|of|with)(?-u:\b)"
_ROLE_NOUNS = (
    rf"(?-u:\b)(?:(?:{_ROLES})s?|people|persons?)$"
    # plural, then where or whose they are: "sources close to Hamas", "aides to Netanyahu",
    # "officials in Washington" (a singular one has its article: "an aide to Netanyahu")
    rf"|(?-u:\b)(?:(?:{_ROLES})s|people){_ROLE_PREPOSITION}"
)
# Unnamed groups, anonymous when written in lower case ("witnesses", "Gaza residents") or
# alone ("Witnesses"); capitalised after other words they end an organisation's name
# ("Jehovah's Witnesses", "United Auto Workers", "UN Panel of Experts").
_GROUP_NOUNS = (
    r"(?:eye)?witness(?:es)?|residents?|medics?|doctors?|experts?|observers?|investigators?|"
    r"activists?|employees?|workers?"
)
_ACRONYMS = {"us", "uk", "un", "eu", "idf", "nato", "cia", "fbi", "pa", "plo", "uae", "gcc"}


def fold(text: pl.Expr) -> pl.Expr:
    """Case, spacing, punctuation and diacritics folded; letters of every script kept.
    Invisible characters and the Arabic elongation stroke go, dotted initials close up
    ("U.S." is "us", as "US" is), and a leading "the" goes ("the White House" is "white
    house") unless nothing else is left."""
    folded = (
        text.str.normalize("NFKD")
        .str.replace_all(_DIACRITICS, "")
        .str.replace_all(_INVISIBLE, "")
        .str.normalize("NFC")
        .str.replace_all(r"\b(\p{L})\.(\p{L})\.", "${1}${2}")
        .str.to_lowercase()
        .str.replace_all(_PUNCTUATION, " ")
        .str.replace_all(r"\s+", " ")
        .str.strip_chars()
    )
    return folded.str.replace(r"^the (.)", "${1}")


# After a comma, one or two capitalised words that are no title: given names ("Obama,
# Barack"), not an apposition ("Hamas, the militant group", "Witkoff, US envoy").
_GIVEN_NAMES = r"^\s*\p{Lu}[\p{L}'’.-]*(?:\s+\p{Lu}[\p{L}'’.-]*)?\s*$"


def _without_apposition(text: pl.Expr) -> pl.Expr:
    """The name before the first comma: what follows is an apposition ("Steve Witkoff, US
    envoy"), unless it is given names ("Obama, Barack", "Al Thani, Tamim"): then the text
    is kept whole, as dropping them would merge every Obama into one."""
    after = text.str.extract(r"^[^,]*,(.*)$", 1)
    words = after.str.to_lowercase().str.replace_all(r"[^\p{L}\s]", "").str.split(" ")
    given = (
        after.str.contains(_GIVEN_NAMES)
        & ~words.list.eval(pl.element().is_in(_TITLE_LIST)).list.any()
    )
    return (
        pl.when(given.fill_null(False))
        .then(text)
        .otherwise(text.str.replace(r",.*$", ""))
        .str.strip_chars()
    )


def _title_stays(stripped: pl.Expr, folded: pl.Expr) -> pl.Expr:
    """Whether a name keeps its titles: nothing is left without them, the title is part of an
    organisation's name ("General Motors", on the folded name), or what is left is no name
    (_NOT_A_NAME, or a title alone)."""
    return (
        (stripped.str.len_chars() == 0)
        | folded.str.contains(_ORGANISATION_END)
        | stripped.str.contains(_NOT_A_NAME)
        | stripped.str.to_lowercase().is_in(_TITLE_LIST)
    )


def _untitled(folded_name: pl.Expr) -> pl.Expr:
    stripped = folded_name.str.replace(_TITLE_PREFIX, "")
    return pl.when(_title_stays(stripped, folded_name)).then(folded_name).otherwise(stripped)


def named_key(source: pl.Expr) -> pl.Expr:
    """The folded key of a named source: apposition and leading title dropped."""
    return _untitled(fold(_without_apposition(source)))


def named_display(source: pl.Expr, folded_name: pl.Expr | None = None) -> pl.Expr:
    """The name as given, with apposition and leading title dropped (case kept).
    `folded_name`, when known, is named_key's fold of the same name (saves folding again)."""
    cleaned = _without_apposition(source).str.replace_all(r"\s+", " ")
    stripped = cleaned.str.replace(f"(?i){_TITLE_PREFIX}", "")
    folded = fold(cleaned) if folded_name is None else folded_name
    return pl.when(_title_stays(stripped, folded)).then(cleaned).otherwise(stripped)


# A role before where or whose they are ("sources close to Hamas"): the role, not the last
# word, is put in the singular ("a source close to Hamas" keeps its last word as it is).
_ROLES_BEFORE = rf"^(.*?(?-u:\b))({_ROLES})s({_ROLE_PREPOSITION}.*)$"
_PEOPLE_BEFORE = rf"^(.*?(?-u:\b))people({_ROLE_PREPOSITION}.*)$"
_ANY_ROLE_BEFORE = rf"(?-u:\b)(?:(?:{_ROLES})s?|person|people){_ROLE_PREPOSITION}"


def _singular(words: pl.Expr) -> pl.Expr:
    last_word = (
        words.str.replace(r"(?-u:\b)people$", "person")
        .str.replace(r"(\p{L}+?)ies$", "${1}y")
        .str.replace(r"(\p{L}+(?:ss|sh|ch|x))es$", "${1}")
        .str.replace(r"(\p{L}*[^sui\s])s$", "${1}")
    )
    role = words.str.replace(_ROLES_BEFORE, "${1}${2}${3}").str.replace(
        _PEOPLE_BEFORE, "${1}person${2}"
    )
    return pl.when(words.str.contains(_ANY_ROLE_BEFORE)).then(role).otherwise(last_word)


def descriptor(source: pl.Expr, folded: pl.Expr | None = None) -> pl.Expr:
    """The pooled descriptor of an anonymous source: 'two senior Palestinian officials' ->
    'palestinian official'. `folded`, when known, is fold(source)."""
    folded = fold(source) if folded is None else folded
    return _descriptor_or_folded(_singular(_pooled_words(folded)), folded)


def _pooled_words(folded: pl.Expr) -> pl.Expr:
    """An anonymous description's folded words less its trailing clause and the words that
    do not tell one identity from another (articles, numbers, seniority)."""
    core = folded.str.replace(_CLAUSES, "")
    return core.str.replace_all(_DROP_WORDS, " ").str.replace_all(r"\s+", " ").str.strip_chars()


def _descriptor_or_folded(singular: pl.Expr, folded: pl.Expr) -> pl.Expr:
    """The descriptor, unless dropping words left nothing: then the folded text."""
    return pl.when(singular.str.len_chars() > 0).then(singular).otherwise(folded)


def descriptor_display(descriptor_key: pl.Expr) -> pl.Expr:
    """'us official' -> 'US official'; 'palestinian official' -> 'Palestinian official'."""
    words = descriptor_key.str.split(" ")
    cased = words.list.eval(
        pl.when(pl.element().is_in(list(_ACRONYMS)))
        .then(pl.element().str.to_uppercase())
        .otherwise(pl.element())
    ).list.join(" ")
    return cased.str.slice(0, 1).str.to_uppercase() + cased.str.slice(1)


def infer_kind(source: pl.Expr, folded: pl.Expr | None = None) -> pl.Expr:
    """'anonymous' for indefinite descriptions ('a Palestinian official', 'officials who spoke
    on condition of anonymity', 'a person familiar with the talks'), else 'named'. `folded`,
    when known, is fold(source)."""
    folded = fold(source) if folded is None else folded
    core = folded.str.replace(_CLAUSES, "")
    anonymous = (
        folded.str.contains(_ANONYMOUS_START)
        | folded.str.contains(_ANONYMOUS_PHRASE)
        | core.str.contains(_ROLE_NOUNS)
        | source.str.contains(rf"(?:^|\s)(?:{_GROUP_NOUNS})\s*$")
        | folded.str.contains(rf"^(?:{_GROUP_NOUNS})$")
    )
    return pl.when(anonymous).then(pl.lit("anonymous")).otherwise(pl.lit("named"))


def outlet_key(outlet: pl.Expr) -> pl.Expr:
    """'The Times of Israel' -> 'times of israel'."""
    folded = fold(outlet)
    stripped = folded.str.replace(r"^the ", "")
    return pl.when(stripped.str.len_chars() > 0).then(stripped).otherwise(folded)


def outlet_display(outlet: pl.Expr) -> pl.Expr:
    cleaned = outlet.str.strip_chars().str.replace_all(r"\s+", " ")
    stripped = cleaned.str.replace(r"(?i)^the\s+", "")
    return pl.when(stripped.str.len_chars() > 0).then(stripped).otherwise(cleaned)


def of_text(rule: Callable[[pl.Expr], pl.Expr], text: str | None) -> str | None:
    """`rule` (named_key, outlet_key, descriptor, infer_kind, ...) applied to one text, for
    the commands that take a name."""
    return pl.select(rule(pl.lit(text, dtype=pl.String))).item()


def named_keys(names: pl.LazyFrame, column: str, into: str) -> pl.LazyFrame:
    """`names` with `into` = named_key(`column`), worked out one step per column (see
    _named_steps): the same keys as the expression, several times faster on many names."""
    return _named_steps(
        names.with_columns(_name=_without_apposition(pl.col(column))).with_columns(
            _name_folded=fold(pl.col("_name"))
        ),
        display=False,
    ).rename({"_key": into})


def _named_steps(named: pl.LazyFrame, *, display: bool) -> pl.LazyFrame:
    """Adds _key (named_key) and, with `display`, source_display (named_display), given _name
    (the name without its apposition, _without_apposition) and _name_folded (its fold).

    Each step is a column of its own: an expression that uses a step twice (named_key's
    when/then reads the stripped name in its test and in its value) recomputes it each time,
    and Polars' common-subexpression pass does not catch every repeat. The costly title rules
    only run on names holding a title word (a fast substring scan)."""
    folded = pl.col("_name_folded")
    titled = (" " + folded + " ").str.contains_any([f" {w} " for w in _TITLE_LIST])
    steps = named.with_columns(
        _titled=titled,
        _stripped=pl.when(titled).then(folded.str.replace(_TITLE_PREFIX, "")),
        _display=pl.col("_name").str.replace_all(r"\s+", " ") if display else pl.lit(None),
    ).with_columns(
        _stripped_display=pl.when(pl.col("_titled")).then(
            pl.col("_display").str.replace(f"(?i){_TITLE_PREFIX}", "")
        )
        if display
        else pl.lit(None),
    )
    keep_key = ~pl.col("_titled") | _title_stays(pl.col("_stripped"), folded)
    out = steps.with_columns(_key=pl.when(keep_key).then(folded).otherwise(pl.col("_stripped")))
    if display:
        keep_display = ~pl.col("_titled") | _title_stays(pl.col("_stripped_display"), folded)
        out = out.with_columns(
            source_display=pl.when(keep_display)
            .then(pl.col("_display"))
            .otherwise(pl.col("_stripped_display"))
        )
    return out.drop(
        "_name", "_name_folded", "_titled", "_stripped", "_display", "_stripped_display"
    )


def identify_sources(sources: pl.DataFrame) -> pl.DataFrame:
    """Identity of distinct (source, source_kind) rows: adds kind (a given source_kind wins,
    else inferred), source_key (folded name, or descriptor) and source_display.

    Each name is folded once; named and anonymous rows then go through their own rules only,
    each step a column of its own (see _named_steps). Lazy, so that the two kinds of row are
    worked on side by side.
    """
    source = pl.col("source")
    folded = pl.col("_folded")
    kinds = (
        sources.lazy()
        .with_columns(_folded=fold(source))
        .with_columns(kind=pl.coalesce(pl.col("source_kind"), infer_kind(source, folded)))
    )
    # fold(_without_apposition(source)) is fold(source) unless there is a comma to cut at.
    named = (
        kinds.filter(pl.col("kind") == "named")
        .with_columns(_name=_without_apposition(source))
        .with_columns(
            _name_folded=pl.when(source.str.contains(",", literal=True))
            .then(fold(pl.col("_name")))
            .otherwise(folded)
        )
    )
    named = _named_steps(named, display=True).rename({"_key": "source_key"})
    anonymous = (
        kinds.filter(pl.col("kind") == "anonymous")
        .with_columns(_pooled=_pooled_words(folded))
        .with_columns(_singular=_singular(pl.col("_pooled")))
        .with_columns(source_key=_descriptor_or_folded(pl.col("_singular"), folded))
        .with_columns(source_display=descriptor_display(pl.col("source_key")))
        .drop("_pooled", "_singular")
    )
    return (
        pl.concat([named, anonymous], how="vertical")
        .drop("_folded")
        .select(*sources.columns, "kind", "source_key", "source_display")
        .collect()
    )


def identify_outlets(outlets: pl.DataFrame) -> pl.DataFrame:
    """Adds outlet_key and outlet_display to distinct `outlet` rows."""
    return outlets.with_columns(
        outlet_key=outlet_key(pl.col("outlet")), outlet_display=outlet_display(pl.col("outlet"))
    )

"""Who each source is: coreference within an article, kind, affiliation, vouching outlet.

Within one article, a pronoun ("he", "they") points to the latest source before it, a
definite description ("the official", "the same source") to the latest earlier source or
indefinite mention with the same head word, and a lone surname ("Whitcoff") to the fullest
name in the article ending with it. The outlet a source spoke to ("speaking to the Times of
Israel", "told Haaretz", "telling the same newspaper") vouches for it across its chain, else
the publisher does. A claim's subject is the first name or pronoun its content opens with,
resolved the same way. Names are then identified in bulk by warehouse.identity (kind, display
name, descriptor): this module only decides which mention a source stands for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import polars as pl

from extraction import cues as cue_words
from extraction.attributions import Attribution
from warehouse import identity

_NAME_WORD = r"[A-Z][\w’'.-]*"
_NAME = re.compile(rf"\b{_NAME_WORD}(?:\s+(?:(?:de|van|von|bin|al|da|del|la)\s+)?{_NAME_WORD})+")
_DEFINITE = re.compile(
    r"^(?:the|this|that|these|those)\s+(?:same\s+)?(?P<words>[a-z][\w\s-]*)$", re.IGNORECASE
)
_GENERIC_HEADS = {"source", "sources", "person", "people", "official", "officials"}
_POSSESSIVE = re.compile(r"['’]s?$")
_SUBJECT = re.compile(
    r"(?:that\s+|whether\s+|[“\"‘])?(?:the\s+|a\s+|an\s+)?(?:[\w-]+\s+){0,3}?"
    rf"(?P<name>{_NAME_WORD}(?:\s+{_NAME_WORD})*|he|she|they)\b"
)
# Whose statement a content names: "(denied) the Palestinian official's claims".
_OWNER = re.compile(
    r"^(?:that\s+)?(?P<owner>(?:the\s+|an?\s+)?[\w.-]+(?:\s+[\w.-]+){0,3}?)['’]s?\s+"
    r"(?:earlier\s+|recent\s+|latest\s+)?(?:claims?|reports?|allegations?|statements?|"
    r"assertions?|accusations?|account|story|remarks|comments)\b"
)
_LEADING = {
    "that",
    "the",
    "a",
    "an",
    "this",
    "these",
    "those",
    "it",
    "in",
    "on",
    "but",
    "and",
    "what",
    "when",
    "if",
    "as",
    "we",
    "i",
    "our",
    "there",
    "however",
    "after",
    "before",
    "while",
}
_APPOSITION = re.compile(
    rf"(?:that\s+)?[^,“”\"]{{0,50}}?,\s+(?P<name>{_NAME_WORD}(?:\s+{_NAME_WORD})+),"
)


@dataclass(frozen=True)
class _OutletPatterns:
    spoke_to: re.Pattern
    same: re.Pattern
    mention: re.Pattern


@cache
def _outlets() -> _OutletPatterns:
    c = cue_words.load()
    outlet = (
        rf"(?:the\s+)?(?:{_NAME_WORD}\s+){{0,3}}(?:{c.media_words})(?:\s+of\s+{_NAME_WORD})?"
        rf"(?:\s+{_NAME_WORD}){{0,2}}|(?:the\s+)?(?:{c.outlet_names})\b(?:\s+{_NAME_WORD}){{0,2}}"
    )
    lead = (
        r"\b(?:speaking|spoke|speaks|talking|talked|talks|told|telling|tells|said\s+to|"
        r"interview\s+with|interviewed\s+by|statement\s+to|quoted\s+by)\s+(?:to\s+|with\s+)?"
    )
    return _OutletPatterns(
        spoke_to=re.compile(rf"{lead}(?P<outlet>{c.same_outlet}|{outlet})"),
        same=re.compile(rf"^(?:{c.same_outlet})$", re.IGNORECASE),
        mention=re.compile(rf"\b(?P<outlet>{outlet})"),
    )


def resolve(text: str, found: list[Attribution], publisher: str) -> list[dict]:
    """For each attribution of one article: the mention its source stands for (`entity`),
    the outlet that vouches for it, and its content's subject mention."""
    pronouns = cue_words.load().pronouns
    names = [
        (m.start() + offset, _POSSESSIVE.sub("", piece))
        for m in _NAME.finditer(text)
        for offset, piece in _sentence_pieces(m.group())
    ]
    outlets = _outlets()
    entities: list[str | None] = []
    rows: list[dict] = []
    for attribution in found:
        source = " … ".join(text[a:b] for a, b in attribution.source) or None
        at = attribution.source[0][0] if attribution.source else attribution.cue[0][0]
        entity = None
        if source:
            entity = _antecedent(text, source, at, entities, names, pronouns)
        entities.append(entity)
        outlet = _spoke_to(text, attribution, source, outlets, at)
        owner = _OWNER.search(_content(text, attribution))
        if owner:
            owner = _antecedent(text, owner["owner"], at, entities, names, pronouns)
        rows.append(
            {
                "source_text": source,
                "entity": entity,
                "spoke_to": outlet,
                "subject": _subject(text, attribution, entity, entities, names, pronouns),
                "owner": owner,
            }
        )
    # An outlet named anywhere in a source's chain vouches for the whole chain.
    chain_outlet: dict[str, str] = {}
    for row in rows:
        if row["entity"] and row["spoke_to"] and row["entity"] not in chain_outlet:
            chain_outlet[row["entity"]] = row["spoke_to"]
    for row in rows:
        row["outlet"] = row["spoke_to"] or chain_outlet.get(row["entity"] or "") or publisher
    return rows


def _sentence_pieces(name: str) -> list[tuple[int, str]]:
    """A run of capitalised words split where a sentence ends inside it ("Monday. Police"),
    not after an initial or a title ("R.", "Mr.")."""
    pieces, start = [], 0
    for stop in re.finditer(r"(?<=\w{4})\.\s+", name):
        pieces.append((start, name[start : stop.start()]))
        start = stop.end()
    pieces.append((start, name[start:]))
    return [(offset, piece) for offset, piece in pieces if piece]


def _content(text: str, attribution: Attribution) -> str:
    return " ".join(text[a:b] for a, b in attribution.content)


def _antecedent(text, source, at, entities, names, pronouns) -> str | None:
    """The mention `source` stands for: itself, or what a pronoun, description or surname
    points back to."""
    words = source.split()
    lowered = source.lower()
    earlier = [e for e in entities if e]
    if lowered in pronouns:
        if lowered in ("he", "she"):
            singular = [e for e in earlier if not _plural(e)]
            return singular[-1] if singular else _last_name_before(names, at)
        if lowered == "they" and earlier:
            return earlier[-1]
        return None
    definite = _DEFINITE.match(source)
    if definite and not any(w[0].isupper() for w in definite["words"].split()):
        head = definite["words"].split()[-1].lower()
        for entity in reversed(earlier):
            if re.search(rf"\b{re.escape(head)}s?\b", entity, re.IGNORECASE):
                return entity
        mention = re.findall(
            rf"\b(?:an?|two|three|several|some)\s+(?:[\w-]+\s+){{0,3}}?{re.escape(head)}s?\b"
            rf"(?:\s+(?:who|familiar|close)[^,.;]*)?",
            text[:at],
            re.IGNORECASE,
        )
        if mention:
            return mention[-1]
        if head in _GENERIC_HEADS:
            anonymous = [
                e for e in earlier if e[:1].islower() or e.lower().startswith(("a ", "an "))
            ]
            if anonymous:
                return anonymous[-1]
        return source
    if len(words) == 1 and words[0][:1].isupper():
        return _fullest(names, _POSSESSIVE.sub("", words[0])) or source
    return _POSSESSIVE.sub("", source)


def _plural(entity: str) -> bool:
    head = entity.split(" who ")[0].split()[-1].lower()
    return head.endswith("s") and not head.endswith("ss") and entity[:1].islower()


def _fullest(names: list[tuple[int, str]], surname: str) -> str | None:
    """The longest name in the article ending with `surname` (same spelling)."""
    matches = [n for _, n in names if n.split()[-1] == surname]
    return max(matches, key=len) if matches else None


def _last_name_before(names: list[tuple[int, str]], at: int) -> str | None:
    before = [n for start, n in names if start < at]
    return before[-1] if before else None


def _spoke_to(text, attribution, source, outlets, at) -> str | None:
    """The outlet the sentence says this source spoke to, if any."""
    start, end = attribution.sentence
    content_start = attribution.content[0][0] if attribution.content else end
    window = text[start:end]
    for match in outlets.spoke_to.finditer(window):
        # Only what is said of this source (between its first word and its content), not an
        # outlet named before it or inside what it said.
        if not at <= start + match.start() < max(content_start, at + 1):
            continue
        name = match["outlet"]
        if outlets.same.match(name):
            before = list(outlets.mention.finditer(text, 0, start + match.start()))
            return before[-1]["outlet"] if before else None
        return name
    return None


def _subject(text, attribution, entity, entities, names, pronouns) -> str | None:
    """The name or pronoun the content opens with, resolved: who the claim is about."""
    if not attribution.content:
        return None
    begin, end = attribution.content[0]
    if text[begin] in "“\"‘'":
        return None  # a quotation speaks in the first person: its subject is not named
    # "the US special envoy, Steve Whitcoff, had ...": an apposition names the subject.
    apposition = _APPOSITION.match(text, begin, end)
    head = apposition or _SUBJECT.match(text, begin, min(end, begin + 120))
    if not head:
        return None
    name = head["name"]
    if name.lower() in ("he", "she", "they"):
        return entity
    if name.split()[0].lower() in _LEADING:
        return None
    name = _POSSESSIVE.sub("", name)
    if len(name.split()) == 1:
        # A lone capitalised word opening a sentence may be any noun ("Prices will rise"):
        # it is a name only if the article also capitalises it inside a sentence.
        if not re.search(rf"[a-z,]\s+{re.escape(name)}\b", text):
            return None
        return _fullest(names, name) or name
    return name


def identify(mentions: pl.Expr) -> dict[str, pl.Expr]:
    """Polars expressions over a column of mentions: kind (named or anonymous), the display
    name or descriptor, and the folded key, all by warehouse.identity's rules."""
    kind = identity.infer_kind(mentions)
    key = (
        pl.when(kind == "named")
        .then(identity.named_key(mentions))
        .otherwise(identity.descriptor(mentions))
    )
    display = (
        pl.when(kind == "named")
        .then(identity.named_display(mentions))
        .otherwise(identity.descriptor_display(identity.descriptor(mentions)))
    )
    return {"kind": kind, "key": key, "display": display}


_AFFILIATION = re.compile(
    rf"^(?i:an?\s|the\s|two\s|three\s|several\s|some\s|many\s|one\s|senior\s|top\s|\s)*"
    rf"(?P<words>(?:{_NAME_WORD}\s+)+)"
)
_AFFILIATION_AFTER = re.compile(
    r"\b(?:close to|in|from|at|of|for|with)\s+(?:the\s+)?"
    rf"(?P<words>{_NAME_WORD}(?:\s+{_NAME_WORD})*)"
)


def affiliation(mention: str | None) -> str | None:
    """The side or body an unnamed source speaks for: the capitalised words of its
    description ("a senior Palestinian official" -> "Palestinian", "sources close to Hamas"
    -> "Hamas")."""
    if not mention:
        return None
    before = _AFFILIATION.match(mention)
    words = before["words"].strip() if before else ""
    roles = cue_words.load().roles
    if (
        words
        and words.lower() not in _LEADING
        and words.split()[-1].lower().rstrip("s") not in roles
    ):
        return words
    after = _AFFILIATION_AFTER.search(mention.split(" who ")[0])
    return after["words"] if after else None

"""Where a source and a content begin and end around a cue.

A forward source runs back from its cue to the last clause boundary, keeping an apposition
("Smith, a spokesman for the group,") and leaving out an aside ("speaking to Reuters") and
adverbs ("categorically"); it must read as a source (a pronoun, a name, a description). A
content runs to the end of its sentence, or to a semicolon or a new clause, without the final
full stop; a quotation goes on to its closing mark, and one resumed after the cue
(`"A," he said. "B."`) is a second piece. Offsets are code points into the article text.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from extraction import cues as cue_words

if TYPE_CHECKING:
    from extraction.attributions import Attribution

Span = tuple[int, int]

_OPENING = "“\"‘'"
_CLOSING = {"“": "”", '"': '"', "‘": "’", "'": "'"}
# Words that start a source description ("the official", "two sources", "his aides").
_DETERMINERS = (
    r"the|a|an|some|many|several|most|other|another|one|two|three|four|five|his|her|their|its|"
    r"our|this|that|these|those|both|all|each|no|few|more|senior|top|federal|state|local"
)
# Where the source of a forward cue begins: after the last of these in the words before it.
_SOURCE_START = re.compile(
    r"(?:[,;:()“”\"—–]|\s-\s|\b(?i:and|but|that|because|while|as|when|after|before|if|since|"
    r"so|though|although|where|whereas|than|then|yet|or|nor|which|whom|how|why|what|whether|"
    r"once|until|unless)\b)\s*"
)
# A parenthetical between a source and its cue: "The official, speaking to the Times of
# Israel, claimed" (left out of the source), "Smith, a spokesman for the group, said" and
# "Jones, who ..., said" (kept in it, with the closing comma, as an apposition).
_PARENTHETICAL = re.compile(
    r",\s+(?:(?P<aside>speaking|talking|writing)|who|an?|the|[A-Z][\w.’'-]*(?:\s+[A-Z][\w.’'-]*)+)"
    r"(?:\s[^,]+)?,\s*$"
)
# A name and one or two appositions closed by a comma before the cue: "Michael Mulgrew,
# president of the teachers' union, which represents educators, said".
_APPOSITIVE = re.compile(
    r"(?:^|(?<=[.;:—–(“”\"]\s)|(?<=\band\s)|(?<=\bbut\s)|(?<=\bthat\s))"
    r"(?!(?:However|Meanwhile|Still|Moreover|Instead|Indeed|Nevertheless|Also|Yet|But|And|So|"
    r"Then|Now|Still|Later|Earlier)\b)"
    r"(?P<name>(?:[A-Z][\w.’'-]*\s+){0,4}[A-Z][\w.’'-]*),(?P<apposition>\s+[^,;:“”\"]{3,100},"
    r"(?:\s+[^,;:“”\"]{3,100},)?)\s*$"
)
_ADVERBS = re.compile(
    r"(?:\b(?:[a-z]+ly|also|further|again|even|still|then|later|now|once|already|just|"
    r"previously|repeatedly|often|first|last|too)\s+){1,3}$"
)
# A source ends on a word of its own, not on a preposition, article or auxiliary ("he again
# refused to", "She started off by"); one with a finite verb outside a relative clause is a
# clause, not a source.
_BAD_END = re.compile(
    r"\b(?i:to|by|of|for|in|on|at|with|from|about|into|the|a|an|his|her|its|their|our|my|is|"
    r"was|are|were|be|been|being|has|have|had|did|does|do|not|and|or|but|if)$"
)
_FINITE = re.compile(r"(?<!who )(?<!that )(?<!which )\b(?:is|was|are|were|has|have|had)\s+\w+ing\b")
# What may follow a cue at the end of a sentence without being content ("said Tuesday").
_OPENER = re.compile(
    r"(?:However|Meanwhile|Still|Moreover|Instead|Indeed|Nevertheless|Also|Yet),\s+"
)
# An introductory phrase before "X said, ...": a setting, not content.
_CONTENT_STOP = re.compile(r";|,\s+but\s|\)\s*$")
NAME_ONLY = re.compile(r"(?:[A-Z][\w.’'-]*\s+){0,3}[A-Z][\w.’'-]*")
_LEAD = re.compile(r"\s*[,:]?\s*")
_BAD_START = {
    "now",
    "in",
    "on",
    "at",
    "for",
    "with",
    "by",
    "from",
    "to",
    "it",
    "there",
    "here",
    "having",
    "let",
    "please",
    "just",
    "so",
    "also",
    "then",
}


def content_after(sentence: str, at: int) -> Span | None:
    """The content from `at` to the end of the sentence: leading punctuation and a final full
    stop off, closing quotes kept."""
    lead = _LEAD.match(sentence, at)
    begin = lead.end() if lead else at
    finish = len(sentence)
    if sentence.endswith("."):
        finish -= 1
    if sentence[begin : begin + 1] not in _OPENING:
        stop = _CONTENT_STOP.search(sentence, begin, finish)
        if stop:
            finish = stop.start()
    if finish - begin < 2:
        return None
    return begin, finish


def content_before(sentence: str, stop: int, least: int = 2) -> Span | None:
    """The content from the start of the sentence to `stop` (a break before the source):
    a closing quote is kept, a comma or dash after the content is not."""
    piece = sentence[:stop].rstrip()
    keep = len(piece)
    while keep and piece[keep - 1] in ",—–-:" and not piece[: keep - 1].endswith(tuple('”"’')):
        keep -= 1
    if keep and piece[keep - 1] == "," and piece[keep - 2 : keep - 1] in ("”", '"', "’"):
        keep -= 1
    piece = piece[:keep].rstrip()
    opener = _OPENER.match(piece)
    begin = opener.end() if opener else 0
    return (begin, len(piece)) if len(piece[begin:].split()) >= least else None


def plausible_source(words: str) -> bool:
    """Whether the words before a cue can be who said it: a pronoun, a name, a description
    with a determiner, or a short plural ("critics", "sources", "polls")."""
    tokens = words.split()
    if not tokens or len(tokens) > 12:
        return False
    first = tokens[0].lower()
    if first in _BAD_START or (len(tokens) == 1 and first.endswith("ing")):
        return False
    if _patterns().cue.search(words):
        return False  # a cue among the words: they are a clause of their own
    if first in cue_words.load().pronouns or tokens[0][0].isupper() or tokens[0][0].isdigit():
        return True
    if re.fullmatch(_DETERMINERS, first) or first == "who":
        return True
    # A description whose adjectives precede a name or title: "former President Bill Clinton".
    if len(tokens) <= 8 and any(t[0].isupper() for t in tokens[1:]):
        return True
    return len(tokens) <= 3 and tokens[-1].lower().endswith("s")


def source_before(sentence: str, cue_start: int) -> Span | None:
    left = sentence[:cue_start]
    adverbs = _ADVERBS.search(left)
    if adverbs:
        left = left[: adverbs.start()]
    stop = left.rstrip()
    finish = len(stop)
    bracket = re.search(r"\s*\([^()]{1,40}\)$", stop)  # "Sen. David Perdue (R-Ga.) said"
    if bracket:
        stop = stop[: bracket.start()]
    appositive = _APPOSITIVE.search(left)
    parenthetical = _PARENTHETICAL.search(left)
    # An apposition holds no cue of its own ("Hamas, the source said, is insisting").
    if (
        appositive
        and not (parenthetical and parenthetical["aside"])
        and not _patterns().cue.search(appositive["apposition"])
    ):
        return appositive.start("name"), len(left.rstrip())
    if parenthetical:
        stop = left[: parenthetical.start()].rstrip()
        aside = parenthetical["aside"] or _patterns().cue.search(parenthetical.group())
        finish = len(stop) if aside else len(left.rstrip())
    begin = 0
    for boundary in _SOURCE_START.finditer(stop):
        begin = boundary.end()
    words = stop[begin:]
    # A possessive before the cue makes the cue a noun ("the official's claims").
    if (
        not plausible_source(words)
        or re.search(r"['’]s?$", words)
        or _BAD_END.search(words)
        or _FINITE.search(words)
    ):
        return None
    return begin, finish


# The subject of a clause whose second verb is a cue ("Graham called Trump crazy and said
# ..."): a pronoun, a name or a description at the start of the sentence or after an opener,
# followed by a verb, an adverb or an apposition.
_CLAUSE_SUBJECT = re.compile(
    r"(?:^|(?<=,\s)|(?<=\bwhen\s)|(?<=\bwhile\s)|(?<=\bafter\s)|(?<=\bbefore\s)|(?<=\bsince\s))"
    r"(?!(?:However|Meanwhile|Still|Moreover|Instead|Indeed|But|And|So|Then|When|While|After|"
    r"Before|Because|Since|If|In|On|At|As|For|With|From|By|Last|This|That|It|There)\b)"
    r"(?P<s>[Hh]e|[Ss]he|[Tt]hey|I|We|"
    r"(?:(?:[Tt]he|[Aa]n?)\s+)?(?:[a-z-]+\s+){0,2}?(?:[A-Z][\w’'.-]*\s+){0,4}[A-Z][\w’'.-]*|"
    r"(?:[Tt]he|[Aa]n?)\s+(?:[\w-]+\s+){0,2}[a-z]+)"
    r"(?=,\s|\s+(?:[a-z]+ly\s+)?(?:[a-z]+(?:ed|s)|did|does|do|had|has|was|is|will|would|"
    r"could|can|took|made|met|went|gave|held|got|spoke|ran|sat|won|lost|shook|kept|left|"
    r"began|wrote|said|told|thought)\b)"
)
_COORDINATED = re.compile(r"(?:,\s*|\s)(?:and|but|then|and\s+then|but\s+also|and\s+also)\s+$")


def coordinated_source(sentence: str, cue_start: int) -> Span | None:
    """The subject of the clause a cue is coordinated to: "X did A and said B" -> X."""
    left = sentence[:cue_start]
    adverbs = _ADVERBS.search(left)
    if adverbs:
        left = left[: adverbs.start()]
    if not _COORDINATED.search(left):
        return None
    for match in _CLAUSE_SUBJECT.finditer(left):
        words = match["s"]
        if not _patterns().cue.fullmatch(words.split()[-1]):
            return match.span("s")
    return None


def cut_nested(found: list[Attribution], text: str) -> None:
    """A forward content that runs into a later source-after-content attribution of the same
    sentence ends where that attribution's break begins."""
    for outer in found:
        if outer.form not in ("indirect", "participial", "according") or not outer.content:
            continue
        for inner in found:
            if inner is outer or inner.form != "direct" or not inner.source:
                continue
            begin, finish = outer.content[-1]
            at = inner.source[0][0]
            if begin < at < finish:
                kept = re.sub(r"(?:,|\s+and)?\s*$", "", text[begin:at])
                outer.content[-1] = (begin, begin + len(kept))
        for inner in found:
            if inner is outer or inner.form not in ("participial", "indirect"):
                continue
            # only a cue joined to the outer one ("..., adding", "... and said")
            joint = text[max(0, inner.cue[0][0] - 6) : inner.cue[0][0]]
            if inner.form == "indirect" and not re.search(r"(?:,|\band)\s+$", joint):
                continue
            begin, finish = outer.content[-1]
            at = inner.cue[0][0]
            if begin < at < finish:
                kept = re.sub(r"(?:,|\s+and)?\s*$", "", text[begin:at])
                outer.content[-1] = (begin, begin + len(kept))


def follow_quotes(text: str, attribution: Attribution) -> None:
    """A quoted content that goes on past its sentence ends at its closing mark; a quotation
    that resumes right after the cue's sentence ("A," he said. "B.") is a second piece."""
    if not attribution.content:
        return
    first = attribution.content[0]
    opening = text[first[0]]
    if opening not in _OPENING:
        return
    closing = _CLOSING[opening]
    line_end = text.find("\n", first[0])
    line_end = len(text) if line_end < 0 else line_end
    last = attribution.content[-1]
    inside = text[first[0] + 1 : last[1]]
    if inside.count(closing) == 0 or (opening == closing and inside.count(closing) % 2 == 0):
        close = text.find(closing, last[1], line_end)
        if close >= 0 and attribution.form != "direct":
            attribution.content[-1] = (last[0], close + 1)
            attribution.consumed.append((last[1], close + 1))
            return
        if close < 0 and attribution.form != "direct" and opening != closing:
            _next_paragraphs(text, attribution, opening, closing, line_end)
            return
    if attribution.form != "direct":
        return
    resume = re.compile(r"[ \t]*[“\"]").match(text, attribution.sentence[1])
    if not resume:
        return
    begin = resume.end() - 1
    close = text.find(_CLOSING[text[begin]], begin + 1, line_end)
    if close < 0:
        return
    after = text[close + 1 : line_end]
    if re.match(r"^\s*,?\s*(?:[a-z]|[A-Z][\w.]*\s+(?:said|says|added))", after):
        return
    attribution.content.append((begin, close + 1))
    attribution.consumed.append((begin, close + 1))


def _next_paragraphs(text, attribution, opening, closing, line_end) -> None:
    """A quotation left open at the end of its paragraph goes on in the next paragraphs that
    open with a quotation mark (the newspaper convention), each a piece, until one closes."""
    last = attribution.content[-1]
    pieces = [(last[0], len(text[:line_end].rstrip()))]
    for _ in range(6):
        begin = len(text) - len(text[line_end:].lstrip())
        if text[begin : begin + 1] != opening:
            break
        line_end = text.find("\n", begin)
        line_end = len(text) if line_end < 0 else line_end
        close = text.find(closing, begin + 1, line_end)
        pieces.append((begin, close + 1 if close >= 0 else len(text[:line_end].rstrip())))
        if close >= 0:
            break
    if len(pieces) == 1 or text.find(closing, pieces[-1][0] + 1, pieces[-1][1]) < 0:
        return  # never closed: not a quotation carried over paragraphs
    attribution.content[-1:] = pieces
    attribution.consumed.extend(pieces)


def _patterns():
    # Imported here: attributions imports this module to find its extents.
    from extraction.attributions import patterns

    return patterns()

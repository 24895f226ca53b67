"""Where an article attributes content to a source: source, cue and content spans.

Each sentence (sentences.py) is searched with compiled regexes for cue verbs (cues.py); the
words around a cue decide its form: content before the cue and a short source after a comma
(`"A," he said.`, `A, officials said.`, `A, said X.`), the source before the cue and content
after it (`X claimed that A`, `X told the mediators that A`), a source splitting the content
(`A, the source said, B`), "according to X", a participle after a clause (`..., saying A`),
an impersonal passive (`it was reported that A`), a noun cue (`allegations by X that A`) and
a headline (`X: A`, `X Says A`). Where each source and content begins and ends is extents.py's
job. Offsets are code points into the article text as given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from extraction import cues as cue_words
from extraction import extents, sentences

Span = tuple[int, int]

_TAIL = re.compile(r"^(?:\s+[^“”\"‘:;]{0,80}?)?\s*[.!?]?[”\"’]?$")
_THAT = re.compile(r"^(?P<object>\s+[^,.;:]{0,60}?)??\s+(?=(?:that|whether|how|why|if)\s)")
# Discourse words that open a sentence without being part of what was said.
_SETTING = re.compile(
    r"(?i:in|at|on|for|after|during|looking|as|when|while|with|and|but|since|before|asked|"
    r"speaking|writing|earlier|later|last|this|then)\b"
)
# Where an indirect content stops: a semicolon, ", but" starting a new clause, a bracket.
# The subject a participle's clause hangs on: "The minister resigned, saying ...".
_SUBJECT_HEAD = re.compile(
    r"(?:However,\s+|But\s+|And\s+)?(?P<s>(?:The|A|An)\s+(?:[\w-]+\s+){0,3}?"
    r"(?:official|minister|spokesman|spokeswoman|spokesperson|president|envoy|leader|"
    r"group|company|ministry|department|agency|army|police|court)s?\b|"
    r"(?:[A-Z][\w’'.-]*\s+){0,3}[A-Z][\w’'.-]*|[Hh]e|[Ss]he|[Tt]hey)\b"
)
_RARE_FORMS = {
    "according": lambda s: "ccording" in s or "per " in s or " words of" in s or " by " in s,
    "impersonal": lambda s: "it " in s,
    "noun": lambda s: "that " in s and (" by " in s or "s " in s),
}
# Documents and counts that convey content by a report verb ("the poll shows ...").
_DOCUMENT = re.compile(
    r"\b(?i:polls?|surveys?|study|studies|data|figures|numbers|results|reports?|research|"
    r"analysis|analyses|records|documents|statistics|estimates|filings?|emails?|memos?|"
    r"letters?|records)$"
)
_CALLED = {"call", "called", "calls", "calling", "label", "labeled", "labelled", "dubbed"}
_QUOTE_AHEAD = re.compile(r"^\s+[^“”\"]{1,80}?[“\"]")
# A clause after a belief verb without "that" ("he thinks the plan will fail", "wants to win").
_CLAUSE_AHEAD = re.compile(
    r"^\s+(?:(?:the|a|an|he|she|they|it|we|this|there|his|her|their|[A-Z][\w’'-]+)\s+[\w’'-]+"
    r"\s+\w|to\s+[a-z]+\s+\w)"
)
_ASKED = re.compile(r"^(?P<cue>Asked)\s+(?P<content>[^,]{3,200}?(?:,[”\"’]|(?=,)))")
_STRICT_FAMILIES = ("cognition", "report", "confirmation")
_LOOSE_STRICT = {"call", "called", "calls", "calling", "see", "sees", "saw", "seen"}


@dataclass
class Attribution:
    """One attribution found in an article: spans of its source, cue and content, the
    sentence it stands in, the form that found it and the cue's family."""

    source: list[Span]
    cue: list[Span]
    content: list[Span]
    sentence: Span
    form: str
    family: str
    consumed: list[Span] = field(default_factory=list)
    nested: bool = False


@dataclass(frozen=True)
class Patterns:
    cue: re.Pattern
    according: re.Pattern
    participle: re.Pattern
    impersonal: re.Pattern
    noun_by: re.Pattern
    noun_of: re.Pattern
    headline: re.Pattern
    title_after: re.Pattern
    title_before: re.Pattern
    cues: cue_words.Cues


@cache
def patterns() -> Patterns:
    """The regexes of every attribution form, compiled once from the cue lists."""
    c = cue_words.load()
    aux = rf"(?:(?:{c.auxiliaries})\s+){{0,3}}"
    spoken = {
        form
        for form, family in c.family_of.items()
        if family in ("speech", "denial", "confirmation") and form.endswith(("s", "ed", "d"))
    }
    title = "|".join(sorted((re.escape(f.title()) for f in spoken), key=len, reverse=True))
    return Patterns(
        cue=re.compile(
            rf"(?:\b|(?=[’']))(?P<cue>(?:(?:{c.contractions})\s+)?{aux}(?:{c.verbs}))\b"
        ),
        according=re.compile(
            rf"\b(?P<cue>(?i:{c.source_prepositions}))\s+(?P<source>[^,;:.“”\"]{{2,120}}?)"
            r"(?=\s*(?:[,;:.“”\"]|$))"
        ),
        participle=re.compile(rf",\s+(?:(?:and|while|before|after)\s+)?(?P<cue>{c.participles})\b"),
        impersonal=re.compile(rf"\b(?P<cue>(?i:{c.impersonal}))\b"),
        noun_by=re.compile(
            rf"\b(?P<cue>{c.nouns})\s+by\s+(?P<source>[^,;:“”\"]{{2,80}}?)\s+(?=that\s)"
        ),
        noun_of=re.compile(
            rf"(?P<source>\b[A-Z][\w.-]*(?:\s+[A-Z][\w.-]*){{0,3}})['’]s?\s+(?P<cue>{c.nouns})\s+(?=that\s)"
        ),
        headline=re.compile(r"^(?P<source>[A-Z][^:]{1,40}?)(?P<cue>:)\s+(?P<content>\S.*)$"),
        # Headlines capitalise their verbs: "Envoy Says Talks Failed", "Talks Failed, Envoy Says".
        title_after=re.compile(
            rf"^(?P<content>.{{8,}}?),\s+(?P<source>[^,]{{2,60}}?)\s+(?P<cue>{title})\.?$"
        ),
        title_before=re.compile(
            rf"^(?P<source>[^,:]{{2,60}}?)\s+(?P<cue>{title})\s+(?P<content>[^,]{{8,}}?)\.?$"
        ),
        cues=c,
    )


def find(text: str) -> list[Attribution]:
    """Every attribution in `text`, in order of the cue."""
    found: list[Attribution] = []
    spans = sentences.split(text)
    consumed_until = -1
    for index, (start, end) in enumerate(spans):
        if end <= consumed_until:
            continue
        in_sentence = _in_sentence(text, start, end, headline=index == 0)
        for attribution in in_sentence:
            extents.follow_quotes(text, attribution)
            for piece in attribution.consumed:
                consumed_until = max(consumed_until, piece[1])
        found.extend(in_sentence)
    # A speaker in the first or second person ("I think", "you said") speaks inside a
    # quotation or an opinion piece: the attribution is the quoted speaker's own, not news.
    found = [a for a in found if not _self_speaker(text, a)]
    # An attribution inside another's content is reported speech within reported speech:
    # the outer source vouches for it.
    for inner in found:
        cue = inner.cue[0][0]
        inner.nested = any(
            a <= cue < b for outer in found if outer is not inner for a, b in outer.content
        )
    return found


def _self_speaker(text: str, attribution: Attribution) -> bool:
    if len(attribution.source) != 1:
        return False
    a, b = attribution.source[0]
    return text[a:b].lower() in ("i", "we", "you")


def _in_sentence(text: str, start: int, end: int, *, headline: bool) -> list[Attribution]:
    p = patterns()
    sentence = text[start:end]
    found: list[Attribution] = []
    taken: list[Span] = []
    if headline:
        for pattern in (p.headline, p.title_after, p.title_before):
            match = pattern.match(sentence)
            if match and len(match["source"].split()) <= 6:
                content = (match.start("content"), match.end("content"))
                if sentence[content[1] - 1 : content[1]] == ".":
                    content = (content[0], content[1] - 1)
                family = p.cues.family(match["cue"].lower())
                return [
                    _make(
                        start,
                        end,
                        [match.span("source")],
                        [match.span("cue")],
                        [content],
                        "headline",
                        family,
                        sentence,
                    )
                ]
    asked = _ASKED.match(sentence)
    if asked:
        # "Asked whether A, X said B": the question put to the source, whose answer follows.
        found.append(
            _make(
                start,
                end,
                [],
                [asked.span("cue")],
                [asked.span("content")],
                "asked",
                "speech",
                sentence,
            )
        )
        taken.append(asked.span("cue"))
    # Cheap substring tests first: most sentences hold none of the rarer forms, and a
    # scan by a compiled regex costs more than a substring search.
    lowered = sentence.lower()
    for match in p.according.finditer(sentence) if _RARE_FORMS["according"](lowered) else ():
        found.append(_according(sentence, start, end, match))
        taken.append(match.span())
    for match in p.impersonal.finditer(sentence) if _RARE_FORMS["impersonal"](lowered) else ():
        content = extents.content_after(sentence, match.end())
        if content:
            found.append(
                _make(
                    start, end, [], [match.span("cue")], [content], "impersonal", "speech", sentence
                )
            )
            taken.append(match.span())
    nouns = ((p.noun_by, "noun"), (p.noun_of, "noun")) if _RARE_FORMS["noun"](lowered) else ()
    for pattern, form in nouns:
        for match in pattern.finditer(sentence):
            content = extents.content_after(sentence, match.end() - 1)
            found.append(
                _make(
                    start,
                    end,
                    [match.span("source")],
                    [match.span("cue")],
                    [content] if content else [],
                    form,
                    "speech",
                    sentence,
                )
            )
            taken.append(match.span())
    for match in p.cue.finditer(sentence):
        if any(a <= match.start() < b for a, b in taken):
            continue
        attribution = _verb(sentence, start, end, match)
        if attribution:
            found.append(attribution)
    for match in p.participle.finditer(sentence):
        attribution = _participle(sentence, start, end, match, found)
        if attribution:
            found.append(attribution)
    extents.cut_nested(found, text)
    found.sort(key=lambda a: a.cue[0][0])
    return found


def _make(start, end, source, cue, content, form, family, sentence) -> Attribution:
    def shift(pieces):
        return [(start + a, start + b) for a, b in pieces if b > a]

    return Attribution(shift(source), shift(cue), shift(content), (start, end), form, family)


def _verb(sentence: str, start: int, end: int, match: re.Match) -> Attribution | None:
    c = patterns().cues
    cue = match.span("cue")
    family = c.family(match["cue"])
    right = sentence[cue[1] :]
    left = sentence[: cue[0]]
    strict = family in _STRICT_FAMILIES or match["cue"].split()[-1] in _LOOSE_STRICT
    # Content before, the source after a break: "A," he said. / A, officials said. / A, the
    # source said, B.
    trailing = re.search(
        r"(?P<brk>,(?:[”\"’]|'')?|(?:[”\"’]|''),?|\s[—–]|:)\s+(?P<source>[^,;:“”\"]{1,80}?)\s*$",
        left,
    )
    if trailing and extents.plausible_source(trailing["source"]) and not strict:
        mid = re.match(r"^,\s+(?=\S)", right)
        content = extents.content_before(
            sentence, trailing.start("brk") + len(trailing["brk"]), 1 if mid else 2
        )
        named = content and extents.NAME_ONLY.fullmatch(sentence[content[0] : content[1]])
        indefinite = re.match(r"(?:an?\s|[a-z]+\s+(?:of|for|at)\s)", trailing["source"])
        if named and indefinite and mid and not _TAIL.match(right):
            content = None  # "Erin Murphy, a former aide, said ...": an apposition, not content
        if content and sentence.startswith("Asked "):
            content = None  # "Asked whether A, X said B": A is the question, not X's words
        if (
            content
            and _SETTING.match(sentence, content[0])
            and len(sentence[content[0] : content[1]].split()) < 6
            and len(right.split()) > 3
        ):
            content = None  # "On Sunday, X said A": a setting, then the source's words
        if content and (mid or _TAIL.match(right)) and "that " not in right[:20]:
            pieces = [content]
            if mid and not _TAIL.match(right):
                after = extents.content_after(sentence, cue[1] + mid.end())
                if _SETTING.match(sentence, content[0]):
                    pieces = []  # "In interviews, X said, A": only A was said
                pieces += [after] if after else []
            source = trailing.span("source")
            source = (source[0], source[0] + len(trailing["source"].rstrip()))
            return _make(start, end, [source], [cue], pieces, "direct", family, sentence)
    # Content before, the cue right after the break, then the source: "A," said X.
    inverted = re.search(r"(?:,(?:[”\"’]|'')?|(?:[”\"’]|''),?)\s*$", left)
    if inverted and not strict:
        tail = re.match(r"^\s+(?P<source>[A-Z][^;:“”\"]{1,120}?)\s*[.!?]?$", right)
        content = extents.content_before(sentence, inverted.end())
        if tail and content:
            source = (cue[1] + tail.start("source"), cue[1] + tail.end("source"))
            return _make(start, end, [source], [cue], [content], "direct", family, sentence)
    # Source before, content after: X said (that) A / X told Y that A / X said: "A".
    source = extents.source_before(sentence, cue[0])
    if source is None:
        source = extents.coordinated_source(sentence, cue[0])
    if source is None:
        return None
    words = sentence[source[0] : source[1]]
    named = all(w[:1].isupper() for w in words.split()[1:]) and words[:1].isupper()
    called = match["cue"].split()[-1] in _CALLED and _QUOTE_AHEAD.match(right)
    believes = (
        family == "cognition"
        and (named or words.lower() in ("he", "she", "they", "who"))
        and _CLAUSE_AHEAD.match(right)
    )
    if strict and (family == "report" and (named or _DOCUMENT.search(words)) or called or believes):
        strict = False  # "CNN reported A", "the poll shows A", "called the plan “a disaster”"
    that = _THAT.match(right)
    if that:
        begin = cue[1] + that.end()
    else:
        if strict and not re.match(r"^\s*[,:]?\s*[“\"‘]", right):
            return None
        begin = cue[1]
    content = extents.content_after(sentence, begin)
    if content is None or (strict and not that and content[1] - content[0] < 10):
        return None
    return _make(start, end, [source], [cue], [content], "indirect", family, sentence)


def _according(sentence: str, start: int, end: int, match: re.Match) -> Attribution:
    source = match.span("source")
    before = sentence[: match.start()].rstrip()
    after = extents.content_after(sentence, source[1])
    pieces: list[Span] = []
    if before and len(before.rstrip(",").split()) >= 1:
        piece = extents.content_before(sentence, match.start())
        if piece is None and before.rstrip(","):
            piece = (0, len(before.rstrip(",").rstrip()))
        pieces += [piece] if piece else []
    # "A, according to X, B" continues the content only when A is no sentence of its own
    # (after a long A, what follows the source is more about the source).
    short = not pieces or len(sentence[pieces[0][0] : pieces[0][1]].split()) < 4
    if after and short and (not pieces or sentence[source[1] :].lstrip().startswith(",")):
        pieces.append(after)
    return _make(start, end, [source], [match.span("cue")], pieces, "according", "speech", sentence)


def _participle(sentence, start, end, match, found) -> Attribution | None:
    """ ", saying A": the source is the one already found in the sentence or its subject."""
    cue = match.span("cue")
    earlier = [a for a in found if a.cue[0][0] < start + cue[0] and a.source]
    if earlier:
        source = [earlier[-1].source[0]]
    else:
        head = _SUBJECT_HEAD.match(sentence)
        if not head:
            return None
        subject = head.span("s")
        source = [(start + subject[0], start + subject[1])]
    right = sentence[cue[1] :]
    that = _THAT.match(right)
    content = extents.content_after(sentence, cue[1] + (that.end() if that else 0))
    if not content:
        return None
    family = patterns().cues.family(match["cue"])
    made = _make(start, end, [], [cue], [content], "participial", family, sentence)
    made.source = source
    return made

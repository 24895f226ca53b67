"""Sentence boundaries in article text, as code-point offsets.

A line break always ends a sentence (the article format separates paragraphs by blank lines,
and titles, subheads and page furniture stand on lines of their own). Inside a line a sentence
ends at ".", "!" or "?" (with any closing quotes or brackets after it) followed by space and a
capital, digit or opening quote, unless the word before the stop is a known abbreviation or
an initial ("Mr.", "Sept.", "U.S.", "J.").
"""

from __future__ import annotations

import re

# Abbreviations after which a full stop does not end the sentence; lower case, no dot.
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof sen rep gov gen lt col sgt capt cmdr adm maj st jr sr rev hon pres "
    "jan feb mar apr jun jul aug sep sept oct nov dec no vs etc inc corp co ltd dept est ft "
    "mt ave blvd u.s u.k u.n e.u d.c a.m p.m i.e e.g ph.d".split()
)

_BOUNDARY = re.compile(
    r"[.!?]+(?P<close>[\"”’')\]]*)[ \t\u00a0]+(?=[\"“‘'(\[]?[A-Z0-9\u00c0-\u00de])"
)
_LINE = re.compile(r"[^\n]+")


def split(text: str) -> list[tuple[int, int]]:
    """The [start, end) spans of the sentences of `text`, leading and trailing blanks off."""
    spans: list[tuple[int, int]] = []
    for line in _LINE.finditer(text):
        start = line.start()
        for stop in _BOUNDARY.finditer(text, line.start(), line.end()):
            # The word before the stop, found backwards from it (cheaper than a lazy group
            # that the regex would try at every position).
            word_start = max(text.rfind(" ", line.start(), stop.start()), line.start() - 1) + 1
            word = text[word_start : stop.start()].lstrip('"“‘(').lower()
            if not stop.group("close") and (word in _ABBREVIATIONS or len(word) == 1):
                continue
            end = stop.start("close") if not stop.group("close") else stop.end("close")
            spans.append((start, end))
            start = stop.end()
        spans.append((start, line.end()))
    return [trimmed for span in spans if (trimmed := _trim(text, *span))]


def _trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    piece = text[start:end]
    stripped = piece.strip()
    if not stripped:
        return None
    start += len(piece) - len(piece.lstrip())
    return start, start + len(stripped)

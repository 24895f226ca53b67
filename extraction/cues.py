"""The cue words of attribution, read from the package's data file and compiled to regexes.

extraction/data/cues.toml lists speech, report, cognition, denial and confirmation verbs in
their base form with their irregular forms, noun cues, auxiliaries, source prepositions and
the words that describe unnamed sources. This module inflects the verbs, groups them by
family and exposes alternations ready to put in a regular expression, so that the patterns in
attributions.py say where a cue stands, never which words a cue is.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

_VOWELS = "aeiou"


def inflections(verb: str, irregular: dict[str, list[str]]) -> set[str]:
    """The forms of `verb` (base, -s, -ed, -ing) plus its irregular forms; a verb with a
    particle ("point out") inflects its first word only through the irregular list."""
    forms = {verb, *irregular.get(verb, [])}
    if " " in verb:
        # A verb with a particle inflects its first word: "point out" -> "pointed out".
        first, particle = verb.split(" ", 1)
        return forms | {f"{form} {particle}" for form in inflections(first, irregular)}
    if verb.endswith(("s", "sh", "ch", "x", "z")):
        forms.add(verb + "es")
    elif verb.endswith("y") and verb[-2] not in _VOWELS:
        forms.update({verb[:-1] + "ies", verb[:-1] + "ied"})
    else:
        forms.add(verb + "s")
    if verb.endswith("e"):
        forms.update({verb + "d", verb[:-1] + "ing"})
    elif not (verb.endswith("y") and verb[-2] not in _VOWELS):
        forms.update({verb + "ed", verb + "ing"})
    else:
        forms.add(verb + "ing")
    return forms


def _alternation(words: set[str]) -> str:
    """A regex alternation of `words` shaped as a trie: Python's re tries the branches of an
    alternation one by one at every position, so shared prefixes are factored out (a few
    hundred verb forms match several times faster). Longer words win over their prefixes."""
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    return _trie_pattern(trie)


def _trie_pattern(node: dict) -> str:
    branches = []
    ends = "" in node
    for char in sorted(key for key in node if key):
        piece = r"\s+" if char == " " else re.escape(char)
        branches.append(piece + _trie_pattern(node[char]))
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if ends else body


@dataclass(frozen=True)
class Cues:
    """Every word list of cues.toml, with the verb forms of each family and their regexes."""

    family_of: dict[str, str]  # verb form -> speech | report | cognition | denial | confirmation
    verbs: str  # alternation of all verb forms
    participles: str  # alternation of the -ing forms ("saying", "telling")
    nouns: str
    auxiliaries: str
    contractions: str
    source_prepositions: str
    impersonal: str
    pronouns: frozenset[str]
    roles: frozenset[str]
    anonymity: str
    anaphors: str
    negations: str
    agreements: str
    media_words: str
    outlet_names: str
    same_outlet: str

    def family(self, cue: str) -> str:
        """The family of a cue's verb ("has categorically denied" -> denial)."""
        words = cue.lower().split()
        for size in (2, 1):
            for start in range(len(words) - size, -1, -1):
                found = self.family_of.get(" ".join(words[start : start + size]))
                if found:
                    return found
        return "speech"


@cache
def load() -> Cues:
    """The cues of extraction/data/cues.toml, loaded once."""
    text = resources.files("extraction").joinpath("data/cues.toml").read_text("utf-8")
    table = tomllib.loads(text)
    irregular = table["irregular"]
    family_of: dict[str, str] = {}
    # Later families win: "denied" is a denial even if also listed as speech.
    noun_like = set(table["verbs"]["noun_like"])
    for family in ("cognition", "report", "speech", "confirmation", "denial"):
        for verb in table["verbs"][family]:
            for form in inflections(verb, irregular):
                if verb in noun_like and form in (verb, verb + "s", verb + "es"):
                    continue
                family_of[form] = family
    participles = {form for form in family_of if form.endswith("ing")}
    sources = table["sources"]
    phrases = table["phrases"]
    return Cues(
        family_of=family_of,
        verbs=_alternation(set(family_of)),
        participles=_alternation(participles),
        nouns=_alternation(set(table["nouns"]["claim"])),
        auxiliaries=_alternation(set(phrases["auxiliaries"])),
        contractions=_alternation(set(phrases["contractions"])),
        source_prepositions=_alternation(set(phrases["source_prepositions"])),
        impersonal=_alternation(set(phrases["impersonal"])),
        pronouns=frozenset(sources["pronouns"]),
        roles=frozenset(sources["roles"]),
        anonymity=_alternation(set(sources["anonymity"])),
        anaphors=_alternation(set(sources["anaphors"])),
        negations=_alternation(set(sources["negations"])),
        agreements=_alternation(set(sources["agreements"])),
        media_words=_alternation(set(table["outlets"]["media_words"])),
        outlet_names=_alternation(set(table["outlets"]["names"])),
        same_outlet=_alternation(set(table["outlets"]["same"])),
    )

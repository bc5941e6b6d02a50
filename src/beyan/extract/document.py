"""An article as the rules see it: tokens, lines, sentences, quotations and name mentions."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from beyan.extract.lexicon import Cue, Lexicon
from beyan.tokens.sentences import sentence_starts
from beyan.tokens.tokenizer import APOSTROPHES, tokenize


@dataclass(frozen=True, slots=True)
class Mention:
    """A run of capitalised tokens (titles included) and the name at its end: tokens [start, end)."""

    start: int
    end: int  # after the name, before any apostrophe suffix
    name_start: int
    has_title: bool
    suffix: str | None  # the apostrophe suffix right after the name ('nın), lower-cased


@dataclass(frozen=True, slots=True)
class CueMatch:
    cue: Cue
    start: int
    end: int
    kind: str  # the suffix kind of its verb: finite, participle or converb

    @property
    def speaker_after(self) -> bool:
        """Whether the speaker is named right after the cue (``belirten Lavrov``, ``said Minister Keld``)."""
        if self.cue.speaker is not None:
            return self.cue.speaker == "after"
        return self.kind == "participle"


@dataclass(slots=True)
class Document:
    text: str
    lexicon: Lexicon
    offsets: list[tuple[int, int]] = field(init=False)
    words: list[str] = field(init=False)
    lower: list[str] = field(init=False)
    sentences: list[int] = field(init=False)
    lines: list[int] = field(init=False)
    mentions: list[Mention] = field(init=False)
    people: set[str] = field(init=False)

    def __post_init__(self) -> None:
        self.offsets = tokenize(self.text)
        self.words = [self.text[s:e] for s, e in self.offsets]
        self.lower = [self.lexicon.lower(w) for w in self.words]
        self.sentences = sentence_starts(self.text, self.offsets)
        self.lines = [0] + [
            i for i in range(1, len(self.offsets)) if "\n" in self.text[self.offsets[i - 1][1] : self.offsets[i][0]]
        ]
        self.mentions = self._mentions()
        # Names introduced with a title anywhere in the article ("Bakanı Sergey Lavrov") are people
        # when they come back alone ("Lavrov").
        self.people = {self.words[t] for m in self.mentions if m.has_title for t in range(m.name_start, m.end)}

    # ------------------------------------------------------------ positions

    def sentence_of(self, token: int) -> tuple[int, int]:
        i = bisect.bisect_right(self.sentences, token) - 1
        end = self.sentences[i + 1] if i + 1 < len(self.sentences) else len(self.words)
        return self.sentences[i], end

    def line_of(self, token: int) -> tuple[int, int]:
        i = bisect.bisect_right(self.lines, token) - 1
        end = self.lines[i + 1] if i + 1 < len(self.lines) else len(self.words)
        return self.lines[i], end

    def char_span(self, start: int, end: int) -> dict[str, object]:
        first, last = self.offsets[start][0], self.offsets[end - 1][1]
        return {"start": first, "end": last, "text": self.text[first:last]}

    def is_punctuation(self, token: int) -> bool:
        return not self.words[token][0].isalnum() and self.words[token][0] not in APOSTROPHES

    # ------------------------------------------------------------ mentions

    def _capitalised(self, token: int) -> bool:
        word = self.words[token]
        return word[0].isupper() and word[0].isalpha()

    def _name_part(self, token: int) -> bool:
        return self._capitalised(token) or self.lower[token] in self.lexicon.title_words

    def _mentions(self) -> list[Mention]:
        mentions: list[Mention] = []
        t, count = 0, len(self.words)
        while t < count:
            if not self._name_part(t):
                t += 1
                continue
            start = t
            while t < count and self._name_part(t):
                t += 1
            titles = [i for i in range(start, t) if self.lower[i] in self.lexicon.title_words]
            name_start = titles[-1] + 1 if titles else start
            suffix = None
            if t < count and self.words[t][0] in APOSTROPHES and self.offsets[t][0] == self.offsets[t - 1][1]:
                suffix = self.lower[t]
                t += 1
            if name_start < (t - 1 if suffix else t) and self._capitalised(name_start):
                mentions.append(Mention(start, t - 1 if suffix else t, name_start, bool(titles), suffix))
        return mentions

    def is_person(self, mention: Mention) -> bool:
        return mention.has_title or all(self.words[t] in self.people for t in range(mention.name_start, mention.end))

    def people_in(self, start: int, end: int) -> list[Mention]:
        """Person mentions in the nominative (no case suffix) inside tokens [start, end)."""
        return [
            m for m in self.mentions if start <= m.start and m.end <= end and m.suffix is None and self.is_person(m)
        ]

    def mention_at(self, token: int) -> Mention | None:
        for mention in self.mentions:
            if mention.start == token:
                return mention
        return None

    # ------------------------------------------------------------ cues and quotations

    def cue_at(self, token: int) -> CueMatch | None:
        """The cue starting at ``token``, if one does (the longest when several do)."""
        best: CueMatch | None = None
        for cue in _cue_candidates(self.lexicon, self.lower[token]):
            end = token + len(cue.words)
            if end > len(self.words):
                continue
            kind = "finite"
            for offset, word in enumerate(cue.words):
                lowered = self.lower[token + offset]
                if lowered in word.words:
                    continue
                kinds = [k for stem in word.stems if (k := self.lexicon.suffix_kind(lowered, stem)) is not None]
                if not kinds:
                    break
                kind = kinds[0]
            else:
                if best is None or end - token > best.end - best.start:
                    best = CueMatch(cue, token, end, kind)
        return best

    def quotations(self) -> list[tuple[int, int]]:
        """(opening, closing) token pairs of quotation marks, paired within a line."""
        pairs: list[tuple[int, int]] = []
        for line_start, line_end in zip(self.lines, [*self.lines[1:], len(self.words)], strict=True):
            for opening, closing in self.lexicon.quote_marks:
                stack: list[int] = []
                for t in range(line_start, line_end):
                    word = self.words[t]
                    if opening == closing and word == opening:
                        if stack:
                            pairs.append((stack.pop(), t))
                        else:
                            stack.append(t)
                    elif word == opening:
                        stack.append(t)
                    elif word == closing and stack:
                        pairs.append((stack.pop(), t))
        return sorted(pairs)


_CUE_INDEX: dict[int, tuple[Lexicon, dict[str, list[int]], dict[str, list[int]], dict[str, list[Cue]]]] = {}
_CANDIDATES_KEPT = 100_000  # words whose candidates are remembered, per lexicon


def _cue_candidates(lexicon: Lexicon, word: str) -> list[Cue]:
    """The cues whose first word could be ``word`` (exactly, or as a stem it starts with), in lexicon order.

    Looking up the word and its prefixes replaces trying every cue at every token.
    """
    found = _CUE_INDEX.get(id(lexicon))
    if found is None or found[0] is not lexicon:
        exact: dict[str, list[int]] = {}
        stems: dict[str, list[int]] = {}
        for index, cue in enumerate(lexicon.cues):
            first = cue.words[0]
            for form in first.words:
                exact.setdefault(form, []).append(index)
            for stem in first.stems:
                stems.setdefault(stem, []).append(index)
        found = _CUE_INDEX[id(lexicon)] = (lexicon, exact, stems, {})
    _, exact, stems, known = found
    candidates = known.get(word)
    if candidates is None:
        indexes = set(exact.get(word, ()))
        for length in range(1, len(word) + 1):
            indexes.update(stems.get(word[:length], ()))
        candidates = [lexicon.cues[i] for i in sorted(indexes)]
        if len(known) < _CANDIDATES_KEPT:
            known[word] = candidates
    return candidates

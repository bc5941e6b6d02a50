"""The extraction rules, in the order they apply; each one is a few lines that say what it looks for.

1. **Quotation + cue**: a quotation closed right before a cue (``"..." dedi``) is a direct
   statement; its speaker is the subject of the sentence it opens in.
2. **Colon headline**: ``NAME: "..."`` is a direct statement with the colon as cue.
3. **Quotation alone on its line** (a cross-head): direct, no cue; the speaker is the
   subject of the next line.
4. **Reported clause + cue**: a verb with a reported ending (``-dığını``, ``-eceğini``)
   up to five words before a cue is the end of an indirect statement, which starts after
   the last person named before it in the sentence (or quotation), else at its start.
   A participle cue (``belirten``) has its speaker right after it; others the subject.
5. **Speech act with a reason** (``... için teşekkür etti``): the reason phrase is the
   content, a name in the dative before it the addressee.

A subject is the person named after a participle cue, or else the first person named
in the nominative in the sentence: a name after a title (``Bakanı Sergey Lavrov``), or a
name the article introduced with a title (``Lavrov``).
"""

from __future__ import annotations

from typing import Any

from beyan.extract.document import CueMatch, Document, Mention

LOOKBACK = 5  # words between the reported verb and its cue (``bir kez daha açıkça belirtti``)


def extract_statements(document: Document, *, article_id: str) -> list[dict[str, Any]]:
    """Statements in the ``statements`` row shape, in text order, each content found once."""
    found: dict[tuple[int, int], dict[str, Any]] = {}
    quotations = document.quotations()
    used_cues: set[int] = set()
    for opening, closing in quotations:
        row = _direct(document, opening, closing, used_cues)
        if row is not None:
            found.setdefault((opening + 1, closing), row)
    for t in range(len(document.words)):
        if t in used_cues:
            continue
        match = document.cue_at(t)
        if match is None:
            continue
        row = _reason(document, match) if match.cue.content == "reason" else _reported(document, match, quotations)
        if row is not None:
            found.setdefault(row.pop("_tokens"), row)
    rows = []
    for key in sorted(found):
        row = found[key]
        row.pop("_tokens", None)
        rows.append({"article_id": article_id, **row})
    return rows


def _row(
    document: Document,
    *,
    content: tuple[int, int],
    quote_type: str,
    speaker: Mention | None,
    cue: CueMatch | tuple[int, int] | None,
    addressee: tuple[int, int] | None = None,
    lemma: str | None = None,
) -> dict[str, Any]:
    cue_tokens = (cue.start, cue.end) if isinstance(cue, CueMatch) else cue
    name = None if speaker is None else document.char_span(speaker.name_start, speaker.end)
    return {
        "_tokens": content,
        "quote_type": quote_type,
        "content_spans": [document.char_span(*content)],
        "speaker_spans": [] if name is None else [name],
        "cue_spans": [] if cue_tokens is None else [document.char_span(*cue_tokens)],
        "addressee_spans": [] if addressee is None else [document.char_span(*addressee)],
        "speaker_unknown": speaker is None,
        "speaker": None
        if name is None
        else {"name": name["text"], "role": None, "affiliation": None, "wikidata_qid": None},
        "cue_lemma": lemma if lemma is not None else (cue.cue.lemma if isinstance(cue, CueMatch) else None),
    }


def subject(document: Document, start: int, end: int) -> Mention | None:
    """The subject of tokens [start, end): the person after a participle cue, else the first person named."""
    for t in range(start, end):
        match = document.cue_at(t)
        if match is not None and match.speaker_after:
            after = document.mention_at(match.end)
            if after is not None and after.suffix is None and document.is_person(after):
                return after
    people = document.people_in(start, end)
    return people[0] if people else None


def _direct(document: Document, opening: int, closing: int, used_cues: set[int]) -> dict[str, Any] | None:
    if closing - opening < 2:
        return None
    content = (opening + 1, closing)
    after = closing + 1
    if after < len(document.words) and document.words[after] == ",":
        after += 1
    match = document.cue_at(after) if after < len(document.words) else None
    if match is not None:
        used_cues.add(after)
        if match.speaker_after:
            speaker = document.mention_at(match.end)
        else:
            sentence_start, _ = document.sentence_of(opening)
            speaker = subject(document, sentence_start, opening)
        return _row(document, content=content, quote_type="direct", speaker=speaker, cue=match)
    if opening > 0 and document.words[opening - 1] == ":":
        named = [m for m in document.mentions if m.end == opening - 1]
        return _row(
            document,
            content=content,
            quote_type="direct",
            speaker=named[0] if named else None,
            cue=(opening - 1, opening),
        )
    line_start, line_end = document.line_of(opening)
    rest = range(closing + 1, line_end)
    if opening == line_start and all(document.is_punctuation(t) for t in rest):
        speaker = None
        if line_end < len(document.words):
            next_start, next_end = document.sentence_of(line_end)
            speaker = subject(document, next_start, next_end)
        return _row(document, content=content, quote_type="direct", speaker=speaker, cue=None)
    return None


def _reported(document: Document, match: CueMatch, quotations: list[tuple[int, int]]) -> dict[str, Any] | None:
    end = None
    for t in range(match.start - 1, max(match.start - 1 - LOOKBACK, -1), -1):
        if document.is_punctuation(t):
            break
        if document.lower[t].endswith(document.lexicon.reported_endings):
            end = t + 1
            break
    if end is None:
        return None
    region, _ = document.sentence_of(end - 1)
    inside = [o for o, c in quotations if o < end - 1 < c]
    if inside:
        region = max(region, inside[-1] + 1)
    people = [m for m in document.people_in(region, end) if m.end < end]
    start = region
    speaker: Mention | None = None
    if people:
        speaker = people[-1]
        start = _skip(document, people[-1].end, end)
    if match.speaker_after:
        after = document.mention_at(match.end)
        speaker = after if after is not None and document.is_person(after) else speaker
    elif speaker is None:
        sentence_start, sentence_end = document.sentence_of(match.start)
        speaker = subject(document, sentence_start, sentence_end)
    if start >= end:
        return None
    marks = {o for pair in quotations for o in pair}
    quote_type = "mixed" if any(t in marks for t in range(start, end)) else "indirect"
    return _row(document, content=(start, end), quote_type=quote_type, speaker=speaker, cue=match)


def _skip(document: Document, start: int, end: int) -> int:
    """Past a comma and the words between a subject and its content (``dün``, ``ayrıca``)."""
    while start < end and (
        document.words[start] == "," or document.lower[start] in document.lexicon.skip_before_content
    ):
        start += 1
    return start


def _reason(document: Document, match: CueMatch) -> dict[str, Any] | None:
    sentence_start, _ = document.sentence_of(match.start)
    marker = None
    for t in range(match.start - 1, max(match.start - 1 - LOOKBACK, sentence_start - 1), -1):
        if document.lower[t] in document.lexicon.reason_markers:
            marker = t
            break
    if marker is None:
        return None
    speaker = subject(document, sentence_start, marker)
    start = sentence_start if speaker is None else _skip(document, speaker.end, marker)
    addressee = None
    dative = [
        m for m in document.mentions if start <= m.start < marker and m.suffix in document.lexicon.dative_suffixes
    ]
    if dative:
        addressee = (dative[0].start, dative[0].end + 1)  # the name with its case suffix
        start = dative[0].end + 1
    if start > marker:
        return None
    return _row(
        document, content=(start, marker + 1), quote_type="indirect", speaker=speaker, cue=match, addressee=addressee
    )

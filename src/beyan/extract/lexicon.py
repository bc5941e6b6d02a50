"""A language's extraction rules as data: cue verbs and their inflections, titles, reported-clause endings.

One JSON file per language (``lexicons/<language>.json``, package data): another language
is a new file, not new code. Fields (docs/extractor.md):

``quote_marks``
    pairs of opening and closing quotation marks.
``verb_suffixes``
    inflection endings by kind: ``finite`` (said: the speaker is the subject before),
    ``participle`` (saying: the speaker is the name right after) and ``converb`` (saying,
    while: the subject before).
``cues``
    ``lemma`` and ``words``: one pattern per token, alternatives separated by spaces; an
    alternative ending in ``+`` is a stem followed by a verb suffix (``belirt+`` matches
    ``belirtti``, ``belirten``, ``belirterek``). ``"content": "reason"`` marks speech acts
    whose content is a reason phrase (``... için teşekkür etti``); ``"speaker": "after"``
    (or ``"before"``) fixes where the speaker is named, whatever the suffix says.
``reported_endings``
    endings of the verb that closes reported content (``-dığını``, ``-eceğini``).
``reason_markers``, ``title_words``, ``dative_suffixes``, ``skip_before_content``
    words that end a reason phrase, titles before names (``Bakanı``), suffixes marking an
    addressee (``'ye``), and words between a subject and its content (``dün``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from beyan.issues import BeyanError, Issues, fail

SUFFIX_KINDS = ("finite", "participle", "converb")


@dataclass(frozen=True, slots=True)
class CueWord:
    """One token of a cue: exact words, and stems that take a verb suffix."""

    words: frozenset[str]
    stems: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Cue:
    lemma: str
    words: tuple[CueWord, ...]
    content: str  # "clause" (reported clause or quotation) or "reason"
    speaker: str | None = None  # "after" or "before" the cue; None: as its verb suffix says


@dataclass(frozen=True, slots=True)
class Lexicon:
    language: str
    lowercase: dict[str, str]
    quote_marks: tuple[tuple[str, str], ...]
    suffixes: dict[str, tuple[str, ...]]
    cues: tuple[Cue, ...]
    reported_endings: tuple[str, ...]
    reason_markers: frozenset[str]
    title_words: frozenset[str]
    dative_suffixes: frozenset[str]
    skip_before_content: frozenset[str]
    _table: dict[int, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        single = {char: lowered for char, lowered in self.lowercase.items() if len(char) == 1}
        object.__setattr__(self, "_table", str.maketrans(single))  # frozen: set once, here

    def lower(self, word: str) -> str:
        """The word lower-cased as the language does it (Turkish I -> ı before the generic rule)."""
        return word.translate(self._table).lower()

    def suffix_kind(self, word: str, stem: str) -> str | None:
        """The kind of verb suffix ``word`` has after ``stem`` (lower-cased), or None."""
        if not word.startswith(stem):
            return None
        rest = word[len(stem) :]
        for kind in SUFFIX_KINDS:
            if rest in self.suffixes.get(kind, ()):
                return kind
        return None


def available_languages() -> list[str]:
    folder = resources.files("beyan.extract") / "lexicons"
    return sorted(entry.name.removesuffix(".json") for entry in folder.iterdir() if entry.name.endswith(".json"))


def load_lexicon(source: str | Path) -> Lexicon:
    """The lexicon of a language tag shipped with beyan (``tr``), or of a JSON file; checked, located errors."""
    if isinstance(source, Path) or source.endswith(".json"):
        path = Path(source)
        try:
            raw = path.read_text("utf-8")
        except OSError as error:
            raise fail("unreadable", (str(path),), f"cannot read the lexicon: {error.strerror}", exit_code=2) from None
        where = str(path)
    else:
        resource = resources.files("beyan.extract") / "lexicons" / f"{source}.json"
        if not resource.is_file():
            raise fail(
                "unknown-language",
                ("--language",),
                "no extraction lexicon for this language",
                expected=" or ".join(available_languages()),
                found=repr(source),
                hint="write one (docs/extractor.md) and pass it with --lexicon",
            )
        raw = resource.read_text("utf-8")
        where = f"beyan/extract/lexicons/{source}.json"
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as error:
        raise fail(
            "invalid-json", (where, f"line {error.lineno}"), f"the lexicon is not valid JSON: {error.msg}"
        ) from None
    return parse_lexicon(data, where=where)


def parse_lexicon(data: Any, *, where: str) -> Lexicon:
    issues = Issues()

    def strings(name: str, *, required: bool = True) -> list[str]:
        value = data.get(name, None if required else [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            issues.error("invalid-value", (where, name), "expected a list of non-empty strings", found=repr(value)[:80])
            return []
        return value

    if not isinstance(data, dict):
        raise fail("wrong-type", (where,), "a lexicon is a JSON object", found=type(data).__name__)
    language = data.get("language")
    if not isinstance(language, str) or not language:
        issues.error("missing-value", (where, "language"), "the lexicon names its language (a BCP 47 tag)")
    marks = data.get("quote_marks")
    if not isinstance(marks, list) or not all(
        isinstance(m, list) and len(m) == 2 and all(isinstance(c, str) and c for c in m) for m in marks
    ):
        issues.error("invalid-value", (where, "quote_marks"), "expected pairs of [opening, closing] marks")
        marks = []
    suffixes = data.get("verb_suffixes")
    if not isinstance(suffixes, dict) or set(suffixes) - set(SUFFIX_KINDS):
        issues.error(
            "invalid-value", (where, "verb_suffixes"), "expected suffix lists by kind", expected=", ".join(SUFFIX_KINDS)
        )
        suffixes = {}
    lowercase = data.get("lowercase", {})
    if not isinstance(lowercase, dict):
        issues.error("invalid-value", (where, "lowercase"), "expected a mapping of characters")
        lowercase = {}
    cues: list[Cue] = []
    for i, entry in enumerate(data.get("cues") or []):
        at = (where, f"cues[{i}]")
        words = entry.get("words") if isinstance(entry, dict) else None
        if (
            not isinstance(entry, dict)
            or not isinstance(entry.get("lemma"), str)
            or not isinstance(words, list)
            or not words
        ):
            issues.error("invalid-value", at, "a cue has a lemma and a non-empty list of word patterns")
            continue
        content = entry.get("content", "clause")
        if content not in ("clause", "reason"):
            issues.error(
                "invalid-value",
                (*at, "content"),
                "unknown content kind",
                expected="clause or reason",
                found=repr(content),
            )
        speaker = entry.get("speaker")
        if speaker not in (None, "after", "before"):
            issues.error(
                "invalid-value",
                (*at, "speaker"),
                "unknown speaker position",
                expected="after or before",
                found=repr(speaker),
            )
        parsed = []
        for pattern in words:
            alternatives = str(pattern).split()
            parsed.append(
                CueWord(
                    words=frozenset(a for a in alternatives if not a.endswith("+")),
                    stems=tuple(a[:-1] for a in alternatives if a.endswith("+")),
                )
            )
        cues.append(Cue(entry["lemma"], tuple(parsed), content, speaker))
    lexicon = Lexicon(
        language=str(language),
        lowercase={str(k): str(v) for k, v in lowercase.items()},
        quote_marks=tuple((m[0], m[1]) for m in marks),
        suffixes={kind: tuple(suffixes.get(kind, ())) for kind in SUFFIX_KINDS},
        cues=tuple(cues),
        reported_endings=tuple(strings("reported_endings")),
        reason_markers=frozenset(strings("reason_markers", required=False)),
        title_words=frozenset(strings("title_words", required=False)),
        dative_suffixes=frozenset(strings("dative_suffixes", required=False)),
        skip_before_content=frozenset(strings("skip_before_content", required=False)),
    )
    if issues.has_errors:
        raise BeyanError(issues)
    return lexicon

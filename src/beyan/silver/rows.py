"""Silver rows: an extractor's statements about one article, checked and made rows of config ``silver``.

The extractor gives statements in the ``statements`` row shape (labels as names, spans as
``{start, end}``); each is checked against the article (spans inside the text, known labels,
a speaker or the unknown-speaker marker, a parent that exists) and completed: a stable
``statement_id`` (the article id and a hash of the content offsets, as for gold), span texts
read from the article at their offsets (null for a standoff article), the article's context,
and the machine provenance. A statement that fails a check is rejected with its reason,
never repaired in silence.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from beyan.records import Span
from beyan.schema import current
from beyan.schema.types import BOOL, Categorical, Field, ListOf, Struct
from beyan.transforms.adjudication import statement_id

GOLD_ONLY = ("provenance",)  # statement fields a silver row does not have (machine_provenance instead)
DERIVED = ("statement_id", "article_id", "speaker_unknown")  # set here, whatever the extractor says


@dataclass(frozen=True, slots=True)
class StatementReject:
    """A predicted statement that is not written, and why."""

    location: str
    code: str
    reason: str
    article_id: str


class _Rejected(Exception):
    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


def _default(field: Field) -> Any:
    if isinstance(field.type, ListOf):
        return []
    if field.type == BOOL:
        return False
    return None


def _label(value: Any, kind: Categorical, name: str) -> str | None:
    names = kind.vocabulary.names
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < len(names):
        return names[value]
    if isinstance(value, str) and value in names:
        return value
    raise _Rejected("unknown-label", f"{name}: {value!r} is not a label of {kind.vocabulary.name} ({', '.join(names)})")


def _spans(value: Any, name: str, text: str, include_text: bool) -> list[dict[str, Any]]:
    if not isinstance(value, list):
        raise _Rejected("wrong-type", f"{name}: spans are a list of {{start, end}} objects")
    spans = []
    for span in value:
        start = span.get("start") if isinstance(span, dict) else None
        end = span.get("end") if isinstance(span, dict) else None
        if not (isinstance(start, int) and isinstance(end, int)) or isinstance(start, bool) or isinstance(end, bool):
            raise _Rejected("wrong-type", f"{name}: span offsets are integers (code points into the text)")
        if not 0 <= start < end <= len(text):
            raise _Rejected("span-out-of-range", f"{name}: [{start}, {end}) is not inside the text (0..{len(text)})")
        spans.append({"start": start, "end": end, "text": text[start:end] if include_text else None})
    return spans


_PYTHON_TYPES: dict[str, tuple[type, ...]] = {"string": (str,), "int32": (int,), "int64": (int,), "bool": (bool,)}


def _value(value: Any, field: Field, name: str) -> Any:
    """A scalar, label, list of labels or record checked against its declared type."""
    kind = field.type
    if value is None:
        if field.nullable or isinstance(kind, ListOf):
            return [] if isinstance(kind, ListOf) else None
        raise _Rejected("missing-value", f"{name}: a required value is null")
    if isinstance(kind, Categorical):
        return _label(value, kind, name)
    if isinstance(kind, ListOf):
        if not isinstance(value, list):
            raise _Rejected("wrong-type", f"{name}: expected a list")
        item = Field(field.name, kind.item, field.description)
        return [_value(v, item, name) for v in value]
    if isinstance(kind, Struct):
        if not isinstance(value, dict):
            raise _Rejected("wrong-type", f"{name}: expected an object with {', '.join(kind.field_names)}")
        return {member.name: _value(value.get(member.name), member, f"{name}.{member.name}") for member in kind.fields}
    wanted = _PYTHON_TYPES[kind.kind]
    if not isinstance(value, wanted) or (kind.kind != "bool" and isinstance(value, bool)):
        raise _Rejected("wrong-type", f"{name}: expected {kind.kind}, found {type(value).__name__}")
    return value


def statement_fields() -> tuple[Field, ...]:
    """The statement fields of the schema in force that silver rows carry."""
    return tuple(field for field in current().statement.fields if field.name not in GOLD_ONLY)


def _statement(predicted: dict[str, Any], article: dict[str, Any], include_text: bool) -> dict[str, Any]:
    text: str = article["text"]
    row: dict[str, Any] = {}
    for field in statement_fields():
        if field.name in DERIVED:
            continue
        value = predicted.get(field.name, _default(field))
        if field.role is not None:
            row[field.name] = _spans(value if value is not None else [], field.name, text, include_text)
        else:
            row[field.name] = _value(value, field, field.name)
    if not row["content_spans"]:
        raise _Rejected("missing-content", "a statement needs at least one content span")
    said_unknown = predicted.get("speaker_unknown")
    if said_unknown is not None and not isinstance(said_unknown, bool):
        raise _Rejected("wrong-type", f"speaker_unknown: expected bool, found {type(said_unknown).__name__}")
    row["speaker_unknown"] = bool(said_unknown) or (not row["speaker_spans"] and said_unknown is None)
    if not row["speaker_spans"] and not row["speaker_unknown"]:
        raise _Rejected("missing-speaker", "no speaker span and not marked unknown-speaker")
    content = tuple(sorted(Span(s["start"], s["end"]) for s in row["content_spans"]))
    row["statement_id"] = statement_id(article["article_id"], content)
    row["article_id"] = article["article_id"]
    return row


def silver_rows(
    *,
    article: dict[str, Any],
    predicted: list[dict[str, Any]],
    provenance: dict[str, str],
    include_text: bool,
) -> tuple[list[dict[str, Any]], list[StatementReject]]:
    """Rows of config ``silver`` (labels as names) for one article, and the statements rejected."""
    rows: list[dict[str, Any]] = []
    rejects: list[StatementReject] = []
    seen: set[str] = set()
    context = {
        "article_title": article["title"],
        "article_text": article["text"] if include_text else None,
        "language": article["language"],
        "source": article["source"],
        "published": article["published"],
        "section": article["section"],
        "url": article["url"],
        "text_sha256": article["text_sha256"],
        "machine_provenance": {**provenance, "input_location": article["location"]},
    }
    for number, statement in enumerate(predicted, start=1):
        where = f"{article['location']} > statement {number}"
        try:
            if not isinstance(statement, dict):
                raise _Rejected("wrong-type", f"a statement is an object, not {type(statement).__name__}")
            row = _statement(statement, article, include_text)
            if row["statement_id"] in seen:
                raise _Rejected("duplicate-statement", "the same content spans as an earlier statement of the article")
        except _Rejected as rejected:
            rejects.append(StatementReject(where, rejected.code, rejected.reason, article["article_id"]))
            continue
        seen.add(row["statement_id"])
        rows.append({**row, **context})
    while True:  # a statement whose parent is not written is not written either
        kept = {row["statement_id"] for row in rows}
        dangling = [row for row in rows if row.get("parent_statement_id") not in (None, *kept)]
        if not dangling:
            return rows, rejects
        for row in dangling:
            rejects.append(
                StatementReject(
                    f"{article['location']} > {row['statement_id']}",
                    "dangling-parent",
                    f"parent_statement_id {row['parent_statement_id']!r} is no written statement of this article",
                    article["article_id"],
                )
            )
        rows = [row for row in rows if row not in dangling]

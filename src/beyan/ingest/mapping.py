"""Which field of a JSON Lines, CSV or Parquet record (or a text's front matter) holds what.

A mapping names, for some of beyan's fields, the record's field that holds it:
``text=body,title=headline,published=date`` on the command line, or the same as a small
YAML or JSON file (``{"text": "body", "title": "meta.headline"}``; a dot reaches into
nested objects). Fields the mapping does not name are found by common names
(:data:`DEFAULT_NAMES`, compared without regard to case).

Dates are normalized to beyan's :class:`~beyan.records.Published` at the precision the
value states: ``2024-11`` stays a month, ``2024-11-05 09:30`` is a time; RFC 2822 dates
(RSS), ``DD.MM.YYYY`` and Unix timestamps are understood too.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import yaml

from beyan.issues import BeyanError, Issues, fail
from beyan.records import Published

DEFAULT_NAMES: dict[str, tuple[str, ...]] = {
    "text": ("text", "body", "content", "article", "article_text", "maintext", "full_text"),
    "title": ("title", "headline"),
    "subtitle": ("subtitle", "subheadline", "subhead", "standfirst", "dek"),
    "url": ("url", "link", "canonical_url", "source_url"),
    "published": (
        "published",
        "date",
        "published_at",
        "pubdate",
        "publish_date",
        "date_published",
        "published_date",
        "datetime",
    ),
    "source": ("source", "outlet", "site", "sitename", "site_name", "publisher"),
    "source_id": ("source_id", "id", "article_id", "guid"),
    "section": ("section", "category"),
    "language": ("language", "lang"),
}
TARGETS: tuple[str, ...] = tuple(DEFAULT_NAMES)


class MappingError(ValueError):
    """A record's value that cannot be used: the reader turns it into a located reject."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


@dataclass(slots=True)
class MappedRecord:
    """beyan's fields read from one record; ``text`` may hold paragraphs separated by blank lines."""

    text: str | None = None
    title: str | None = None
    subtitle: str | None = None
    url: str | None = None
    published: Published | None = None
    source: str | None = None
    source_id: str | None = None
    section: str | None = None
    language: str | None = None


@dataclass(frozen=True, slots=True)
class FieldMapping:
    """Explicit ``target -> field path`` pairs; every other target is found by its default names."""

    explicit: tuple[tuple[str, str], ...] = ()

    def describe(self) -> str:
        """The mapping as ``--map`` spells it (``text=body,title=headline``), ``defaults`` when empty."""
        return ",".join(f"{target}={name}" for target, name in self.explicit) or "defaults"

    def resolve(self, keys: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
        """For a record with top-level ``keys``: which path each target is read from (cached per key set)."""
        return _resolve(self, keys)

    def apply(self, record: Mapping[str, Any]) -> MappedRecord:
        """beyan's fields of ``record``; raises :class:`MappingError` for a value that cannot be used."""
        mapped = MappedRecord()
        for target, path in _resolve(self, tuple(record)).items():
            value = _lookup(record, path)
            if value is None or (target != "text" and isinstance(value, str) and not value.strip()):
                continue  # an empty cell is a missing value
            if target == "published":
                mapped.published = normalize_published(value)
            elif target == "text":
                mapped.text = _text_value(value, ".".join(path))
            else:
                setattr(mapped, target, _scalar_value(value, ".".join(path)))
        return mapped


@functools.lru_cache(maxsize=256)
def _resolve(mapping: FieldMapping, keys: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    resolved: dict[str, tuple[str, ...]] = {}
    explicit = dict(mapping.explicit)
    by_folded: dict[str, str] = {}
    for key in keys:
        by_folded.setdefault(key.casefold(), key)
    for target, names in DEFAULT_NAMES.items():
        if target in explicit:
            path = tuple(explicit[target].split("."))
            if path[0] not in keys and path[0].casefold() in by_folded:
                path = (by_folded[path[0].casefold()], *path[1:])
            resolved[target] = path
            continue
        for name in names:
            if name in by_folded:
                resolved[target] = (by_folded[name],)
                break
    return resolved


def _lookup(record: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = record
    for part in path:
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


def _text_value(value: Any, name: str) -> str | None:
    """A text field: a string, or a list of paragraph strings (joined by blank lines)."""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return "\n\n".join(value)
    raise MappingError("wrong-type", f"field '{name}' (the text) is a {type(value).__name__}, not a string")


def _scalar_value(value: Any, name: str) -> str | None:
    """A metadata field as a string: numbers are written out, a list gives its first item."""
    if isinstance(value, list):
        value = value[0] if value else None
    if value is None:
        return None
    if isinstance(value, bool | Mapping):
        raise MappingError("wrong-type", f"field '{name}' is a {type(value).__name__}, not a string")
    text = str(value).strip()
    return text or None


# ------------------------------------------------------------------ dates

_ISO = re.compile(
    r"(?P<y>\d{4})(?:-(?P<m>\d{2})(?:-(?P<d>\d{2})"
    r"(?:[T ](?P<H>\d{2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,]\d+)?)?\s*(?P<tz>Z|z|UTC|[+-]\d{2}(?::?\d{2})?)?)?)?)?"
)
_DOTTED = re.compile(
    r"(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})(?:[ T,]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?)?"
)
_EPOCH_RANGE = (10**8, 10**10)  # 1973 to 2286, in seconds


def normalize_published(value: Any) -> Published:
    """A publication date at the precision ``value`` states; raises :class:`MappingError` when it is not a date."""
    if isinstance(value, dt.datetime):
        return _published_time(value)
    if isinstance(value, dt.date):
        return Published(value.isoformat(), "day")
    if isinstance(value, bool):
        raise _not_a_date(value)
    if isinstance(value, int | float):
        if 1000 <= value <= 9999 and float(value).is_integer():
            return Published(f"{int(value):04d}", "year")
        if _EPOCH_RANGE[0] <= value < _EPOCH_RANGE[1]:
            return _published_time(dt.datetime.fromtimestamp(value, dt.UTC).replace(microsecond=0))
        raise _not_a_date(value)
    if not isinstance(value, str):
        raise _not_a_date(value)
    text = value.strip()
    if (match := _ISO.fullmatch(text)) is not None:
        return _published_iso(match, value)
    if (match := _DOTTED.fullmatch(text)) is not None:
        return _published_dotted(match, value)
    if re.search(r"[A-Za-z]{3}", text):
        try:
            parsed = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            parsed = None
        if parsed is not None:
            return _published_time(parsed)
    raise _not_a_date(value)


def _not_a_date(value: Any) -> MappingError:
    return MappingError(
        "invalid-date",
        f"the publication date {value!r} is not a date beyan understands "
        "(ISO 8601 such as 2024-11 or 2024-11-05T09:30+03:00, RFC 2822, DD.MM.YYYY, or a Unix timestamp)",
    )


def _published_iso(match: re.Match[str], original: str) -> Published:
    year, month, day, hour, minute, second, zone = match.group("y", "m", "d", "H", "M", "S", "tz")
    try:
        if hour is not None:
            moment = dt.datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0))
            value = moment.strftime("%Y-%m-%dT%H:%M") + (f":{second}" if second is not None else "")
            return Published(value + _zone(zone), "time")
        if day is not None:
            return Published(dt.date(int(year), int(month), int(day)).isoformat(), "day")
        if month is not None:
            dt.date(int(year), int(month), 1)
            return Published(f"{year}-{month}", "month")
        return Published(year, "year")
    except ValueError:
        raise _not_a_date(original) from None


def _zone(zone: str | None) -> str:
    if zone is None:
        return ""
    if zone in ("Z", "z", "UTC"):
        return "Z"
    digits = zone[1:].replace(":", "")
    hours, minutes = digits[:2], digits[2:4] or "00"
    if int(hours) > 23 or int(minutes) > 59:
        raise ValueError(zone)
    return f"{zone[0]}{hours}:{minutes}"


def _published_dotted(match: re.Match[str], original: str) -> Published:
    year, month, day, hour, minute, second = (match.group(k) for k in ("y", "m", "d", "H", "M", "S"))
    try:
        if hour is None:
            return Published(dt.date(int(year), int(month), int(day)).isoformat(), "day")
        moment = dt.datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0))
    except ValueError:
        raise _not_a_date(original) from None
    return Published(moment.strftime("%Y-%m-%dT%H:%M") + (f":{second}" if second is not None else ""), "time")


def _published_time(moment: dt.datetime) -> Published:
    value = moment.strftime("%Y-%m-%dT%H:%M:%S")
    offset = moment.utcoffset()
    if offset is not None:
        minutes = int(offset.total_seconds()) // 60
        value += (
            "Z" if minutes == 0 else f"{'+' if minutes > 0 else '-'}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
        )
    return Published(value, "time")


# ------------------------------------------------------------------ reading a mapping


def parse_mapping(spec: str | Path | Mapping[str, str] | FieldMapping | None) -> FieldMapping:
    """A :class:`FieldMapping` from ``text=body,title=headline``, a YAML/JSON mapping file, or a dict.

    Errors name the entry (``--map > entry 2``) or the file, what was expected and found.
    """
    if spec is None:
        return FieldMapping()
    if isinstance(spec, FieldMapping):
        return spec
    if isinstance(spec, Mapping):
        return _checked(list(spec.items()), where="mapping")
    text = str(spec)
    path = Path(text)
    if isinstance(spec, Path) or ("=" not in text and path.suffix.lower() in (".yaml", ".yml", ".json")):
        return _mapping_file(path)
    pairs: list[tuple[Any, Any]] = []
    issues = Issues()
    for number, entry in enumerate(filter(None, (part.strip() for part in text.split(","))), start=1):
        target, equals, name = entry.partition("=")
        if not equals or not target.strip() or not name.strip():
            issues.error(
                "invalid-mapping",
                ("--map", f"entry {number}"),
                "a mapping entry must be TARGET=FIELD",
                expected="e.g. text=body",
                found=repr(entry),
            )
            continue
        pairs.append((target.strip(), name.strip()))
    return _checked(pairs, where="--map", issues=issues)


def _mapping_file(path: Path) -> FieldMapping:
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise fail("unreadable", (str(path),), f"cannot read the mapping file: {error.strerror}", exit_code=2) from None
    try:
        data = orjson.loads(raw) if path.suffix.lower() == ".json" else yaml.safe_load(raw)
    except (orjson.JSONDecodeError, yaml.YAMLError) as error:
        raise fail(
            "invalid-mapping",
            (str(path),),
            f"the mapping file is not valid {'JSON' if path.suffix.lower() == '.json' else 'YAML'}: {error}",
            exit_code=2,
        ) from None
    if not isinstance(data, dict):
        raise fail(
            "invalid-mapping",
            (str(path),),
            "the mapping file must hold one object of TARGET: FIELD pairs",
            expected="e.g. {text: body, title: headline}",
            found=type(data).__name__,
            exit_code=2,
        )
    return _checked(list(data.items()), where=str(path))


def _checked(pairs: list[tuple[Any, Any]], *, where: str, issues: Issues | None = None) -> FieldMapping:
    """The mapping of ``pairs``; every problem (with those already in ``issues``) is raised at once."""
    issues = issues if issues is not None else Issues()
    seen: set[str] = set()
    for target, name in pairs:
        if target not in DEFAULT_NAMES:
            issues.error(
                "invalid-mapping",
                (where, str(target)),
                "not a field beyan reads from records",
                expected=", ".join(TARGETS),
                found=repr(target),
            )
        elif not isinstance(name, str) or not name.strip():
            issues.error(
                "invalid-mapping", (where, target), "the field name must be a non-empty string", found=repr(name)
            )
        elif target in seen:
            issues.error("invalid-mapping", (where, target), "the field is mapped twice")
        seen.add(str(target))
    if issues.has_errors:
        raise BeyanError(issues, exit_code=2)
    return FieldMapping(tuple((str(target), str(name).strip()) for target, name in pairs))

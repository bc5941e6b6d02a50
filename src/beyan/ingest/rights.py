"""Rights by source: the corpus's ``sources`` file says, per outlet or URL domain, what may be published.

``corpus/sources.yaml`` (or ``.json``, the same structure)::

    sources:
      - name: Ovakent Haber              # the outlet; also fills an article's missing source
        domains: [ovakenthaber.example]  # www.ovakenthaber.example and m.… match too
        outlets: [Ovakent]               # other spellings of the outlet in the metadata
        license: CC-BY-4.0               # SPDX id, "proprietary" or "unknown"
        redistribution: text             # text | standoff
        holder: Ovakent Medya A.Ş.
        notes: Permission letter of 2024-10-02.

An article matches the entry of the longest domain its URL's host equals or ends with
(``.domain``), else the entry whose name or outlets equal its source (case and spacing
ignored). An article that matches nothing gets ``unknown`` rights with ``standoff``
redistribution, so it is never published with its text by mistake.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import orjson
import yaml

from beyan.ingest.records import ArticleMetadata
from beyan.issues import BeyanError, Issues, fail
from beyan.records import Rights
from beyan.schema.v1 import REDISTRIBUTION

_KEYS = ("name", "domains", "outlets", "license", "redistribution", "holder", "notes")
_DOMAIN = re.compile(r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")


@dataclass(frozen=True, slots=True)
class SourceEntry:
    name: str
    domains: tuple[str, ...]
    outlets: tuple[str, ...]
    rights: Rights


@dataclass(frozen=True, slots=True)
class Sources:
    """A loaded sources file: its entries, indexed by domain and by outlet name."""

    path: str
    entries: tuple[SourceEntry, ...]
    by_domain: dict[str, SourceEntry]
    by_outlet: dict[str, SourceEntry]

    @classmethod
    def of(cls, path: str, entries: tuple[SourceEntry, ...]) -> Sources:
        return cls(
            path,
            entries,
            {domain: entry for entry in entries for domain in entry.domains},
            {_outlet_key(name): entry for entry in entries for name in (entry.name, *entry.outlets)},
        )

    def match(self, metadata: ArticleMetadata) -> SourceEntry | None:
        """The entry an article belongs to: by its URL's domain first, else by its outlet name."""
        host = _host(metadata.url)
        if host:
            labels = host.split(".")
            for start in range(len(labels)):  # the longest matching domain first
                entry = self.by_domain.get(".".join(labels[start:]))
                if entry is not None:
                    return entry
        if metadata.source:
            return self.by_outlet.get(_outlet_key(metadata.source))
        return None


def _outlet_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def _host(url: str | None) -> str | None:
    if not url:
        return None
    try:
        host = urlsplit(url if "//" in url else f"//{url}").hostname
    except ValueError:
        return None
    return host.rstrip(".").lower() if host else None


def rights_for(*, metadata: ArticleMetadata, sources: Sources | None) -> Rights:
    """The rights of an article: its source entry's, or unknown with standoff redistribution."""
    entry = sources.match(metadata) if sources is not None else None
    return entry.rights if entry is not None else Rights.unknown()


def load_sources(path: Path | str) -> Sources:
    """Read and check a sources file; every problem is reported at once, located at its entry and key."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise fail("unreadable", (str(path),), f"cannot read the sources file: {error.strerror}", exit_code=2) from None
    where = str(path)
    try:
        data = orjson.loads(raw) if path.suffix.lower() == ".json" else yaml.safe_load(raw)
    except orjson.JSONDecodeError as error:
        raise fail(
            "invalid-json", (where, f"line {error.lineno}", f"column {error.colno}"), f"not valid JSON: {error.msg}"
        ) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        location = (where, f"line {mark.line + 1}") if mark is not None else (where,)
        raise fail("invalid-yaml", location, f"not valid YAML: {getattr(error, 'problem', error)}") from None
    return parse_sources(data, where=where)


def parse_sources(data: Any, *, where: str) -> Sources:
    """Check the parsed content of a sources file (see the module docstring for its shape)."""
    issues = Issues()
    if not isinstance(data, dict) or not isinstance(data.get("sources"), list):
        raise fail(
            "invalid-sources",
            (where,),
            "a sources file holds a list under 'sources'",
            expected="sources: [{name, domains, license, redistribution, ...}, ...]",
            found=type(data.get("sources") if isinstance(data, dict) else data).__name__,
        )
    entries: list[SourceEntry] = []
    owners: dict[str, str] = {}
    for index, item in enumerate(data["sources"]):
        at = (where, f"sources[{index}]")
        entry = _entry(item, at, issues)
        if entry is None:
            continue
        for key in (
            *(f"domain {d}" for d in entry.domains),
            *(f"outlet {_outlet_key(n)}" for n in (entry.name, *entry.outlets)),
        ):
            if key in owners and owners[key] != entry.name:
                issues.error(
                    "duplicate-source",
                    at,
                    f"the {key.split(' ', 1)[0]} {key.split(' ', 1)[1]!r} is also claimed by {owners[key]!r}",
                    hint="each domain and outlet name may belong to one entry only",
                )
            owners.setdefault(key, entry.name)
        entries.append(entry)
    if issues.has_errors:
        raise BeyanError(issues)
    return Sources.of(where, tuple(entries))


def _strings(value: Any, at: tuple[str, ...], key: str, issues: Issues) -> list[str]:
    if value is None:
        return []
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(item, str) and item.strip() for item in items):
        issues.error("wrong-type", (*at, key), "must be a string or a list of strings", found=repr(value))
        return []
    return [item.strip() for item in items]


def _entry(item: Any, at: tuple[str, ...], issues: Issues) -> SourceEntry | None:
    if not isinstance(item, dict):
        issues.error("wrong-type", at, "an entry must be a mapping", found=type(item).__name__)
        return None
    before = issues.error_count
    for key in item:
        if key not in _KEYS:
            issues.error("unknown-key", (*at, str(key)), "not a key of a sources entry", expected=", ".join(_KEYS))
    name = item.get("name")
    if not isinstance(name, str) or not name.strip():
        issues.error("missing-field", (*at, "name"), "every entry needs the outlet's name", found=repr(name))
    domains = []
    for domain in _strings(item.get("domains"), at, "domains", issues):
        lowered = domain.lower().rstrip(".")
        if not _DOMAIN.match(lowered):
            issues.error(
                "invalid-domain",
                (*at, "domains"),
                "not a domain name",
                expected="e.g. ovakenthaber.example (no scheme, path or port)",
                found=repr(domain),
            )
        domains.append(lowered)
    outlets = _strings(item.get("outlets"), at, "outlets", issues)
    license = item.get("license")
    if not isinstance(license, str) or not license.strip():
        issues.error(
            "missing-field",
            (*at, "license"),
            "every entry needs a license",
            expected="an SPDX id, proprietary or unknown",
        )
    redistribution = item.get("redistribution")
    if redistribution not in REDISTRIBUTION.names:
        issues.error(
            "invalid-rights",
            (*at, "redistribution"),
            "unknown redistribution term",
            expected=" or ".join(REDISTRIBUTION.names),
            found=repr(redistribution),
        )
    for key in ("holder", "notes"):
        if item.get(key) is not None and not isinstance(item.get(key), str):
            issues.error("wrong-type", (*at, key), "must be a string", found=repr(item.get(key)))
    if issues.error_count > before:
        return None
    return SourceEntry(
        name=str(name).strip(),
        domains=tuple(domains),
        outlets=tuple(outlets),
        rights=Rights(
            license=str(license).strip(),
            redistribution=str(redistribution),
            holder=item.get("holder"),
            notes=item.get("notes"),
        ),
    )

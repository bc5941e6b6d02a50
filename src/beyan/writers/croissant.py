"""``croissant.json``: Croissant 1.1 JSON-LD metadata for a built dataset folder.

The record sets are generated from the schema declaration (:mod:`beyan.schema.v1`), so a
field added there appears here with its description. The JSON is a pure function of the
arguments and of the Parquet files in the folder: the same build gives the same bytes.

What the metadata says, and how ``mlcroissant`` 1.1.1 reads it:

* every data Parquet file is a ``cr:FileObject`` with its ``sha256``; each config also has
  a ``cr:FileSet`` (``data/<config>/*.parquet``) that the record set reads, so every split
  and shard is read. mlcroissant checks hashes only of FileObjects it reads, so it does
  **not** check these; :func:`verify_croissant` does.
* labels are ``ClassLabel`` indices: ``sc:Integer`` fields whose description lists the
  label names in index order.
* a list of records (``content_spans``) is a field with ``isArray`` and ``subField``\\ s read
  with ``jsonPath``. Lists of records nested *below* the top level (the spans of
  ``articles.statements``) are left out: mlcroissant cannot extract a list inside a list
  (it fails on the whole record set), so the parent's description names them and points
  at the record set where they are columns.
* a record field (``speaker``) is a field with ``subField``\\ s; mlcroissant returns a null
  record as a record of nulls.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

from beyan.schema import current
from beyan.schema.types import Categorical, Field, FieldType, ListOf, Scalar, Struct
from beyan.schema.v1 import SCHEMA_VERSION, SPLITS

FILENAME = "croissant.json"
CONFORMS_TO = "http://mlcommons.org/croissant/1.1"
PARQUET = "application/x-parquet"

# The @context mlcroissant 1.1.1 writes and expects for Croissant 1.1
# (``mlcroissant._src.core.rdf.make_context`` with ``conforms_to=1.1``); any missing key
# makes it warn that the context is not standard. A test keeps the two equal.
CONTEXT: dict[str, Any] = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "arrayShape": "cr:arrayShape",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "containedIn": "cr:containedIn",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "dct": "http://purl.org/dc/terms/",
    "description": {"@container": "@language"},
    "equivalentProperty": "cr:equivalentProperty",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract",
    "field": "cr:field",
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isArray": "cr:isArray",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "name": {"@container": "@language"},
    "parentField": "cr:parentField",
    "path": "cr:path",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "samplingRate": "cr:samplingRate",
    "sc": "https://schema.org/",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
}

DATA_TYPES: dict[str, str] = {"string": "sc:Text", "int32": "sc:Integer", "int64": "sc:Integer", "bool": "sc:Boolean"}

# The record key of each config: the field that identifies a row.
RECORD_KEYS: dict[str, str] = {
    "statements": "statement_id",
    "articles": "article_id",
    "tokens": "article_id",
    "silver": "statement_id",
}

SPLIT_FIELD = "split"
SPLIT_FILENAME = re.compile(rf"^({'|'.join(map(re.escape, SPLITS))})-\d+-of-\d+\.parquet$")

DEFAULT_DATA_COLLECTION = (
    "Published news articles, each stored with its source, URL, publication date and rights. "
    "Attributed statements (speaker, cue, content and addressee spans, quote type, stance and "
    "policy topics) were annotated by hand in Label Studio and adjudicated into gold statements."
)
DEFAULT_USE_CASES = (
    "Training and evaluating quotation attribution: extracting who said what, to whom, and with which cue.",
    "Training and evaluating stance detection and policy-topic classification of political statements.",
)
DEFAULT_PERSONAL_INFORMATION = (
    "Names, roles, affiliations and optional Wikidata ids of speakers, who are public figures quoted in "
    "published news, with the statements and stances attributed to them. Annotators appear only as "
    "keyed-hash pseudonyms (provenance.annotators)."
)


def croissant_metadata(
    *,
    folder: Path,
    manifest: dict[str, Any],
    pretty_name: str,
    description: str,
    license_note: str,
    annotation_protocol: str,
    annotators: int,
    annotations_per_item: str,
    url: str | None = None,
    cite_as: str | None = None,
    date_published: str | None = None,
    creator: str | None = None,
    data_collection: str = DEFAULT_DATA_COLLECTION,
    personal_information: str = DEFAULT_PERSONAL_INFORMATION,
    use_cases: tuple[str, ...] = DEFAULT_USE_CASES,
    limitations: tuple[str, ...] = (),
    annotation_platform: tuple[str, ...] = ("Label Studio",),
) -> dict[str, Any]:
    """The Croissant 1.1 JSON-LD of the built dataset ``folder`` described by ``manifest``.

    ``manifest`` is the build manifest (``dataset``, ``dataset_version``, ``outputs`` with
    ``sha256``/``bytes`` per file, ``counts``, ``adjudication``, ``text_policy``); a data file
    missing from its ``outputs`` is hashed here. ``license_note`` is the license text or URL;
    ``date_published`` (ISO 8601) appears only when given. ``limitations`` are added to the
    ones derived from the manifest. ``annotation_platform`` names what annotated (a machine, for silver).
    """
    files = _data_files(folder, manifest)
    configs = [config for config in current().configs if any(config == c for c, _, _, _ in files)]
    version = str(manifest["dataset_version"])
    name = str(manifest["dataset"])
    counts = manifest.get("counts", {})
    languages = sorted(counts.get("languages", {})) or ["tr"]

    metadata: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "sc:Dataset",
        "conformsTo": CONFORMS_TO,
        "name": name,
    }
    if pretty_name and pretty_name != name:
        metadata["alternateName"] = pretty_name
    metadata["description"] = description or pretty_name or name
    metadata["version"] = version
    metadata["license"] = license_note
    if url:
        metadata["url"] = url
    metadata["citeAs"] = cite_as or _default_citation(name, pretty_name or name, version, url)
    if date_published:
        metadata["datePublished"] = date_published
    if creator:
        metadata["creator"] = {"@type": "sc:Organization", "name": creator}
    metadata["inLanguage"] = languages
    metadata.update(
        _rai(
            manifest,
            data_collection=data_collection,
            annotation_protocol=annotation_protocol,
            annotators=annotators,
            annotations_per_item=annotations_per_item,
            personal_information=personal_information,
            use_cases=use_cases,
            limitations=limitations,
            annotation_platform=annotation_platform,
        )
    )
    distribution: list[dict[str, Any]] = []
    for _, relative, sha256, size in files:
        distribution.append(
            {
                "@type": "cr:FileObject",
                "@id": relative,
                "name": relative,
                "description": f"Parquet shard {Path(relative).name} of config `{Path(relative).parent.name}`.",
                "contentUrl": relative,
                "encodingFormat": PARQUET,
                "contentSize": f"{size} B",
                "sha256": sha256,
            }
        )
    for config in configs:
        distribution.append(
            {
                "@type": "cr:FileSet",
                "@id": _file_set_id(config),
                "name": _file_set_id(config),
                "description": f"Every Parquet shard of config `{config}`, all splits; the split is in the file name.",
                "encodingFormat": PARQUET,
                "includes": f"data/{config}/*.parquet",
            }
        )
    metadata["distribution"] = distribution
    metadata["recordSet"] = [_record_set(config, current().configs[config]) for config in configs]
    return metadata


def dumps_croissant(metadata: dict[str, Any]) -> str:
    """The bytes of ``croissant.json`` (as text): indented, UTF-8, final newline."""
    return json.dumps(metadata, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def write_croissant(folder: Path, metadata: dict[str, Any]) -> Path:
    """Write ``folder/croissant.json`` and return its path."""
    path = Path(folder) / FILENAME
    path.write_text(dumps_croissant(metadata), "utf-8")
    return path


def verify_croissant(folder: Path) -> list[str]:
    """Problems with the files ``folder/croissant.json`` lists: missing, or size or sha256 differ.

    mlcroissant reads the data through the FileSets and does not check these hashes.
    """
    metadata = json.loads((Path(folder) / FILENAME).read_text("utf-8"))
    problems: list[str] = []
    for entry in metadata.get("distribution", []):
        if entry.get("@type") != "cr:FileObject":
            continue
        relative = entry.get("contentUrl")
        if not isinstance(relative, str):
            problems.append(f"a file object has no contentUrl: {entry.get('@id', '?')}")
            continue
        path = Path(folder) / relative
        if not path.is_file():
            problems.append(f"{relative}: missing")
            continue
        size = f"{path.stat().st_size} B"
        if "contentSize" in entry and entry["contentSize"] != size:
            problems.append(f"{relative}: size {size}, croissant.json says {entry['contentSize']}")
        actual = _sha256(path)
        if actual != entry.get("sha256"):
            problems.append(f"{relative}: sha256 {actual}, croissant.json says {entry.get('sha256')}")
    return problems


# ---------------------------------------------------------------- distribution


def _file_set_id(config: str) -> str:
    return f"{config}-parquet-files"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _data_files(folder: Path, manifest: dict[str, Any]) -> list[tuple[str, str, str, int]]:
    """(config, relative path, sha256, bytes) of every data Parquet file, sorted by config and path."""
    outputs: dict[str, Any] = manifest.get("outputs", {})
    relatives = {p.relative_to(folder).as_posix() for p in Path(folder).glob("data/*/*.parquet")}
    relatives |= {r for r in outputs if r.startswith("data/") and r.endswith(".parquet")}
    files: list[tuple[str, str, str, int]] = []
    for relative in relatives:
        parts = relative.split("/")
        if len(parts) != 3 or parts[1] not in current().configs:
            continue
        known = outputs.get(relative)
        if known is not None:
            sha256, size = str(known["sha256"]), int(known["bytes"])
        else:
            path = Path(folder) / relative
            sha256, size = _sha256(path), path.stat().st_size
        files.append((parts[1], relative, sha256, size))
    order = {config: i for i, config in enumerate(current().configs)}
    return sorted(files, key=lambda f: (order[f[0]], f[1]))


def _default_citation(name: str, title: str, version: str, url: str | None) -> str:
    key = re.sub(r"[^A-Za-z0-9]+", "_", f"{name}_{version}").strip("_")
    lines = [f"@misc{{{key},", f"  title = {{{title}}},", f"  note = {{Version {version}}},"]
    if url:
        lines.append(f"  url = {{{url}}},")
    return "\n".join(lines) + "\n}"


# ---------------------------------------------------------------- responsible AI


def _rai(
    manifest: dict[str, Any],
    *,
    data_collection: str,
    annotation_protocol: str,
    annotators: int,
    annotations_per_item: str,
    personal_information: str,
    use_cases: tuple[str, ...],
    limitations: tuple[str, ...],
    annotation_platform: tuple[str, ...],
) -> dict[str, Any]:
    protocol = [annotation_protocol] if annotation_protocol else []
    policy = manifest.get("adjudication")
    if policy:
        protocol.append(
            f"Gold statements are adjudicated from the annotations with the `{policy}` policy "
            "(annotations flagged as ground truth first); provenance.adjudication records how each was chosen."
        )
    plural = "" if annotators == 1 else "s"
    return {
        "rai:dataCollection": data_collection,
        "rai:dataAnnotationProtocol": protocol,
        "rai:dataAnnotationPlatform": list(annotation_platform),
        "rai:annotationsPerItem": annotations_per_item,
        "rai:annotatorDemographics": [
            f"{annotators} annotator{plural}. Identities are pseudonymized with a keyed hash before "
            "anything is stored; no other information about annotators is published."
        ],
        "rai:personalSensitiveInformation": [personal_information],
        "rai:dataUseCases": list(use_cases),
        "rai:dataLimitations": [*_derived_limitations(manifest), *limitations],
    }


def _derived_limitations(manifest: dict[str, Any]) -> list[str]:
    counts = manifest.get("counts", {})
    found: list[str] = []
    articles = sum(counts.get("articles", {}).values())
    statements = sum(counts.get("statements", {}).values())
    if articles or statements:
        found.append(
            f"This version has {articles} annotated article{'' if articles == 1 else 's'} and "
            f"{statements} gold statement{'' if statements == 1 else 's'}."
        )
    languages = sorted(counts.get("languages", {}))
    if languages:
        found.append(f"News text in {', '.join(languages)} only; offsets are Unicode code points.")
    text_policy = manifest.get("text_policy")
    if text_policy == "rights":
        found.append(
            "Articles whose rights forbid redistribution are standoff: their text and span texts are null; "
            "re-attach the text from your own copy with `beyan hydrate` (text_sha256 checks it)."
        )
    elif text_policy == "full":
        found.append(
            "Local build with full text, including articles whose rights forbid redistribution: do not publish it."
        )
    return found


# ---------------------------------------------------------------- record sets


def _record_set(config: str, struct: Struct) -> dict[str, Any]:
    if SPLIT_FIELD in struct.field_names:
        raise ValueError(f"config {config!r} has a field named {SPLIT_FIELD!r}, which croissant.json adds")
    file_set = _file_set_id(config)
    fields = [_field(field, config=config, file_set=file_set, prefix=config, column=None) for field in struct.fields]
    fields.append(
        {
            "@type": "cr:Field",
            "@id": f"{config}/{SPLIT_FIELD}",
            "name": SPLIT_FIELD,
            "description": f"The split the row is in ({', '.join(SPLITS)}), from its file name.",
            "dataType": "sc:Text",
            "source": {
                "fileSet": {"@id": file_set},
                "extract": {"fileProperty": "filename"},
                "transform": {"regex": SPLIT_FILENAME.pattern},
            },
        }
    )
    record_set: dict[str, Any] = {
        "@type": "cr:RecordSet",
        "@id": config,
        "name": config,
        "description": f"{struct.description} Fields follow beyan schema {SCHEMA_VERSION}.",
    }
    key = RECORD_KEYS.get(config)
    if key is not None and key in struct.field_names:
        record_set["key"] = {"@id": f"{config}/{key}"}
    record_set["field"] = fields
    return record_set


def _field(
    field: Field, *, config: str, file_set: str, prefix: str, column: str | None, json_path: tuple[str, ...] = ()
) -> dict[str, Any]:
    """One ``cr:Field``; ``column`` is the top-level column of a subfield and ``json_path`` its path in it."""
    field_id = f"{prefix}/{field.name}"
    top = column is None
    column_name = field.name if column is None else column
    path = () if top else (*json_path, field.name)
    kind: FieldType = field.type
    out: dict[str, Any] = {"@type": "cr:Field", "@id": field_id, "name": field.name}
    description = field.description
    if isinstance(kind, ListOf):
        out["isArray"] = True
        kind = kind.item
        if isinstance(kind, ListOf) and not isinstance(kind.item, (ListOf, Struct)):
            out["arrayShape"] = "-1,-1"  # a list of lists of values (the tag layers of config tokens)
            kind = kind.item
    if isinstance(kind, Categorical):
        description += f" {_labels_note(kind)}"
    if field.nullable and "null" not in description.lower():
        description += " May be null."
    if isinstance(kind, Struct):
        members: list[dict[str, Any]] = []
        left_out: list[str] = []
        for member in kind.fields:
            if isinstance(member.type, ListOf) and isinstance(member.type.item, Struct):
                left_out.append(member.name)  # a list of records below the top level: unreadable
                continue
            members.append(
                _field(
                    member,
                    config=config,
                    file_set=file_set,
                    prefix=field_id,
                    column=column_name,
                    json_path=path,
                )
            )
        if left_out:
            description += " " + _left_out_note(kind, left_out, config)
        out["description"] = description
        out["subField"] = members
        return out
    out["description"] = description
    out["dataType"] = _data_type(kind)
    source: dict[str, Any] = {"fileSet": {"@id": file_set}, "extract": {"column": column_name}}
    if path:
        source["transform"] = {"jsonPath": ".".join(path)}
    out["source"] = source
    return out


def _data_type(kind: FieldType) -> str:
    if isinstance(kind, Scalar):
        return DATA_TYPES[kind.kind]
    if isinstance(kind, Categorical):
        return "sc:Integer"
    raise TypeError(f"no Croissant data type for {kind!r}")


def _labels_note(kind: Categorical) -> str:
    names = ", ".join(f"{i} = {name}" for i, name in enumerate(kind.vocabulary.names))
    return f"ClassLabel index into `{kind.vocabulary.name}`: {names}."


def _left_out_note(kind: Struct, left_out: list[str], config: str) -> str:
    names = ", ".join(f"`{name}`" for name in left_out)
    note = f"Not described here: {names} (lists of records inside another field, which mlcroissant 1.1 cannot extract)"
    for other, struct in current().configs.items():
        if other != config and all(member in struct.fields for member in kind.fields):
            return f"{note}; every member of a {kind.name} is a column of record set `{other}`."
    return f"{note}."

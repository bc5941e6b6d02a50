"""Fuzzing the importer and the validator with mutated Label Studio exports.

Each example starts from a valid export (an invented article and statements from
``strategies.py``, in code-point or legacy UTF-16 offsets, with drafts, predictions and a
second task) and applies random mutations at every level of the JSON (dropped,
duplicated, renamed and retyped keys; huge integers, floats, NaN, lone surrogates;
shifted offsets; unknown labels; relations to missing regions; duplicated tasks) and to
the bytes of the file (truncation, a BOM, invalid UTF-8, flipped and deleted bytes).

Then ``validate(export)``, ``validate(export, corpus=...)`` and ``import_labelstudio``
run on it. Any exception other than :class:`beyan.issues.BeyanError` is a failure.
Validation never writes. A failed import leaves the corpus byte for byte as it was; a
successful one balances its reconciliation for every kind and leaves a corpus that
``validate`` finds clean.

Bounded for CI: ``derandomize=True`` (and no example database) so every run, on any
machine, tries the same examples: a red CI reproduces with the same command and
nothing is written into the shared work tree. A fixed database would instead replay
past failures but depend on what one machine had seen. To search more widely by hand,
set ``BEYAN_FUZZ_EXAMPLES=5000``, which also switches to random exploration.
"""

from __future__ import annotations

import contextlib
import copy
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, given, note, settings
from hypothesis import strategies as st

from beyan.issues import BeyanError
from beyan.labelstudio.importer import import_labelstudio
from beyan.labelstudio.to_results import statements_to_results
from beyan.schema.v1 import INTERFACE, QUOTE_TYPE, STANCE, TOPIC
from beyan.validation import validate
from tests.factories import annotation, task
from tests.properties.strategies import Example, examples, to_raw
from tests.properties.test_round_trip import corpus_files, make_corpus

EXAMPLES = int(os.environ.get("BEYAN_FUZZ_EXAMPLES", "0"))
FUZZ = settings(
    max_examples=EXAMPLES or 250,
    deadline=None,
    derandomize=not EXAMPLES,
    database=None,
    suppress_health_check=list(HealthCheck),
    # no "explain" phase: its line tracing makes a failing run minutes long; shrinking stays
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
)

# ------------------------------------------------------------------ mutation vocabulary

KNOWN_WORDS = (
    INTERFACE.labels_name,
    INTERFACE.text_name,
    *INTERFACE.roles.names,
    *INTERFACE.relations.names,
    *(control.name for control in INTERFACE.region_controls),
    *(control.name for control in INTERFACE.document_controls),
    *QUOTE_TYPE.names,
    *STANCE.names,
    *TOPIC.names[:3],
    "unknown-speaker",
    "labels",
    "relation",
    "choices",
    "textarea",
    "right",
    "left",
    "bi",
    "id",
    "data",
    "annotations",
    "result",
    "value",
    "start",
    "end",
    "from_id",
    "to_id",
    "article_id",
    "language",
    "published",
)
UNKNOWN_WORDS = ("Speaker", "CONTENT", "spreker", "rectanglelabels", "hypertext", "sideways", "Q0", "tr-", "2024-13")
WEIRD_STRINGS = (
    "",
    " ",
    "NaN",
    "Infinity",
    "-Infinity",
    "1e400",
    "-1",
    "0x10",
    "\x00",
    "\ud800",
    "\udfff",
    "😀",
    "\r\n",
    "a" * 300,
    "../x",
    "/tmp",
)
WEIRD_SCALARS: tuple[Any, ...] = (
    None,
    True,
    False,
    0,
    -1,
    1,
    2**31,
    10**30,
    -(10**30),
    1.5,
    -0.0,
    1e308,
    float("nan"),
    float("inf"),
)

weird_values = st.one_of(
    st.sampled_from(WEIRD_SCALARS),
    st.sampled_from(WEIRD_STRINGS),
    st.sampled_from(KNOWN_WORDS + UNKNOWN_WORDS),
    st.integers(-5, 200),
    st.text(max_size=8),
    st.just([]),
    st.just({}),
    st.just([None]),
    st.just({"": None}),
    st.just([[[[[[[[[[[]]]]]]]]]]]),
)

JSON_OPS = (
    "delete",
    "duplicate",
    "replace",
    "rename-key",
    "shift-int",
    "wrap",
    "relabel",
    "dangling-relation",
    "shift-offsets",
    "duplicate-task",
    "edit-text",
    "mutate-string",
    "new-article",
    "retype-id",
    "duplicate-annotation",
)
ARTICLE_IDS = ("a" * 300, "a\x00b", "\ud800", "../../x", "/", ".", "", "x/y", "😀" * 70, " ", "con")
BYTE_OPS = ("truncate", "bom", "invalid-utf8", "flip", "delete-bytes", "duplicate-bytes", "replace-all")


# ------------------------------------------------------------------ the valid starting point


def base_export(example: Example, *, offsets: str, crlf_task: bool, article_id: str | None, extras: bool) -> list[Any]:
    text = example.raw if crlf_task else example.text
    statements = [to_raw(s, example.raw) for s in example.statements] if crlf_task else list(example.statements)
    results = statements_to_results(statements, text, topics=example.topics, offsets=offsets)
    fewer = statements_to_results(statements[:1], text, offsets=offsets)  # another annotator saw one statement
    first = task(
        text,
        [
            annotation(results, annotation_id=1, user=1),
            annotation(fewer, annotation_id=2, user=2, ground_truth=True),
        ],
        task_id=1,
        project=1,
        article_id=article_id,
    )
    tasks = [first]
    if extras:
        first["drafts"] = [{"id": 9, "result": results[:1], "user": "drafter@example.org"}]
        first["predictions"] = [{"id": 8, "result": results, "model_version": "x"}]
        empty = annotation([], annotation_id=3)
        empty["completed_by"] = {"id": 4, "email": "Someone@Example.org"}  # a user object, as newer exports give
        second = task(text, [empty], task_id=2, project=1)
        second["annotations"].append(annotation(results, annotation_id=4, user=5, cancelled=True))
        tasks.append(second)
    return tasks


# ------------------------------------------------------------------ JSON-level mutations


def paths(value: Any, here: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield here
    if isinstance(value, dict):
        for key, item in value.items():
            yield from paths(item, (*here, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from paths(item, (*here, index))


def at(root: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        root = root[step]
    return root


def put(root: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    at(root, path[:-1])[path[-1]] = value
    return root


def where(root: Any, wanted: Any) -> list[tuple[Any, ...]]:
    """Paths of the nodes for which ``wanted(path, node)`` holds (drawn as paths: short reports)."""
    return [path for path in paths(root) if wanted(path, at(root, path))]


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def in_results(path: tuple[Any, ...]) -> bool:
    return len(path) >= 2 and path[-2] == "result"


def mutate_json(data: st.DataObject, root: Any) -> Any:
    op = data.draw(st.sampled_from(JSON_OPS), label="json op")

    def pick(candidates: list[tuple[Any, ...]], label: str) -> tuple[Any, ...] | None:
        return data.draw(st.sampled_from(candidates), label=label) if candidates else None

    if op == "relabel":
        target = pick(where(root, lambda p, n: isinstance(n, str)), "relabel at")
        return root if target is None else put(root, target, data.draw(st.sampled_from(KNOWN_WORDS + UNKNOWN_WORDS)))
    if op == "dangling-relation":
        target = pick(
            where(root, lambda p, n: in_results(p) and isinstance(n, dict) and n.get("type") == "relation"), "relation"
        )
        if target is not None:
            ids = sorted(
                {
                    str(n["id"])
                    for p in where(root, lambda p, n: in_results(p) and isinstance(n, dict) and "id" in n)
                    for n in [at(root, p)]
                }
            )
            end = data.draw(st.sampled_from(["from_id", "to_id"]), label="end")
            at(root, target)[end] = data.draw(st.sampled_from(["missing", *ids]) | weird_values, label="points at")
        return root
    if op == "retype-id":  # any id: of a task, an annotation, a result, or a relation's ends
        target = pick(where(root, lambda p, n: bool(p) and p[-1] in ("id", "from_id", "to_id")), "id at")
        return root if target is None else put(root, target, data.draw(weird_values, label="id"))
    if op == "shift-offsets":
        target = pick(
            where(root, lambda p, n: len(p) >= 2 and p[-2] == "value" and p[-1] in ("start", "end") and is_int(n)),
            "offset at",
        )
        if target is not None:
            by = data.draw(st.sampled_from([-2, -1, 1, 2, 10**30, -(10**6)]), label="by")
            put(root, target, at(root, target) + by)
        return root
    if op == "duplicate-task" and isinstance(root, list) and root:
        root.append(copy.deepcopy(root[data.draw(st.integers(0, len(root) - 1), label="task")]))
        return root
    if op == "duplicate-annotation":  # the same annotation (same id) twice in its task
        target = pick(
            where(root, lambda p, n: len(p) >= 2 and p[-2] == "annotations" and isinstance(n, dict)), "annotation"
        )
        if target is not None:
            at(root, target[:-1]).append(copy.deepcopy(at(root, target)))
        return root
    if op in ("edit-text", "new-article"):
        target = pick(
            where(
                root,
                lambda p, n: bool(p) and p[-1] == "data" and isinstance(n, dict) and isinstance(n.get("text"), str),
            ),
            "task data",
        )
        if target is not None:
            holder = at(root, target)
            text = holder["text"]
            cut = data.draw(st.integers(0, len(text)), label="cut")
            insert = data.draw(st.sampled_from(["", "x", "\r\n", "😀", "\ud800", "\x00", " yeni"]), label="insert")
            holder["text"] = text[:cut] + insert + text[cut + data.draw(st.integers(0, 2), label="drop") :]
            if op == "new-article":  # a text the corpus does not have, with an odd article id
                holder["article_id"] = data.draw(st.sampled_from(ARTICLE_IDS) | weird_values, label="article id")
        return root
    if op == "mutate-string":
        target = pick(where(root, lambda p, n: isinstance(n, str)), "string at")
        if target is not None:
            value = at(root, target)
            cut = data.draw(st.integers(0, len(value)), label="cut")
            put(root, target, value[:cut] + data.draw(st.sampled_from(WEIRD_STRINGS), label="insert"))
        return root
    target = pick(list(paths(root)), "node")
    assert target is not None
    node = at(root, target)
    if op == "replace":
        return put(root, target, data.draw(weird_values, label="value"))
    if op == "wrap":
        return put(root, target, [node] if data.draw(st.booleans(), label="in a list") else {"value": node})
    if op == "shift-int":
        if is_int(node):
            put(root, target, node + data.draw(st.sampled_from([-1, 1, 2, -(10**30), 10**30, 2**63]), label="by"))
        return root
    if not target:
        return root
    parent, key = at(root, target[:-1]), target[-1]
    if op == "delete":
        del parent[key]
    elif op == "duplicate" and isinstance(parent, list):
        parent.insert(key, copy.deepcopy(node))
    elif op == "rename-key" and isinstance(parent, dict):
        new_key = data.draw(st.sampled_from(KNOWN_WORDS + UNKNOWN_WORDS + ("", "\ud800")), label="new key")
        parent[new_key] = parent.pop(key)
    return root


# ------------------------------------------------------------------ byte-level mutations


def serialize(data: st.DataObject, root: Any) -> bytes:
    ascii_only = data.draw(st.booleans(), label="ensure_ascii")
    text = json.dumps(root, ensure_ascii=ascii_only, allow_nan=True)  # NaN and Infinity are not JSON
    return text.encode("utf-8", "surrogatepass")  # a lone surrogate becomes invalid UTF-8


def mutate_bytes(data: st.DataObject, raw: bytes) -> bytes:
    op = data.draw(st.sampled_from(BYTE_OPS), label="byte op")
    if op == "replace-all":
        return data.draw(
            st.sampled_from(
                [b"", b"   ", b"[]", b"{}", b"null", b"[1, 2]", b"[[]]", b"[{}]", b"\xef\xbb\xbf[]", b"[" * 2000]
            ),
            label="file",
        )
    if op == "bom":
        return b"\xef\xbb\xbf" + raw
    position = data.draw(st.integers(0, len(raw)), label="position")
    if op == "truncate":
        return raw[:position]
    if op == "invalid-utf8":
        junk = data.draw(
            st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xc0\xaf", b"\x00", b"\xef\xbb\xbf"]), label="junk"
        )
        return raw[:position] + junk + raw[position:]
    if op == "flip":
        if position == len(raw):
            return raw
        bit = data.draw(st.integers(0, 7), label="bit")
        return raw[:position] + bytes([raw[position] ^ (1 << bit)]) + raw[position + 1 :]
    length = data.draw(st.integers(1, 16), label="length")
    if op == "delete-bytes":
        return raw[:position] + raw[position + length :]
    return raw[:position] + raw[position : position + length] * 2 + raw[position + length :]


# ------------------------------------------------------------------ the property


@FUZZ
@given(
    example=examples(max_statements=3),
    offsets=st.sampled_from(["code points", "utf16"]),
    crlf_task=st.booleans(),
    declare_id=st.booleans(),
    extras=st.booleans(),
    add_articles=st.booleans(),
    data=st.data(),
)
def test_mutated_exports_never_crash_or_corrupt_the_corpus(
    example: Example,
    offsets: str,
    crlf_task: bool,
    declare_id: bool,
    extras: bool,
    add_articles: bool,
    data: st.DataObject,
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        corpus = root / "corpus"
        article_id = make_corpus(corpus, example)

        export = base_export(
            example, offsets=offsets, crlf_task=crlf_task, article_id=article_id if declare_id else None, extras=extras
        )
        for _ in range(data.draw(st.integers(0, 4), label="json mutations")):
            export = mutate_json(data, export)
        raw = serialize(data, export)
        for _ in range(data.draw(st.integers(0, 2), label="byte mutations")):
            raw = mutate_bytes(data, raw)
        path = root / "export.json"
        path.write_bytes(raw)
        note(f"export file ({len(raw)} bytes): {raw[:3000]!r}")

        before = corpus_files(corpus)
        for kwargs in ({}, {"corpus": corpus}):
            with contextlib.suppress(BeyanError):
                validate(path, **kwargs)
            assert corpus_files(corpus) == before, f"validate({kwargs}) changed the corpus"

        rejects = root / "rejects.jsonl"
        try:
            result = import_labelstudio(
                corpus=corpus, exports=[path], rejects=rejects, add_articles=add_articles, language="tr"
            )
        except BeyanError:
            assert corpus_files(corpus) == before, "a failed import changed the corpus"
            assert not rejects.exists()
            return
        reconciliation = result.reconciliation
        assert reconciliation.balanced(), reconciliation.render()
        after = validate(corpus)
        assert after.exit_code == 0, after.issues.render()

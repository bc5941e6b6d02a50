"""Config ``tokens``: BIO layers that keep nested, discontinuous and shared spans, and their inverse."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import datasets
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from beyan.build import build
from beyan.issues import BeyanError
from beyan.tokens.view import ROLE_FIELDS, decode_bio, statement_spans, token_row, token_row_with_summary
from beyan.validation import validate
from tests.conftest import SEED_CORPUS

SPAN_FIELDS = tuple(ROLE_FIELDS.values())


@pytest.fixture(scope="module")
def seed_dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("tokens") / "dist-tokens-seed"
    build(corpus=SEED_CORPUS, out=out)
    return out


def span_set(spans: list[dict[str, Any]]) -> list[tuple[int, int, str | None]]:
    return sorted((s["start"], s["end"], s["text"]) for s in spans)


def test_load_dataset_tokens_is_lossless_on_the_seed(seed_dist: Path) -> None:
    tokens = datasets.load_dataset(str(seed_dist), "tokens")["train"]
    statements = datasets.load_dataset(str(seed_dist), "statements")["train"]
    (row,) = list(tokens)
    text = statements[0]["article_text"]
    features = tokens.features
    assert features["content_tags"].feature.feature.names == ["O", "B-content", "I-content"]
    assert features["spans"].feature["role"].names == ["speaker", "cue", "content", "addressee"]
    assert [text[s:e] for s, e in zip(row["token_starts"], row["token_ends"], strict=True)] == row["tokens"]
    recovered = statement_spans(row, text=text)
    assert sorted(recovered) == sorted(statements["statement_id"])
    total = 0
    for gold in statements:
        for name in SPAN_FIELDS:
            assert span_set(recovered[gold["statement_id"]][name]) == span_set(gold[name]), (gold["statement_id"], name)
            total += len(gold[name])
    assert total == 39  # 13 content, 13 speaker (4 mentions shared), 12 cue, 1 addressee
    assert all(span["exact"] for span in row["spans"])
    assert len(row["content_tags"]) == 2  # the nested statement is in layer 1


def test_nested_and_shared_spans_on_the_seed(seed_dist: Path) -> None:
    (row,) = pq.read_table(next((seed_dist / "data" / "tokens").glob("*.parquet"))).to_pylist()
    words = row["tokens"]
    nested = [s for s in row["spans"] if s["layer"] == 1]
    assert {(s["role"], " ".join(words[s["start"] : s["end"]])) for s in nested} == {
        (0, "Kim Yong-un"),  # speaker
        (1, "belirtti"),  # cue
        (
            2,
            "mevcut durumun yanı sıra gelecekteki tehdit ve zorlukların , modern stratejik saldırı nükleer "
            "silahlarımızı her zamankinden daha fazla güçlendirmemizi ve nükleer yanıt için hazırlığımızı "
            "iyileştirmemizi gerektirdiğini",
        ),
    }
    outer = [s for s in row["spans"] if s["role"] == 2 and s["layer"] == 0 and words[s["start"]] == "Liderimiz"]
    assert len(outer) == 1  # the parent's content, in layer 0, covers the nested spans
    # Three "Lavrov" mentions are speakers of four statements: one mention is shared by two
    lavrov = [s for s in row["spans"] if s["role"] == 0 and words[s["start"] : s["end"]] == ["Lavrov"]]
    assert len({(s["start"], s["end"]) for s in lavrov}) == 3 and len(lavrov) == 4
    speaker_layer0 = decode_bio(row["speaker_tags"][0])
    assert len(speaker_layer0) == len(
        {(s["start"], s["end"]) for s in row["spans"] if s["role"] == 0 and s["layer"] == 0}
    )


def article(text: str, statements: list[dict[str, Any]]) -> dict[str, Any]:
    return {"article_id": "0123456789abcdef", "language": "tr", "text": text, "statements": statements}


def stmt(number: int, text: str, **roles: list[str] | str | None) -> dict[str, Any]:
    def spans(value: list[str] | str | None) -> list[dict[str, Any]]:
        needles = [] if value is None else [value] if isinstance(value, str) else value
        out = []
        for needle in needles:
            start = text.index(needle)
            out.append({"start": start, "end": start + len(needle), "text": needle})
        return out

    parent = roles.pop("parent", None)
    return {
        "statement_id": f"0123456789abcdef-{number:08x}",
        "parent_statement_id": parent,
        **{f"{role}_spans": spans(roles.get(role)) for role in ("content", "speaker", "cue", "addressee")},
    }


INVENTED = 'Bakan Arto Keld, "Vergiyi indireceğiz ve okulları açacağız" dedi. Keld ayrıca köprünün açılacağını söyledi.'


def test_discontinuous_content_and_a_span_inside_a_token_are_kept_and_counted() -> None:
    a = stmt(1, INVENTED, content=["Vergiyi indireceğiz", "okulları açacağız"], speaker="Arto Keld", cue="dedi")
    b = stmt(2, INVENTED, content="köprünün açılacağını", cue="söyledi")
    kel = INVENTED.index("Keld ayrıca")
    b["speaker_spans"] = [{"start": kel, "end": kel + 3, "text": "Kel"}]  # ends inside the token "Keld"
    row, moved = token_row_with_summary(article_row=article(INVENTED, [b, a]))
    assert moved == 0
    assert row["statement_ids"] == [a["statement_id"], b["statement_id"]]  # text order, whatever the input order
    assert decode_bio(row["content_tags"][0]) == [(5, 7), (8, 10), (15, 17)]
    inexact = [s for s in row["spans"] if not s["exact"]]
    assert [(s["statement"], s["role"], row["tokens"][s["start"]]) for s in inexact] == [(1, "speaker", "Keld")]
    recovered = statement_spans(row, text=INVENTED)
    assert span_set(recovered[a["statement_id"]]["content_spans"]) == span_set(a["content_spans"])
    assert span_set(recovered[b["statement_id"]]["speaker_spans"]) == [(kel, kel + 4, "Keld")]  # the covering token


def test_overlapping_spans_of_one_role_move_up_a_layer() -> None:
    a = stmt(1, INVENTED, content="Vergiyi indireceğiz ve okulları açacağız", speaker="Bakan Arto Keld")
    b = stmt(2, INVENTED, content="okulları açacağız", speaker="Arto Keld")  # not nested, yet overlapping
    row, moved = token_row_with_summary(article_row=article(INVENTED, [a, b]))
    assert moved == 2
    assert len(row["content_tags"]) == len(row["speaker_tags"]) == 2
    assert decode_bio(row["content_tags"][0]) == [(5, 10)] and decode_bio(row["content_tags"][1]) == [(8, 10)]
    recovered = statement_spans(row, text=INVENTED)
    for gold in (a, b):
        for name in SPAN_FIELDS:
            assert span_set(recovered[gold["statement_id"]][name]) == span_set(gold[name])


def test_standoff_rows_publish_offsets_and_tags_but_no_token_strings() -> None:
    a = stmt(1, INVENTED, content="Vergiyi indireceğiz", speaker="Arto Keld", cue="dedi")
    standoff = {**article(INVENTED, [a]), "text": None}
    with pytest.raises(BeyanError) as raised:
        token_row(article_row=standoff)
    assert raised.value.issues.codes() == ["missing-text"]
    row = token_row(article_row=standoff, text=INVENTED)
    full = token_row(article_row=article(INVENTED, [a]))
    assert row["tokens"] is None and full["tokens"] is not None
    assert {k: v for k, v in row.items() if k != "tokens"} == {k: v for k, v in full.items() if k != "tokens"}
    assert statement_spans(row)[a["statement_id"]]["content_spans"] == [{"start": 18, "end": 37, "text": None}]


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_any_spans_at_token_boundaries_round_trip(data: st.DataObject) -> None:
    text = "Başkan Mira Tolv , " + " ".join(f"kelime{i}" for i in range(30)) + " dedi ."
    ends = [i + len(w) for i, w in _positions(text)]
    starts = [i for i, _ in _positions(text)]
    statements = []
    for number in range(data.draw(st.integers(1, 4))):
        roles: dict[str, list[dict[str, Any]]] = {}
        for role in ("content", "speaker", "cue", "addressee"):
            pieces = []
            for _ in range(data.draw(st.integers(1 if role == "content" else 0, 2))):
                first = data.draw(st.integers(0, len(starts) - 1))
                last = data.draw(st.integers(first, min(first + 5, len(starts) - 1)))
                pieces.append({"start": starts[first], "end": ends[last], "text": text[starts[first] : ends[last]]})
            roles[f"{role}_spans"] = pieces
        statements.append({"statement_id": f"0123456789abcdef-{number:08x}", "parent_statement_id": None, **roles})
    row = token_row(article_row=article(text, statements))
    recovered = statement_spans(row, text=text)
    for gold in statements:
        for name in SPAN_FIELDS:
            assert span_set(recovered[gold["statement_id"]][name]) == span_set(gold[name])
    for role in ("content", "speaker", "cue", "addressee"):
        for layer, tags in enumerate(row[f"{role}_tags"]):
            listed = {(s["start"], s["end"]) for s in row["spans"] if s["role"] == role and s["layer"] == layer}
            assert set(decode_bio(tags)) == listed


def _positions(text: str) -> list[tuple[int, str]]:
    out, i = [], 0
    for word in text.split(" "):
        out.append((i, word))
        i += len(word) + 1
    return out


def test_decode_bio_follows_conlleval() -> None:
    assert decode_bio(["O", "B-cue", "I-cue", "B-cue", "O", "I-cue", "I-cue"]) == [(1, 3), (3, 4), (5, 7)]
    assert decode_bio([0, 1, 2, 0, 2]) == [(1, 3), (4, 5)]
    assert decode_bio([]) == []


def test_build_validates_and_a_tampered_tag_is_located(seed_dist: Path, tmp_path: Path) -> None:
    assert validate(seed_dist).exit_code == 0
    path = next((seed_dist / "data" / "tokens").glob("*.parquet"))
    table = pq.read_table(path)
    rows = table.to_pylist()
    rows[0]["cue_tags"][0][5] = 0  # the headline's colon cue loses its tag
    target = tmp_path / "tokens.parquet"
    pq.write_table(type(table).from_pylist(rows, schema=table.schema), target)
    result = validate(target)
    assert result.issues.codes() == ["tags-spans-mismatch"]
    (issue,) = list(result.issues)
    assert issue.location == (str(target), "row 0 (0263f442a811c8ac)", "cue_tags[0]")


def test_a_dataset_without_the_tokens_config_still_validates(seed_dist: Path, tmp_path: Path) -> None:
    import shutil

    older = tmp_path / "dist-without-tokens"
    shutil.copytree(seed_dist, older)
    shutil.rmtree(older / "data" / "tokens")
    card = (older / "README.md").read_text("utf-8")
    start = card.index("- config_name: tokens")
    end = card.index("- config_name: labels")
    (older / "README.md").write_text(card[:start] + card[end:], "utf-8")
    result = validate(older)
    codes = set(result.issues.codes())
    assert "config-mismatch" not in codes
    assert codes <= {"missing-file", "checksum-mismatch"}  # the manifest still lists what was removed


def test_tokens_of_another_dataset_are_a_config_mismatch(seed_dist: Path, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "dist-mismatch"
    shutil.copytree(seed_dist, copy)
    path = next((copy / "data" / "tokens").glob("*.parquet"))
    table = pq.read_table(path)
    rows = table.to_pylist()
    rows[0]["statement_ids"][0] = "0263f442a811c8ac-00000000"
    pq.write_table(type(table).from_pylist(rows, schema=table.schema), path)
    assert "config-mismatch" in validate(copy).issues.codes()


@pytest.mark.parametrize(
    ("tamper", "code", "where"),
    [
        (lambda r: r["token_ends"].pop(), "length-mismatch", ()),
        (
            lambda r: r.update(token_starts=[r["token_starts"][1], *r["token_starts"][1:]]),
            "invalid-offsets",
            ("token 0",),
        ),
        (lambda r: r["tokens"].__setitem__(3, "Bakan"), "invalid-offsets", ("token 3",)),
        (lambda r: r["speaker_tags"].append(r["speaker_tags"][0]), "invalid-tags", ()),
        (lambda r: r["content_tags"][1].__setitem__(0, 7), "invalid-tags", ("content_tags",)),
        (lambda r: r["spans"][0].update(statement=99), "invalid-value", ("spans[0]",)),
        (lambda r: r["sentence_starts"].reverse(), "invalid-sentences", ("sentence_starts",)),
        (lambda r: r["sentence_starts"].__setitem__(0, 1), "invalid-sentences", ("sentence_starts",)),
        (lambda r: r["sentence_starts"].clear(), "invalid-sentences", ("sentence_starts",)),
        (lambda r: r["sentence_starts"].append(len(r["tokens"])), "invalid-sentences", ("sentence_starts",)),
        (lambda r: r["sentence_starts"].append(r["sentence_starts"][-1]), "invalid-sentences", ("sentence_starts",)),
        (lambda r: r["addressee_tags"][0].__setitem__(0, 1), "tags-spans-mismatch", ("addressee_tags[0]",)),
    ],
)
def test_broken_token_rows_are_located(
    seed_dist: Path, tmp_path: Path, tamper: Any, code: str, where: tuple[str, ...]
) -> None:
    path = next((seed_dist / "data" / "tokens").glob("*.parquet"))
    table = pq.read_table(path)
    rows = table.to_pylist()
    tamper(rows[0])
    target = tmp_path / "tokens.parquet"
    pq.write_table(type(table).from_pylist(rows, schema=table.schema), target)
    result = validate(target)
    assert result.issues.codes() == [code], result.issues.render()
    (issue,) = list(result.issues)
    assert issue.location == (str(target), "row 0 (0263f442a811c8ac)", *where)

"""validate() on Parquet files of both configs: the edges of the vectorised row checks, issue by issue.

Every person, place and sentence here is invented.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from beyan.configs import CONFIGS as SPECS
from beyan.issues import BeyanError
from beyan.readers.news_text import parse_published
from beyan.schema.arrow import parquet_schema
from beyan.schema.types import Struct
from beyan.schema.v1 import ARTICLE_ROW, DATE_PRECISION, STATEMENT_ROW
from beyan.validation import validate
from beyan.validation.reading import parquet_groups
from beyan.validation.tables import SURELY_VALID_DATE

# ------------------------------------------------------------------ invented rows

ARTICLES = ("a1b2c3d4e5f60718", "0f1e2d3c4b5a6978")


def _statements_in_groups_of(monkeypatch: pytest.MonkeyPatch, rows: int) -> None:
    """Check the statements config ``rows`` rows at a time (its spec says 20,000)."""
    monkeypatch.setitem(SPECS, "statements", dataclasses.replace(SPECS["statements"], batch_rows=rows))


def article_text(number: int) -> str:
    """An invented article with astral characters before and inside its quotes."""
    return (
        f'📢 VELMORA {number} - Belediye Başkanı Ilsa Varn: "Köprü 🇹🇷 Mayıs\'ta açılacak" dedi. '
        f'Meclis üyesi Arto Keld ise "𐰀𐰇 Yol {number} yapılmayacak 😀" diye konuştu. '
        f'Varn, "Keld haklı değil" ifadelerini kullandı. Sakinler "Bekliyoruz 👍🏽" dedi.'
    )


QUOTES = (  # (content, speaker, cue) of the statements of every article, in text order
    ("Köprü 🇹🇷 Mayıs'ta açılacak", "Ilsa Varn", "dedi"),
    ("𐰀𐰇 Yol", "Arto Keld", "diye konuştu"),
    ("Keld haklı değil", "Varn", "ifadelerini kullandı"),
    ("Bekliyoruz 👍🏽", None, "dedi."),
)


def span(text: str | None, full_text: str, needle: str, *, after: int = 0) -> dict[str, Any]:
    start = full_text.index(needle, after)
    return {"start": start, "end": start + len(needle), "text": None if text is None else needle}


def statements_of(article: int, *, standoff: bool = False) -> list[dict[str, Any]]:
    """The article's statements (fields of STATEMENT), spans in code points of ``article_text(article)``."""
    text, article_id = article_text(article), ARTICLES[article]
    own = None if standoff else text
    rows = []
    for number, (content, speaker, cue) in enumerate(QUOTES):
        content = content.replace("Yol", f"Yol {article} yapılmayacak 😀") if "Yol" in content else content
        rows.append(
            {
                "statement_id": f"{article_id}-{number:08x}",
                "article_id": article_id,
                "quote_type": 0,
                "content_spans": [span(own, text, content)],
                "speaker_spans": [span(own, text, speaker)] if speaker else [],
                "cue_spans": [span(own, text, cue, after=text.index(content))],
                "addressee_spans": [],
                "speaker_unknown": speaker is None,
                "speaker": {"name": speaker, "role": None, "affiliation": None, "wikidata_qid": None}
                if speaker
                else None,
                "cue_lemma": None,
                "parent_statement_id": None,
                "topics": [],
                "stance": None,
                "stance_target": None,
                "provenance": {
                    "annotations": [f"label-studio/1/{article}/{number}"],
                    "annotators": ["annotator-0a1b2c3d"],
                    "adjudication": 0,
                    "support": 1,
                    "annotations_total": 1,
                },
            }
        )
    return rows


def statement_rows(articles: int, *, standoff: bool = False) -> list[dict[str, Any]]:
    """Rows of config ``statements``: each statement with its article's context."""
    return [
        {
            **statement,
            "article_title": f"Haber {article}",
            "article_text": None if standoff else article_text(article),
            "language": "tr",
            "source": None,
            "published": {"value": "2024-11-05", "precision": DATE_PRECISION.names.index("day")},
            "section": None,
        }
        for article in range(articles)
        for statement in statements_of(article, standoff=standoff)
    ]


def article_rows(articles: int) -> list[dict[str, Any]]:
    rows = []
    for article in range(articles):
        text = article_text(article)
        rows.append(
            {
                "article_id": ARTICLES[article],
                "language": "tr",
                "source": None,
                "source_id": None,
                "url": None,
                "published": {"value": "2024-11", "precision": DATE_PRECISION.names.index("month")},
                "section": None,
                "title": f"Haber {article}",
                "subtitle": None,
                "dateline": None,
                "text": text,
                "text_length": len(text),
                "text_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
                "structure": [],
                "topics": [],
                "rights": {"license": "CC-BY-4.0", "redistribution": 0, "holder": None, "notes": None},
                "statements": statements_of(article),
            }
        )
    return rows


def write(path: Path, rows: list[dict[str, Any]], struct: Struct, *, row_group_size: int = 2) -> Path:
    pq.write_table(pa.Table.from_pylist(rows, schema=parquet_schema(struct)), path, row_group_size=row_group_size)
    return path


def report(path: Path) -> list[tuple[str, str, str | None, str | None]]:
    result = validate(path)
    return [(issue.code, issue.where, issue.expected, issue.found) for issue in result.issues]


def where(path: Path, column: str, row: int, statement_id: str) -> str:
    return f"{path} > {column} > row {row} ({statement_id})"


# ------------------------------------------------------------------ statements config


def test_clean_files_of_both_configs(tmp_path: Path) -> None:
    statements = write(tmp_path / "statements.parquet", statement_rows(2), STATEMENT_ROW)
    articles = write(tmp_path / "articles.parquet", article_rows(2), ARTICLE_ROW)
    result = validate(statements, articles)
    assert list(result.issues) == []
    assert result.spans_checked == 2 * 2 * (4 + 3 + 4)  # both configs: content, speaker and cue spans


def test_a_mismatch_in_the_last_row_of_every_group(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _statements_in_groups_of(monkeypatch, 3)  # groups of at least 3 rows, from 2-row row groups
    rows = statement_rows(2)
    path = write(tmp_path / "statements.parquet", rows, STATEMENT_ROW)
    last_rows, seen = [], 0
    for group in parquet_groups(path, rows=3, dictionary=["article_text"]):
        seen += group.num_rows
        last_rows.append(seen - 1)
    assert len(last_rows) >= 2
    for row in last_rows:  # the last code point of the content span moves one place right
        content = rows[row]["content_spans"][0]
        content["start"], content["end"] = content["start"] + 1, content["end"] + 1
    write(path, rows, STATEMENT_ROW)
    expected = []
    for row in last_rows:
        content, text = rows[row]["content_spans"][0], rows[row]["article_text"]
        expected.append(
            (
                "span-text-mismatch",
                where(path, "content_spans", row, rows[row]["statement_id"]),
                repr(text[content["start"] : content["end"]]),
                repr(content["text"]),
            )
        )
    assert report(path) == expected


def test_offsets_across_astral_characters(tmp_path: Path) -> None:
    rows = statement_rows(1)
    text = rows[0]["article_text"]
    flag = text.index("🇹🇷")
    rows[0]["content_spans"][0]["text"] = "Köprü 🇹🇷"  # the flag is two code points; the span ends after the first
    rows[0]["content_spans"][0]["end"] = flag + 1
    rows[1]["speaker_spans"][0]["end"] = len(text) + 1  # one past the end
    rows[2]["cue_spans"] = [{"start": len(text) - 3, "end": len(text), "text": text[-3:]}]  # up to the very end: fine
    rows[3]["addressee_spans"] = [{"start": 0, "end": 1, "text": "📢"}]  # an astral first character: fine
    path = write(tmp_path / "statements.parquet", rows, STATEMENT_ROW)
    start = rows[0]["content_spans"][0]["start"]
    assert report(path) == [
        (
            "span-text-mismatch",
            where(path, "content_spans", 0, rows[0]["statement_id"]),
            repr(text[start : flag + 1]),
            repr("Köprü 🇹🇷"),
        ),
        (
            "span-out-of-range",
            where(path, "speaker_spans", 1, rows[1]["statement_id"]),
            f"0 <= start < end <= {len(text)}",
            f"[{rows[1]['speaker_spans'][0]['start']}, {len(text) + 1})",
        ),
    ]


def test_standoff_rows_carry_no_text(tmp_path: Path) -> None:
    rows = statement_rows(2, standoff=True)
    clean = write(tmp_path / "clean.parquet", rows, STATEMENT_ROW)
    assert report(clean) == []
    rows[5]["cue_spans"][0]["text"] = "dedi"
    rows[6]["content_spans"][0]["start"] = None
    leaking = write(tmp_path / "leaking.parquet", rows, STATEMENT_ROW)
    end = rows[6]["content_spans"][0]["end"]
    assert report(leaking) == [
        ("missing-value", where(leaking, "content_spans", 6, rows[6]["statement_id"]), "integers", f"[None, {end})"),
        ("standoff-leak", where(leaking, "cue_spans", 5, rows[5]["statement_id"]), "null", repr("dedi")),
    ]


def test_empty_span_lists(tmp_path: Path) -> None:
    rows = statement_rows(1)
    for row in rows:
        row.update(content_spans=[], speaker_spans=[], cue_spans=[], addressee_spans=[], speaker_unknown=True)
    path = write(tmp_path / "statements.parquet", rows, STATEMENT_ROW)
    result = validate(path)
    assert result.spans_checked == 0
    assert [(i.code, i.where) for i in result.issues] == [
        ("missing-content", f"{path} > row {n} ({row['statement_id']})") for n, row in enumerate(rows)
    ]


def test_a_parent_in_an_earlier_group(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _statements_in_groups_of(monkeypatch, 2)
    rows = statement_rows(1)
    text = rows[0]["article_text"]
    outer = span(text, text, "Köprü 🇹🇷 Mayıs'ta açılacak")
    rows[3]["content_spans"] = [{**outer, "end": outer["end"] - 3, "text": outer["text"][:-3]}]  # inside row 0's
    rows[3]["parent_statement_id"] = rows[0]["statement_id"]
    rows[2]["parent_statement_id"] = rows[1]["statement_id"]  # row 1's quote does not hold row 2's
    path = write(tmp_path / "statements.parquet", rows, STATEMENT_ROW, row_group_size=1)
    assert report(path) == [
        ("parent-not-covering", f"{path} > row 2 ({rows[2]['statement_id']}) > parent_statement_id", None, None)
    ]


# ------------------------------------------------------------------ articles config


def test_nested_statements_against_their_article_text(tmp_path: Path) -> None:
    rows = article_rows(2)
    nested = rows[1]["statements"][2]
    nested["content_spans"][0]["text"] = "Keld haklı değildi"
    rows[1]["text_sha256"] = "0" * 64
    rows[0]["text_length"] = 5
    path = write(tmp_path / "articles.parquet", rows, ARTICLE_ROW)
    text = rows[1]["text"]
    content = nested["content_spans"][0]
    assert (
        report(path)
        == [
            (
                "invalid-value",
                f"{path} > row 0 ({ARTICLES[0]}) > text_length",
                str(len(rows[0]["text"])),
                "5",
            ),
            (
                "text-hash-mismatch",
                f"{path} > row 1 ({ARTICLES[1]}) > text_sha256",
                hashlib.sha256(text.encode("utf-8")).hexdigest(),
                "0" * 64,
            ),
            (  # nested rows are numbered across the group's articles: the 4 of article 0, then these
                "span-text-mismatch",
                f"{path} > statements > content_spans > row 6 ({nested['statement_id']})",
                repr(text[content["start"] : content["end"]]),
                repr("Keld haklı değildi"),
            ),
        ]
    )


# ------------------------------------------------------------------ publication dates


def test_dates_judged_without_parsing_and_with(tmp_path: Path) -> None:
    rows = statement_rows(1)
    dates = [("2024-02-29", "day"), ("2023-02-29", "day"), ("2024-11-28T23:59+03:00", "time"), ("2024-11", "day")]
    for row, (value, precision) in zip(rows, dates, strict=True):
        row["published"] = {"value": value, "precision": DATE_PRECISION.names.index(precision)}
    path = write(tmp_path / "statements.parquet", rows, STATEMENT_ROW)
    assert report(path) == [
        ("invalid-date", f"{path} > row 1 ({rows[1]['statement_id']}) > published", None, repr("2023-02-29")),
        ("date-precision-mismatch", f"{path} > row 3 ({rows[3]['statement_id']}) > published", "month", "day"),
    ]


DATE_LIKE = st.builds(
    lambda year, month, day, time: f"{year:04d}" + "".join(part for part in (month, day, time) if part),
    st.integers(0, 9999),
    st.none() | st.integers(0, 13).map(lambda m: f"-{m:02d}"),
    st.none() | st.integers(0, 32).map(lambda d: f"-{d:02d}"),
    st.none()
    | st.tuples(st.integers(0, 25), st.integers(0, 61), st.sampled_from(["", "Z", "+03:00", "-24:00", "+23:59"])).map(
        lambda t: f"T{t[0]:02d}:{t[1]:02d}{t[2]}"
    ),
)


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(values=st.lists(DATE_LIKE, min_size=1, max_size=20))
def test_dates_taken_as_valid_without_parsing_are_valid(values: list[str]) -> None:
    """Whatever SURELY_VALID_DATE accepts, parse_published accepts, at the precision its length says."""
    accepted = pc.match_substring_regex(pa.array(values), SURELY_VALID_DATE).to_pylist()
    by_length = {4: "year", 7: "month", 10: "day"}
    for value, sure in zip(values, accepted, strict=True):
        if sure:
            assert parse_published(value, where=()).precision == by_length.get(len(value), "time")


def test_the_usual_dates_need_no_parsing() -> None:
    usual = ["2024", "2024-11", "2024-11-05", "2024-11-05T09:30", "2024-11-05T09:30:15Z", "2024-11-05T09:30+03:00"]
    left_to_the_parser = ["0000", "2024-13", "2024-02-29", "2024-11-31", "2024-11-05T24:00", "2024-11-05T09:30+24:00"]
    accepted = pc.match_substring_regex(pa.array(usual + left_to_the_parser), SURELY_VALID_DATE).to_pylist()
    assert accepted == [True] * len(usual) + [False] * len(left_to_the_parser)
    with pytest.raises(BeyanError):
        parse_published("2024-11-31", where=())


# ------------------------------------------------------------------ dataset folders


def dataset_folder(folder: Path, files: dict[str, list[dict[str, Any]]], assignment: dict[str, str]) -> Path:
    """A built-dataset folder: card, manifest (split assignment and counts, no checksums) and one train file per config."""
    card = "---\nconfigs:\n"
    for config, rows in files.items():
        path = folder / "data" / config / "train-00000-of-00001.parquet"
        path.parent.mkdir(parents=True)
        write(path, rows, STATEMENT_ROW if config == "statements" else ARTICLE_ROW)
        card += f"- config_name: {config}\n  data_files:\n  - split: train\n    path: data/{config}/{path.name}\n"
    (folder / "README.md").write_text(card + "---\n# Invented test dataset\n", "utf-8")
    counts = {config: {"train": len(rows)} for config, rows in files.items()}
    (folder / "manifest.json").write_text(json.dumps({"splits": {"articles": assignment}, "counts": counts}), "utf-8")
    return folder


def test_rows_of_an_article_the_manifest_puts_in_another_split(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _statements_in_groups_of(monkeypatch, 3)  # the article's rows span two groups
    files = {"statements": statement_rows(2), "articles": article_rows(2)}
    folder = dataset_folder(tmp_path / "dist-split", files, {ARTICLES[0]: "train", ARTICLES[1]: "test"})
    result = validate(folder)
    assert [(i.code, i.where, i.message, i.expected, i.found) for i in result.issues] == [
        (
            "split-mismatch",
            f"{folder / 'data' / config / 'train-00000-of-00001.parquet'} > row {row}",
            f"article {ARTICLES[1]} is in the train file; the manifest assigns another split",
            "train",
            "test",
        )
        for config, rows in (("articles", [1]), ("statements", [4, 5, 6, 7]))
        for row in rows
    ]


def test_statements_missing_from_the_articles_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _statements_in_groups_of(monkeypatch, 3)
    articles = article_rows(2)
    dropped = articles[1]["statements"].pop(2)  # the last group of statements still has it
    files = {"statements": statement_rows(2), "articles": articles}
    folder = dataset_folder(tmp_path / "dist-mismatch", files, dict.fromkeys(ARTICLES, "train"))
    assert [(i.code, i.where, i.found) for i in validate(folder).issues] == [
        ("config-mismatch", str(folder), f"1 statement id(s) in only one of them, e.g. {[dropped['statement_id']]}")
    ]
    clean = dataset_folder(
        tmp_path / "dist-clean",
        {"statements": statement_rows(2), "articles": article_rows(2)},
        dict.fromkeys(ARTICLES, "train"),
    )
    assert list(validate(clean).issues) == []

"""Field mappings and date normalization."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from beyan.ingest.mapping import FieldMapping, MappingError, normalize_published, parse_mapping
from beyan.issues import BeyanError


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024", ("2024", "year")),
        (2024, ("2024", "year")),
        ("2024-11", ("2024-11", "month")),
        ("2024-11-05", ("2024-11-05", "day")),
        ("2024-11-05 09:30", ("2024-11-05T09:30", "time")),
        ("2024-11-05T09:30:15.123+0300", ("2024-11-05T09:30:15+03:00", "time")),
        ("2024-11-05T09:30:15Z", ("2024-11-05T09:30:15Z", "time")),
        ("05.11.2024", ("2024-11-05", "day")),
        ("5.11.2024 14:20", ("2024-11-05T14:20", "time")),
        ("Tue, 05 Nov 2024 09:30:00 +0300", ("2024-11-05T09:30:00+03:00", "time")),
        (1730788200, ("2024-11-05T06:30:00Z", "time")),
        (dt.date(2024, 11, 5), ("2024-11-05", "day")),
        (dt.datetime(2024, 11, 5, 9, 30), ("2024-11-05T09:30:00", "time")),
    ],
)
def test_dates_keep_the_precision_their_value_states(value: object, expected: tuple[str, str]) -> None:
    published = normalize_published(value)
    assert (published.value, published.precision) == expected


@pytest.mark.parametrize("value", ["2024-13", "2024-02-30", "yesterday", "11/05/2024", True, 17, "2024-11-05T25:00"])
def test_what_is_not_a_date_is_an_error(value: object) -> None:
    with pytest.raises(MappingError) as caught:
        normalize_published(value)
    assert caught.value.code == "invalid-date"


def test_a_command_line_mapping_and_a_mapping_file_give_the_same_mapping(tmp_path: Path) -> None:
    yaml_file = tmp_path / "map.yaml"
    yaml_file.write_text("text: body\ntitle: meta.headline\n", "utf-8")
    json_file = tmp_path / "map.json"
    json_file.write_text('{"text": "body", "title": "meta.headline"}', "utf-8")
    expected = FieldMapping((("text", "body"), ("title", "meta.headline")))
    assert parse_mapping("text=body, title=meta.headline") == expected
    assert parse_mapping(yaml_file) == parse_mapping(str(json_file)) == expected
    assert expected.describe() == "text=body,title=meta.headline"


def test_mapping_errors_name_the_entry() -> None:
    with pytest.raises(BeyanError) as caught:
        parse_mapping("text=body,headline,auther=by")
    issues = caught.value.issues.sorted()
    assert [(i.where, i.code) for i in issues] == [
        ("--map > auther", "invalid-mapping"),
        ("--map > entry 2", "invalid-mapping"),
    ]
    assert "text, title, subtitle" in (issues[0].expected or "")


def test_defaults_ignore_case_and_an_explicit_field_wins() -> None:
    mapping = FieldMapping()
    record = {"Headline": "H", "BODY": "B", "Link": "https://x.example", "Category": ["Politika", "Yerel"]}
    mapped = mapping.apply(record)
    assert (mapped.title, mapped.text, mapped.url, mapped.section) == ("H", "B", "https://x.example", "Politika")
    explicit = parse_mapping("text=summary").apply({"summary": "S", "text": "T"})
    assert explicit.text == "S"

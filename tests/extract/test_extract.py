"""``beyan extract``: transparent rules, a lexicon per language, output that ``beyan evaluate`` scores."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from beyan.build import build
from beyan.cli import main
from beyan.extract import HONESTY_NOTE, extract, extract_article, score_extractor
from beyan.extract.lexicon import available_languages, load_lexicon, parse_lexicon
from beyan.issues import BeyanError
from tests.conftest import SEED_CORPUS

TR = load_lexicon("tr")


def found(text: str, lexicon: Any = TR) -> list[tuple[str, list[str], list[str], list[str], list[str]]]:
    rows = extract_article(text=text, article_id="0123456789abcdef", lexicon=lexicon)
    for row in rows:  # every span's text is the text at its offsets
        for name in ("content_spans", "speaker_spans", "cue_spans", "addressee_spans"):
            assert all(text[s["start"] : s["end"]] == s["text"] for s in row[name])
    return [
        (
            row["quote_type"],
            [s["text"] for s in row["content_spans"]],
            [s["text"] for s in row["speaker_spans"]],
            [s["text"] for s in row["cue_spans"]],
            [s["text"] for s in row["addressee_spans"]],
        )
        for row in rows
    ]


def test_quotation_with_a_cue_takes_the_sentence_subject() -> None:
    text = 'ESKAR - Ekonomi Bakanı Arto Keld, Meclis\'te yaptığı konuşmada, "Vergiyi indireceğiz" dedi.'
    assert found(text) == [("direct", ["Vergiyi indireceğiz"], ["Arto Keld"], ["dedi"], [])]


def test_colon_headline_and_a_cross_head_quote() -> None:
    text = (
        'Belediye Başkanı Ilsa Varn: "Köprü mayısta açılacak"\n\n'
        '"Köprü mayısta açılacak"\n\n'
        "Belediye Başkanı Ilsa Varn ise toplantıda konuştu."
    )
    assert found(text) == [
        ("direct", ["Köprü mayısta açılacak"], ["Ilsa Varn"], [":"], []),
        ("direct", ["Köprü mayısta açılacak"], ["Ilsa Varn"], [], []),
    ]


def test_reported_clauses_with_finite_participle_and_converb_cues() -> None:
    text = (
        "Bakan Mira Tolv, seçimin ertelendiğini açıkladı. "
        "Vergilerin düşeceğini söyleyen Tolv, bütçenin dengede olduğunu vurguladı. "
        "Tolv, yolun biteceğini belirterek teşekkür etti."
    )
    assert found(text) == [
        ("indirect", ["seçimin ertelendiğini"], ["Mira Tolv"], ["açıkladı"], []),
        ("indirect", ["Vergilerin düşeceğini"], ["Tolv"], ["söyleyen"], []),
        ("indirect", ["bütçenin dengede olduğunu"], ["Tolv"], ["vurguladı"], []),
        ("indirect", ["yolun biteceğini"], ["Tolv"], ["belirterek"], []),
    ]


def test_a_reported_clause_with_a_quoted_fragment_is_mixed() -> None:
    text = 'Sözcü Dara Venn, görüşmenin "çok verimli" geçtiğini belirtti.'
    assert found(text) == [("mixed", ['görüşmenin "çok verimli" geçtiğini'], ["Dara Venn"], ["belirtti"], [])]


def test_thanks_with_a_reason_and_an_addressee() -> None:
    text = "Bakan Arto Keld ayrıca Dornsk'a destekleri için teşekkür etti."
    assert found(text) == [("indirect", ["destekleri için"], ["Arto Keld"], ["teşekkür etti"], ["Dornsk'a"])]


def test_narration_and_scare_quotes_are_not_statements() -> None:
    text = 'Bakan Arto Keld dün Velmora\'ya geldi. Şehirde "yeni dönem" başladı. Tören iki saat sürdü.'
    assert found(text) == []


def test_another_language_is_a_data_file(tmp_path: Path) -> None:
    english = {
        "language": "en",
        "quote_marks": [["“", "”"]],
        "verb_suffixes": {"finite": ["ed", "s"], "participle": [], "converb": []},
        "cues": [{"lemma": "say", "words": ["said says"], "speaker": "after"}, {"lemma": "warn", "words": ["warn+"]}],
        "reported_endings": [],
        "title_words": ["minister", "mayor"],
    }
    path = tmp_path / "en.json"
    path.write_text(json.dumps(english), "utf-8")
    lexicon = load_lexicon(path)
    text = "“We will cut the tax” said Minister Arto Keld.\nMayor Ilsa Varn: “The bridge opens in May”"
    assert found(text, lexicon) == [
        ("direct", ["We will cut the tax"], ["Arto Keld"], ["said"], []),
        ("direct", ["The bridge opens in May"], ["Ilsa Varn"], [":"], []),
    ]
    assert "tr" in available_languages()


def test_a_bad_lexicon_is_a_located_error() -> None:
    with pytest.raises(BeyanError) as raised:
        parse_lexicon(
            {"language": "xx", "quote_marks": [["“"]], "verb_suffixes": {"past": []}, "cues": [{"words": []}]},
            where="xx.json",
        )
    locations = {issue.where for issue in raised.value.issues}
    assert locations == {
        "xx.json > quote_marks",
        "xx.json > verb_suffixes",
        "xx.json > cues[0]",
        "xx.json > reported_endings",
    }
    with pytest.raises(BeyanError) as unknown:
        load_lexicon("zz")
    assert unknown.value.issues.codes() == ["unknown-language"]


@pytest.fixture(scope="module")
def seed_dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("extract") / "dist-extract-seed"
    build(corpus=SEED_CORPUS, out=out)
    return out


def test_extract_then_evaluate_on_a_fresh_build(seed_dist: Path, tmp_path: Path) -> None:
    out = tmp_path / "predictions.jsonl"
    runner = CliRunner()
    result = runner.invoke(main, ["extract", str(seed_dist), "--out", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "13 statement(s) found in 1 article(s)" in result.output
    rows = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert all(set(row) <= {"article_id", "quote_type", "content_spans", "speaker_spans", "cue_spans",
                             "addressee_spans", "speaker_unknown", "speaker", "cue_lemma"} for row in rows)  # fmt: skip
    scored = runner.invoke(main, ["evaluate", "--gold", str(seed_dist), "--predictions", str(out), "--format", "json"])
    assert scored.exit_code == 0, scored.output
    scores = json.loads(scored.output)
    # Written with this article in view (HONESTY_NOTE): it finds all 13 statements as annotated.
    assert scores["content"]["exact"]["f1"] == 1.0 and scores["attribution"]["exact"]["accuracy"] == 1.0
    assert score_extractor(dataset=seed_dist).to_dict() == scores
    assert "one article" in HONESTY_NOTE


def test_standoff_articles_must_be_hydrated_first(tmp_path: Path) -> None:
    out = tmp_path / "dist-extract-standoff"
    build(corpus=SEED_CORPUS, out=out, text="rights")
    with pytest.raises(BeyanError) as raised:
        extract(dataset=out)
    (issue,) = list(raised.value.issues)
    assert issue.code == "missing-text" and "beyan hydrate" in (issue.hint or "")

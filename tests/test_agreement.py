"""Agreement: Krippendorff's alpha against published values, span F1 on invented annotations."""

from __future__ import annotations

import krippendorff
import numpy as np
import pytest

from beyan.agreement import AgreementReport, krippendorff_alpha_nominal
from beyan.records import AnnotatedStatement, Annotation, Origin, Span

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", the 4-coder, 12-unit example.
RELIABILITY = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]


def test_alpha_matches_the_published_example() -> None:
    units = list(zip(*RELIABILITY, strict=True))
    assert krippendorff_alpha_nominal(units) == pytest.approx(0.743, abs=0.001)


def test_alpha_matches_the_krippendorff_package_on_random_data() -> None:
    rng = np.random.default_rng(7)
    for _ in range(20):
        data = rng.integers(0, 4, size=(3, 30)).astype(float)
        data[rng.random(data.shape) < 0.2] = np.nan
        units = [[None if np.isnan(v) else int(v) for v in column] for column in data.T]
        expected = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
        assert krippendorff_alpha_nominal(units) == pytest.approx(expected, abs=1e-9)


def test_alpha_is_undefined_without_variation() -> None:
    assert krippendorff_alpha_nominal([["a", "a"], ["a", "a"]]) is None


def _annotation(key: str, statements: list[AnnotatedStatement]) -> Annotation:
    return Annotation(
        key, "0" * 16, key, Origin("label-studio", "test", 1, 1, 1), False, None, None, (), tuple(statements)
    )


def test_span_f1_exact_and_overlap_and_alpha_on_matched_statements() -> None:
    a = _annotation("a", [
        AnnotatedStatement((Span(10, 20),), "direct", (Span(0, 5),), (Span(21, 25),), stance="favor"),
        AnnotatedStatement((Span(40, 50),), "indirect", (Span(30, 35),), (Span(36, 39),), stance="against"),
    ])  # fmt: skip
    b = _annotation("b", [
        AnnotatedStatement((Span(10, 20),), "direct", (Span(0, 5),), (Span(21, 25),), stance="favor"),
        AnnotatedStatement((Span(41, 50),), "mixed", (Span(30, 35),), (), stance="against"),
    ])  # fmt: skip
    report = AgreementReport()
    report.add_article([a, b])
    data = report.to_dict()
    assert data["spans"]["content"]["exact_f1"] == pytest.approx(0.5)  # 1 of 2 identical on each side
    assert data["spans"]["content"]["overlap_f1"] == pytest.approx(1.0)
    assert data["spans"]["speaker"]["exact_f1"] == pytest.approx(1.0)
    assert data["spans"]["cue"]["exact_f1"] == pytest.approx(2 * 1 / 3, abs=1e-4)  # rounded to 4 places
    assert data["krippendorff_alpha"]["quote_type"]["units"] == 2
    assert data["krippendorff_alpha"]["stance"]["alpha"] == pytest.approx(1.0)
    assert "Over 1 article(s)" in report.markdown()

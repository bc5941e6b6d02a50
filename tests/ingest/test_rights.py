"""Rights by source: the sources file, its errors, and matching by domain and outlet."""

from __future__ import annotations

from pathlib import Path

import pytest

from beyan.ingest import ArticleMetadata, load_sources, rights_for
from beyan.issues import BeyanError
from beyan.records import Rights

SOURCES = """
sources:
  - name: Ovakent Haber
    domains: [ovakenthaber.example]
    outlets: [Ovakent]
    license: CC-BY-4.0
    redistribution: text
    holder: Ovakent Medya
  - name: Ovakent Haber Blog
    domains: blog.ovakenthaber.example
    license: proprietary
    redistribution: standoff
    notes: Blog posts are not covered by the agreement.
"""


@pytest.fixture
def sources_file(tmp_path: Path) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(SOURCES, "utf-8")
    return path


@pytest.mark.parametrize(
    ("url", "source", "expected"),
    [
        ("https://www.ovakenthaber.example/gundem/1", None, ("CC-BY-4.0", "text")),
        ("https://ovakenthaber.example/", None, ("CC-BY-4.0", "text")),
        ("https://m.blog.ovakenthaber.example/yazi", None, ("proprietary", "standoff")),
        ("https://notovakenthaber.example/x", None, ("unknown", "standoff")),
        (None, "  ovakent  ", ("CC-BY-4.0", "text")),
        (None, "Yayla Postası", ("unknown", "standoff")),
        (None, None, ("unknown", "standoff")),
    ],
)
def test_rights_follow_the_longest_matching_domain_then_the_outlet(
    sources_file: Path, url: str | None, source: str | None, expected: tuple[str, str]
) -> None:
    rights = rights_for(metadata=ArticleMetadata(url=url, source=source), sources=load_sources(sources_file))
    assert (rights.license, rights.redistribution) == expected


def test_without_a_sources_file_every_article_is_standoff() -> None:
    assert rights_for(metadata=ArticleMetadata(url="https://x.example"), sources=None) == Rights.unknown()


def test_json_sources_files_work_the_same(tmp_path: Path) -> None:
    path = tmp_path / "sources.json"
    path.write_text(
        '{"sources": [{"name": "Yayla Postası", "domains": ["yaylapostasi.example"], "license": "CC0-1.0",'
        ' "redistribution": "text"}]}',
        "utf-8",
    )
    rights = rights_for(metadata=ArticleMetadata(url="http://yaylapostasi.example/a"), sources=load_sources(path))
    assert (rights.license, rights.holder) == ("CC0-1.0", None)


def test_every_mistake_in_a_sources_file_is_reported_at_its_entry(tmp_path: Path) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text(
        """
sources:
  - name: A
    domains: [https://a.example/]
    license: CC-BY-4.0
    redistribution: full
  - name: B
    domains: [b.example]
    licence: MIT
  - name: C
    domains: [B.example]
    license: MIT
    redistribution: text
""",
        "utf-8",
    )
    with pytest.raises(BeyanError) as caught:
        load_sources(path)
    found = [(issue.where, issue.code) for issue in caught.value.issues.sorted()]
    assert found == [
        (f"{path} > sources[0] > domains", "invalid-domain"),
        (f"{path} > sources[0] > redistribution", "invalid-rights"),
        (f"{path} > sources[1] > licence", "unknown-key"),
        (f"{path} > sources[1] > license", "missing-field"),
        (f"{path} > sources[1] > redistribution", "invalid-rights"),
    ]


def test_two_entries_cannot_claim_one_domain(tmp_path: Path) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text(
        "sources:\n  - {name: A, domains: [a.example], license: MIT, redistribution: text}\n"
        "  - {name: B, domains: [A.example], license: MIT, redistribution: text}\n",
        "utf-8",
    )
    with pytest.raises(BeyanError) as caught:
        load_sources(path)
    [issue] = caught.value.issues.sorted()
    assert (issue.where, issue.code) == (f"{path} > sources[1]", "duplicate-source")


def test_a_sources_file_that_is_not_yaml_is_located(tmp_path: Path) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text("sources:\n  - name: [A\n", "utf-8")
    with pytest.raises(BeyanError) as caught:
        load_sources(path)
    [issue] = caught.value.issues.sorted()
    assert issue.code == "invalid-yaml" and issue.location[0] == str(path) and issue.location[1].startswith("line ")

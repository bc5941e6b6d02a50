"""Shared fixtures: an offline Hugging Face environment, a pseudonymization key, corpora to work on."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.factories import write_article

REPO = Path(__file__).resolve().parent.parent
SEED_CORPUS = REPO / "corpus"
SEED_ARTICLE_ID = "0263f442a811c8ac"
TEST_PSEUDONYM_KEY = "test-key-0123456789abcdef-not-a-secret"


@pytest.fixture(autouse=True, scope="session")
def offline_environment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """No test reaches a hub; caches live in a temporary folder; no real secret is visible."""
    saved = dict(os.environ)
    hf_home = tmp_path_factory.mktemp("hf-home")
    os.environ.update(
        {
            "HF_HUB_OFFLINE": "1",
            "HF_DATASETS_OFFLINE": "1",
            "HF_HOME": str(hf_home),
            "HF_HUB_DISABLE_TELEMETRY": "1",
            "HF_DATASETS_DISABLE_PROGRESS_BARS": "1",
            "BEYAN_PSEUDONYM_KEY": TEST_PSEUDONYM_KEY,
        }
    )
    for name in ("HF_TOKEN", "LABEL_STUDIO_API_KEY"):
        os.environ.pop(name, None)
    yield
    os.environ.clear()
    os.environ.update(saved)


@pytest.fixture
def seed_corpus(tmp_path: Path) -> Path:
    """A private copy of the repository's corpus."""
    target = tmp_path / "corpus"
    shutil.copytree(SEED_CORPUS, target, ignore=shutil.ignore_patterns(".txn"))
    return target


@pytest.fixture
def empty_corpus(tmp_path: Path) -> Path:
    from beyan.corpus import Corpus

    root = tmp_path / "corpus"
    Corpus.init(root, name="test")
    return root


@pytest.fixture
def small_corpus(empty_corpus: Path) -> Path:
    """Three invented articles (no real people), without annotations."""
    for number, (title, body) in enumerate(
        [
            (
                'Mayor Ilsa Varn: "The bridge opens in May"',
                "VELMORA - Mayor Ilsa Varn said the bridge would open in May.",
            ),
            ("Minister Arto Keld speaks", 'DORNSK - "We will cut the tax," Minister Arto Keld told reporters.'),
            ("Council vote", "ESKAR - Councillor Mira Tolv said the vote was postponed."),
        ]
    ):
        write_article(empty_corpus, f"article-{number}.txt", title=title, body=body)
    return empty_corpus

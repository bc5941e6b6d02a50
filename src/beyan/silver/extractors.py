"""What finds statements in silver articles: the rule baseline, or any ``module:function`` predictor.

A predictor is called once per article with keyword arguments and returns statements in the
``statements`` row shape, labels as names (what ``beyan extract`` writes)::

    def predict(*, text: str, article_id: str, language: str) -> list[dict]: ...

Only ``content_spans`` and ``quote_type`` are required; the other statement fields default to
empty. Every row beyan writes names the extractor, its version and a SHA-256 of what decides
its output (:class:`SilverExtractor`), so silver statements are never taken for gold and two
runs can be told apart. A predictor declares its model's hash as a ``model_sha256`` attribute
(a string); without one, the hash is that of the module's source file.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from beyan import __version__
from beyan.plugins import load_function

RULES = "rules"
RULES_NAME = "beyan-rules"

Predict = Callable[..., list[dict[str, Any]]]


@dataclass(frozen=True, slots=True)
class SilverExtractor:
    """An extractor and its provenance; ``languages`` is None when it takes any language."""

    name: str
    version: str
    sha256: str
    predict: Predict
    languages: frozenset[str] | None = None

    def provenance(self) -> dict[str, str]:
        return {"extractor": self.name, "extractor_version": self.version, "extractor_sha256": self.sha256}

    def takes(self, language: str) -> bool:
        return self.languages is None or language.split("-")[0] in self.languages


def _rules_sha256() -> str:
    """The rule code, the tokenizer it reads tokens with, and every lexicon: what decides the rules' output."""
    package = Path(__file__).resolve().parent.parent
    paths = sorted((package / "extract").rglob("*.py")) + sorted((package / "extract" / "lexicons").glob("*.json"))
    paths += [package / "tokens" / "tokenizer.py", package / "tokens" / "sentences.py"]
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def rules_extractor() -> SilverExtractor:
    """The rule baseline (``beyan extract``), one lexicon per language, loaded once per process."""
    from beyan.extract import extract_article
    from beyan.extract.lexicon import Lexicon, available_languages, load_lexicon

    lexicons: dict[str, Lexicon] = {}

    def predict(*, text: str, article_id: str, language: str) -> list[dict[str, Any]]:
        base = language.split("-")[0]
        lexicon = lexicons.get(base)
        if lexicon is None:
            lexicon = lexicons[base] = load_lexicon(base)
        return extract_article(text=text, article_id=article_id, lexicon=lexicon)

    return SilverExtractor(RULES_NAME, __version__, _rules_sha256(), predict, frozenset(available_languages()))


def _version_of(module: Any) -> str:
    version = getattr(module, "__version__", None)
    if isinstance(version, str):
        return version
    try:
        return metadata.version(module.__name__.split(".")[0])
    except (metadata.PackageNotFoundError, ValueError):
        return "unversioned"


def predictor_extractor(spec: str) -> SilverExtractor:
    """A ``module:function`` predictor, imported here (it must be importable where the workers run)."""
    module, function = load_function(
        spec,
        code="bad-extractor",
        option="--extractor",
        what="the predictor",
        form="an extractor is 'rules' or a predictor named module:function",
        importable="importable by every worker",
    )
    declared = getattr(function, "model_sha256", None)
    if isinstance(declared, str) and len(declared) == 64:
        sha256 = declared.lower()
    else:
        source = getattr(module, "__file__", None)
        sha256 = hashlib.sha256(Path(source).read_bytes() if source else spec.encode()).hexdigest()
    return SilverExtractor(spec, _version_of(module), sha256, function)


@functools.cache
def load_extractor(spec: str = RULES) -> SilverExtractor:
    """The extractor named ``spec`` (``rules``, or ``module:function``), once per process."""
    if spec == RULES:
        return rules_extractor()
    return predictor_extractor(spec)

"""The dataset configs: one module each, one line each in :data:`CONFIGS`.

Every part of beyan that knows about configs reads this registry: the build writes each config's
rows, ``validate`` checks them, the card and Croissant describe them, ``hydrate`` refills their
text. A config is its row type (declared in the schema, ``schema.configs[name]``) plus a
:class:`ConfigSpec`: how a gold article becomes rows, how standoff rows get their text back, and
which row checks ``validate`` runs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from beyan.issues import fail
from beyan.records import GoldArticle

Rows = Callable[[GoldArticle, bool], list[dict[str, Any]]]  # (gold article, include text) -> rows
Hydrate = Callable[[dict[str, Any], str], None]  # fill a standoff row's text in place
Summary = dict[str, Any]  # what a config says about a build (JSON, so builds can cache it per shard)


def _no_text(row: dict[str, Any], text: str) -> None:
    """Rows of a config that carries no article text have nothing to hydrate."""


@dataclass(frozen=True, slots=True)
class ConfigSpec:
    """How a config's rows are made, checked and hydrated.

    Most configs have rows per article (``rows``). A config of the whole dataset (``labels``)
    gives ``dataset_rows`` instead, written once, in the first split. ``summarize`` and
    ``merge`` make a summary of a build's rows (cached per shard) that ``card_section`` turns
    into the config's section of the dataset card. ``built_by`` names the command that writes
    the config's rows: ``build`` (gold, from the corpus) or ``silver`` (machine-annotated, from
    raw news); ``beyan build`` writes only its own.
    """

    name: str
    rows: Rows
    # How ``validate`` checks a batch (an Arrow table) of its rows: the name of a RowChecker
    # method, or a function (checker, table, where) of the config's own module.
    check: str | Callable[[Any, Any, tuple[str, ...]], None]
    batch_rows: int  # rows checked at a time: memory stays flat whatever the size
    description: str
    hydrate: Hydrate = _no_text
    text_column: str = ""  # the column that is null in standoff rows ("": none)
    # Columns whose values repeat across rows (an article's text on each of its statements): read
    # as Arrow dictionaries, so each distinct value is decoded, hashed and checked once.
    dictionary_columns: tuple[str, ...] = ()
    dataset_rows: Callable[[], list[dict[str, Any]]] | None = None
    summarize: Callable[[list[dict[str, Any]]], Summary] | None = None
    merge: Callable[[Summary, Summary], Summary] | None = None
    card_section: Callable[[Summary | None, str], str] | None = None
    built_by: str = "build"

    @property
    def per_article(self) -> bool:
        return self.dataset_rows is None


def _registry() -> dict[str, ConfigSpec]:
    from beyan.configs import articles, labels, silver, statements, tokens

    specs = (statements.SPEC, articles.SPEC, tokens.SPEC, labels.SPEC, silver.SPEC)
    return {spec.name: spec for spec in specs}


CONFIGS: dict[str, ConfigSpec] = _registry()

# full: every row carries its text; rights: standoff rows (text null) where the rights forbid redistribution.
TEXT_POLICIES = ("full", "rights")


def require_text_policy(text: str) -> None:
    """A located error (``--text``) for a text policy beyan does not know."""
    if text not in TEXT_POLICIES:
        raise fail(
            "unknown-text-policy",
            ("--text",),
            "unknown text policy",
            expected=" or ".join(TEXT_POLICIES),
            found=repr(text),
        )


def row_types(*, built_by: str | None = "build") -> dict[str, Any]:
    """Config name -> its row type (a schema ``Struct``), for the configs :func:`config_names` lists."""
    from beyan.schema import current

    return {name: current().configs[name] for name in config_names(built_by=built_by)}


def config_names(*, built_by: str | None = "build") -> list[str]:
    """The configs of the schema in force, in card order, with a spec, written by ``built_by`` (None: by any)."""
    from beyan.schema import current

    return [
        name
        for name in current().configs
        if name in CONFIGS and (built_by is None or CONFIGS[name].built_by == built_by)
    ]

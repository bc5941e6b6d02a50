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

from beyan.records import GoldArticle

Rows = Callable[[GoldArticle, bool], list[dict[str, Any]]]  # (gold article, include text) -> rows
Hydrate = Callable[[dict[str, Any], str], None]  # fill a standoff row's text in place


@dataclass(frozen=True, slots=True)
class ConfigSpec:
    name: str
    rows: Rows
    hydrate: Hydrate
    text_column: str  # the column that is null in standoff rows
    check: str  # the RowChecker method that checks a batch of its rows
    batch_rows: int  # rows checked at a time: memory stays flat whatever the size
    description: str


def _registry() -> dict[str, ConfigSpec]:
    from beyan.configs import articles, statements

    return {spec.name: spec for spec in (statements.SPEC, articles.SPEC)}


CONFIGS: dict[str, ConfigSpec] = _registry()


def config_names() -> list[str]:
    """The configs of the schema in force, in card order, that have a spec."""
    from beyan.schema import current

    return [name for name in current().configs if name in CONFIGS]

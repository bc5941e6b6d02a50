"""Split assignment: per article, by a stable hash, locked once made.

An article's split depends only on its group's id (its own id, or the id that stands for
its cluster of near-duplicates), never on file order or on which other articles exist,
so adding articles never moves an old one. Once an assignment is recorded in the lock
(``corpus/splits.json``), the lock wins over the rule.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping

from beyan.schema.v1 import SPLITS

SPLIT_SALT = "beyan-split-v1"
# Upper bounds of each split on [0, 1): 80 % train, 10 % validation, 10 % test.
SPLIT_BOUNDS: tuple[tuple[str, float], ...] = (("train", 0.8), ("validation", 0.9), ("test", 1.0))
SPLIT_RULE = f"sha256('{SPLIT_SALT}:' + group id) as a fraction of 2^64: train < 0.8 <= validation < 0.9 <= test"


def hash_split(group_id: str) -> str:
    digest = hashlib.sha256(f"{SPLIT_SALT}:{group_id}".encode()).digest()
    fraction = int.from_bytes(digest[:8], "big") / 2**64
    return next(name for name, bound in SPLIT_BOUNDS if fraction < bound)


def assign_splits(
    article_ids: Iterable[str],
    *,
    locked: Mapping[str, str] | None = None,
    groups: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Split of every article: locked ones keep theirs; a group shares one split.

    ``groups`` maps an article to its group id (near-duplicate cluster). A new article
    joining a group that already has a locked member takes that member's split.
    """
    locked = dict(locked or {})
    groups = dict(groups or {})
    ids = sorted(set(article_ids))
    group_split: dict[str, str] = {}
    for article_id in ids:
        if article_id in locked:
            group_split.setdefault(groups.get(article_id, article_id), locked[article_id])
    assignment: dict[str, str] = {}
    for article_id in ids:
        if article_id in locked:
            assignment[article_id] = locked[article_id]
            continue
        group = groups.get(article_id, article_id)
        if group not in group_split:
            group_split[group] = hash_split(group)
        assignment[article_id] = group_split[group]
    assert set(assignment.values()) <= set(SPLITS)
    return assignment

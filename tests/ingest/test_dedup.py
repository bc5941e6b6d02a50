"""Exact duplicates by normalized text; near duplicates grouped as the build groups them."""

from __future__ import annotations

import random

import pytest

from beyan.ingest import dedup
from beyan.ingest.dedup import ExactDuplicates, NearDuplicateIndex, text_key
from beyan.transforms.dedup import near_duplicate_groups

SYLLABLES = ["ka", "le", "mi", "no", "ru", "sa", "te", "vo", "zi", "ba", "de", "fu", "gö", "ış", "çe", "ün"]


def invented_text(rng: random.Random, words: int = 120) -> str:
    return " ".join("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 3))) for _ in range(words)) + "."


def edited(rng: random.Random, text: str, changes: int) -> str:
    words = text.split()
    for _ in range(changes):
        words[rng.randrange(len(words))] = "değişti"
    return " ".join(words)


def test_the_key_ignores_spacing_and_compatibility_forms_but_not_words_or_case() -> None:
    base = text_key("Kuzeyova'da metro hattı\n\naçılıyor.")
    assert text_key("  Kuzeyova'da  metro\u00a0hattı açılıyor.\n") == base
    assert text_key("Kuzeyova'da metro hattı açılıyor!") != base
    assert text_key("KUZEYOVA'DA metro hattı açılıyor.") != base


def test_exact_duplicates_point_at_the_first_copy_or_the_corpus() -> None:
    stored = text_key("Önceden eklenmiş bir haber.")
    assert ExactDuplicates([stored]).first_seen(stored) == ("corpus", None)
    seen = ExactDuplicates({stored: "0263f442a811c8ac"})
    assert seen.first_seen(stored) == ("corpus", "0263f442a811c8ac")
    key = text_key("Yeni bir haber.")
    assert seen.first_seen(key) is None
    seen.add(key, "feed.jsonl > line 1", "1111111111111111")
    seen.add(key, "feed.jsonl > line 9", "2222222222222222")
    assert seen.first_seen(key) == ("feed.jsonl > line 1", "1111111111111111")


def test_a_lightly_edited_copy_joins_the_group_of_its_original() -> None:
    rng = random.Random(7)
    original = invented_text(rng)
    index = NearDuplicateIndex()
    assert index.add("b000000000000000", original) is None
    assert index.add("c000000000000000", invented_text(rng)) is None
    near = index.add("a000000000000000", edited(rng, original, 2))
    assert near is not None
    assert (near.group, near.similar_to) == ("a000000000000000", "b000000000000000")
    assert 0.5 <= near.similarity < 1.0
    assert index.add("d000000000000000", "") is None  # no words, no signature


@pytest.mark.parametrize("pending", [3, 4096])
def test_stream_groups_equal_the_builds_groups(monkeypatch: pytest.MonkeyPatch, pending: int) -> None:
    monkeypatch.setattr(dedup, "_PENDING_MAX", pending)  # also exercise merging into the sorted arrays
    rng = random.Random(11)
    texts: list[tuple[str, str]] = []
    for family in range(12):
        original = invented_text(rng)
        texts.append((f"{family:02d}{0:014d}", original))
        for copy in range(1, rng.randint(1, 4)):
            texts.append((f"{family:02d}{copy:014d}", edited(rng, original, rng.randint(1, 6))))
    rng.shuffle(texts)
    index = NearDuplicateIndex()
    reported = {}
    for article_id, text in texts:
        near = index.add(article_id, text)
        if near is not None:
            reported[article_id] = near.group
    batch = near_duplicate_groups(texts)
    groups_stream: dict[str, set[str]] = {}
    for article_id, _ in texts:
        root = index._group_min[index._groups.find(index._ids.index(article_id))]
        groups_stream.setdefault(root, set()).add(article_id)
    stream_partition = {frozenset(g) for g in groups_stream.values() if len(g) > 1}
    batch_partition: dict[str, set[str]] = {}
    for article_id, group in batch.items():
        batch_partition.setdefault(group, set()).add(article_id)
    assert stream_partition == {frozenset(g) for g in batch_partition.values()}
    assert len(stream_partition) >= 8
    # Every reported group is the smallest id among the members seen up to then.
    for article_id, group in reported.items():
        assert group <= article_id

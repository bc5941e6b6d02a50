"""Duplicates within an ingest stream and against the corpus.

**Exact duplicates** have the same :func:`text_key`: the SHA-256 of the text after Unicode
NFKC normalization (compatibility forms, such as a no-break space or a ligature, become their
plain equivalents) with every run of whitespace made one space and the ends stripped. Two
scrapes of one page that differ only in spacing or line breaks are one article; a change of
case, punctuation or a word is not. The first copy is added, later ones are duplicates.

**Near duplicates** (the same story lightly edited, or from two outlets) are reported, not
dropped: each added article is compared with those added before it by the MinHash
signatures of :func:`beyan.transforms.dedup.signature` and the same banding (16 bands of 4
rows); it joins the group of every one at or above :data:`~beyan.transforms.dedup.THRESHOLD`
and names the most similar. The index keeps about 450 bytes an article in NumPy arrays (the
signature, and band keys sorted for binary search, plus a small dict of recent ones) rather
than a Python object per band.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterable, Mapping

import numpy as np
import numpy.typing as npt

from beyan.ingest.records import NearDuplicate
from beyan.transforms.dedup import BANDS, NUM_PERM, ROWS, THRESHOLD, signature
from beyan.transforms.groups import UnionFind

_MIX = np.uint64(0x9E3779B97F4A7C15)
_BAND_SALT = (np.arange(BANDS, dtype=np.uint64) + np.uint64(1)) * np.uint64(0xC2B2AE3D27D4EB4F)
_PENDING_MAX = 4096  # articles whose band keys wait in a dict before merging into the sorted arrays


def normalize_for_key(text: str) -> str:
    """The text as exact-duplicate detection compares it (NFKC, whitespace runs as one space, stripped)."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


def text_key(text: str) -> str:
    """SHA-256 (hex) of :func:`normalize_for_key`: equal keys mean duplicate articles."""
    return hashlib.sha256(normalize_for_key(text).encode("utf-8")).hexdigest()


class ExactDuplicates:
    """Text keys seen so far (the corpus's, then the stream's), where each was first seen, and its article id.

    ``existing`` is the corpus's text keys, or a mapping from each to its article id.
    """

    def __init__(self, existing: Iterable[str] | Mapping[str, str] = ()) -> None:
        ids = existing if isinstance(existing, Mapping) else {}
        self._existing: dict[bytes, str | None] = {bytes.fromhex(key): ids.get(key) for key in existing}
        self._seen: dict[bytes, tuple[str, str]] = {}

    def first_seen(self, key: str) -> tuple[str, str | None] | None:
        """Where an earlier copy of ``key`` is (``"corpus"`` or a location in the stream) and its article id."""
        digest = bytes.fromhex(key)
        if digest in self._existing:
            return "corpus", self._existing[digest]
        return self._seen.get(digest)

    def add(self, key: str, location: str, article_id: str) -> None:
        self._seen.setdefault(bytes.fromhex(key), (location, article_id))


class NearDuplicateIndex:
    """An online MinHash LSH index: :meth:`add` reports the group an article joins, then indexes it."""

    def __init__(self, *, threshold: float = THRESHOLD) -> None:
        self.threshold = threshold
        self._ids: list[str] = []
        self._signatures: npt.NDArray[np.uint32] = np.empty((1024, NUM_PERM), np.uint32)
        self._keys: npt.NDArray[np.uint64] = np.empty(0, np.uint64)  # sorted band keys of merged articles
        self._owners: npt.NDArray[np.int32] = np.empty(0, np.int32)
        self._pending: dict[int, list[int]] = {}
        self._pending_articles = 0
        self._groups = UnionFind(0)
        self._group_min: dict[int, str] = {}  # root -> smallest article id of the group

    def __len__(self) -> int:
        return len(self._ids)

    def add(self, article_id: str, text: str) -> NearDuplicate | None:
        """Compare ``text`` with the articles added before, then add it; None when it is like none of them.

        The article joins the groups of every earlier article at or above the threshold (so
        groups are those :func:`~beyan.transforms.dedup.near_duplicate_groups` finds), and
        names the most similar one.
        """
        sig = signature(text)
        if sig is None:
            return None
        keys = _band_keys(sig)
        matches = self._matches(sig, keys)
        index = self._append(article_id, sig, keys)
        if not matches:
            return None
        group = ""
        for other, _ in matches:
            group = self._union(index, other)
        best, similarity = max(matches, key=lambda match: (match[1], -match[0]))
        return NearDuplicate(group=group, similar_to=self._ids[best], similarity=round(similarity, 4))

    def _candidates(self, keys: npt.NDArray[np.uint64]) -> set[int]:
        candidates: set[int] = set()
        if len(self._keys):
            lo = np.searchsorted(self._keys, keys, side="left")
            hi = np.searchsorted(self._keys, keys, side="right")
            for start, end in zip(lo.tolist(), hi.tolist(), strict=True):
                if end > start:
                    candidates.update(self._owners[start:end].tolist())
        for key in keys.tolist():
            candidates.update(self._pending.get(key, ()))
        return candidates

    def _matches(self, sig: npt.NDArray[np.uint64], keys: npt.NDArray[np.uint64]) -> list[tuple[int, float]]:
        """Earlier articles sharing a band with ``sig`` whose estimated similarity reaches the threshold."""
        candidates = sorted(self._candidates(keys))
        if not candidates:
            return []
        similarities = np.mean(self._signatures[candidates] == sig.astype(np.uint32), axis=1).tolist()
        return [(c, s) for c, s in zip(candidates, similarities, strict=True) if s >= self.threshold]

    def _append(self, article_id: str, sig: npt.NDArray[np.uint64], keys: npt.NDArray[np.uint64]) -> int:
        index = len(self._ids)
        if index == len(self._signatures):
            self._signatures = np.concatenate((self._signatures, np.empty_like(self._signatures)))
        self._signatures[index] = sig  # MinHash values are below 2**32 (shifted right by 32)
        self._ids.append(article_id)
        self._groups.add()
        self._group_min[index] = article_id
        for key in keys.tolist():
            self._pending.setdefault(key, []).append(index)
        self._pending_articles += 1
        if self._pending_articles >= _PENDING_MAX:
            self._merge_pending()
        return index

    def _merge_pending(self) -> None:
        """Move the pending band keys into the sorted arrays (a linear merge, about every 4,096 articles)."""
        pairs = sorted((key, owner) for key, owners in self._pending.items() for owner in owners)
        new_keys = np.fromiter((key for key, _ in pairs), np.uint64, len(pairs))
        new_owners = np.fromiter((owner for _, owner in pairs), np.int32, len(pairs))
        positions = np.searchsorted(self._keys, new_keys, side="right")
        self._keys = np.insert(self._keys, positions, new_keys)
        self._owners = np.insert(self._owners, positions, new_owners)
        self._pending = {}
        self._pending_articles = 0

    def _union(self, a: int, b: int) -> str:
        """Join the groups of ``a`` and ``b``; the group's name is its smallest article id."""
        root_a, root_b = self._groups.find(a), self._groups.find(b)
        if self._groups.union(a, b):
            keep, gone = min(root_a, root_b), max(root_a, root_b)  # the union keeps the smaller root
            self._group_min[keep] = min(self._group_min[keep], self._group_min.pop(gone))
            root_a = keep
        return self._group_min[root_a]


def _band_keys(sig: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """One 64-bit key per band (its rows mixed, salted by the band so bands never share keys)."""
    bands = sig.reshape(BANDS, ROWS)
    keys = bands[:, 0].copy()
    for row in range(1, ROWS):
        keys = keys * _MIX + bands[:, row]
    mixed: npt.NDArray[np.uint64] = keys ^ _BAND_SALT
    return mixed

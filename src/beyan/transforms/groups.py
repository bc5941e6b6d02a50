"""Union-find over ``0..n-1``: the one implementation behind every grouping in beyan.

Used for discontinuous statements (content fragments joined by ``continues``), for units of
agreement (statements of different annotators whose content overlaps) and for near-duplicate
articles (in the corpus, and as ingest adds them). Groups are named by their smallest
member, so they never depend on merge order.
"""

from __future__ import annotations


class UnionFind:
    __slots__ = ("parent",)

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def add(self) -> int:
        """A new member in a group of its own (for groupings that grow one item at a time); its index."""
        self.parent.append(len(self.parent))
        return len(self.parent) - 1

    def find(self, x: int) -> int:
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: int, b: int) -> bool:
        """Join the groups of ``a`` and ``b``; False when they were one group already."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        if ra < rb:
            self.parent[rb] = ra
        else:
            self.parent[ra] = rb
        return True

    def groups(self) -> dict[int, list[int]]:
        """Root (the smallest member) -> members, ascending."""
        found: dict[int, list[int]] = {}
        for x in range(len(self.parent)):
            found.setdefault(self.find(x), []).append(x)
        return found

"""The NumPy comparison of token-span keys agrees with Python sets, packed or not."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from beyan.tokens.checks import _same_rows

KEY = st.tuples(*[st.integers(min_value=0, max_value=2**18)] * 5)


@given(st.lists(KEY, max_size=8), st.lists(KEY, max_size=8), st.booleans())
def test_same_rows_is_set_equality(a: list[tuple[int, ...]], b: list[tuple[int, ...]], reuse: bool) -> None:
    if reuse:
        b = list(reversed(a)) + a[:1]
    left = np.array(a, dtype=np.int64).reshape(-1, 5)
    right = np.array(b, dtype=np.int64).reshape(-1, 5)
    assert _same_rows(left, right) == (set(a) == set(b))

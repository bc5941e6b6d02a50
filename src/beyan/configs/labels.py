"""Config ``labels``: every label name beside the integer Parquet stores (see :mod:`beyan.labels`)."""

from __future__ import annotations

from beyan.configs import ConfigSpec
from beyan.labels import label_rows

SPEC = ConfigSpec(
    name="labels",
    rows=lambda gold, include_text: [],
    check="check_labels",
    batch_rows=100_000,
    description="one row per label of every vocabulary: its index, name, definition and the columns using it",
    dataset_rows=label_rows,
)

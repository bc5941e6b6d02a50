"""beyan.validation.reading: a file's rows in groups, in file order."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from beyan.validation.reading import parquet_groups, table_groups


def test_table_groups_gather_small_batches_in_order() -> None:
    batches = [
        pa.record_batch({"n": list(range(start, start + size))}) for start, size in ((0, 3), (3, 3), (6, 1), (7, 5))
    ]
    groups = list(table_groups(batches, rows=4))
    assert [g.num_rows for g in groups] == [6, 6]
    assert [g.column("n").to_pylist() for g in groups] == [list(range(6)), list(range(6, 12))]
    assert list(table_groups([], rows=4)) == []


def test_parquet_groups_keep_dictionaries_and_file_order(tmp_path: Path) -> None:
    path = tmp_path / "rows.parquet"
    texts = [f"Köprü {i // 3} açıldı 😀" for i in range(10)]  # each row group of 3 has its own dictionary
    pq.write_table(pa.table({"row": list(range(10)), "article_text": texts}), path, row_group_size=3)
    groups = list(parquet_groups(path, rows=4, dictionary=["article_text"]))
    assert all(g.num_rows >= 4 for g in groups[:-1]) and sum(g.num_rows for g in groups) == 10
    assert pa.types.is_dictionary(groups[0].schema.field("article_text").type)
    assert [r for g in groups for r in g.column("row").to_pylist()] == list(range(10))
    assert [t for g in groups for t in g.column("article_text").to_pylist()] == texts

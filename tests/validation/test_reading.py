"""beyan.validation.reading: groups of rows in file order, decoded ahead in a thread that always ends."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from beyan.validation.reading import parquet_groups, read_ahead, table_groups


def _reader_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "beyan-validate-reader"]


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


def test_read_ahead_yields_everything_in_order() -> None:
    assert list(read_ahead(iter(range(50)), depth=2)) == list(range(50))
    assert not _reader_threads()


def test_read_ahead_raises_the_producers_error_where_it_happened() -> None:
    def items() -> Iterator[int]:
        yield 1
        yield 2
        raise OSError("disk went away")

    seen: list[int] = []
    with pytest.raises(OSError, match="disk went away"):
        for item in read_ahead(items()):
            seen.append(item)
    assert seen == [1, 2]
    assert not _reader_threads()


def test_read_ahead_stops_its_thread_when_the_consumer_stops_early() -> None:
    produced: list[int] = []

    def items() -> Iterator[int]:
        for n in range(1_000):
            produced.append(n)
            yield n

    reader = read_ahead(items(), depth=2)
    assert next(reader) == 0
    reader.close()  # what a failing check does, through the for loop's exception
    assert not _reader_threads()
    assert len(produced) <= 4  # the one taken, the queue's two, the one in hand when stopped

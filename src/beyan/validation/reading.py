"""Reading a Parquet file for validation: groups of rows, decoded in a thread ahead of the checks.

Memory stays flat whatever the file's size: one group is checked while the next is
decoded, and nothing else of the file is held. Decoding runs in C++ without the GIL, so
on a machine with two cores the reading overlaps the checks instead of adding to them.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pyarrow as pa
import pyarrow.parquet as pq

Item = TypeVar("Item")

READ_AHEAD = 2  # groups decoded ahead of the one being checked


def parquet_groups(path: Path, *, rows: int, dictionary: list[str] | None = None) -> Iterator[pa.Table]:
    """The file's rows as tables of about ``rows`` rows each, in file order.

    ``dictionary`` columns stay dictionary-encoded as stored (a repeated text is decoded
    once per row group). ``pre_buffer`` is off: buffering whole row groups ahead only
    raised peak memory, with no gain on a local file.
    """
    handle = pq.ParquetFile(path, read_dictionary=dictionary, pre_buffer=False)
    return table_groups(handle.iter_batches(batch_size=rows), rows=rows)


def table_groups(batches: Iterable[pa.RecordBatch], *, rows: int) -> Iterator[pa.Table]:
    """Record batches gathered into tables of at least ``rows`` rows (the last may be smaller).

    A reader yields at most one row group per batch when a column is read as a dictionary
    (each row group has its own), so without gathering, a file of 500-row groups would be
    checked 500 rows at a time and the fixed cost of each check paid per row group.
    """
    pending: list[pa.RecordBatch] = []
    count = 0
    for batch in batches:
        pending.append(batch)
        count += batch.num_rows
        if count >= rows:
            yield pa.Table.from_batches(pending)
            pending, count = [], 0
    if pending:
        yield pa.Table.from_batches(pending)


_END = object()


def read_ahead(items: Iterator[Item], *, depth: int = READ_AHEAD) -> Iterator[Item]:
    """What ``items`` yields, produced in a thread at most ``depth`` items ahead of the consumer.

    An exception raised while producing is raised here, at the item it replaced. When the
    consumer stops early, the thread stops at its next item and is joined before returning.
    """
    ready: queue.Queue[tuple[Any, BaseException | None]] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(entry: tuple[Any, BaseException | None]) -> bool:
        while not stop.is_set():
            try:
                ready.put(entry, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put((item, None)):
                    return
        except BaseException as error:  # handed to the consumer, raised there
            put((_END, error))
            return
        put((_END, None))

    thread = threading.Thread(target=produce, name="beyan-validate-reader", daemon=True)
    thread.start()
    try:
        while True:
            item, error = ready.get()
            if error is not None:
                raise error
            if item is _END:
                return
            yield item
    finally:
        stop.set()
        thread.join()

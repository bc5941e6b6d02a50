"""Reading a Parquet file for validation: its rows in groups of a set size, in file order.

Memory stays flat whatever the file's size: only the group being checked, and the one
being decoded ahead of it (:func:`beyan.validation.background.read_ahead`), are held.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq


def parquet_groups(
    path: Path, *, rows: int, dictionary: list[str] | None = None, metadata: pq.FileMetaData | None = None
) -> Iterator[pa.Table]:
    """The file's rows as tables of about ``rows`` rows each, in file order.

    ``dictionary`` columns stay dictionary-encoded as stored (a repeated text is decoded
    once per row group). ``pre_buffer`` is off: buffering whole row groups ahead only
    raised peak memory, with no gain on a local file. Decoding uses one thread (the
    caller's): the reading already runs beside the checks, and more threads only cost CPU.
    ``metadata``, when the caller has read the file's footer already, is not read again.
    """
    handle = pq.ParquetFile(path, metadata=metadata, read_dictionary=dictionary, pre_buffer=False)
    return _returning_memory(table_groups(handle.iter_batches(batch_size=rows, use_threads=False), rows=rows))


def _returning_memory(tables: Iterator[pa.Table]) -> Iterator[pa.Table]:
    """``tables``, asking the allocators, after each, to give back the memory of groups already checked.

    Arrow's allocator (mimalloc) and glibc's (numpy's arrays) otherwise keep freed memory
    cached: peak RSS at 1,000,000 statements was ~620 MB with neither call, ~545 MB with
    Arrow's alone, ~490 MB with both, for some 400,000 more page faults and 0.1 s of
    ``malloc_trim`` (a few tenths of a second of the reader thread's CPU in all).
    """
    pool = pa.default_memory_pool()
    for table in tables:
        yield table
        pool.release_unused()
        _trim_c_heap()


def _glibc_trim() -> Callable[[], object]:
    """glibc's ``malloc_trim(0)`` (returns free heap pages to the system), or a no-op elsewhere."""
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (AttributeError, OSError):  # not glibc (macOS, musl, Windows)
        return lambda: None
    trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
    return lambda: trim(0)


_trim_c_heap = _glibc_trim()


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

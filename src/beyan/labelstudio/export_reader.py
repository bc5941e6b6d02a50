"""Stream the tasks of Label Studio JSON exports, one at a time.

An export is a JSON array of tasks, often hundreds of megabytes on one line; it is read
with ``ijson`` so memory does not grow with its size. A directory of exports is read
file by file in name order. Malformed input becomes a located :class:`BeyanError`.
"""

from __future__ import annotations

import codecs
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import ijson

from beyan.issues import BeyanError, fail

BOM = b"\xef\xbb\xbf"


@dataclass(slots=True)
class ExportTask:
    """One task as read, with where it was read from."""

    file: str
    index: int
    task: Any

    @property
    def label(self) -> str:
        task_id = self.task.get("id") if isinstance(self.task, dict) else None
        if isinstance(task_id, int) and not isinstance(task_id, bool):
            return f"task {task_id}"
        return f"task #{self.index}"


def export_files(path: Path) -> list[Path]:
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix == ".json" and p.is_file())
        if not files:
            raise fail("no-exports", (str(path),), "the folder holds no .json export", exit_code=2)
        return files
    if not path.is_file():
        raise fail("unreadable", (str(path),), "no such export file or folder", exit_code=2)
    return [path]


class _HashingReader:
    """A binary reader that hashes what passes through it (the export's sha256 in one read)."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle
        self.digest = hashlib.sha256()
        self.position = 0

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.digest.update(data)
        self.position += len(data)
        return data


@dataclass(slots=True)
class ReadState:
    """Filled while reading: the file's hash once fully read, and whether it had a BOM."""

    sha256: str | None = None
    had_bom: bool = False


def read_export(path: Path, state: ReadState | None = None) -> Iterator[ExportTask]:
    """Yield every task of one export file; raise a located error on malformed JSON."""
    state = state if state is not None else ReadState()
    where = str(path)
    try:
        handle = open(path, "rb")
    except OSError as error:
        raise fail("unreadable", (where,), f"cannot open the export: {error.strerror}", exit_code=2) from None
    with handle:
        reader = _HashingReader(handle)
        head = handle.read(len(BOM))
        reader.digest.update(head)
        if head == BOM:
            state.had_bom = True
        else:
            handle.seek(0)
            reader.digest = hashlib.sha256()
        first = _peek_token(handle)
        if first is None:
            raise fail(
                "empty-export", (where,), "the export file is empty", expected="a JSON array of tasks", exit_code=2
            )
        if first != b"[":
            raise fail(
                "not-an-export",
                (where,),
                "a Label Studio JSON export is an array of tasks",
                expected="'[' at the start",
                found=repr(first.decode("latin-1")),
                hint="export with 'JSON' (not JSON_MIN or CSV) from the project's Export dialog",
                exit_code=2,
            )
        yielded = 0
        backend: Any = ijson
        while True:
            try:
                for index, task in enumerate(backend.items(reader, "item", use_float=True)):
                    if index < yielded:
                        continue  # already given out before a restart with the slower backend
                    yielded += 1
                    yield ExportTask(where, index, task)
                break
            except ijson.common.IncompleteJSONError as error:
                message = _short(error)
                if "integer overflow" in message and backend is ijson:
                    # yajl's C parser stops at integers beyond 64 bits; the pure-Python backend reads them,
                    # so the value can be reported where it is used instead of failing the whole file.
                    from ijson.backends import python as python_backend

                    backend = python_backend
                    handle.seek(len(BOM) if state.had_bom else 0)
                    reader = _HashingReader(handle)
                    if state.had_bom:
                        reader.digest.update(BOM)
                    continue
                raise _decode_error(path, where, yielded, message) from None
            except (ijson.common.JSONError, UnicodeDecodeError, ValueError) as error:
                raise _decode_error(path, where, yielded, _short(error)) from None
        state.sha256 = reader.digest.hexdigest()


def _first_invalid_utf8(path: Path) -> int | None:
    """Byte offset of the first byte that is not valid UTF-8, or None."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            pending = len(decoder.getstate()[0])  # bytes of a character cut by the previous chunk
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as error:
                return offset - pending + error.start
            offset += len(chunk)
    pending = len(decoder.getstate()[0])
    return offset - pending if pending else None


def _decode_error(path: Path, where: str, complete: int, message: str) -> BeyanError:
    bad_byte = _first_invalid_utf8(path)
    if bad_byte is not None:
        return fail(
            "invalid-utf8",
            (where, f"byte {bad_byte}"),
            "the export is not valid UTF-8",
            hint="check the file's encoding (UTF-8) and that it is a Label Studio JSON export",
            exit_code=2,
        )
    truncated = "premature EOF" in message or "incomplete" in message.lower()
    return fail(
        "invalid-json",
        (where, f"after {complete} complete task{'s' * (complete != 1)}"),
        f"the export is not {'complete' if truncated else 'valid'} JSON ({message})",
        hint="the file may be truncated: export it again" if truncated else "is it a Label Studio JSON export?",
        exit_code=2,
    )


def _peek_token(handle: IO[bytes]) -> bytes | None:
    """The first non-whitespace byte, leaving the handle where it was."""
    start = handle.tell()
    while True:
        byte = handle.read(1)
        if not byte:
            handle.seek(start)
            return None
        if byte not in b" \t\r\n":
            handle.seek(start)
            return byte


def _short(error: Exception) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return text[:160]

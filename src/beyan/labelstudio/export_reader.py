"""Read the tasks of Label Studio JSON exports, one at a time, fast and in bounded memory.

An export is a JSON array of tasks, often hundreds of megabytes on one line. It is read in
chunks; the byte range of each task is found with NumPy (quotes, escapes and brackets are
located over the whole chunk at once, never byte by byte in Python), and each task is decoded
on its own with msgspec. Memory holds one chunk and one task, whatever the export's size.

What a file is, is told from its bytes, and a file that is not an export says why: a single
task object, JSON Lines, UTF-16 text, a FIFO or device, a folder's other files. A gzip-compressed
export is read as it is. Malformed input becomes a located :class:`BeyanError`.
"""

from __future__ import annotations

import codecs
import gzip
import hashlib
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import msgspec
import numpy as np
import numpy.typing as npt

from beyan.issues import BeyanError, Issues, fail

BOM = b"\xef\xbb\xbf"
GZIP_MAGIC = b"\x1f\x8b"
CHUNK = 1 << 22
EXPORT_SUFFIXES = (".json", ".json.gz")
_DECODER = msgspec.json.Decoder()
_QUOTE, _BACKSLASH, _COMMA = 0x22, 0x5C, 0x2C
# Byte classes: 1 opens ([ {), -1 closes (] }), 2 a comma, 3 a quote; 0 anything else.
_CLASS = np.zeros(256, np.int8)
_CLASS[[0x5B, 0x7B]] = 1
_CLASS[[0x5D, 0x7D]] = -1
_CLASS[_COMMA] = 2
_CLASS[_QUOTE] = 3


@dataclass(slots=True)
class ExportTask:
    """One task as read, with where it was read from."""

    file: str
    index: int
    task: Any
    offset: int = 0  # byte offset of the task in the (decompressed) file

    @property
    def label(self) -> str:
        task_id = self.task.get("id") if isinstance(self.task, dict) else None
        if isinstance(task_id, int) and not isinstance(task_id, bool):
            return f"task {task_id}"
        return f"task #{self.index}"


@dataclass(slots=True)
class ReadState:
    """Filled while reading: the file's hash once fully read, whether it had a BOM or was compressed."""

    sha256: str | None = None
    had_bom: bool = False
    compressed: bool = False


@dataclass(slots=True)
class ExportFiles:
    """The export files under a path, and the files that were not read, with why."""

    files: list[Path]
    skipped: list[tuple[Path, str]] = field(default_factory=list)


def is_export_name(path: Path) -> bool:
    return path.name.endswith(EXPORT_SUFFIXES)


def export_files(path: Path) -> ExportFiles:
    """The files to read for ``path``: the file itself, or a folder's ``*.json``/``*.json.gz`` in name order."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise fail("unreadable", (str(path),), "no such export file or folder", exit_code=2) from None
    except OSError as error:
        raise fail("unreadable", (str(path),), f"cannot read it: {error.strerror}", exit_code=2) from None
    if stat.S_ISDIR(mode):
        found = ExportFiles([])
        for entry in sorted(path.iterdir()):
            if entry.is_dir():
                found.skipped.append((entry, "a folder (folders are not read recursively)"))
            elif not is_export_name(entry):
                found.skipped.append((entry, "not a .json or .json.gz file"))
            elif not entry.is_file():
                found.skipped.append((entry, "not a regular file"))
            else:
                found.files.append(entry)
        if not found.files:
            raise fail(
                "no-exports",
                (str(path),),
                "the folder holds no .json export",
                found=", ".join(p.name for p, _ in found.skipped[:5]) or "nothing",
                exit_code=2,
            )
        return found
    if not stat.S_ISREG(mode):
        kind = "a FIFO (named pipe)" if stat.S_ISFIFO(mode) else "a device or socket"
        raise fail(
            "not-a-file",
            (str(path),),
            f"this is {kind}, not a file: beyan reads an export twice (to check, then to apply)",
            hint="save the export to a file first",
            exit_code=2,
        )
    return ExportFiles([path])


def report_skipped(found: ExportFiles, issues: Issues) -> None:
    for path, reason in found.skipped:
        issues.warning("file-not-read", (str(path),), f"not read: {reason}")


def _open(path: Path, state: ReadState) -> IO[bytes]:
    try:
        handle: IO[bytes] = open(path, "rb")
    except OSError as error:
        raise fail("unreadable", (str(path),), f"cannot open the export: {error.strerror}", exit_code=2) from None
    if handle.read(2) == GZIP_MAGIC:
        handle.seek(0)
        state.compressed = True
        return gzip.GzipFile(fileobj=handle, mode="rb")  # type: ignore[return-value]
    handle.seek(0)
    return handle


def _sniff(head: bytes, where: str) -> None:
    """Refuse, naming the cause, what is clearly not a JSON array of tasks."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or (
        len(head) >= 4 and (head[1:4:2] == b"\0\0" or head[0:3:2] == b"\0\0")
    ):
        raise fail(
            "utf16-export",
            (where,),
            "the file is UTF-16 text; a Label Studio export is UTF-8",
            hint="convert it: iconv -f UTF-16 -t UTF-8 export.json > export-utf8.json",
            exit_code=2,
        )
    stripped = head.lstrip(b" \t\r\n")
    if not stripped:
        raise fail("empty-export", (where,), "the export file is empty", expected="a JSON array of tasks", exit_code=2)
    first = stripped[:1]
    if first == b"{":
        newline = stripped.find(b"\n")
        rest = stripped[newline + 1 :].lstrip(b" \t\r") if newline != -1 else b""
        if rest.startswith(b"{"):
            raise fail(
                "jsonl-export",
                (where,),
                "the file is JSON Lines (one object per line); a Label Studio export is one JSON array of tasks",
                hint="if it is one task per line, say so: --export-format jsonl; or export the project with "
                "'JSON' in Label Studio",
                exit_code=2,
            )
        raise fail(
            "single-task",
            (where,),
            "the file holds one JSON object, not an array of tasks: a single task is what Label Studio imports, "
            "not what it exports",
            hint="export the project with 'JSON' in Label Studio (an array), or wrap the object in [ ]",
            exit_code=2,
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


class _Splitter:
    """Finds the byte ranges of the elements of a top-level JSON array, chunk by chunk."""

    def __init__(self) -> None:
        self.in_string = False
        self.backslashes = 0  # backslashes ending the previous chunk (inside a string)
        self.depth = 0
        self.opened = False
        self.closed = False
        self.pending = bytearray()  # the element being read
        self.pending_offset = 0
        self.trailing: bytes = b""

    def feed(self, chunk: bytes, base: int) -> Iterator[tuple[int, bytes]]:
        """Complete elements ending in this chunk, as (offset, bytes)."""
        data = np.frombuffer(chunk, np.uint8)
        classes = _CLASS[data]
        interesting = np.flatnonzero(classes)
        kinds = classes[interesting]
        is_quote = kinds == 3
        quotes = interesting[is_quote]
        structural = interesting[~is_quote]
        codes_class = kinds[~is_quote]
        if len(quotes):
            quotes = quotes[~self._escaped(data, quotes)]
        if len(structural):
            before = np.searchsorted(quotes, structural)  # quotes before each structural byte
            inside = (before + int(self.in_string)) % 2 == 1
            structural = structural[~inside]
            codes_class = codes_class[~inside]
        if len(quotes) % 2:
            self.in_string = not self.in_string
        trailing = _trailing_backslashes(data)
        if trailing == len(data):  # the whole chunk continues the previous chunk's run
            trailing += self.backslashes
        self.backslashes = trailing if self.in_string else 0
        # Depth before each structural byte, then only the bytes that delimit elements are visited in Python.
        codes = data[structural]
        delta = np.where(codes_class == 2, 0, codes_class).astype(np.int64)
        after = np.cumsum(delta) + self.depth
        before = after - delta
        if len(after) and (after < 0).any():
            raise ValueError(f"unbalanced bracket at byte {base + int(structural[np.argmax(after < 0)])}")
        delimiters = (before == 0) | ((before == 1) & (codes == _COMMA)) | ((after == 0) & (delta == -1))
        if len(after):
            self.depth = int(after[-1])
        cursor = 0
        for position, code, depth_before in zip(
            structural[delimiters].tolist(), codes[delimiters].tolist(), before[delimiters].tolist(), strict=True
        ):
            if self.closed:
                raise ValueError(f"data after the end of the array at byte {base + position}")
            if depth_before == 0:  # the array opens
                if code != 0x5B:  # pragma: no cover - sniffed before
                    raise ValueError("not an array")
                self.opened = True
                cursor = position + 1
                self.pending_offset = base + cursor
            elif code == _COMMA:
                yield from self._element(chunk[cursor:position], base + position, last=False)
                cursor = position + 1
                self.pending_offset = base + cursor
            else:  # the array closes
                yield from self._element(chunk[cursor:position], base + position, last=True)
                self.closed = True
                cursor = position + 1
        if self.closed:
            rest = chunk[cursor:].strip()
            if rest:
                raise ValueError(f"data after the end of the array at byte {base + cursor}")
        elif self.opened:
            self.pending += chunk[cursor:]

    def _element(self, tail: bytes, end: int, *, last: bool) -> Iterator[tuple[int, bytes]]:
        element = bytes(self.pending) + tail if self.pending else tail
        self.pending = bytearray()
        stripped = element.strip()
        if stripped:
            yield self.pending_offset + len(element) - len(element.lstrip()), stripped
        elif not last:
            raise ValueError(f"an empty element (two commas) at byte {end}")

    def _escaped(self, data: npt.NDArray[np.uint8], quotes: npt.NDArray[np.intp]) -> npt.NDArray[np.bool_]:
        """Which quotes are escaped: preceded by an odd number of backslashes."""
        run = np.zeros(len(quotes), np.int64)
        active = np.ones(len(quotes), bool)
        step = 1
        while active.any():
            at = quotes - step
            inside = at >= 0
            hit = np.zeros(len(quotes), bool)
            hit[inside] = data[at[inside]] == _BACKSLASH
            # before the chunk: the previous chunk's trailing backslashes continue the run
            carried = active & ~inside
            run[carried] += self.backslashes
            active &= inside & hit
            run[active] += 1
            step += 1
        escaped: npt.NDArray[np.bool_] = run % 2 == 1
        return escaped


def _trailing_backslashes(data: npt.NDArray[np.uint8]) -> int:
    tail = data[-256:]
    others = np.flatnonzero(tail != _BACKSLASH)
    if len(others):
        return len(tail) - 1 - int(others[-1])
    others = np.flatnonzero(data != _BACKSLASH)
    return len(data) - 1 - int(others[-1]) if len(others) else len(data)


Elements = Iterator[tuple[int, int, bytes]]  # (index, byte offset, the task's JSON)


def read_elements(path: Path, state: ReadState | None = None, *, fmt: str = "json") -> Elements:
    """The tasks of one export file as raw JSON, (index, byte offset, bytes), without decoding them."""
    state = state if state is not None else ReadState()
    reader = EXPORT_FORMATS.get(fmt)
    if reader is None:
        raise fail(
            "unknown-format",
            ("--export-format",),
            "unknown export format",
            expected=" or ".join(EXPORT_FORMATS),
            found=repr(fmt),
            exit_code=2,
        )
    return reader(path, state)


def _json_array(path: Path, state: ReadState) -> Elements:
    """Label Studio's full JSON export: one array of tasks (gzip-compressed or not)."""
    where = str(path)
    digest = hashlib.sha256()
    splitter = _Splitter()
    with _open(path, state) as handle:
        first = handle.read(CHUNK)
        digest.update(first)
        if first.startswith(BOM):
            state.had_bom = True
            first = first[len(BOM) :]
            base = len(BOM)
        else:
            base = 0
        _sniff(first[:4096], where)
        index = 0
        chunk = first
        while chunk:
            try:
                elements = list(splitter.feed(chunk, base))
            except ValueError as error:
                raise _decode_error(path, where, index, str(error), state) from None
            for offset, element in elements:
                yield index, offset, element
                index += 1
            base += len(chunk)
            chunk = handle.read(CHUNK)
            digest.update(chunk)
    if not splitter.closed:
        raise _decode_error(path, where, index, "premature EOF", state)
    state.sha256 = digest.hexdigest()


def _json_lines(path: Path, state: ReadState) -> Elements:
    """One task per line (what some tools write when they re-export Label Studio tasks)."""
    digest = hashlib.sha256()
    with _open(path, state) as handle:
        offset = 0
        index = 0
        for number, line in enumerate(handle, start=1):
            digest.update(line)
            if number == 1 and line.startswith(BOM):
                state.had_bom = True
                offset, line = len(BOM), line[len(BOM) :]
            stripped = line.strip()
            if stripped:
                yield index, offset + len(line) - len(line.lstrip()), stripped
                index += 1
            offset += len(line)
    state.sha256 = digest.hexdigest()


# How each kind of export file is read: one function and one line per format.
EXPORT_FORMATS: dict[str, Callable[[Path, ReadState], Elements]] = {
    "json": _json_array,
    "jsonl": _json_lines,
}


def decode_task(element: bytes, path: Path, index: int, offset: int, state: ReadState) -> Any:
    """One task's JSON, decoded; malformed input is a located error."""
    return _decode(element, path, str(path), index, offset, state)


def _decode(element: bytes, path: Path, where: str, index: int, offset: int, state: ReadState) -> Any:
    # msgspec, not orjson: as fast, and it keeps integers beyond 64 bits exact (orjson makes them floats),
    # so a huge offset is reported as the number it is, where it is used.
    try:
        return _DECODER.decode(element)
    except (msgspec.DecodeError, UnicodeDecodeError) as error:
        message = str(error)
    try:
        element.decode("utf-8")
    except UnicodeDecodeError as error:
        raise fail(
            "invalid-utf8",
            (where, f"byte {offset + error.start}"),
            "the export is not valid UTF-8",
            hint="check the file's encoding (UTF-8) and that it is a Label Studio JSON export",
            exit_code=2,
        ) from None
    raise _decode_error(path, where, index, message.split(":")[0], state)


def _decode_error(path: Path, where: str, complete: int, message: str, state: ReadState) -> BeyanError:
    if not state.compressed:
        bad_byte = _first_invalid_utf8(path)
        if bad_byte is not None:
            return fail(
                "invalid-utf8",
                (where, f"byte {bad_byte}"),
                "the export is not valid UTF-8",
                hint="check the file's encoding (UTF-8) and that it is a Label Studio JSON export",
                exit_code=2,
            )
    truncated = "premature EOF" in message
    return fail(
        "invalid-json",
        (where, f"after {complete} complete task{'s' * (complete != 1)}"),
        f"the export is not {'complete' if truncated else 'valid'} JSON "
        f"({'parse error: ' if truncated else ''}{message})",
        hint="the file may be truncated: export it again" if truncated else "is it a Label Studio JSON export?",
        exit_code=2,
    )


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

"""Which files to read: paths, folders (recursive) and globs, and how to open them.

Files are read in the order of their paths, whatever order they were given in, so two runs
over the same inputs yield the same stream. A path that names nothing, a hidden file or
folder, a file given twice: each is listed as a :class:`SkippedFile` with its reason, never
dropped in silence. Compression is recognised by its magic bytes (gzip, zstd), whatever the
file is called, and undone while streaming.
"""

from __future__ import annotations

import glob
import gzip
import io
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import zstandard

from beyan.ingest.records import IngestReject, SkippedFile

BOM = b"\xef\xbb\xbf"
_MAGIC = {b"\x1f\x8b": "gzip", b"\x28\xb5\x2f\xfd": "zstd"}
_COMPRESSION_SUFFIXES = (".gz", ".gzip", ".zst", ".zstd")
_GLOB_CHARACTERS = frozenset("*?[")
_BUFFER = 1 << 20


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A file to read: its path as found, and what its name says once compression is taken off."""

    path: Path

    @property
    def name(self) -> str:
        """The path as the user will recognise it (as given, or as found under a given folder)."""
        return str(self.path)

    @property
    def inner_name(self) -> str:
        """The file name without a compression suffix: ``feed.jsonl.gz`` gives ``feed.jsonl``."""
        name = self.path.name
        lowered = name.lower()
        for suffix in _COMPRESSION_SUFFIXES:
            if lowered.endswith(suffix) and len(name) > len(suffix):
                return name[: -len(suffix)]
        return name

    @property
    def suffix(self) -> str:
        """The lower-case extension of :attr:`inner_name` (``.jsonl``), or ``""``."""
        return Path(self.inner_name).suffix.lower()


def discover(paths: Iterable[str | Path]) -> tuple[list[SourceFile], list[SkippedFile]]:
    """The files named by ``paths`` (files, folders walked recursively, globs) by path, and what was not taken."""
    found: dict[str, SourceFile] = {}
    skipped: list[SkippedFile] = []

    def take(path: Path) -> None:
        key = os.path.realpath(path)
        if key in found:
            skipped.append(SkippedFile(str(path), f"the same file as {found[key].name}: read once"))
        else:
            found[key] = SourceFile(path)

    for given in paths:
        text = str(given)
        path = Path(text)
        if path.is_file():
            take(path)
        elif path.is_dir():
            _walk(path, take, skipped)
        elif _GLOB_CHARACTERS & set(text):
            matches = sorted(glob.glob(text, recursive=True))
            if not matches:
                skipped.append(SkippedFile(text, "no file matches this pattern"))
            for match in matches:
                matched = Path(match)
                if matched.is_dir():
                    _walk(matched, take, skipped)
                elif matched.is_file():
                    take(matched)
        elif path.exists():
            skipped.append(SkippedFile(text, "not a regular file or folder"))
        else:
            skipped.append(SkippedFile(text, "no such file or folder"))
    return sorted(found.values(), key=lambda source: source.name), skipped


def _walk(folder: Path, take: Callable[[Path], None], skipped: list[SkippedFile]) -> None:
    for root, folders, files in os.walk(folder):
        base = Path(root)
        for name in sorted(folders):
            if name.startswith("."):
                skipped.append(SkippedFile(str(base / name), "hidden folder: not searched"))
            elif (base / name).is_symlink():
                skipped.append(SkippedFile(str(base / name), "symbolic link to a folder: not followed"))
        folders[:] = sorted(n for n in folders if not n.startswith(".") and not (base / n).is_symlink())
        for name in sorted(files):
            path = base / name
            if name.startswith("."):
                skipped.append(SkippedFile(str(path), "hidden file: not read"))
            elif path.is_file():
                take(path)
            else:
                skipped.append(SkippedFile(str(path), "not a regular file (a broken link?)"))


class InputFile:
    """An opened :class:`SourceFile`: the bytes as stored, and the same bytes decompressed.

    ``raw`` is the file itself (its position tells how far reading got, for progress);
    :meth:`decompressed` streams the content with gzip or zstd undone, buffered.
    """

    def __init__(self, source: SourceFile) -> None:
        self.source = source
        self.raw: BinaryIO = open(source.path, "rb")
        magic = self.raw.read(4)
        self.raw.seek(0)
        self.compression: str | None = _MAGIC.get(magic) or _MAGIC.get(magic[:2])
        self._decompressed: BinaryIO | None = None

    @property
    def name(self) -> str:
        return self.source.name

    def decompressed(self) -> BinaryIO:
        """The content, decompressed while read (the same stream on every call)."""
        if self._decompressed is None:
            self.raw.seek(0)
            stream: Any
            if self.compression == "gzip":
                stream = gzip.GzipFile(fileobj=self.raw, mode="rb")
            elif self.compression == "zstd":
                reader = zstandard.ZstdDecompressor().stream_reader(self.raw, read_across_frames=True)
                stream = io.BufferedReader(reader, _BUFFER)
            else:
                stream = io.BufferedReader(self.raw, _BUFFER)
            self._decompressed = stream
        return self._decompressed

    def head(self, size: int = 8192) -> bytes:
        """The first ``size`` decompressed bytes, for sniffing the format (the stream is not consumed)."""
        with InputFile(self.source) as other:
            try:
                return other.decompressed().read(size)
            except (OSError, EOFError, zstandard.ZstdError):
                return b""

    def read_all(self, *, limit: int) -> bytes | None:
        """The whole decompressed content, or None when it is larger than ``limit`` bytes."""
        data = self.decompressed().read(limit + 1)
        return None if len(data) > limit else data

    def bytes_done(self) -> int:
        """How many bytes of the stored file have been read so far."""
        try:
            return self.raw.tell()
        except (OSError, ValueError):
            return 0

    def reject(self, where: str, code: str, reason: str, excerpt: str | None = None) -> IngestReject:
        """A reject located in this file (``where`` is appended: ``line 12``, ``record at byte 80``)."""
        location = f"{self.name} > {where}" if where else self.name
        return IngestReject(location=location, code=code, reason=reason, raw_excerpt=excerpt, file=self.name)

    def close(self) -> None:
        if self._decompressed is not None:
            self._decompressed.close()
        self.raw.close()

    def __enter__(self) -> InputFile:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def binary_lines(stream: BinaryIO) -> Iterator[tuple[int, bytes]]:
    """Numbered lines (1-based) without their line terminator; a UTF-8 byte-order mark opening the file is dropped."""
    for number, line in enumerate(stream, start=1):
        if number == 1:
            line = line.removeprefix(BOM)
        yield number, line.rstrip(b"\r\n")


def excerpt(data: bytes | str, size: int = 200) -> str:
    """The start of a raw record for a rejects file: text as is, undecodable bytes escaped."""
    text = data.decode("utf-8", "backslashreplace") if isinstance(data, bytes) else data
    return text if len(text) <= size else text[:size] + "…"

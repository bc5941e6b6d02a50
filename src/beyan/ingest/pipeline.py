"""Raw inputs in, articles out: discovery, reading, language, rights and duplicates, as one stream.

:func:`read_articles` yields, in the order of the input files' paths, every
:class:`~beyan.ingest.records.IngestedArticle` to add, every
:class:`~beyan.ingest.records.Duplicate` and :class:`~beyan.ingest.records.IngestReject`,
and every :class:`~beyan.ingest.records.SkippedFile`. It holds one record at a time (plus
the duplicate indexes), so memory does not grow with the input's size. Its
:class:`Reconciliation`, per file and in total, balances: read = added + duplicate +
rejected. Nothing is written; the caller stores what it is given.
"""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pyarrow
import zstandard

from beyan.corpus import is_language_tag
from beyan.ingest.dedup import ExactDuplicates, NearDuplicateIndex, text_key
from beyan.ingest.language import detect_language
from beyan.ingest.mapping import FieldMapping, parse_mapping
from beyan.ingest.readers import READERS, IgnoredRecord, ReadOptions, detect_format
from beyan.ingest.records import Duplicate, IngestedArticle, IngestEvent, IngestReject, SkippedFile
from beyan.ingest.rights import Sources, load_sources
from beyan.ingest.sources import InputFile, SourceFile, discover
from beyan.issues import fail

PROGRESS_EVERY = 1000  # records between two progress calls within a file


@dataclass(slots=True)
class FileCounts:
    """What one input file gave: read = added + duplicate + rejected; ``ignored`` counts non-articles by kind."""

    path: str
    fmt: str
    read: int = 0
    added: int = 0
    duplicate: int = 0
    rejected: int = 0
    ignored: Counter[str] = field(default_factory=Counter)

    @property
    def balanced(self) -> bool:
        return self.read == self.added + self.duplicate + self.rejected


@dataclass(slots=True)
class Reconciliation:
    """Counts of an ingest, per file and in total, and the paths not read."""

    files: dict[str, FileCounts] = field(default_factory=dict)
    skipped: list[SkippedFile] = field(default_factory=list)
    near_duplicates: int = 0  # added articles that joined a near-duplicate group

    def _total(self, name: str) -> int:
        return sum(getattr(counts, name) for counts in self.files.values())

    @property
    def read(self) -> int:
        return self._total("read")

    @property
    def added(self) -> int:
        return self._total("added")

    @property
    def duplicate(self) -> int:
        return self._total("duplicate")

    @property
    def rejected(self) -> int:
        return self._total("rejected")

    @property
    def balanced(self) -> bool:
        return all(counts.balanced for counts in self.files.values())

    def render(self) -> str:
        """A plain-text summary: one line per file, the total, what was ignored and what was not read."""
        lines = []
        for counts in self.files.values():
            line = (
                f"{counts.path} [{counts.fmt}]: read {counts.read} = added {counts.added}"
                f" + duplicate {counts.duplicate} + rejected {counts.rejected}"
            )
            if counts.ignored:
                line += " (ignored: " + ", ".join(f"{n} {kind}" for kind, n in sorted(counts.ignored.items())) + ")"
            lines.append(line)
        lines.append(
            f"total: read {self.read} = added {self.added} + duplicate {self.duplicate} + rejected {self.rejected}"
            f"; {self.near_duplicates} added near-duplicate{'s' * (self.near_duplicates != 1)}"
        )
        lines.extend(f"not read: {skipped.path}: {skipped.reason}" for skipped in self.skipped)
        return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class Progress:
    """Where an ingest is: files and stored bytes done (of the total), records read, the current file."""

    files_done: int
    files_total: int
    bytes_done: int
    bytes_total: int
    records_read: int
    current: str | None


class ArticleStream:
    """The events of an ingest, lazily; :attr:`reconciliation` is up to date with what was yielded."""

    def __init__(self, events: Iterator[IngestEvent], reconciliation: Reconciliation) -> None:
        self._events = events
        self.reconciliation = reconciliation

    def __iter__(self) -> ArticleStream:
        return self

    def __next__(self) -> IngestEvent:
        return next(self._events)


def read_articles(
    *,
    paths: Iterable[str | Path],
    fmt: str = "auto",
    mapping: str | Path | FieldMapping | None = None,
    language: str | None = None,
    sources: Sources | str | Path | None = None,
    existing_text_hashes: Iterable[str] | Mapping[str, str] = frozenset(),
    progress: Callable[[Progress], None] | None = None,
    near_duplicates: bool = True,
    options: ReadOptions | None = None,
) -> ArticleStream:
    """Read articles from files, folders and globs, in any mix of formats, compressed or not.

    ``fmt`` forces one reader for every file (``auto``: by extension and content).
    ``mapping``: the field mapping for JSON Lines, CSV and Parquet (``text=body,...`` or a
    file). ``language`` overrides every article's language; otherwise the source's is kept
    and a missing one detected. ``sources``: the sources file (or its path) giving rights.
    ``existing_text_hashes``: :func:`beyan.ingest.dedup.text_key` of every article already
    stored (or a mapping from each to its article id), so copies of them come out as
    duplicates. Bad arguments raise at once (:class:`~beyan.issues.BeyanError`); bad records
    are yielded as rejects.
    """
    if fmt != "auto" and fmt not in READERS:
        raise fail(
            "unknown-format",
            ("--format",),
            "unknown input format",
            expected=" or ".join(("auto", *READERS)),
            found=repr(fmt),
            exit_code=2,
        )
    if language is not None and not is_language_tag(language):
        raise fail(
            "invalid-language",
            ("--language",),
            "not a BCP 47 language tag",
            expected="e.g. tr, en, de-CH",
            found=repr(language),
            exit_code=2,
        )
    base = options or ReadOptions()
    read_options = ReadOptions(
        mapping=parse_mapping(mapping) if mapping is not None else base.mapping,
        html_precision=base.html_precision,
        min_article_chars=base.min_article_chars,
        max_document_bytes=base.max_document_bytes,
    )
    loaded_sources = sources if isinstance(sources, Sources) or sources is None else load_sources(sources)
    files, skipped = discover(paths)
    reconciliation = Reconciliation(skipped=list(skipped))
    run = _Run(
        fmt=fmt,
        options=read_options,
        language=language,
        sources=loaded_sources,
        exact=ExactDuplicates(existing_text_hashes),
        near=NearDuplicateIndex() if near_duplicates else None,
        reconciliation=reconciliation,
        progress=progress,
    )
    return ArticleStream(run.events(files, skipped), reconciliation)


@dataclass(slots=True)
class _Run:
    fmt: str
    options: ReadOptions
    language: str | None
    sources: Sources | None
    exact: ExactDuplicates
    near: NearDuplicateIndex | None
    reconciliation: Reconciliation
    progress: Callable[[Progress], None] | None
    records: int = 0
    bytes_before: int = 0

    def events(self, files: list[SourceFile], skipped: list[SkippedFile]) -> Iterator[IngestEvent]:
        yield from skipped
        sizes = [_size(source) for source in files]
        total = sum(sizes)
        for number, (source, size) in enumerate(zip(files, sizes, strict=True)):
            self._report(number, len(files), total, None, source.name)
            yield from self._file(source, number, len(files), total)
            self.bytes_before += size
        self._report(len(files), len(files), total, None, None)

    def _report(self, done: int, count: int, total: int, opened: InputFile | None, current: str | None) -> None:
        if self.progress is not None:
            position = self.bytes_before + (opened.bytes_done() if opened is not None else 0)
            self.progress(Progress(done, count, min(position, total), total, self.records, current))

    def _file(self, source: SourceFile, number: int, count: int, total: int) -> Iterator[IngestEvent]:
        try:
            opened = InputFile(source)
        except OSError as error:
            yield self._skip(SkippedFile(source.name, f"cannot be opened: {error.strerror}"))
            return
        with opened:
            fmt = self.fmt if self.fmt != "auto" else detect_format(source, opened.head())
            if fmt is None:
                yield self._skip(
                    SkippedFile(
                        source.name,
                        f"not a format beyan reads (extension {source.suffix or 'none'!r}, content not recognised);"
                        f" pass --format {'|'.join(READERS)} to read it as one",
                    )
                )
                return
            reader = READERS[fmt]
            if reader.needs_path and opened.compression is not None:
                yield self._skip(
                    SkippedFile(
                        source.name, f"{fmt} cannot be read {opened.compression}-compressed: decompress it first"
                    )
                )
                return
            counts = self.reconciliation.files.setdefault(source.name, _counts(source.name, fmt))
            outputs = reader.read(opened, self.options)
            while True:
                try:
                    output = next(outputs)
                except StopIteration:
                    break
                except (OSError, EOFError, zlib.error, zstandard.ZstdError, pyarrow.ArrowException) as error:
                    # A truncated or corrupt file: what was read stays read; the rest is one reject.
                    counts.read += 1
                    counts.rejected += 1
                    yield opened.reject(
                        f"byte {opened.bytes_done()}",
                        "unreadable-file",
                        f"reading stopped: {type(error).__name__}: {error}",
                    )
                    break
                if isinstance(output, IgnoredRecord):
                    counts.ignored[output.kind] += 1
                    continue
                counts.read += 1
                self.records += 1
                event = self._settle(output, source.name)
                if isinstance(event, IngestedArticle):
                    counts.added += 1
                elif isinstance(event, Duplicate):
                    counts.duplicate += 1
                else:
                    counts.rejected += 1
                yield event
                if self.records % PROGRESS_EVERY == 0:
                    self._report(number, count, total, opened, source.name)

    def _skip(self, skipped: SkippedFile) -> SkippedFile:
        self.reconciliation.skipped.append(skipped)
        return skipped

    def _settle(self, output: IngestedArticle | IngestReject, file: str) -> IngestedArticle | Duplicate | IngestReject:
        """Duplicates, then language and rights: what becomes of one record a reader gave."""
        if isinstance(output, IngestReject):
            return output
        article = output
        if not article.text.strip():
            return IngestReject(article.location, "no-text", "the record has no text", None, file)
        key = text_key(article.text)
        article.text_key = key
        first = self.exact.first_seen(key)
        if first is not None:
            where, first_id = first
            return Duplicate(
                article.location, article.source_name, article.fmt, key, where, article.article_id, first_id, file
            )
        metadata = article.metadata
        if self.language is not None:
            metadata.language, metadata.language_confidence, metadata.language_origin = self.language, None, "override"
        elif metadata.language is not None:
            if not is_language_tag(metadata.language):
                return IngestReject(
                    article.location,
                    "invalid-language",
                    f"the source's language {metadata.language!r} is not a BCP 47 tag (e.g. tr, en, de-CH)",
                    None,
                    file,
                )
            metadata.language_origin = "source"
        else:
            detected = detect_language(article.text)
            metadata.language, metadata.language_confidence = detected.tag, detected.confidence
            metadata.language_origin = "detected"
        entry = self.sources.match(metadata) if self.sources is not None else None
        if entry is not None:
            metadata.rights, metadata.rights_origin = entry.rights, entry.name
            if not metadata.source or _is_host_of(metadata.source, metadata.url):
                metadata.source = entry.name  # a bare host name (an extractor's fallback) says less than the outlet
        self.exact.add(key, article.location, article.article_id)
        if self.near is not None:
            article.near_duplicate = self.near.add(article.article_id, article.text)
            if article.near_duplicate is not None:
                self.reconciliation.near_duplicates += 1
        return article


def _is_host_of(source: str, url: str | None) -> bool:
    """Whether ``source`` is only the host of ``url`` (``www.`` ignored), not an outlet's name."""
    if not url:
        return False
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
    return bool(host) and source.strip().lower().removeprefix("www.") == host


def _counts(path: str, fmt: str) -> FileCounts:
    return FileCounts(path=path, fmt=fmt)


def _size(source: SourceFile) -> int:
    try:
        return source.path.stat().st_size
    except OSError:
        return 0

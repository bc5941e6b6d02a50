"""Silver step one, per task: raw inputs -> articles to deduplicate and extract, and what was dropped.

A task reads its share of the input files with ``beyan ingest``'s readers
(:func:`beyan.ingest.read_articles`: WARC, JSON Lines, HTML, Parquet, ...; language detected
where the source does not say it; rights by source). Inputs may be local paths or ``fsspec``
URLs (``s3://``, ``gs://``, ``https://``, ``file://``): a URL is streamed to a temporary local
file first, since some formats need to seek. Every record read becomes a :data:`StoredArticle`
or a :class:`Drop` with its reason; a file that cannot be read is a :class:`Drop` too.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from beyan.ingest import Duplicate, IngestedArticle, IngestReject, SkippedFile, read_articles
from beyan.ingest.rights import Sources
from beyan.readers.news_text import sha256_hex

URL_MARK = "://"
StoredArticle = dict[str, Any]  # one row of STORE_SCHEMA

STORE_SCHEMA = pa.schema(
    [
        ("article_id", pa.string()),
        ("text", pa.string()),
        ("text_sha256", pa.string()),
        ("text_key", pa.string()),
        ("title", pa.string()),
        ("language", pa.string()),
        ("source", pa.string()),
        ("published", pa.struct([("value", pa.string()), ("precision", pa.string())])),
        ("section", pa.string()),
        ("url", pa.string()),
        ("location", pa.string()),
        ("standoff", pa.bool_()),
    ]
)


@dataclass(frozen=True, slots=True)
class Drop:
    """A record read that does not become silver rows, with where it was and why (a line of the rejects file)."""

    stage: str  # read, dedup or extract
    location: str
    code: str
    reason: str
    article_id: str | None = None
    duplicate_of: str | None = None  # the article id of the copy kept, for duplicates

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def is_url(path: str) -> bool:
    return URL_MARK in path


def expand_inputs(inputs: list[str]) -> tuple[list[str], list[str]]:
    """The input files, sorted, from paths, folders, globs and URLs; and the inputs that named nothing.

    Local paths are expanded as ``beyan ingest`` does; a URL with a glob (``s3://b/crawl/*.warc.gz``)
    or naming a folder is listed with fsspec.
    """
    from beyan.ingest.sources import discover

    local = [item for item in inputs if not is_url(item)]
    found, skipped = discover(local)
    files = [source.name for source in found]
    missing = [f"{item.path}: {item.reason}" for item in skipped]
    for url in (item for item in inputs if is_url(item)):
        import fsspec

        fs, _, paths = fsspec.get_fs_token_paths(url)
        listed: list[str] = []
        for path in paths:
            listed += sorted(fs.find(path)) if fs.isdir(path) else [path]
        if not listed:
            missing.append(f"{url}: nothing there")
        protocol = fs.protocol if isinstance(fs.protocol, str) else fs.protocol[0]
        files += [path if URL_MARK in path else f"{protocol}://{path}" for path in listed]
    return sorted(set(files)), missing


@contextmanager
def local_copy(path: str) -> Iterator[tuple[Path, str]]:
    """A local file holding ``path``'s bytes (the file itself when local) and its SHA-256."""
    if not is_url(path):
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
        yield Path(path), digest.hexdigest()
        return
    import fsspec

    folder = Path(tempfile.mkdtemp(prefix="beyan-silver-input-"))
    target = folder / Path(path.split("?")[0]).name
    digest = hashlib.sha256()
    try:
        with fsspec.open(path, "rb") as source, open(target, "wb") as out:
            while chunk := source.read(1 << 20):
                digest.update(chunk)
                out.write(chunk)
        yield target, digest.hexdigest()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@dataclass(frozen=True, slots=True)
class ReadSettings:
    """How inputs are read (the options of ``beyan ingest``), and the text policy of the rows."""

    fmt: str = "auto"
    mapping: str | None = None
    language: str | None = None
    sources: str | None = None
    text: str = "full"  # full, or rights: standoff rows for articles whose rights forbid redistribution
    min_words: int = 5  # fewer words than MinHash's n-grams: no signature, so no near-duplicate check


def _stored(article: IngestedArticle, location: str, *, text_policy: str) -> StoredArticle:
    metadata = article.metadata
    published = metadata.published
    return {
        "article_id": article.article_id,
        "text": article.text,
        "text_sha256": sha256_hex(article.text.encode("utf-8")),
        "text_key": article.text_key,
        "title": metadata.title,
        "language": metadata.language or "und",
        "source": metadata.source,
        "published": None if published is None else {"value": published.value, "precision": published.precision},
        "section": metadata.section,
        "url": metadata.url,
        "location": location,
        "standoff": text_policy == "rights" and metadata.rights.redistribution == "standoff",
    }


def read_task(
    *, paths: list[str], settings: ReadSettings, sources: Sources | None, digests: dict[str, str]
) -> Iterator[StoredArticle | Drop]:
    """Articles and drops of one task's files, in input order; ``digests`` gets each file's SHA-256."""
    from datatrove.utils.text import simplify_text

    for path in paths:
        try:
            copy = local_copy(path)
            local, sha256 = copy.__enter__()
        except OSError as error:
            yield Drop("read", path, "unreadable-file", f"cannot be read: {error}")
            continue
        try:
            digests[path] = sha256
            prefix = str(local)
            stream = read_articles(
                paths=[local],
                fmt=settings.fmt,
                mapping=settings.mapping,
                language=settings.language,
                sources=sources,
                near_duplicates=False,
            )
            for event in stream:
                if isinstance(event, SkippedFile):
                    yield Drop("read", path, "unreadable-file", f"not read: {event.reason}")
                    continue
                location = path + event.location.removeprefix(prefix)
                if isinstance(event, IngestedArticle):
                    words = len(event.text.split())  # simplifying drops punctuation: count again only if close
                    if words < 3 * settings.min_words and len(simplify_text(event.text).split()) < settings.min_words:
                        yield Drop(
                            "read", location, "too-short", "fewer words than a MinHash shingle", event.article_id
                        )
                        continue
                    yield _stored(event, location, text_policy=settings.text)
                elif isinstance(event, Duplicate):
                    yield Drop(
                        "read",
                        location,
                        "exact-duplicate",
                        "the same text as an earlier record of the file",
                        event.article_id,
                        event.duplicate_of_id,
                    )
                elif isinstance(event, IngestReject):
                    yield Drop("read", location, event.code, event.reason)
        finally:
            copy.__exit__(None, None, None)


def task_files(files: list[str], tasks: int) -> list[list[str]]:
    """Contiguous runs of the sorted files, one per task: task order is input order."""
    tasks = max(1, min(tasks, len(files)))
    size, extra = divmod(len(files), tasks)
    runs, start = [], 0
    for task in range(tasks):
        end = start + size + (task < extra)
        runs.append(files[start:end])
        start = end
    return runs


def die_with_parent(*, driver_pid: int) -> None:
    """In a worker process: die with the process that started it.

    A Ray worker that is killed would otherwise leave the pool process running its task
    behind, writing the same files as the task's retry.
    """
    if os.getpid() == driver_pid:
        return
    try:
        import ctypes
        import signal

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: nothing to do
        return

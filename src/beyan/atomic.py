"""Writes that are never seen half-done.

* :func:`write_bytes_atomic`: a file is written beside its target and renamed over it.
* :class:`Transaction`: several files under one root change together. Files are staged
  under ``<root>/.txn/<id>/``; writing the ``COMMIT`` list (atomically) is the commit
  point; then files are moved into place. :func:`recover` rolls a committed transaction
  forward and throws an uncommitted one away, so a crash at any point leaves either the
  old or the new state once any beyan command opens the root again.
* :func:`replace_directory`: a finished build directory swapped for the old one with
  ``renameat2(RENAME_EXCHANGE)`` where the kernel offers it.
"""

from __future__ import annotations

import ctypes
import json
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

TXN_DIR = ".txn"


def _fsync_dir(path: Path) -> None:
    with suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def temporary_sibling(path: Path, *, suffix: str = "") -> Path:
    """A hidden name next to ``path`` that no other writer uses."""
    return path.with_name(f".{path.name}.beyan-tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}{suffix}")


def remove_stale_siblings(path: Path) -> list[Path]:
    """Remove temporary siblings of ``path`` left by beyan processes that were killed."""
    removed = []
    for candidate in path.parent.glob(f".{path.name}.beyan-tmp-*"):
        try:
            pid = int(candidate.name.split(".beyan-tmp-")[1].split("-")[0])
        except (IndexError, ValueError):
            continue
        if pid == os.getpid() or _alive(pid):
            continue
        if candidate.is_dir():
            shutil.rmtree(candidate, ignore_errors=True)
        else:
            candidate.unlink(missing_ok=True)
        removed.append(candidate)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def write_bytes_atomic(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Write ``path`` whole or not at all; ``durable=False`` skips the fsyncs (caches: losing one costs a rebuild)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temporary_sibling(path)
    try:
        with open(tmp, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with suppress(FileNotFoundError):
            tmp.unlink()
        raise
    if durable:
        _fsync_dir(path.parent)


def write_text_atomic(path: Path, text: str) -> None:
    write_bytes_atomic(path, text.encode("utf-8"))


class Transaction:
    """Stage file writes and deletions under ``root``; :meth:`commit` applies all of them.

    Paths are given as the caller sees them (``root / "articles" / ...``), not relative to root.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.txn_id = f"{os.getpid()}-{uuid.uuid4().hex[:12]}"
        self.staging = root / TXN_DIR / self.txn_id
        self.writes: set[str] = set()  # relative paths (strings: an import stages one per file)
        self.deletes: set[str] = set()
        self.committed = False
        self._files = os.path.join(str(self.staging), "files")
        self._folders: set[str] = set()  # staging folders made so far (one mkdir each, not one per file)

    def staged_path(self, relative: str) -> Path:
        """Where the staged copy of ``relative`` (a path relative to the root) is."""
        return Path(self._files, relative)

    def _staged(self, relative: str) -> str:
        staged = os.path.join(self._files, relative)
        folder = os.path.dirname(staged)
        if folder not in self._folders:
            os.makedirs(folder, exist_ok=True)
            self._folders.add(folder)
        return staged

    def _relative(self, path: Path | str) -> str:
        """``path`` (as seen from the working directory) relative to the root; never outside it."""
        relative = os.path.relpath(os.path.abspath(path), os.path.abspath(self.root))
        if relative == "." or relative.split(os.sep)[0] == "..":
            raise ValueError(f"refusing to write outside {self.root}: {path}")
        return relative if os.sep == "/" else Path(relative).as_posix()

    def write_bytes(self, path: Path | str, data: bytes) -> None:
        relative = self._relative(path)
        with open(self._staged(relative), "wb") as handle:
            handle.write(data)
        self.writes.add(relative)
        self.deletes.discard(relative)

    def write_text(self, path: Path | str, text: str) -> None:
        self.write_bytes(path, text.encode("utf-8"))

    def copy_file(self, path: Path | str, source: Path) -> None:
        relative = self._relative(path)
        shutil.copyfile(source, self._staged(relative))
        self.writes.add(relative)

    def delete(self, path: Path | str) -> None:
        relative = self._relative(path)
        if relative in self.writes:
            self.writes.discard(relative)
            self.staged_path(relative).unlink(missing_ok=True)  # a staged folder may move whole: only writes in it
        self.deletes.add(relative)

    @property
    def changes(self) -> int:
        return len(self.writes) + len(self.deletes)

    def commit(self) -> None:
        if not self.changes:
            self.abort()
            return
        _sync_filesystem(self.staging)  # staged data on disk before the commit record: one call, not one per file
        plan = {"writes": sorted(self.writes), "deletes": sorted(self.deletes)}
        write_text_atomic(self.staging / "COMMIT", json.dumps(plan))
        self.committed = True
        _apply(self.root, self.staging, plan)

    def abort(self) -> None:
        """Throw the staged writes away; after the commit point it is too late: recovery finishes them."""
        if self.committed:
            return
        shutil.rmtree(self.staging, ignore_errors=True)
        _remove_empty(self.root / TXN_DIR)


def _remove_empty(directory: Path) -> None:
    with suppress(OSError):
        directory.rmdir()


def _sync_filesystem(path: Path) -> None:
    """Flush the file system holding ``path`` (Linux syncfs; elsewhere a global sync)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fd = os.open(path, os.O_RDONLY)
        try:
            if libc.syncfs(fd) == 0:
                return
        finally:
            os.close(fd)
    except (OSError, AttributeError):
        pass
    os.sync()


def _apply(root: Path, staging: Path, plan: dict[str, list[str]]) -> None:
    """Move staged files into place; safe to repeat after a crash half-way.

    A staged folder whose target does not exist yet (a new article) is moved with one rename.
    Paths are plain strings here: this runs once per file of an import.
    """
    base, files = str(root), os.path.join(str(staging), "files")
    for folder in sorted({os.path.dirname(relative) for relative in plan["writes"]} - {""}):
        staged_folder, target_folder = os.path.join(files, folder), os.path.join(base, folder)
        if os.path.isdir(staged_folder) and not os.path.exists(target_folder):
            os.makedirs(os.path.dirname(target_folder), exist_ok=True)
            os.replace(staged_folder, target_folder)
    for relative in plan["writes"]:
        staged, target = os.path.join(files, relative), os.path.join(base, relative)
        if os.path.exists(staged):
            os.makedirs(os.path.dirname(target), exist_ok=True)
            os.replace(staged, target)
    for relative in plan["deletes"]:
        target_path = root / relative
        with suppress(FileNotFoundError):
            target_path.unlink()
        parent = target_path.parent
        while parent != root and parent.is_dir() and not any(parent.iterdir()):
            parent.rmdir()
            parent = parent.parent
    _fsync_dir(root)
    shutil.rmtree(staging, ignore_errors=True)
    _remove_empty(root / TXN_DIR)


def recover(root: Path) -> list[str]:
    """Finish committed transactions under ``root`` and drop uncommitted ones; says what it did."""
    done: list[str] = []
    txn_root = root / TXN_DIR
    if not txn_root.is_dir():
        return done
    for staging in sorted(txn_root.iterdir()):
        commit = staging / "COMMIT"
        if commit.is_file():
            try:
                plan = json.loads(commit.read_text("utf-8"))
            except (OSError, ValueError):
                plan = None
            if plan is not None:
                _apply(root, staging, plan)
                done.append(f"completed interrupted write {staging.name}")
                continue
        shutil.rmtree(staging, ignore_errors=True)
        done.append(f"discarded unfinished write {staging.name}")
    _remove_empty(txn_root)
    return done


@contextmanager
def transaction(root: Path) -> Iterator[Transaction]:
    """``with transaction(root) as txn:`` stages writes; they land together when the block ends."""
    txn = Transaction(root)
    try:
        yield txn
    except BaseException:
        if not txn.committed:
            txn.abort()
        raise
    txn.commit()


_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux renameat2); False where unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    return bool(result == 0)


def replace_directory(new: Path, target: Path) -> None:
    """Put the finished directory ``new`` at ``target``, replacing what was there."""
    if not target.exists():
        os.replace(new, target)
        return
    if _exchange(new, target):
        shutil.rmtree(new)  # ``new`` now holds the old contents
        return
    old = temporary_sibling(target, suffix=".old")
    os.replace(target, old)
    os.replace(new, target)
    shutil.rmtree(old)

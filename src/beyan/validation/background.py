"""Work beside the checks: Parquet decoding read ahead in one thread, array work in another.

Decoding, ``pyarrow.compute`` and numpy's array loops release the GIL, so on two cores
they run while the checking thread reports issues. Issues are still reported by the
checking thread, in the order the checks run, so what the collector keeps per code is
the same as without threads.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any, Generic, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

READ_AHEAD = 1  # items produced ahead of the one being consumed (one more is being produced)

_lock = threading.Lock()
_worker: ThreadPoolExecutor | None = None
_users = 0


@contextmanager
def worker_thread() -> Iterator[None]:
    """One worker thread for all :class:`Background` work started inside; it is joined on leaving.

    One long-lived thread rather than one per task: the memory its arrays use is reused
    from task to task instead of spread over the allocator's per-thread arenas.
    """
    global _worker, _users
    with _lock:
        if _worker is None:
            _worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="beyan-validate-worker")
        _users += 1
    try:
        yield
    finally:
        with _lock:
            _users -= 1
            worker, last = _worker, _users == 0
            if last:
                _worker = None
        if last and worker is not None:
            worker.shutdown(wait=True)


class Background(Generic[Result]):
    """``function()`` running beside the caller from now on; :meth:`result` waits for it, then returns or raises.

    It runs in the :func:`worker_thread` when one is open, else in a thread of its own.
    ``function`` must not wait for other background work (there may be one worker only).
    """

    def __init__(self, function: Callable[[], Result]) -> None:
        worker = _worker
        self._future: Future[Result] | None = worker.submit(function) if worker is not None else None
        self._value: Result | None = None
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None
        if self._future is None:
            self._thread = threading.Thread(
                target=self._run, args=(function,), name="beyan-validate-worker", daemon=True
            )
            self._thread.start()

    def _run(self, function: Callable[[], Result]) -> None:
        try:
            self._value = function()
        except BaseException as error:  # handed to the thread that asks for the result
            self._error = error

    def result(self) -> Result:
        if self._future is not None:
            future, self._future = self._future, None
            return future.result()
        assert self._thread is not None
        self._thread.join()
        if self._error is not None:
            error, self._error = self._error, None  # no cycle through the traceback is left behind
            raise error
        return self._value  # type: ignore[return-value]


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

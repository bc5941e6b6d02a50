"""beyan.validation.background: work in threads that always end, with errors raised where asked for."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from beyan.validation.background import Background, read_ahead, worker_thread


def _threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("beyan-validate-")]


def test_background_returns_the_result() -> None:
    work = Background(lambda: sum(range(1000)))
    assert work.result() == 499500
    assert not _threads()


def test_background_work_shares_one_worker_thread_while_it_is_open() -> None:
    with worker_thread():
        with worker_thread():  # nested (validate inside validate): the same worker
            names = [Background(lambda: threading.current_thread().name).result() for _ in range(3)]
        failing = Background(lambda: 1 // 0)
        with pytest.raises(ZeroDivisionError):
            failing.result()
        assert len(_threads()) == 1
    assert len(set(names)) == 1 and names[0].startswith("beyan-validate-worker")
    assert not _threads()


def test_background_raises_the_error_when_the_result_is_asked_for() -> None:
    def fail() -> int:
        raise ValueError("bad span column")

    work = Background(fail)
    with pytest.raises(ValueError, match="bad span column"):
        work.result()
    assert not _threads()


def test_read_ahead_yields_everything_in_order() -> None:
    assert list(read_ahead(iter(range(50)), depth=2)) == list(range(50))
    assert not _threads()


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
    assert not _threads()


def test_read_ahead_stops_its_thread_when_the_consumer_stops_early() -> None:
    produced: list[int] = []

    def items() -> Iterator[int]:
        for n in range(1_000):
            produced.append(n)
            yield n

    reader = read_ahead(items(), depth=2)
    assert next(reader) == 0
    reader.close()  # what a failing check does, through the for loop's exception
    assert not _threads()
    assert len(produced) <= 4  # the one taken, the queue's two, the one in hand when stopped

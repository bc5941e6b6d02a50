"""Where the silver pipeline runs: datatrove's executors, chosen by name from :data:`ENGINES`.

* ``local`` (the default, no cluster): datatrove's ``LocalPipelineExecutor``, tasks on this
  machine's processes (one worker: in this process);
* ``ray``: datatrove's ``RayPipelineExecutor`` on a Ray cluster, the one at ``address``
  (``auto``, ``ray://host:10001``) or else a local one started here and stopped after the run,
  bound to 127.0.0.1, dashboard off, usage statistics off. A task whose worker dies is
  submitted again (up to three times) by datatrove.

Tasks that completed are recorded in the work folder (``logs/<stage>/completions``), so a run
that stopped is resumed by running it again. datatrove's own logs go to
``logs/<stage>/logs`` and ``logs/engine.log``, not to the terminal.

A new engine is a class with ``run`` and one line in :data:`ENGINES`; datatrove's Slurm
executor would be one (its ``run`` submits jobs and returns, so the pipeline would wait on
their completions).
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from beyan.issues import fail


def missing_dependency(package: str, what: str) -> Exception:
    return fail(
        "missing-dependency",
        ("--engine",),
        f"{what} needs {package}, which is not installed",
        hint="pip install 'beyan[silver]'",
        exit_code=2,
    )


def _datatrove() -> Any:
    try:
        import datatrove.executor
    except ImportError:
        raise missing_dependency("datatrove", "beyan silver") from None
    from loguru import logger

    logger.remove()  # the driver's share of datatrove's logging goes to logs/engine.log
    return datatrove


@contextlib.contextmanager
def _stderr_to(path: Path) -> Iterator[None]:
    """Everything written to standard error (datatrove's logs, its workers' too) goes to ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    sys.stderr.flush()
    saved, stream = os.dup(2), sys.stderr
    with open(path, "a", encoding="utf-8") as log:
        os.dup2(log.fileno(), 2)
        sys.stderr = log  # loguru writes to the object (which a test runner may have replaced)
        try:
            yield
        finally:
            from loguru import logger

            logger.remove()  # datatrove puts its terminal logger back after each task
            log.flush()
            sys.stderr = stream
            os.dup2(saved, 2)
            os.close(saved)


def check_completed(logs: Path, tasks: int, stage: str) -> None:
    """Every task of a stage left its completion mark, or the run stops here with where to look."""
    missing = [rank for rank in range(tasks) if not (logs / "completions" / f"{rank:05d}").is_file()]
    if missing:
        raise fail(
            "task-failed",
            (str(logs),),
            f"{len(missing)} of {tasks} task(s) of stage {stage!r} did not complete (first: {missing[0]})",
            hint=f"see {logs / 'logs'}/task_{missing[0]:05d}.log; run the same command again to resume",
        )


@dataclass(slots=True)
class LocalEngine:
    """datatrove's local executor: ``workers`` processes on this machine."""

    workers: int
    name: str = "local"

    def __enter__(self) -> LocalEngine:
        _datatrove()
        return self

    def __exit__(self, *_: object) -> None:
        return None

    def run(self, pipeline: list[Any], *, tasks: int, logs: Path, stage: str) -> None:
        from datatrove.executor import LocalPipelineExecutor

        executor = LocalPipelineExecutor(
            pipeline=pipeline,
            tasks=tasks,
            workers=max(1, min(self.workers, tasks)),
            logging_dir=str(logs),
            skip_completed=True,
        )
        with _stderr_to(logs.parent / "engine.log"):
            executor.run()
        check_completed(logs, tasks, stage)


@dataclass(slots=True)
class RayEngine:
    """datatrove's Ray executor: on the cluster at ``address``, or on a local one started for the run."""

    workers: int
    address: str | None = None
    name: str = "ray"
    started: bool = False

    def __enter__(self) -> RayEngine:
        _datatrove()
        os.environ["RAY_USAGE_STATS_ENABLED"] = "0"  # no calls home, in this process and the cluster it starts
        try:
            import ray
        except ImportError:
            raise missing_dependency("ray", "--engine ray") from None
        if not ray.is_initialized():
            if self.address:
                ray.init(address=self.address, log_to_driver=False, configure_logging=False)
            else:
                ray.init(
                    num_cpus=self.workers,
                    include_dashboard=False,
                    _node_ip_address="127.0.0.1",
                    log_to_driver=False,
                    configure_logging=False,
                )
                self.started = True
        return self

    def __exit__(self, *_: object) -> None:
        if self.started:
            import ray

            ray.shutdown()
            self.started = False

    def run(self, pipeline: list[Any], *, tasks: int, logs: Path, stage: str) -> None:
        from datatrove.executor.ray import RayPipelineExecutor

        executor = RayPipelineExecutor(
            pipeline=pipeline,
            tasks=tasks,
            workers=self.workers,
            logging_dir=str(logs),
            skip_completed=True,
            cpus_per_task=1,
            mem_per_cpu_gb=1,
        )
        with _stderr_to(logs.parent / "engine.log"):
            executor.run()
        check_completed(logs, tasks, stage)


Engine = LocalEngine | RayEngine
ENGINES: dict[str, type[LocalEngine] | type[RayEngine]] = {"local": LocalEngine, "ray": RayEngine}


def make_engine(name: str, *, workers: int, address: str | None = None) -> Engine:
    if name not in ENGINES:
        raise fail("unknown-engine", ("--engine",), "unknown engine", expected=" or ".join(ENGINES), found=repr(name))
    if name == "ray":
        return RayEngine(workers=workers, address=address)
    if address:
        raise fail("bad-option", ("--address",), "--address names a Ray cluster: it needs --engine ray", exit_code=2)
    return LocalEngine(workers=workers)

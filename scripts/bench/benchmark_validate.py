"""Benchmark ``beyan.validation.validate`` on a synthetic built dataset, against a peer in the same run.

Steps, each measured in its own child process (so peak RSS belongs to that step alone):

1. write a synthetic dataset of N statements (scripts/bench/synthetic_dataset.py);
2. ``beyan``: ``validate(folder)``, the whole validator, as ``beyan validate FOLDER`` runs it;
3. ``peer``: a plain Python loop per row over the same Parquet files (one row group at a
   time, ``to_pylist()``), checking only the span conditions ``0 <= start < end <=
   len(text)`` and ``text[start:end] == span text`` for the four span columns of both
   configs (statement rows against ``article_text``, nested statements against ``text``);
4. ``phases``: ``validate(folder)`` again with cheap timers around the validator's phases
   (exclusive wall time and CPU time per phase, in the thread that runs it: the checking
   thread, the worker thread or the Parquet reader thread; a few thousand timer calls);
5. ``profile``: ``validate(folder)`` under cProfile (the checking thread only): the
   functions where its time goes.

Speed is reported as spans checked per second and as ratios against the peer, never as
pass/fail thresholds. Usage: scripts/benchmark-validate [--statements N] [--keep] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SPAN_FIELDS = ("content_spans", "speaker_spans", "cue_spans", "addressee_spans")


# ------------------------------------------------------------------ measurements (run in child processes)


def _rss_now_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def _import_validator() -> float:
    """Import everything ``validate`` imports lazily, so timed runs measure checking, not imports."""
    began = time.perf_counter()
    import beyan.validation.checks  # noqa: F401

    return time.perf_counter() - began


def measure_beyan(folder: Path) -> dict[str, Any]:
    from beyan.validation import validate

    import_seconds = _import_validator()
    baseline = _rss_now_mb()
    began, cpu = time.perf_counter(), time.process_time()
    result = validate(folder)
    seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "spans": result.spans_checked,
        "ok": result.ok,
        "issues": result.issues.summary(),
        "import_seconds": import_seconds,
        "baseline_rss_mb": baseline,
        "peak_rss_mb": _peak_rss_mb(),
    }


def _check_spans(spans: list[dict[str, Any]], text: str | None, length: int) -> tuple[int, int]:
    bad = 0
    for span in spans:
        start, end = span["start"], span["end"]
        if start is None or end is None or not 0 <= start < end:
            bad += 1
        elif text is None:
            bad += span["text"] is not None  # a standoff row carries no span text
        elif end > length or text[start:end] != span["text"]:
            bad += 1
    return len(spans), bad


def measure_peer(folder: Path) -> dict[str, Any]:
    """The plain loop: one row group at a time, every row as Python objects, every span compared."""
    import pyarrow.parquet as pq

    baseline = _rss_now_mb()
    began, cpu = time.perf_counter(), time.process_time()
    spans = bad = rows = 0
    for path in sorted((folder / "data" / "statements").glob("*.parquet")):
        file = pq.ParquetFile(path)
        for group in range(file.num_row_groups):
            for row in file.read_row_group(group, columns=["article_text", *SPAN_FIELDS]).to_pylist():
                rows += 1
                text = row["article_text"]
                length = 0 if text is None else len(text)
                for name in SPAN_FIELDS:
                    n, b = _check_spans(row[name], text, length)
                    spans += n
                    bad += b
    for path in sorted((folder / "data" / "articles").glob("*.parquet")):
        file = pq.ParquetFile(path)
        for group in range(file.num_row_groups):
            for row in file.read_row_group(group, columns=["text", "statements"]).to_pylist():
                rows += 1
                text = row["text"]
                length = 0 if text is None else len(text)
                for statement in row["statements"]:
                    for name in SPAN_FIELDS:
                        n, b = _check_spans(statement[name], text, length)
                        spans += n
                        bad += b
    seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "spans": spans,
        "bad_spans": bad,
        "rows": rows,
        "baseline_rss_mb": baseline,
        "peak_rss_mb": _peak_rss_mb(),
    }


# Phases of the validator, by the function that does each (exclusive time: nested phases are subtracted).
# (module, attribute as used from that module, label); a generator's time is its consumer's waiting.
# Each phase is timed in the thread that runs it: the checking thread, the worker or the reader.
PHASES: tuple[tuple[str, str, str], ...] = (
    ("checks", "file_sha256", "sha256 of every output file (manifest, croissant.json)"),
    ("checks", "_Placement.check", "split assignment, group by group"),
    ("reading", "table_groups", "Parquet decoding, groups of rows"),
    ("checks", "read_ahead", "waiting for the reader thread"),
    ("background", "Background.result", "waiting for the worker thread"),
    ("checks", "_nesting_columns", "nesting: ids and content offsets kept per group"),
    ("tables", "RowChecker.check_nesting", "nesting: parents exist, same article, cover the child"),
    ("tables", "RowChecker.check_nulls_and_labels", "nulls, labels, patterns, minimums (pyarrow.compute)"),
    ("tables", "check_context_spans", "spans of statement rows: offsets, ranges, texts (vectorised)"),
    ("tables", "check_span_columns", "spans of nested statements: offsets, ranges, texts (vectorised)"),
    ("tables", "RowChecker._report_spans", "spans: report those with a problem"),
    ("tables", "RowChecker._check_published", "publication dates"),
    ("tables", "RowChecker._check_languages", "language tags"),
    ("tables", "utf8_digests", "article text sha256 (articles config)"),
    ("tables", "RowChecker._check_text_hashes", "article text sha256: compare"),
    ("tables", "RowChecker._check_text_lengths", "article text lengths (articles config)"),
    ("tables", "RowChecker.check_statements", "statement rows: duplicate ids, content, speaker, id prefixes"),
    ("tables", "RowChecker.check_articles", "article rows: duplicate ids, nested flatten, wrong article"),
    ("checks", "validate_dataset", "dataset: card, manifest, counts, config match"),
)


def _thread_role() -> str:
    import threading

    name = threading.current_thread().name
    if threading.current_thread() is threading.main_thread():
        return "checking"
    return "worker" if name.startswith("beyan-validate-worker") else "reader" if "reader" in name else name


def measure_phases(folder: Path) -> dict[str, Any]:
    """``validate(folder)`` with timers around its phases: exclusive wall and CPU seconds per phase and thread.

    CPU is ``time.thread_time`` of the thread running the phase (the checking thread, the
    worker thread or the reader thread); waiting for another thread costs wall time only.
    """
    import functools
    import importlib
    import inspect
    import threading

    from beyan.validation import validate

    clocks = (time.perf_counter, time.thread_time)
    exclusive: dict[tuple[str, str], list[float]] = {}
    calls: dict[tuple[str, str], int] = {}
    local = threading.local()  # each thread's stack of [wall start, cpu start, nested wall, nested cpu]

    def stack() -> list[list[float]]:
        if not hasattr(local, "stack"):
            local.stack = []
        return local.stack  # type: ignore[no-any-return]

    def enter() -> None:
        stack().append([clocks[0](), clocks[1](), 0.0, 0.0])

    def leave(name: str) -> None:
        frames = stack()
        wall0, cpu0, nested_wall, nested_cpu = frames.pop()
        wall, cpu = clocks[0]() - wall0, clocks[1]() - cpu0
        key = (name, _thread_role())
        own = exclusive.setdefault(key, [0.0, 0.0])
        own[0] += wall - nested_wall
        own[1] += cpu - nested_cpu
        calls[key] = calls.get(key, 0) + 1
        if frames:
            frames[-1][2] += wall
            frames[-1][3] += cpu

    def timed(name: str, function: Any) -> Any:
        if inspect.isgeneratorfunction(function):

            @functools.wraps(function)
            def generator(*args: Any, **kwargs: Any) -> Any:
                items = function(*args, **kwargs)
                while True:
                    enter()
                    try:
                        item = next(items)
                    except StopIteration:
                        return
                    finally:
                        leave(name)
                    yield item

            return generator

        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            enter()
            try:
                return function(*args, **kwargs)
            finally:
                leave(name)

        return wrapper

    for module_name, attribute, _label in PHASES:
        owner: Any = importlib.import_module(f"beyan.validation.{module_name}")
        *path, name = attribute.split(".")
        for part in path:
            owner = getattr(owner, part)
        original = inspect.getattr_static(owner, name)
        if isinstance(original, classmethod):
            setattr(owner, name, classmethod(timed(attribute, original.__func__)))
        else:
            setattr(owner, name, timed(attribute, original))
    _import_validator()
    wall0, cpu0, process0 = clocks[0](), clocks[1](), time.process_time()
    result = validate(folder)
    total, total_cpu, process_cpu = clocks[0]() - wall0, clocks[1]() - cpu0, time.process_time() - process0
    labels = {attribute: label for _module, attribute, label in PHASES}
    phases = [
        {
            "phase": labels[attribute],
            "function": attribute,
            "thread": thread,
            "seconds": own[0],
            "cpu_seconds": own[1],
            "calls": calls[(attribute, thread)],
        }
        for (attribute, thread), own in sorted(exclusive.items(), key=lambda item: (item[0][1], -item[1][1]))
    ]
    checking = [p for p in phases if p["thread"] == "checking"]
    phases.append(
        {
            "phase": "other (detect kind, card YAML, glue)",
            "function": "-",
            "thread": "checking",
            "seconds": total - sum(p["seconds"] for p in checking),
            "cpu_seconds": total_cpu - sum(p["cpu_seconds"] for p in checking),
            "calls": 0,
        }
    )
    return {
        "seconds": total,
        "cpu_seconds": total_cpu,
        "process_cpu_seconds": process_cpu,
        "thread_cpu_seconds": {
            role: sum(p["cpu_seconds"] for p in phases if p["thread"] == role)
            for role in ("checking", "worker", "reader")
        },
        "spans": result.spans_checked,
        "phases": phases,
        "peak_rss_mb": _peak_rss_mb(),
    }


def measure_profile(folder: Path, top: int = 20) -> dict[str, Any]:
    import cProfile
    import pstats

    from beyan.validation import validate

    _import_validator()
    profiler = cProfile.Profile()
    began = time.perf_counter()
    profiler.enable()
    validate(folder)
    profiler.disable()
    seconds = time.perf_counter() - began
    stats = pstats.Stats(profiler)
    rows = []
    for (filename, line, function), (_cc, ncalls, tottime, cumtime, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        where = filename
        for marker in ("/site-packages/", "/src/", "/lib/python3.11/"):
            if marker in filename:
                where = filename.split(marker, 1)[1]
        rows.append(
            {"function": f"{where}:{line}({function})", "calls": ncalls, "tottime": tottime, "cumtime": cumtime}
        )
    rows.sort(key=lambda r: r["tottime"], reverse=True)
    return {"seconds": seconds, "top": rows[:top]}


SPAN_PHASES = ("check_context_spans", "check_span_columns", "RowChecker._report_spans")
WORKERS = {"beyan": measure_beyan, "peer": measure_peer, "phases": measure_phases, "profile": measure_profile}


# ------------------------------------------------------------------ orchestration


def _child(kind: str, folder: Path) -> dict[str, Any]:
    output = subprocess.run(
        [sys.executable, __file__, "--worker", kind, str(folder)], check=True, capture_output=True, text=True
    ).stdout
    return json.loads(output.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _warm(folder: Path) -> None:
    """Read every file once so all measured steps start from a warm page cache."""
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            with open(path, "rb") as handle:
                while handle.read(1 << 24):
                    pass


def _machine() -> dict[str, Any]:
    import pyarrow

    memory_kb = 0
    with open("/proc/meminfo") as meminfo:
        for line in meminfo:
            if line.startswith("MemTotal:"):
                memory_kb = int(line.split()[1])
    cpu = ""
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), "")
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "ram_gb": round(memory_kb / 1024**2, 1),
        "cpu": cpu,
        "python": platform.python_version(),
        "pyarrow": pyarrow.__version__,
        "platform": platform.platform(),
        "loadavg_at_start": [round(x, 2) for x in os.getloadavg()],
        "beyan_commit": _commit(),
    }


def _commit() -> str:
    """The commit of the beyan tree measured, marked +dirty when src/ has uncommitted changes."""
    root = HERE.parent.parent
    try:
        head = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "src"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + ("+dirty" if dirty else "")


def _reusable(folder: Path, statements: int) -> bool:
    try:
        manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    except (OSError, ValueError):
        return False
    return bool((manifest.get("synthetic") or {}).get("statements") == statements)


def run(
    statements: int, *, repeat: int, keep: bool, out: Path | None, reuse: bool, profile: bool, log: Any
) -> dict[str, Any]:
    folder = out or Path(tempfile.mkdtemp(prefix="beyan-bench-")) / "dataset"
    report: dict[str, Any] = {"statements": statements, "machine": _machine(), "folder": str(folder)}
    try:
        write_seconds = None
        if reuse and _reusable(folder, statements):
            print(f"reusing the synthetic dataset in {folder}", file=log)
        else:
            print(f"writing {statements:,} synthetic statements to {folder} ...", file=log)
            began = time.perf_counter()
            subprocess.run(
                [sys.executable, str(HERE / "synthetic_dataset.py"), str(folder), "--statements", str(statements)],
                check=True,
            )
            write_seconds = time.perf_counter() - began
        manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
        report["dataset"] = {
            "write_seconds": write_seconds,
            "articles": sum(manifest["counts"]["articles"].values()),
            "statements": sum(manifest["counts"]["statements"].values()),
            "files": len(manifest["outputs"]),
            "megabytes": sum(o["bytes"] for o in manifest["outputs"].values()) / 1e6,
        }
        _warm(folder)
        runs: dict[str, list[dict[str, Any]]] = {"beyan": [], "peer": []}
        for i in range(repeat):
            for kind in ("beyan", "peer"):  # alternate, so drift affects both alike
                print(f"run {i + 1}/{repeat}: {kind} ...", file=log)
                runs[kind].append(_child(kind, folder))
        best = {kind: min(results, key=lambda r: r["seconds"]) for kind, results in runs.items()}
        for kind, results in runs.items():  # the best CPU time may come from another run than the best wall time
            best[kind] = {**best[kind], "cpu_seconds": min(r["cpu_seconds"] for r in results)}
        report["runs"] = runs
        report["beyan"], report["peer"] = best["beyan"], best["peer"]
        if profile:
            print("phases ...", file=log)
            report["phases"] = _child("phases", folder)
            print("cProfile ...", file=log)
            report["profile"] = _child("profile", folder)
        b, p = best["beyan"], best["peer"]
        report["spans_per_second"] = {"beyan": b["spans"] / b["seconds"], "peer": p["spans"] / p["seconds"]}
        report["ratio_beyan_over_peer"] = report["spans_per_second"]["beyan"] / report["spans_per_second"]["peer"]
        report["ratio_beyan_over_peer_cpu"] = (b["spans"] / b["cpu_seconds"]) / (p["spans"] / p["cpu_seconds"])
        if profile:
            span_cpu = sum(ph["cpu_seconds"] for ph in report["phases"]["phases"] if ph["function"] in SPAN_PHASES)
            report["span_phase_cpu_seconds"] = span_cpu
            report["ratio_span_phase_over_peer_cpu"] = (p["cpu_seconds"] / span_cpu) if span_cpu else None
        report["loadavg_at_end"] = [round(x, 2) for x in os.getloadavg()]
    finally:
        if keep:
            print(f"kept the dataset in {folder}", file=log)
        else:
            shutil.rmtree(folder if out is not None else folder.parent, ignore_errors=True)
    return report


def render(report: dict[str, Any]) -> str:
    m, d, b, p = report["machine"], report["dataset"], report["beyan"], report["peer"]
    lines = [
        f"machine: {m['nproc']} cpu ({m['cpu']}), {m['ram_gb']} GB RAM, Python {m['python']}, pyarrow {m['pyarrow']}",
        f"beyan at commit {m.get('beyan_commit')}",
        f"load average (1/5/15 min) at start {m['loadavg_at_start']}, at end {report.get('loadavg_at_end')}",
        f"dataset: {d['statements']:,} statements, {d['articles']:,} articles, {d['files']} files, "
        f"{d['megabytes']:.0f} MB" + (f" (written in {d['write_seconds']:.0f} s)" if d.get("write_seconds") else ""),
        "",
        f"{'':6} {'wall s':>7} {'CPU s':>7} {'spans':>10} {'spans/s':>9} {'spans/CPU s':>11} "
        f"{'peak RSS MB':>11} {'all runs, wall s':>18}",
    ]
    for name, r in (("beyan", b), ("peer", p)):
        runs = ", ".join(f"{x['seconds']:.1f}" for x in report["runs"][name])
        lines.append(
            f"{name:6} {r['seconds']:7.2f} {r['cpu_seconds']:7.2f} {r['spans']:10,} {r['spans'] / r['seconds']:9,.0f} "
            f"{r['spans'] / r['cpu_seconds']:11,.0f} {r['peak_rss_mb']:11.0f} {runs:>18}"
        )
    lines += [
        "",
        f"beyan validate: {b['issues']} (ok={b['ok']}); peer: {p['bad_spans']} bad span(s) in {p['rows']:,} rows",
        f"ratio beyan/peer, spans per second: {report['ratio_beyan_over_peer']:.2f}x wall, "
        f"{report['ratio_beyan_over_peer_cpu']:.2f}x CPU (best run of each; >1 means beyan is faster)",
        f"peak RSS after imports: beyan {b['baseline_rss_mb']:.0f} MB, peer {p['baseline_rss_mb']:.0f} MB",
    ]
    if b["spans"] != p["spans"]:
        lines.append(f"WARNING: span counts differ (beyan {b['spans']}, peer {p['spans']})")
    if "phases" in report:
        ph = report["phases"]
        lines += [
            "",
            f"phases of validate(), exclusive time per thread (this run: {ph['seconds']:.2f} s wall, "
            f"{ph.get('process_cpu_seconds', 0):.2f} s CPU of the process; by thread: "
            + ", ".join(f"{role} {cpu:.2f} s" for role, cpu in (ph.get("thread_cpu_seconds") or {}).items())
            + "):",
            f"  {'wall s':>8} {'CPU s':>8}  {'thread':8}",
        ]
        for phase in ph["phases"]:
            lines.append(
                f"  {phase['seconds']:8.2f} {phase['cpu_seconds']:8.2f}  {phase.get('thread', ''):8}"
                f"  {phase['phase']} [{phase['function']}]"
            )
        if report.get("span_phase_cpu_seconds"):
            lines.append(
                f"span phases alone: {report['span_phase_cpu_seconds']:.2f} CPU s for {ph['spans']:,} spans; "
                f"the peer's whole run: {p['cpu_seconds']:.2f} CPU s "
                f"({report['ratio_span_phase_over_peer_cpu']:.2f}x)"
            )
        pr = report["profile"]
        lines += ["", f"cProfile, top functions by own time (profiled run: {pr['seconds']:.2f} s wall):"]
        for row in pr["top"][:15]:
            lines.append(
                f"  {row['tottime']:8.2f} s own {row['cumtime']:8.2f} s cum {row['calls']:>10,}  {row['function']}"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--statements", type=int, default=1_000_000, help="statements in the synthetic dataset")
    parser.add_argument("--repeat", type=int, default=1, help="timed runs of each of beyan and peer (best is kept)")
    parser.add_argument("--keep", action="store_true", help="keep the synthetic dataset folder")
    parser.add_argument("--out", type=Path, default=None, help="where to write the dataset (default: a temp folder)")
    parser.add_argument(
        "--reuse", action="store_true", help="with --out: reuse a synthetic dataset of the same size found there"
    )
    parser.add_argument("--no-profile", action="store_true", help="skip the phase timers and cProfile runs")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--worker", nargs=2, metavar=("KIND", "FOLDER"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        kind, folder = args.worker
        print(json.dumps(WORKERS[kind](Path(folder))))
        return 0
    report = run(
        args.statements,
        repeat=args.repeat,
        keep=args.keep or args.reuse,
        out=args.out,
        reuse=args.reuse,
        profile=not args.no_profile,
        log=sys.stderr,
    )
    print(json.dumps(report, indent=2) if args.json else render(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Benchmark the Label Studio round trip: ``beyan import-labelstudio`` + ``beyan build`` against
label-studio-sdk's ``Converter`` (JSON_MIN and CONLL2003) on the same export, in the same run.

1. a synthetic full JSON export of N tasks is written (scripts/bench/synthetic_export.py);
   it is then read once, so every step finds it in the page cache;
2. each step runs in its own child process, started with ``subprocess.Popen`` and reaped
   with ``os.wait4``, whose ``ru_maxrss`` is that child's own peak resident set size:

   * ``beyan import``: ``beyan import-labelstudio EXPORT --corpus C --add-articles --language tr``
     into an empty corpus (every article is created from its task, as for a new project);
   * ``beyan build``: ``beyan build --corpus C --out DIST`` (Parquet, card, manifest, agreement);
   * ``Converter JSON_MIN`` / ``Converter CONLL2003``: ``Converter(config=<beyan's labeling
     config>, project_dir=None, download_resources=False).convert(EXPORT, OUT, FORMAT, is_dir=False)``,
     what Label Studio itself runs for its export formats;

3. the counts beyan reports (reconciliation of the import, statement and article counts of
   the build) are checked against what the generator put in the export.

Reported: wall time, CPU time and peak RSS per step; ``beyan import+build`` (times added,
peak the larger of the two); the ratios beyan(import+build) / JSON_MIN for time and peak
memory. The issue's goals: at 20,000 tasks, import+build at most a third of JSON_MIN's time;
beyan's peak memory under 300 MB whatever the export's size.

Usage: scripts/benchmark-import [--tasks N] [--statements-per-task K] [--seed S] [--repeat R]
                                [--workdir DIR] [--keep] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
BIN = Path(sys.executable).parent  # the virtualenv's bin/ (not resolved: it may be a symlink)
TIME_GOAL = 1 / 3  # beyan import+build / Converter JSON_MIN, at 20,000 tasks
MEMORY_GOAL_MB = 300.0
BENCHMARK_KEY = "benchmark-only-pseudonym-key-not-a-secret"

CONVERTER = """
import sys
from label_studio_sdk.converter import Converter
config, export, out, fmt = sys.argv[1:5]
with open(config, encoding="utf-8") as handle:
    converter = Converter(config=handle.read(), project_dir=None, download_resources=False)
converter.convert(export, out, fmt, is_dir=False)
"""


@dataclass(slots=True)
class Run:
    step: str
    seconds: float
    cpu_seconds: float
    peak_rss_mb: float
    returncode: int


def run_child(step: str, command: list[str], *, cwd: Path, env: dict[str, str], log: Path) -> Run:
    """Run ``command``; wall time, CPU time and peak RSS of that child alone."""
    with open(log.with_suffix(".out"), "wb") as out, open(log.with_suffix(".err"), "wb") as err:
        began = time.perf_counter()
        child = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - began
    child.returncode = os.waitstatus_to_exitcode(status)
    run = Run(step, seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, child.returncode)
    if run.returncode != 0:
        tail = log.with_suffix(".err").read_text("utf-8", errors="replace")[-3000:]
        raise SystemExit(f"{step} failed (exit {run.returncode}): {' '.join(command)}\n{tail}")
    return run


def median_run(runs: list[Run]) -> Run:
    """Median wall and CPU time over repeats; the largest peak RSS."""
    return Run(
        runs[0].step,
        statistics.median(r.seconds for r in runs),
        statistics.median(r.cpu_seconds for r in runs),
        max(r.peak_rss_mb for r in runs),
        0,
    )


def folder_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def machine() -> dict[str, Any]:
    memory_kb = 0
    with open("/proc/meminfo") as meminfo:
        for line in meminfo:
            if line.startswith("MemTotal:"):
                memory_kb = int(line.split()[1])
    cpu = platform.processor() or "unknown"
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    versions = {}
    from importlib import metadata

    for package in ("beyan", "label-studio-sdk", "ijson", "pyarrow"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "not installed"
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    dirty = subprocess.run(["git", "status", "--porcelain", "src"], cwd=ROOT, capture_output=True, text=True)
    return {
        "beyan_commit": (commit.stdout.strip() or "unknown") + (" (src/ modified)" if dirty.stdout.strip() else ""),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "nproc": os.cpu_count(),
        "memory_gb": round(memory_kb / 1024 / 1024, 1),
        "cpu": cpu,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "packages": versions,
    }


# ------------------------------------------------------------------ checks


def check_counts(expected: dict[str, Any], imported: dict[str, Any], manifest: dict[str, Any]) -> list[str]:
    """Every difference between what the export holds and what beyan reported."""
    problems: list[str] = []
    rec = imported["reconciliation"]

    def want(what: str, found: int, wanted: int) -> None:
        if found != wanted:
            problems.append(f"{what}: expected {wanted}, beyan reported {found}")

    want("tasks read", rec["tasks"]["read"], expected["tasks"])
    want("tasks imported", rec["tasks"]["imported"], expected["tasks"])
    want("annotations read", rec["annotations"]["read"], expected["annotations"])
    want("annotations rejected", rec["annotations"]["rejected"], expected["cancelled_annotations"])
    for kind, count in expected["imported_results"].items():
        row = rec.get(kind, {"read": 0, "imported": 0, "rejected": 0})
        want(f"{kind} imported", row["imported"], count)
        want(f"{kind} rejected", row["rejected"], 0)
    want("predictions read", rec.get("predictions", {}).get("read", 0), expected["predictions"])
    want("drafts read", rec.get("drafts", {}).get("read", 0), expected["drafts"])
    want("articles added", len(imported["articles_added"]), expected["tasks"])
    counts = manifest["counts"]
    want("articles built", sum(counts["articles"].values()), expected["gold_articles"])
    want("statements built", sum(counts["statements"].values()), expected["gold_statements"])
    return problems


# ------------------------------------------------------------------ the benchmark


def benchmark(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    from beyan.corpus import Corpus
    from beyan.schema import current_labelstudio_config

    load_at_start = [round(x, 2) for x in os.getloadavg()]
    env = dict(os.environ)
    env.setdefault("BEYAN_PSEUDONYM_KEY", BENCHMARK_KEY)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    logs = work / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    export = work / f"export-{args.tasks}-k{args.statements_per_task:g}-s{args.seed}.json"
    meta_path = export.with_name(export.name + ".meta.json")
    generation: Run | None = None
    if not (export.is_file() and meta_path.is_file()):
        say(f"writing a synthetic export of {args.tasks} tasks to {export} ...")
        command = [
            sys.executable,
            str(HERE / "synthetic_export.py"),
            f"--tasks={args.tasks}",
            f"--statements-per-task={args.statements_per_task}",
            f"--seed={args.seed}",
            f"--out={export}",
        ]
        generation = run_child("generate export", command, cwd=work, env=env, log=logs / "generate")
    meta = json.loads(meta_path.read_text("utf-8"))
    with open(export, "rb") as handle:  # into the page cache, for every step alike
        while handle.read(1 << 24):
            pass
    config = work / "labelstudio-config.xml"
    config.write_text(current_labelstudio_config(), "utf-8")

    runs: dict[str, list[Run]] = {}
    imported: dict[str, Any] = {}
    manifest: dict[str, Any] = {}
    for repeat in range(args.repeat):
        say(f"run {repeat + 1}/{args.repeat}")
        for fmt in ("JSON_MIN", "CONLL2003"):
            out = work / f"converter-{fmt}"
            shutil.rmtree(out, ignore_errors=True)
            command = [sys.executable, "-c", CONVERTER, str(config), str(export), str(out), fmt]
            runs.setdefault(f"Converter {fmt}", []).append(
                run_child(f"Converter {fmt}", command, cwd=work, env=env, log=logs / f"converter-{fmt}")
            )
            say(f"  Converter {fmt}: {runs[f'Converter {fmt}'][-1].seconds:.1f} s")
        corpus, dist = work / "corpus", work / "dist"
        shutil.rmtree(corpus, ignore_errors=True)
        shutil.rmtree(dist, ignore_errors=True)
        Corpus.init(corpus, name="benchmark")
        command = [
            str(BIN / "beyan"),
            "import-labelstudio",
            str(export),
            f"--corpus={corpus}",
            "--add-articles",
            "--language=tr",
            f"--rejects={work / 'import-rejects.jsonl'}",
            "--format=json",
        ]
        runs.setdefault("beyan import", []).append(
            run_child("beyan import", command, cwd=work, env=env, log=logs / "beyan-import")
        )
        say(f"  beyan import: {runs['beyan import'][-1].seconds:.1f} s")
        imported = json.loads((logs / "beyan-import.out").read_text("utf-8"))
        command = [
            str(BIN / "beyan"),
            "build",
            f"--corpus={corpus}",
            f"--out={dist}",
            f"--datasheet={work / 'DATASHEET.md'}",
            "--no-update-datasheet",
        ]
        runs.setdefault("beyan build", []).append(
            run_child("beyan build", command, cwd=work, env=env, log=logs / "beyan-build")
        )
        say(f"  beyan build: {runs['beyan build'][-1].seconds:.1f} s")
        manifest = json.loads((dist / "manifest.json").read_text("utf-8"))

    steps = {name: median_run(series) for name, series in runs.items()}
    beyan_import, beyan_build = steps["beyan import"], steps["beyan build"]
    steps["beyan import+build"] = Run(
        "beyan import+build",
        beyan_import.seconds + beyan_build.seconds,
        beyan_import.cpu_seconds + beyan_build.cpu_seconds,
        max(beyan_import.peak_rss_mb, beyan_build.peak_rss_mb),
        0,
    )
    both, json_min, conll = steps["beyan import+build"], steps["Converter JSON_MIN"], steps["Converter CONLL2003"]
    time_ratio = both.seconds / json_min.seconds
    memory_ratio = both.peak_rss_mb / json_min.peak_rss_mb
    problems = check_counts(meta["expected"], imported, manifest)
    order = ("beyan import", "beyan build", "beyan import+build", "Converter JSON_MIN", "Converter CONLL2003")
    return {
        "tasks": args.tasks,
        "statements_per_task": args.statements_per_task,
        "seed": args.seed,
        "repeat": args.repeat,
        "export_mb": round(meta["bytes"] / 1e6, 1),
        "export_sha256": meta["sha256"],
        "expected": meta["expected"],
        "generation_seconds": round(generation.seconds, 2) if generation else None,
        "corpus_mb": round(folder_mb(work / "corpus"), 1),
        "dist_mb": round(folder_mb(work / "dist"), 1),
        "steps": [
            {k: round(v, 3) if isinstance(v, float) else v for k, v in asdict(steps[name]).items()} for name in order
        ],
        "ratios": {
            "time_import_build_vs_json_min": round(time_ratio, 3),
            "peak_rss_import_build_vs_json_min": round(memory_ratio, 3),
            "time_import_build_vs_conll2003": round(both.seconds / conll.seconds, 3),
        },
        "goals": {
            "time_ratio_at_most": round(TIME_GOAL, 3),
            "time_met": time_ratio <= TIME_GOAL,
            "peak_rss_mb_below": MEMORY_GOAL_MB,
            "memory_met": both.peak_rss_mb < MEMORY_GOAL_MB,
        },
        "count_problems": problems,
        "machine": {**machine(), "load_average_at_start": load_at_start},
        "workdir": str(work),
    }


def markdown(result: dict[str, Any]) -> str:
    json_min = next(s for s in result["steps"] if s["step"] == "Converter JSON_MIN")
    expected, host = result["expected"], result["machine"]
    lines = [
        f"### {result['tasks']:,} tasks ({result['export_mb']} MB export, "
        f"{expected['annotations']:,} annotations, {expected['gold_statements']:,} gold statements)",
        "",
        "| step | wall s | CPU s | peak RSS MB | time / JSON_MIN | peak RSS / JSON_MIN |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for step in result["steps"]:
        lines.append(
            f"| {step['step']} | {step['seconds']:.2f} | {step['cpu_seconds']:.2f} | {step['peak_rss_mb']:.0f} "
            f"| {step['seconds'] / json_min['seconds']:.2f} | {step['peak_rss_mb'] / json_min['peak_rss_mb']:.2f} |"
        )
    goals, ratios = result["goals"], result["ratios"]
    both = next(s for s in result["steps"] if s["step"] == "beyan import+build")
    lines += [
        "",
        f"- time, beyan import+build / Converter JSON_MIN: **{ratios['time_import_build_vs_json_min']:.2f}** "
        f"(goal <= {goals['time_ratio_at_most']:.2f}: {'met' if goals['time_met'] else 'NOT met'})",
        f"- peak RSS, beyan import+build / Converter JSON_MIN: **{ratios['peak_rss_import_build_vs_json_min']:.2f}**; "
        f"beyan's peak {both['peak_rss_mb']:.0f} MB "
        f"(goal < {goals['peak_rss_mb_below']:.0f} MB: {'met' if goals['memory_met'] else 'NOT met'})",
        "- counts checked against the generator: "
        + ("all match" if not result["count_problems"] else "; ".join(result["count_problems"])),
        f"- corpus {result['corpus_mb']} MB, dataset {result['dist_mb']} MB; median of {result['repeat']} run(s); "
        f"beyan {host['beyan_commit']}; 1-minute load average {host.get('load_average_at_start', ['?'])[0]} "
        f"at start, {host['load_average'][0]} at end ({host['nproc']} CPUs)",
    ]
    return "\n".join(lines)


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--tasks", type=int, default=20_000, help="tasks in the synthetic export (default 20000)")
    parser.add_argument("--statements-per-task", type=float, default=2.0, help="average statements per task")
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of every step; medians are reported")
    parser.add_argument(
        "--workdir",
        type=Path,
        default=None,
        help="work folder, kept afterwards (default: a new one in /tmp, deleted unless --keep)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the work folder (export, corpus, dataset, logs)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON instead of Markdown")
    args = parser.parse_args(argv)
    if args.tasks < 1 or args.repeat < 1:
        parser.error("--tasks and --repeat must be at least 1")
    keep = args.keep or args.workdir is not None  # a folder the user named is never deleted
    work = args.workdir or Path(tempfile.mkdtemp(prefix="beyan-bench-import-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        result = benchmark(args, work.resolve())
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(result, indent=2) if args.json else markdown(result))
    if keep:
        say(f"kept {work}")
    return 1 if result["count_problems"] else 0


if __name__ == "__main__":
    sys.exit(main())

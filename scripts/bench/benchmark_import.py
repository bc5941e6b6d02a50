"""Benchmark the Label Studio round trip: ``beyan import-labelstudio`` + ``beyan build`` against
label-studio-sdk's ``Converter`` (JSON_MIN and CONLL2003) on the same export, in the same run.

1. a synthetic full JSON export of N tasks is written (scripts/bench/synthetic_export.py; by
   default *templated* news: 3-8 direct statements a task from a handful of sentence templates,
   the worst case for near-duplicate grouping); it is then read once, so every step finds it in
   the page cache;
2. each step runs in its own child process, started with ``subprocess.Popen`` and reaped
   with ``os.wait4``, whose ``ru_maxrss`` is that child's own peak resident set size:

   * ``beyan import``: ``beyan import-labelstudio EXPORT --corpus C --add-articles --language tr``
     into an empty corpus (every article is created from its task, as for a new project);
   * ``beyan build``: ``beyan build --corpus C --out DIST`` from an empty cache (Parquet, card,
     datasheet, Croissant, manifest, agreement, the extractor's baseline scores);
   * ``Converter JSON_MIN`` / ``Converter CONLL2003``: ``Converter(config=<beyan's labeling
     config>, project_dir=None, download_resources=False).convert(EXPORT, OUT, FORMAT, is_dir=False)``,
     what Label Studio itself runs for its export formats;

3. the counts beyan reports (reconciliation of the import, statement and article counts of
   the build) are checked against what the generator put in the export;
4. at the incremental size (``--incremental-at``, default 20,000): one more task is imported
   and ``beyan build`` runs again with its cache (timed against the full build), and the data
   files are compared byte for byte with a build from an empty cache;
5. near-duplicate grouping of the corpus's articles is timed in process: beyan's grouping
   (each bucket member against its representative) against every pair of a bucket compared
   (the previous, quadratic algorithm), on the same signatures.

Reported: wall time, CPU time and peak RSS per step and size; time per task; the ratios
beyan(import+build) / JSON_MIN. The issue's goals: at 20,000 tasks import+build at most
JSON_MIN's time (long-term a third); peak memory at most 300 MB at any size; time per task flat
from 2,000 to 200,000 tasks; an incremental build at most a tenth of a full one.

Usage: scripts/benchmark-import [--tasks N [N ...]] [--varied] [--seed S] [--repeat R]
                                [--incremental-at N] [--workdir DIR] [--keep] [--json]
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
TIME_GOAL = 1.0  # beyan import+build / Converter JSON_MIN, at 20,000 tasks (long-term: 1/3)
INCREMENTAL_GOAL = 0.1  # incremental build / full build
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
    # an article is created only for a task with an annotation imported (cancelled-only tasks make none)
    want("articles added", len(imported["articles_added"]), expected["gold_articles"])
    counts = manifest["counts"]
    want("articles built", sum(counts["articles"].values()), expected["gold_articles"])
    want("statements built", sum(counts["statements"].values()), expected["gold_statements"])
    return problems


# ------------------------------------------------------------------ the benchmark


def benchmark(args: argparse.Namespace, work: Path, tasks: int) -> dict[str, Any]:
    from beyan.corpus import Corpus
    from beyan.schema import current_labelstudio_config

    load_at_start = [round(x, 2) for x in os.getloadavg()]
    env = dict(os.environ)
    env.setdefault("BEYAN_PSEUDONYM_KEY", BENCHMARK_KEY)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    logs = work / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    kind = "varied" if args.varied else "templated"
    export = work / f"export-{tasks}-{kind}-s{args.seed}.json"
    meta_path = export.with_name(export.name + ".meta.json")
    generation: Run | None = None
    if not (export.is_file() and meta_path.is_file()):
        say(f"writing a synthetic export of {tasks} {kind} tasks to {export} ...")
        command = [
            sys.executable,
            str(HERE / "synthetic_export.py"),
            f"--tasks={tasks}",
            f"--seed={args.seed}",
            f"--out={export}",
            *([] if args.varied else ["--templated"]),
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
        corpus, dist = work / f"corpus-{tasks}", work / f"dist-{tasks}"
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
            run_child("beyan build", [*command, "--no-cache"], cwd=work, env=env, log=logs / "beyan-build")
        )
        say(f"  beyan build: {runs['beyan build'][-1].seconds:.1f} s")
        manifest = json.loads((dist / "manifest.json").read_text("utf-8"))
    incremental = None
    if tasks == args.incremental_at:
        incremental = measure_incremental(work, corpus, dist, env, logs, runs["beyan build"][-1], args.seed)
    near = measure_near_duplicates(work / f"corpus-{tasks}")

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
        "tasks": tasks,
        "kind": kind,
        "incremental": incremental,
        "near_duplicates": near,
        "seed": args.seed,
        "repeat": args.repeat,
        "export_mb": round(meta["bytes"] / 1e6, 1),
        "export_sha256": meta["sha256"],
        "expected": meta["expected"],
        "generation_seconds": round(generation.seconds, 2) if generation else None,
        "corpus_mb": round(folder_mb(work / f"corpus-{tasks}"), 1),
        "dist_mb": round(folder_mb(work / f"dist-{tasks}"), 1),
        "seconds_per_1000_tasks": round(1000 * (beyan_import.seconds + beyan_build.seconds) / tasks, 3),
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
            "memory_met": both.peak_rss_mb <= MEMORY_GOAL_MB,
        },
        "count_problems": problems,
        "machine": {**machine(), "load_average_at_start": load_at_start},
        "workdir": str(work),
    }


def measure_incremental(
    work: Path, corpus: Path, dist: Path, env: dict[str, str], logs: Path, full: Run, seed: int
) -> dict[str, Any]:
    """One more task imported, then ``beyan build`` with its cache; its data files against an uncached build."""
    one = work / "one-more-task.json"
    command = [sys.executable, str(HERE / "synthetic_export.py"), "--tasks=1", f"--seed={seed + 1000}", f"--out={one}"]
    run_child("generate one task", command, cwd=work, env=env, log=logs / "generate-one")
    tasks = json.loads(one.read_text("utf-8"))
    tasks[0]["id"] = 10_000_000  # a task id the large export does not use
    one.write_text(json.dumps(tasks, ensure_ascii=False), "utf-8")
    command = [str(BIN / "beyan"), "import-labelstudio", str(one), f"--corpus={corpus}", "--add-articles",
               "--language=tr", f"--rejects={work / 'one-rejects.jsonl'}"]  # fmt: skip
    imported = run_child("beyan import (one task)", command, cwd=work, env=env, log=logs / "import-one")
    build = [str(BIN / "beyan"), "build", f"--corpus={corpus}", f"--out={dist}", "--no-update-datasheet",
             f"--datasheet={work / 'DATASHEET.md'}"]  # fmt: skip
    cached = run_child("beyan build (incremental)", build, cwd=work, env=env, log=logs / "build-incremental")
    fresh_dist = work / "dist-uncached"
    fresh = [*build[:3], f"--out={fresh_dist}", *build[4:], "--no-cache"]
    run_child("beyan build (uncached)", fresh, cwd=work, env=env, log=logs / "build-uncached")
    files = sorted(p.relative_to(dist).as_posix() for p in (dist / "data").rglob("*.parquet"))
    same = [name for name in files if (dist / name).read_bytes() == (fresh_dist / name).read_bytes()]
    other = sorted(p.relative_to(fresh_dist).as_posix() for p in (fresh_dist / "data").rglob("*.parquet"))
    shutil.rmtree(fresh_dist, ignore_errors=True)
    return {
        "import_one_task_seconds": round(imported.seconds, 3),
        "incremental_build_seconds": round(cached.seconds, 3),
        "full_build_seconds": round(full.seconds, 3),
        "ratio": round(cached.seconds / full.seconds, 4),
        "goal_met": cached.seconds <= INCREMENTAL_GOAL * full.seconds,
        "data_files": len(files),
        "byte_identical_to_uncached_build": files == other and len(same) == len(files),
    }


def measure_near_duplicates(corpus: Path, *, reference_articles: int = 4000) -> dict[str, Any]:
    """beyan's grouping against comparing every pair in a bucket, on the corpus's own signatures."""
    import numpy as np

    from beyan.corpus import Corpus
    from beyan.transforms.dedup import BANDS, ROWS, THRESHOLD, groups_from_signatures, signature

    opened = Corpus.open(corpus)
    began = time.perf_counter()
    signatures = {}
    for article, _ in opened.iter_articles():
        sig = signature(article.text)
        if sig is not None:
            signatures[article.article_id] = sig
    signing = time.perf_counter() - began
    began = time.perf_counter()
    groups = groups_from_signatures(signatures)
    grouping = time.perf_counter() - began
    sample = dict(sorted(signatures.items())[:reference_articles])
    began = time.perf_counter()
    pairwise_groups(sample, bands=BANDS, rows=ROWS, threshold=THRESHOLD)
    pairwise = time.perf_counter() - began
    began = time.perf_counter()
    groups_from_signatures(sample)
    linear_sample = time.perf_counter() - began
    keys = np.stack(list(signatures.values())).reshape(len(signatures), BANDS, ROWS)[:, 0, :]
    largest_bucket = int(np.unique(keys, axis=0, return_counts=True)[1].max()) if len(keys) else 0
    return {
        "articles": len(signatures),
        "signatures_seconds": round(signing, 3),
        "grouping_seconds": round(grouping, 3),
        "grouped_articles": len(groups),
        "largest_bucket_of_band_0": largest_bucket,
        "sample": len(sample),
        "sample_linear_seconds": round(linear_sample, 3),
        "sample_pairwise_seconds": round(pairwise, 3),
    }


def pairwise_groups(signatures: dict[str, Any], *, bands: int, rows: int, threshold: float) -> int:
    """The previous grouping: every pair inside an LSH bucket compared (quadratic in the bucket's size)."""
    import numpy as np

    ids = sorted(signatures)
    table = np.stack([signatures[i] for i in ids])
    parent = list(range(len(ids)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    keys = table.reshape(len(ids), bands, rows)
    for band in range(bands):
        buckets: dict[bytes, list[int]] = {}
        for index in range(len(ids)):
            buckets.setdefault(keys[index, band].tobytes(), []).append(index)
        for members in buckets.values():
            for i, first in enumerate(members):
                for second in members[i + 1 :]:
                    a, b = find(first), find(second)
                    if a != b and float(np.mean(table[first] == table[second])) >= threshold:
                        parent[max(a, b)] = min(a, b)
    return sum(1 for x in range(len(ids)) if find(x) != x)


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
        f"- {result['seconds_per_1000_tasks']:.2f} s of import+build per 1,000 tasks",
        *incremental_lines(result.get("incremental")),
        *near_lines(result["near_duplicates"]),
        f"- corpus {result['corpus_mb']} MB, dataset {result['dist_mb']} MB; median of {result['repeat']} run(s); "
        f"beyan {host['beyan_commit']}; 1-minute load average {host.get('load_average_at_start', ['?'])[0]} "
        f"at start, {host['load_average'][0]} at end ({host['nproc']} CPUs)",
    ]
    return "\n".join(lines)


def incremental_lines(found: dict[str, Any] | None) -> list[str]:
    if found is None:
        return []
    return [
        f"- incremental: one more task imported in {found['import_one_task_seconds']:.2f} s, then `beyan build` "
        f"in {found['incremental_build_seconds']:.2f} s against {found['full_build_seconds']:.2f} s for the full "
        f"build: **{found['ratio']:.3f}** (goal <= {INCREMENTAL_GOAL}: {'met' if found['goal_met'] else 'NOT met'}); "
        f"its {found['data_files']} data files "
        + ("byte-identical" if found["byte_identical_to_uncached_build"] else "NOT identical")
        + " to a build from an empty cache"
    ]


def near_lines(found: dict[str, Any]) -> list[str]:
    return [
        f"- near-duplicates: {found['articles']:,} signatures in {found['signatures_seconds']:.2f} s, grouped in "
        f"{found['grouping_seconds']:.3f} s ({found['grouped_articles']:,} articles in groups; largest band-0 "
        f"bucket {found['largest_bucket_of_band_0']:,}); on the first {found['sample']:,}: "
        f"{found['sample_linear_seconds']:.3f} s against {found['sample_pairwise_seconds']:.2f} s comparing every "
        "pair in a bucket"
    ]


def size_curve(results: list[dict[str, Any]]) -> str:
    lines = [
        "| tasks | export MB | import s | build s | import+build s | per 1,000 tasks | JSON_MIN s | ratio | peak MB |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        steps = {step["step"]: step for step in result["steps"]}
        both = steps["beyan import+build"]
        lines.append(
            f"| {result['tasks']:,} | {result['export_mb']} | {steps['beyan import']['seconds']:.1f} "
            f"| {steps['beyan build']['seconds']:.1f} | {both['seconds']:.1f} | {result['seconds_per_1000_tasks']:.2f} "
            f"| {steps['Converter JSON_MIN']['seconds']:.1f} | {result['ratios']['time_import_build_vs_json_min']:.2f} "
            f"| {both['peak_rss_mb']:.0f} |"
        )
    return "\n".join(lines)


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument(
        "--tasks", type=int, nargs="+", default=[20_000], help="tasks in the synthetic export; several: a size curve"
    )
    parser.add_argument("--varied", action="store_true", help="the varied news generator instead of templated news")
    parser.add_argument(
        "--incremental-at", type=int, default=20_000, help="the size at which the incremental build is measured"
    )
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
    if min(args.tasks) < 1 or args.repeat < 1:
        parser.error("--tasks and --repeat must be at least 1")
    keep = args.keep or args.workdir is not None  # a folder the user named is never deleted
    work = args.workdir or Path(tempfile.mkdtemp(prefix="beyan-bench-import-"))
    work.mkdir(parents=True, exist_ok=True)
    results = []
    try:
        for tasks in args.tasks:
            results.append(benchmark(args, work.resolve(), tasks))
            if not keep:  # one size at a time on disk
                for old in work.glob(f"*-{tasks}*"):
                    shutil.rmtree(old, ignore_errors=True) if old.is_dir() else old.unlink()
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print("\n\n".join([size_curve(results), *map(markdown, results)]))
    if keep:
        say(f"kept {work}")
    return 1 if any(result["count_problems"] for result in results) else 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark ``beyan silver`` on synthetic raw news: throughput per core, memory per worker, 1 -> 2 workers.

Steps, each in its own child process, sampled from here every 100 ms (resident memory of
every process of the child's tree, so each worker's peak is its own):

1. write N synthetic articles (default 1,000,000) as JSON Lines feeds (default 100 files):
   invented Turkish-flavoured news of about 1.4 kB of text, 1 to 5 statements each, with
   exact copies (1 in 10), rewrites (1 in 12), English stories (1 in 25); kept in the work
   folder and reused by later runs with the same size;
2. ``silver``, once per worker count (default 1 and 2): ``run_silver`` over the feeds with the
   local engine (datatrove's local executor): read, language, MinHash signatures, buckets,
   clusters, rule extraction, sorted shards, card/Croissant/manifest;
3. ``peer``: the same per-article work without the pipeline, in one plain loop on one core
   (``read_articles`` with language detection, then the rule extractor) over the first
   ``--peer-articles`` records: what one core does when nothing else is done.

Reported: wall and stage seconds, articles per second and per second per core, the peak
resident memory of the largest worker process and of the whole tree, the speed-up from 1 to
2 workers, and the pipeline's throughput per core against the peer's (the share of a core's
time that goes into the work itself rather than deduplication, storage and sorting). CPU
seconds (of every process of the child's tree, from /proc) too: on a machine shared with other
jobs, wall time and the 1 -> 2 speed-up depend on what else runs; articles per CPU second do not.

Usage: scripts/benchmark-silver [--articles N] [--files F] [--workers 1,2] [--engine local|ray]
                                [--peer-articles K] [--workdir DIR] [--keep] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))


# ------------------------------------------------------------------ memory of a process tree


def _processes() -> dict[int, tuple[int, int, int]]:
    """pid -> (parent pid, resident bytes, CPU clock ticks used) of every process, from /proc."""
    found: dict[int, tuple[int, int, int]] = {}
    page = os.sysconf("SC_PAGE_SIZE")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        found[int(entry.name)] = (int(fields[1]), int(fields[21]) * page, int(fields[11]) + int(fields[12]))
    return found


class TreeSampler:
    """Peak resident memory of each process under ``root`` and of the tree as a whole."""

    def __init__(self, root: int) -> None:
        self.root = root
        self.per_process: dict[int, int] = {}
        self.cpu_ticks: dict[int, int] = {}  # CPU time used by each process of the tree, last seen
        self.tree_peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            processes = _processes()
            tree, todo = [], [self.root]
            while todo:
                pid = todo.pop()
                tree.append(pid)
                todo += [child for child, (parent, _, _) in processes.items() if parent == pid]
            total = 0
            for pid in tree:
                _, rss, ticks = processes.get(pid, (0, 0, 0))
                total += rss
                self.per_process[pid] = max(self.per_process.get(pid, 0), rss)
                self.cpu_ticks[pid] = max(self.cpu_ticks.get(pid, 0), ticks)
            self.tree_peak = max(self.tree_peak, total)
            time.sleep(0.1)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def cpu_seconds(self) -> float:
        """CPU seconds of every process of the tree (to the last sample: a tenth of a second per process short)."""
        return sum(self.cpu_ticks.values()) / os.sysconf("SC_CLK_TCK")


# ------------------------------------------------------------------ synthetic input


def write_feeds(folder: Path, *, articles: int, files: int, seed: int = 1) -> dict[str, Any]:
    """``articles`` records over ``files`` JSON Lines feeds, streamed (one record in memory at a time)."""
    from tests.silver.news import news_records

    meta_path = folder.with_name(folder.name + ".json")  # beside the feeds: silver reads every file in the folder
    if meta_path.is_file():
        meta = json.loads(meta_path.read_text("utf-8"))
        if meta["articles"] == articles and meta["files"] == files and meta["seed"] == seed:
            return dict(meta)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    started = time.perf_counter()
    per_file = -(-articles // files)
    kinds: dict[str, int] = {}
    handle = None
    total_bytes = 0
    for number, record in enumerate(news_records(articles, seed=seed)):
        if number % per_file == 0:
            if handle is not None:
                handle.close()
            handle = open(folder / f"feed-{number // per_file:04d}.jsonl", "wb")
        kinds[record["kind"]] = kinds.get(record["kind"], 0) + 1
        line = json.dumps({k: v for k, v in record.items() if k != "kind"}, ensure_ascii=False).encode() + b"\n"
        total_bytes += len(line)
        assert handle is not None
        handle.write(line)
    if handle is not None:
        handle.close()
    meta = {
        "articles": articles,
        "files": files,
        "seed": seed,
        "kinds": kinds,
        "megabytes": round(total_bytes / 1e6, 1),
        "seconds": round(time.perf_counter() - started, 1),
    }
    meta_path.write_text(json.dumps(meta), "utf-8")
    return meta


# ------------------------------------------------------------------ child processes


def child_silver(feeds: str, out: str, workers: int, engine: str) -> dict[str, Any]:
    from beyan.silver import run_silver

    began = time.perf_counter()
    result = run_silver(inputs=[feeds], out=out, workers=workers, engine=engine)
    return {
        "seconds": time.perf_counter() - began,
        "stages": result.seconds,
        "reconciliation": result.reconciliation.to_dict(),
        "balanced": result.reconciliation.balanced,
        "shards": len(list((Path(out) / "data" / "silver").glob("*.parquet"))),
        "dataset_mb": round(sum(p.stat().st_size for p in Path(out).rglob("*") if p.is_file()) / 1e6, 1),
    }


def child_peer(feeds: str, limit: int) -> dict[str, Any]:
    from beyan.extract import extract_article
    from beyan.extract.lexicon import load_lexicon
    from beyan.ingest import IngestedArticle, read_articles

    lexicon = load_lexicon("tr")
    paths = sorted(Path(feeds).glob("*.jsonl"))
    began = time.perf_counter()
    records = statements = 0
    for path in paths:
        for event in read_articles(paths=[path], near_duplicates=False):
            records += 1
            if isinstance(event, IngestedArticle) and event.metadata.language == "tr":
                statements += len(extract_article(text=event.text, article_id=event.article_id, lexicon=lexicon))
            if records >= limit:
                break
        if records >= limit:
            break
    return {"seconds": time.perf_counter() - began, "records": records, "statements": statements}


def run_child(arguments: list[str]) -> tuple[dict[str, Any], TreeSampler]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]), "RAY_USAGE_STATS_ENABLED": "0"}
    process = subprocess.Popen(
        [sys.executable, __file__, "--child", *arguments], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
    )
    sampler = TreeSampler(process.pid)
    sampler.start()
    stdout, stderr = process.communicate()
    sampler.stop()
    if process.returncode != 0:
        raise SystemExit(f"child {arguments[0]} failed:\n{stderr.decode()[-3000:]}")
    result = json.loads(stdout.decode().strip().splitlines()[-1])
    # CPU seconds of the child and its workers: unlike wall time, not inflated when another job shares the cores
    result["cpu_seconds"] = sampler.cpu_seconds
    return result, sampler


# ------------------------------------------------------------------ the benchmark


def machine() -> dict[str, Any]:
    with open("/proc/meminfo") as meminfo:
        memory_kb = next(int(line.split()[1]) for line in meminfo if line.startswith("MemTotal:"))
    with open("/proc/cpuinfo") as cpuinfo:
        cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), "")
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    return {
        "nproc": os.cpu_count(),
        "ram_gb": round(memory_kb / 1024**2, 1),
        "cpu": cpu,
        "python": platform.python_version(),
        "beyan_commit": commit.stdout.strip() or "unknown",
        "loadavg_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def benchmark(args: argparse.Namespace) -> dict[str, Any]:
    work = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="beyan-bench-silver-"))
    work.mkdir(parents=True, exist_ok=True)
    report: dict[str, Any] = {"machine": machine(), "articles": args.articles, "engine": args.engine, "runs": []}
    feeds = work / f"feeds-{args.articles}"
    print(f"writing {args.articles} articles into {args.files} feeds in {feeds} ...", file=sys.stderr, flush=True)
    report["feeds"] = write_feeds(feeds, articles=args.articles, files=args.files)
    for workers in [int(w) for w in args.workers.split(",")]:
        out = work / f"silver-{args.articles}-w{workers}"
        print(f"beyan silver, {workers} worker(s) ...", file=sys.stderr, flush=True)
        result, sampler = run_child(["silver", str(feeds), str(out), str(workers), args.engine])
        driver = sampler.root
        workers_peak = max((rss for pid, rss in sampler.per_process.items() if pid != driver), default=0)
        records = result["reconciliation"]["records"]
        report["runs"].append(
            {
                "workers": workers,
                **result,
                "articles_per_second": records / result["seconds"],
                "articles_per_second_per_core": records / result["seconds"] / workers,
                "articles_per_cpu_second": records / result["cpu_seconds"],
                "peak_driver_mb": sampler.per_process.get(driver, 0) / 1e6,
                "peak_worker_mb": (workers_peak or sampler.per_process.get(driver, 0)) / 1e6,
                "peak_tree_mb": sampler.tree_peak / 1e6,
                "processes": len(sampler.per_process),
            }
        )
        print(json.dumps(report["runs"][-1]), file=sys.stderr, flush=True)
        if not args.keep:
            shutil.rmtree(out, ignore_errors=True)
            Path(str(out) + ".rejects.jsonl").unlink(missing_ok=True)
    print(f"peer: the same work in a plain loop, first {args.peer_articles} records ...", file=sys.stderr, flush=True)
    peer, sampler = run_child(["peer", str(feeds), str(args.peer_articles)])
    peer["articles_per_second"] = peer["records"] / peer["seconds"]
    peer["articles_per_cpu_second"] = peer["records"] / peer["cpu_seconds"]
    peer["peak_mb"] = sampler.tree_peak / 1e6
    report["peer"] = peer
    runs = {run["workers"]: run for run in report["runs"]}
    if 1 in runs and 2 in runs:
        report["speedup_1_to_2"] = runs[1]["seconds"] / runs[2]["seconds"]
    for run in report["runs"]:
        run["per_core_vs_peer"] = run["articles_per_second_per_core"] / peer["articles_per_second"]
    if not args.keep and not args.workdir:
        shutil.rmtree(work, ignore_errors=True)
    return report


def render(report: dict[str, Any]) -> str:
    lines = [
        f"beyan silver, {report['articles']:,} synthetic articles ({report['feeds']['megabytes']} MB of JSON Lines), "
        f"engine {report['engine']}; machine: {report['machine']['nproc']} cores, {report['machine']['ram_gb']} GB, "
        f"{report['machine']['cpu']}",
        "",
        "| workers | wall s | articles/s | per core | vs peer | CPU s | articles/CPU s | peak worker MB | "
        "peak tree MB | read s | buckets s | clusters s | extract s | shards s | finish s |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for run in report["runs"]:
        stages = run["stages"]
        lines.append(
            f"| {run['workers']} | {run['seconds']:.0f} | {run['articles_per_second']:.0f} | "
            f"{run['articles_per_second_per_core']:.0f} | {run['per_core_vs_peer']:.2f} | "
            f"{run['cpu_seconds']:.0f} | {run['articles_per_cpu_second']:.0f} | "
            f"{run['peak_worker_mb']:.0f} | {run['peak_tree_mb']:.0f} | "
            + " | ".join(
                f"{stages.get(s, 0):.0f}" for s in ("read", "buckets", "clusters", "extract", "shards", "finish")
            )
            + " |"
        )
    peer = report["peer"]
    lines += [
        "",
        f"Peer (plain loop, one core, {peer['records']:,} records): {peer['articles_per_second']:.0f} articles/s, "
        f"{peer['articles_per_cpu_second']:.0f} per CPU second.",
        f"Load average at start (other jobs on the machine): {report['machine']['loadavg_at_start']}.",
    ]
    if "speedup_1_to_2" in report:
        lines.append(f"Speed-up from 1 to 2 workers: {report['speedup_1_to_2']:.2f}x.")
    first = report["runs"][0]["reconciliation"]
    lines.append(
        f"Reconciliation: read {first['records']:,} = extracted {first['articles_extracted']:,} + dropped "
        f"{sum(first['dropped'].values()):,} ({', '.join(f'{k} {v:,}' for k, v in first['dropped'].items())}); "
        f"{first['statements_written']:,} statements."
    )
    return "\n".join(lines)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        kind, rest = sys.argv[2], sys.argv[3:]
        if kind == "silver":
            result = child_silver(rest[0], rest[1], int(rest[2]), rest[3])
        else:
            result = child_peer(rest[0], int(rest[1]))
        print(json.dumps(result))
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument("--files", type=int, default=100)
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--engine", default="local", choices=["local", "ray"])
    parser.add_argument("--peer-articles", type=int, default=50_000)
    parser.add_argument("--workdir", default=None, help="Keep the feeds here (reused by later runs of the same size).")
    parser.add_argument("--keep", action="store_true", help="Keep the silver datasets written.")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    report = benchmark(args)
    print(json.dumps(report, indent=2) if args.json else render(report))


if __name__ == "__main__":
    main()

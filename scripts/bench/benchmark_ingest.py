"""Benchmark ``beyan.ingest.read_articles`` against peers doing the same parsing, in the same run.

Steps, each in its own child process (so peak RSS belongs to that step alone):

1. write N synthetic JSON Lines articles (default 100,000; invented Turkish-looking news of
   2-5 K characters, 1 % exact duplicates) and M synthetic HTML pages (default 500);
2. ``jsonl-beyan``: ``read_articles`` over the feed with ``language="tr"`` given (reading,
   mapping, text assembly, structure, rights, exact and near-duplicate detection), and
   ``jsonl-beyan-no-near`` the same without near-duplicate detection;
3. ``jsonl-beyan-detect``: the same with the language detected for every article;
4. ``jsonl-peer``: a plain loop: ``orjson.loads`` each line, take title, body, date, url and
   source, join title and body into the text;
5. ``html-beyan``: ``read_articles`` over the pages folder (trafilatura, blocks, metadata, language);
6. ``html-peer``: trafilatura's ``bare_extraction`` alone on the same bytes, same settings;
7. ``profile`` (``--profile``): cProfile of step 3 on the first 20,000 lines.

Speed is reported as articles per second and as ratios against the peers, never as pass/fail.
Usage: scripts/benchmark-ingest [--articles N] [--pages M] [--repeat R] [--profile] [--keep] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent

# Invented words; common Turkish function words so the text reads as Turkish to a detector.
_COMMON = tuple(
    [
        "ve",
        "bir",
        "bu",
        "için",
        "ile",
        "da",
        "de",
        "olarak",
        "daha",
        "çok",
        "gibi",
        "ancak",
        "ise",
        "sonra",
        "kadar",
        "yeni",
        "büyük",
    ]
)
_NEWS = tuple(
    [
        "belediye",
        "başkanı",
        "meclis",
        "bakan",
        "açıkladı",
        "söyledi",
        "dedi",
        "belirtti",
        "toplantı",
        "bütçe",
        "proje",
        "vatandaş",
        "kent",
        "ilçe",
        "hükümet",
        "muhalefet",
        "seçim",
        "yatırım",
        "ulaşım",
        "hizmet",
        "karar",
        "ekonomi",
        "tepki",
        "görüşme",
        "açıklama",
        "yıl",
        "hafta",
    ]
)
_SYLLABLES = tuple(
    [
        "ka",
        "le",
        "mi",
        "no",
        "ru",
        "sa",
        "te",
        "vo",
        "zi",
        "ba",
        "de",
        "fu",
        "gö",
        "ış",
        "çe",
        "ün",
        "ya",
        "ko",
        "ri",
        "ta",
    ]
)
_OUTLETS = ("Ovakent Haber", "Yayla Postası", "Kuzeyova Gazetesi", "Batıkent Ekspres")
_PLACES = ("KUZEYOVA", "BATIKENT", "GÜNEYKÖY", "YAYLAKENT")


def _word(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.35:
        return rng.choice(_COMMON)
    if roll < 0.7:
        return rng.choice(_NEWS)
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4)))


def _sentence(rng: random.Random) -> str:
    words = [_word(rng) for _ in range(rng.randint(8, 18))]
    return words[0].capitalize() + " " + " ".join(words[1:]) + "."


def _article(rng: random.Random, number: int) -> dict[str, Any]:
    paragraphs = [" ".join(_sentence(rng) for _ in range(rng.randint(2, 5))) for _ in range(rng.randint(5, 10))]
    paragraphs[0] = f"{rng.choice(_PLACES)} - {paragraphs[0]}"
    outlet = _OUTLETS[number % len(_OUTLETS)]
    domain = outlet.lower().replace(" ", "").replace("ı", "i").replace("ö", "o").replace("ü", "u") + ".example"
    return {
        "id": number,
        "headline": " ".join(_word(rng) for _ in range(rng.randint(5, 9))).capitalize(),
        "body": "\n\n".join(paragraphs),
        "date": f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        f"T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}",
        "url": f"https://www.{domain}/haber/{number}",
        "outlet": outlet,
    }


def write_feed(path: Path, articles: int, *, seed: int = 1) -> dict[str, Any]:
    """N JSON lines; every 100th repeats an earlier article's text (an exact duplicate)."""
    import orjson

    rng = random.Random(seed)
    kept: list[dict[str, Any]] = []
    chars = 0
    with path.open("wb") as out:
        for number in range(articles):
            if number % 100 == 99 and kept:
                record = {**rng.choice(kept), "id": number}
            else:
                record = _article(rng, number)
                if len(kept) < 1000:
                    kept.append(record)
            chars += len(record["body"])
            out.write(orjson.dumps(record) + b"\n")
    return {"articles": articles, "megabytes": path.stat().st_size / 1e6, "mean_chars": chars / max(articles, 1)}


def write_pages(folder: Path, pages: int, *, seed: int = 2) -> dict[str, Any]:
    """M invented news pages: headline, subtitle, byline, paragraphs, a quote, navigation and footer."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    total = 0
    for number in range(pages):
        record = _article(rng, number)
        paragraphs = record["body"].split("\n\n")
        nav = "".join(f'<li><a href="/k/{i}">{_word(rng).capitalize()}</a></li>' for i in range(12))
        html = (
            f'<!DOCTYPE html><html lang="tr"><head><meta charset="utf-8"><title>{record["headline"]} | '
            f'{record["outlet"]}</title><meta property="og:site_name" content="{record["outlet"]}">'
            f'<meta property="article:published_time" content="{record["date"]}:00+03:00">'
            f'<link rel="canonical" href="{record["url"]}"></head><body><header><nav><ul>{nav}</ul></nav></header>'
            f"<main><article><h1>{record['headline']}</h1><h2>{_sentence(rng)}</h2>"
            f'<div class="byline">Muhabir: {_word(rng).capitalize()} {_word(rng).capitalize()}</div>'
            + "".join(f"<p>{p}</p>" for p in paragraphs[:-1])
            + f"<blockquote>&quot;{_sentence(rng)}&quot; dedi.</blockquote><p>{paragraphs[-1]}</p></article></main>"
            f"<aside><h4>Çok okunanlar</h4><ul>{nav}</ul></aside><footer><p>© 2024 {record['outlet']}</p></footer>"
            "</body></html>"
        )
        data = html.encode()
        (folder / f"page-{number:05d}.html").write_bytes(data)
        total += len(data)
    return {"pages": pages, "megabytes": total / 1e6}


# ------------------------------------------------------------------ measurements (child processes)


def _rss_now_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _timed(function: Any) -> dict[str, Any]:
    baseline = _rss_now_mb()
    began, cpu = time.perf_counter(), time.process_time()
    counts = function()
    return {
        "seconds": time.perf_counter() - began,
        "cpu_seconds": time.process_time() - cpu,
        **counts,
        "baseline_rss_mb": baseline,
        "peak_rss_mb": _peak_rss_mb(),
    }


def _beyan(path: Path, language: str | None, *, near: bool = True) -> dict[str, Any]:
    from beyan.ingest import read_articles
    from beyan.ingest.html_extract import extract_page  # noqa: F401  (imports are not timed)
    from beyan.ingest.language import detect_language

    detect_language("ısınma")  # load the model outside the timed part

    def run() -> dict[str, Any]:
        stream = read_articles(
            paths=[path], language=language, mapping="title=headline,source=outlet", near_duplicates=near
        )
        for _ in stream:
            pass
        recon = stream.reconciliation
        return {
            "read": recon.read,
            "added": recon.added,
            "duplicate": recon.duplicate,
            "rejected": recon.rejected,
            "near_duplicates": recon.near_duplicates,
        }

    return _timed(run)


def measure_jsonl_beyan(path: Path) -> dict[str, Any]:
    return _beyan(path, "tr")


def measure_jsonl_beyan_no_near(path: Path) -> dict[str, Any]:
    return _beyan(path, "tr", near=False)


def measure_jsonl_beyan_detect(path: Path) -> dict[str, Any]:
    return _beyan(path, None)


def measure_jsonl_peer(path: Path) -> dict[str, Any]:
    import orjson

    def run() -> dict[str, Any]:
        read = chars = 0
        with path.open("rb") as lines:
            for line in lines:
                record = orjson.loads(line)
                title, body = record.get("headline"), record.get("body")
                _fields = (record.get("date"), record.get("url"), record.get("outlet"))
                text = f"{title}\n\n{body.strip()}" if title else body.strip()
                read += 1
                chars += len(text)
        return {"read": read, "added": read, "chars": chars}

    return _timed(run)


def measure_html_beyan(folder: Path) -> dict[str, Any]:
    return _beyan(folder, None)


def measure_html_peer(folder: Path) -> dict[str, Any]:
    import trafilatura

    from beyan.ingest.html_extract import _DATE_PARAMS

    def run() -> dict[str, Any]:
        read = extracted = 0
        for path in sorted(folder.iterdir()):
            document = trafilatura.bare_extraction(
                path.read_bytes(),
                favor_precision=True,
                include_comments=False,
                include_tables=False,
                with_metadata=True,
                date_extraction_params=_DATE_PARAMS,
            )
            read += 1
            extracted += document is not None
        return {"read": read, "added": extracted}

    return _timed(run)


def measure_profile(path: Path, top: int = 25) -> dict[str, Any]:
    import cProfile
    import pstats

    from beyan.ingest import read_articles
    from beyan.ingest.language import detect_language

    detect_language("ısınma")
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in read_articles(paths=[path], mapping="title=headline,source=outlet"):
        pass
    profiler.disable()
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
    return {"top": rows[:top], "total": sum(r["tottime"] for r in rows)}


WORKERS = {
    "jsonl-beyan": measure_jsonl_beyan,
    "jsonl-beyan-no-near": measure_jsonl_beyan_no_near,
    "jsonl-beyan-detect": measure_jsonl_beyan_detect,
    "jsonl-peer": measure_jsonl_peer,
    "html-beyan": measure_html_beyan,
    "html-peer": measure_html_peer,
    "profile": measure_profile,
}


# ------------------------------------------------------------------ orchestration


def _child(kind: str, path: Path) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    output = subprocess.run(
        [sys.executable, __file__, "--worker", kind, str(path)], check=True, capture_output=True, text=True, env=env
    ).stdout
    return json.loads(output.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _machine() -> dict[str, Any]:
    memory_kb = 0
    with open("/proc/meminfo") as meminfo:
        for line in meminfo:
            if line.startswith("MemTotal:"):
                memory_kb = int(line.split()[1])
    cpu = ""
    with open("/proc/cpuinfo") as cpuinfo:
        cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), "")
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    return {
        "nproc": os.cpu_count(),
        "ram_gb": round(memory_kb / 1024**2, 1),
        "cpu": cpu,
        "python": platform.python_version(),
        "loadavg_at_start": [round(x, 2) for x in os.getloadavg()],
        "beyan_commit": commit.stdout.strip() or "unknown",
    }


def run(*, articles: int, pages: int, repeat: int, profile: bool, keep: bool, log: Any) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="beyan-bench-ingest-"))
    report: dict[str, Any] = {"machine": _machine(), "workdir": str(work)}
    try:
        feed, folder = work / "feed.jsonl", work / "pages"
        print(f"writing {articles:,} JSON lines and {pages:,} pages to {work} ...", file=log)
        report["feed"] = write_feed(feed, articles)
        report["pages"] = write_pages(folder, pages)
        runs: dict[str, list[dict[str, Any]]] = {kind: [] for kind in WORKERS if kind != "profile"}
        for i in range(repeat):
            for kind, target in (
                ("jsonl-peer", feed),
                ("jsonl-beyan-no-near", feed),
                ("jsonl-beyan", feed),
                ("jsonl-beyan-detect", feed),
                ("html-peer", folder),
                ("html-beyan", folder),
            ):
                print(f"run {i + 1}/{repeat}: {kind} ...", file=log)
                runs[kind].append(_child(kind, target))
        report["runs"] = runs
        best = {kind: min(results, key=lambda r: r["seconds"]) for kind, results in runs.items()}
        report["best"] = best
        rate = {kind: r["read"] / r["seconds"] for kind, r in best.items()}
        report["articles_per_second"] = rate
        report["ratios"] = {
            "jsonl-beyan-no-near / jsonl-peer": rate["jsonl-beyan-no-near"] / rate["jsonl-peer"],
            "jsonl-beyan / jsonl-peer": rate["jsonl-beyan"] / rate["jsonl-peer"],
            "jsonl-beyan-detect / jsonl-peer": rate["jsonl-beyan-detect"] / rate["jsonl-peer"],
            "html-beyan / html-peer": rate["html-beyan"] / rate["html-peer"],
        }
        if profile:
            sample = work / "sample.jsonl"
            with feed.open("rb") as source, sample.open("wb") as out:
                for number, line in enumerate(source):
                    if number >= 20_000:
                        break
                    out.write(line)
            print("cProfile (20,000 lines, language detected) ...", file=log)
            report["profile"] = _child("profile", sample)
        report["loadavg_at_end"] = [round(x, 2) for x in os.getloadavg()]
    finally:
        if keep:
            print(f"kept {work}", file=log)
        else:
            shutil.rmtree(work, ignore_errors=True)
    return report


def render(report: dict[str, Any]) -> str:
    m, feed, pages = report["machine"], report["feed"], report["pages"]
    lines = [
        f"machine: {m['nproc']} cpu ({m['cpu']}), {m['ram_gb']} GB RAM, Python {m['python']},"
        f" beyan {m['beyan_commit']}",
        f"load average at start {m['loadavg_at_start']}, at end {report.get('loadavg_at_end')}",
        f"feed: {feed['articles']:,} JSON lines, {feed['megabytes']:.0f} MB,"
        f" {feed['mean_chars']:,.0f} characters of body on average;"
        f" pages: {pages['pages']:,} HTML files, {pages['megabytes']:.1f} MB",
        "",
        "| run | wall s | CPU s | read | added | duplicate | articles/s | peak RSS MB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for kind, r in report["best"].items():
        lines.append(
            f"| {kind} | {r['seconds']:.2f} | {r['cpu_seconds']:.2f} | {r['read']:,} | {r['added']:,} | "
            f"{r.get('duplicate', 0):,} | {r['read'] / r['seconds']:,.0f} | {r['peak_rss_mb']:.0f} |"
        )
    lines.append("")
    best = report["best"]
    for name, value in report["ratios"].items():
        ours, peer = (part.strip() for part in name.split("/"))
        cpu = (best[ours]["read"] / best[ours]["cpu_seconds"]) / (best[peer]["read"] / best[peer]["cpu_seconds"])
        lines.append(f"ratio {name}: {value:.3f}x wall, {cpu:.3f}x CPU (>1: beyan is faster)")
    if "profile" in report:
        lines += ["", "cProfile, 20,000 lines with language detection (tottime, top functions):"]
        for row in report["profile"]["top"][:15]:
            lines.append(f"  {row['tottime']:7.2f} s  {row['calls']:>9,}  {row['function']}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--worker", nargs=2, metavar=("KIND", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        kind, path = args.worker
        print(json.dumps(WORKERS[kind](Path(path))))
        return
    report = run(
        articles=args.articles,
        pages=args.pages,
        repeat=args.repeat,
        profile=args.profile,
        keep=args.keep,
        log=sys.stderr,
    )
    print(json.dumps(report, indent=2) if args.json else render(report))


if __name__ == "__main__":
    main()

"""Nothing half-written: transactions, recovery, and processes killed at random points."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from beyan import atomic
from beyan.corpus import Corpus
from beyan.validation import validate
from tests.factories import annotation, results_for, statement, task, write_export


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file's bytes; a journal entry by its presence and change lines (its first line holds the time)."""
    found = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if not path.is_file() or relative.parts[0] == ".cache":
            continue
        data = path.read_bytes()
        found[str(relative)] = data.split(b"\n", 1)[1] if relative.parts[0] == "journal" else data
    return found


def test_uncommitted_transaction_is_discarded_and_committed_one_finished(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("old")
    txn = atomic.Transaction(tmp_path)
    txn.write_text(tmp_path / "a.txt", "new")
    txn.write_text(tmp_path / "sub" / "b.txt", "b")
    # crash before the commit point: staging exists, no COMMIT
    assert atomic.recover(tmp_path) == [f"discarded unfinished write {txn.txn_id}"]
    assert (tmp_path / "a.txt").read_text() == "old" and not (tmp_path / "sub").exists()

    txn = atomic.Transaction(tmp_path)
    txn.write_text(tmp_path / "a.txt", "new")
    txn.write_text(tmp_path / "sub" / "b.txt", "b")
    plan = {"writes": sorted(txn.writes), "deletes": []}
    atomic.write_text_atomic(txn.staging / "COMMIT", __import__("json").dumps(plan))
    os.replace(txn.staged_path("a.txt"), tmp_path / "a.txt")  # crash half-way through applying
    assert atomic.recover(tmp_path) == [f"completed interrupted write {txn.txn_id}"]
    assert (tmp_path / "a.txt").read_text() == "new" and (tmp_path / "sub" / "b.txt").read_text() == "b"
    assert not (tmp_path / atomic.TXN_DIR).exists()


def test_transaction_refuses_paths_outside_its_root(tmp_path: Path) -> None:
    txn = atomic.Transaction(tmp_path / "corpus")
    with pytest.raises(ValueError):
        txn.write_text(tmp_path / "elsewhere.txt", "x")
    with pytest.raises(ValueError):
        txn.write_text(tmp_path / "corpus" / ".." / "escape.txt", "x")


def big_export(path: Path, tasks: int) -> Path:
    items = []
    for n in range(tasks):
        text = f'ESKAR{n} - Vali Rina Osk{n}, "Bütçe {n} yarın açıklanacak" dedi. Meclis üyesi Dov Tarr{n} ise itiraz etti.'
        st = statement(text, f"Bütçe {n} yarın açıklanacak", speaker=f"Rina Osk{n}", cue="dedi", name=f"Rina Osk{n}")
        items.append(task(text, [annotation(results_for(text, [st]))], task_id=n + 1))
    return write_export(path, items)


def run_and_kill(command: list[str], delay: float, cwd: Path) -> int | None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(delay)
    if process.poll() is None:
        process.send_signal(signal.SIGKILL)
        process.wait()
        return None
    return process.returncode


@pytest.mark.slow
def test_killing_import_and_build_never_leaves_an_invalid_corpus_or_dist(empty_corpus: Path, tmp_path: Path) -> None:
    export = big_export(tmp_path / "export.json", 400)
    beyan = [sys.executable, "-m", "beyan.cli"]
    before = snapshot(empty_corpus)
    # The state a complete import gives, on a copy.
    reference = tmp_path / "reference"
    __import__("shutil").copytree(empty_corpus, reference)
    done = subprocess.run(
        [*beyan, "import-labelstudio", str(export), "--corpus", str(reference), "--add-articles", "--language", "tr"],
        capture_output=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    after = snapshot(reference)
    rng = random.Random(20261127)
    killed = 0
    for _ in range(6):
        outcome = run_and_kill(
            [
                *beyan,
                "import-labelstudio",
                str(export),
                "--corpus",
                str(empty_corpus),
                "--add-articles",
                "--language",
                "tr",
                "--rejects",
                str(tmp_path / "r.jsonl"),
            ],
            rng.uniform(0.2, 2.5),
            tmp_path,
        )
        killed += outcome is None
        result = validate(empty_corpus)  # opening the corpus finishes or discards the interrupted write
        assert result.exit_code == 0, result.issues.render()
        state = snapshot(empty_corpus)
        assert state in (before, after), "a killed import left a partial corpus"
        if state == after:
            break
    assert killed >= 1  # at least one run was really interrupted
    # Finish the import, then kill builds.
    subprocess.run(
        [
            *beyan,
            "import-labelstudio",
            str(export),
            "--corpus",
            str(empty_corpus),
            "--add-articles",
            "--language",
            "tr",
        ],
        capture_output=True,
        check=True,
    )
    dist = tmp_path / "dist"
    for _ in range(5):
        outcome = run_and_kill(
            [*beyan, "build", "--corpus", str(empty_corpus), "--out", str(dist), "--no-update-datasheet"],
            rng.uniform(0.5, 4.0),
            tmp_path,
        )
        if dist.exists():
            result = validate(dist)
            assert result.exit_code == 0, result.issues.render()
    # A complete run afterwards sweeps what killed runs left behind.
    subprocess.run(
        [*beyan, "build", "--corpus", str(empty_corpus), "--out", str(dist), "--no-update-datasheet"],
        capture_output=True,
        check=True,
    )
    subprocess.run(
        [
            *beyan,
            "import-labelstudio",
            str(export),
            "--corpus",
            str(empty_corpus),
            "--rejects",
            str(tmp_path / "r.jsonl"),
        ],
        capture_output=True,
        check=True,
    )
    assert [p.name for p in tmp_path.iterdir() if ".beyan-tmp-" in p.name] == []
    assert validate(dist).exit_code == 0
    assert len(Corpus.open(empty_corpus).article_ids()) == 400

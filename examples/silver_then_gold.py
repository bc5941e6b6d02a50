"""Pre-train a token tagger on silver, fine-tune it on gold (the ``tokens`` view), score both ways on gold.

    beyan build --out dist                          # gold
    beyan silver raw-news/ --out silver             # silver (docs/silver.md)
    python examples/silver_then_gold.py --silver silver --gold dist --out predictions.jsonl

What it does, in order:

1. turns the silver statements into ``tokens`` rows with :func:`beyan.tokens.view.token_row`,
   the function the gold build uses for config ``tokens`` (silver shards are sorted by article,
   so one article's statements are consecutive rows, streamed);
2. pre-trains an averaged perceptron on layer 0 of the silver rows: one tag per token among O
   and the B-/I- tags of content, speaker, cue and addressee, from hashed features (word,
   suffixes, shape, quotation-mark state, neighbours); plain numpy, nothing to install;
3. fine-tunes it: from its averaged weights, further epochs on the gold training split
   (averaged afresh, so the many silver updates do not drown the few gold ones);
4. trains the same tagger on gold alone, for comparison;
5. tags the gold evaluation split with the three (silver only, gold only, silver then gold),
   turns tags into statements
   (:func:`beyan.tokens.decode.statements_from_tags`), and scores them with ``beyan evaluate``.

With a gold dataset of a single split (the seed) it scores on the training split, which
measures fit, not generalisation, and says so. Whether silver helps depends on how close the
extractor's habits are to the annotators': on the tests' synthetic news (random words) it does
not; the example shows the mechanics, and ``beyan evaluate`` tells on real data.
"""

from __future__ import annotations

import argparse
import json
import zlib
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path
from typing import Any

import datasets
import numpy as np

from beyan.evaluation import evaluate
from beyan.tokens.decode import statements_from_tags
from beyan.tokens.view import token_row

ROLES = ("content", "speaker", "cue", "addressee")
LABELS = ("O", *(f"{kind}-{role}" for role in ROLES for kind in ("B", "I")))
QUOTES = frozenset({'"', "“", "”", "«", "»"})
DIMENSIONS = 1 << 18


def silver_token_rows(silver: Path) -> Iterator[dict[str, Any]]:
    """``tokens`` rows (JSON form: tags as names) of the silver statements, one per article."""
    rows = datasets.load_dataset(str(silver), "silver", split="train", streaming=True)
    article: dict[str, Any] | None = None
    for row in rows:
        if article is None or row["article_id"] != article["article_id"]:
            if article is not None:
                yield token_row(article_row=article)
            article = {
                "article_id": row["article_id"],
                "language": row["language"],
                "text": row["article_text"],
                "statements": [],
            }
        article["statements"].append(row)
    if article is not None:
        yield token_row(article_row=article)


def gold_token_rows(gold: Path, split: str) -> list[dict[str, Any]]:
    """Gold ``tokens`` rows of ``split``, tags as names like the silver ones."""
    part = datasets.load_dataset(str(gold), "tokens", split=split)
    names = {role: part.features[f"{role}_tags"].feature.feature for role in ROLES}
    rows = []
    for row in part:
        for role in ROLES:
            row[f"{role}_tags"] = [[names[role].int2str(tag) for tag in layer] for layer in row[f"{role}_tags"]]
        rows.append(row)
    return rows


def token_labels(row: dict[str, Any]) -> list[int]:
    """One label per token from layer 0: the first role that tags it (content, speaker, cue, addressee)."""
    labels = ["O"] * len(row["token_starts"])
    for role in reversed(ROLES):
        for t, tag in enumerate(row[f"{role}_tags"][0]):
            if tag != "O":
                labels[t] = tag
    return [LABELS.index(label) for label in labels]


def words_of(row: dict[str, Any], text: str) -> list[str]:
    return [text[start:end] for start, end in zip(row["token_starts"], row["token_ends"], strict=True)]


def token_features(words: list[str]) -> list[np.ndarray[Any, np.dtype[np.int64]]]:
    """Hashed feature indices of each token: word, suffixes, shape, quotation state, neighbours."""
    inside, state = [], False
    for word in words:
        if word in QUOTES:
            state = not state
        inside.append(state)
    out = []
    for t, word in enumerate(words):
        lower = word.lower()
        names = ["bias", f"w={lower}", f"s3={lower[-3:]}", f"s5={lower[-5:]}", f"q={inside[t]}"]
        names += [f"title={word[:1].isupper()}", f"punct={not word[:1].isalnum()}"]
        for offset in (-2, -1, 1, 2):
            near = words[t + offset].lower() if 0 <= t + offset < len(words) else "<edge>"
            names += [f"{offset}:w={near}", f"{offset}:q={inside[t]}:{near[:1]}"]
        out.append(np.array([zlib.crc32(name.encode()) % DIMENSIONS for name in names], dtype=np.int64))
    return out


class Perceptron:
    """An averaged multi-class perceptron over hashed features; training more continues from where it is."""

    def __init__(self) -> None:
        self.weights = np.zeros((len(LABELS), DIMENSIONS))
        self.totals = np.zeros((len(LABELS), DIMENSIONS))  # step-weighted updates, for the average
        self.steps = 1

    def train(self, examples: list[tuple[list[np.ndarray[Any, Any]], list[int]]], *, epochs: int, seed: int) -> None:
        order = np.random.default_rng(seed)
        for _ in range(epochs):
            for index in order.permutation(len(examples)):
                features, labels = examples[index]
                for indices, label in zip(features, labels, strict=True):
                    guess = int(self.weights[:, indices].sum(axis=1).argmax())
                    if guess != label:
                        for target, sign in ((label, 1.0), (guess, -1.0)):
                            self.weights[target, indices] += sign
                            self.totals[target, indices] += sign * self.steps
                    self.steps += 1

    def averaged(self) -> np.ndarray[Any, Any]:
        return self.weights - self.totals / self.steps

    def to_fine_tune(self) -> Perceptron:
        """A perceptron starting from this one's averaged weights, averaging afresh over what it learns next."""
        tuned = Perceptron()
        tuned.weights = self.averaged()
        return tuned


def examples_of(rows: list[dict[str, Any]], texts: dict[str, str]) -> list[tuple[list[Any], list[int]]]:
    """One example per sentence: its tokens' features and labels."""
    examples = []
    for row in rows:
        features, labels = token_features(words_of(row, texts[row["article_id"]])), token_labels(row)
        bounds = [*row["sentence_starts"], len(row["token_starts"])]
        examples += [(features[a:b], labels[a:b]) for a, b in pairwise(bounds) if a < b]
    return examples


def predict(model: Perceptron, rows: list[dict[str, Any]], texts: dict[str, str]) -> list[dict[str, Any]]:
    weights = model.averaged()
    statements = []
    for row in rows:
        text = texts[row["article_id"]]
        features = token_features(words_of(row, text))
        labels = [LABELS[int(weights[:, indices].sum(axis=1).argmax())] for indices in features]
        tags = {role: [label if label.endswith(f"-{role}") else "O" for label in labels] for role in ROLES}
        statements += statements_from_tags(row=row, tags=tags, text=text)
    return statements


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--silver", type=Path, required=True, help="a silver dataset folder (beyan silver)")
    parser.add_argument("--gold", type=Path, required=True, help="a built gold dataset folder (beyan build)")
    parser.add_argument("--out", type=Path, default=Path("silver-then-gold-predictions.jsonl"))
    parser.add_argument("--silver-epochs", type=int, default=2)
    parser.add_argument("--gold-epochs", type=int, default=5)
    parser.add_argument("--eval-split", default="test")
    args = parser.parse_args(argv)

    silver_rows = list(silver_token_rows(args.silver))
    silver_texts = {
        row["article_id"]: row["article_text"]
        for row in datasets.load_dataset(str(args.silver), "silver", split="train", streaming=True)
    }
    splits = datasets.get_dataset_split_names(str(args.gold), "tokens")
    eval_split = args.eval_split if args.eval_split in splits else "train"
    if eval_split != args.eval_split:
        print(f"no {args.eval_split} split: scoring on {eval_split}, which measures fit, not generalisation")
    articles = datasets.load_dataset(str(args.gold), "articles")
    gold_texts = {row["article_id"]: row["text"] for split in articles.values() for row in split}
    gold_train, gold_eval = gold_token_rows(args.gold, "train"), gold_token_rows(args.gold, eval_split)
    print(f"silver: {len(silver_rows)} articles; gold: {len(gold_train)} training, {len(gold_eval)} scored")

    pretrained = Perceptron()
    pretrained.train(examples_of(silver_rows, silver_texts), epochs=args.silver_epochs, seed=1)
    fine_tuned = pretrained.to_fine_tune()
    fine_tuned.train(examples_of(gold_train, gold_texts), epochs=args.gold_epochs, seed=2)
    gold_only = Perceptron()
    gold_only.train(examples_of(gold_train, gold_texts), epochs=args.gold_epochs, seed=2)

    report: dict[str, Any] = {}
    models = {"silver only": pretrained, "gold only": gold_only, "silver, then gold": fine_tuned}
    for name, model in models.items():
        suffix = {"silver only": "-silver-only", "gold only": "-gold-only"}.get(name, "")
        out = args.out.with_name(args.out.stem + suffix + args.out.suffix)
        statements = predict(model, gold_eval, gold_texts)
        out.write_text("".join(json.dumps(s, ensure_ascii=False) + "\n" for s in statements), "utf-8")
        result = evaluate(gold=args.gold, predictions=out, split=eval_split)
        print(f"\n## {name}: {len(statements)} predicted statement(s) in {out}\n")
        print(result.markdown())
        report[name] = result.to_dict()
    return report


if __name__ == "__main__":
    main()

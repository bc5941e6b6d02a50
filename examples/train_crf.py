"""Train a CRF token tagger on config ``tokens``, write predictions as statements, score them.

    pip install 'beyan[train]'          # python-crfsuite
    beyan build --out dist
    python examples/train_crf.py dist --out crf-predictions.jsonl

What it does, in order:

1. loads ``load_dataset(DIST, "tokens")`` and ``"articles"`` (the text, for features and spans);
2. tags each token of layer 0 (top-level statements) with one label among O and the
   B-/I- tags of content, speaker, cue and addressee;
3. trains a linear-chain CRF (CRFsuite, L-BFGS) sentence by sentence on the training split;
4. tags the evaluation split, turns the tags into statements
   (``beyan.tokens.decode.statements_from_tags``) and writes them as JSON Lines;
5. scores them with ``beyan evaluate`` and prints the table.

With one annotated article there is no held-out split: it then scores on the training
split, which measures fit, not generalisation, and says so.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from itertools import pairwise
from pathlib import Path
from typing import Any

import datasets

from beyan.evaluation import evaluate
from beyan.tokens.decode import statements_from_tags

ROLES = ("content", "speaker", "cue", "addressee")
QUOTES = frozenset({'"', "“", "”", "«", "»"})


def token_labels(row: dict[str, Any], features: datasets.Features) -> list[str]:
    """One label per token from layer 0: the first role that tags it (content, speaker, cue, addressee)."""
    labels = ["O"] * len(row["token_starts"])
    for role in reversed(ROLES):
        names = features[f"{role}_tags"].feature.feature
        for t, tag in enumerate(row[f"{role}_tags"][0]):
            if tag:
                labels[t] = names.int2str(tag)
    return labels


def token_features(words: list[str]) -> list[dict[str, Any]]:
    """Word shape, suffixes, a quotation-mark state and the neighbours' words."""
    inside, state = [], False
    for word in words:
        if word in QUOTES:
            state = not state
        inside.append(state)
    out = []
    for t, word in enumerate(words):
        lower = word.lower()
        feats: dict[str, Any] = {
            "bias": 1.0,
            "lower": lower,
            "suffix3": lower[-3:],
            "suffix5": lower[-5:],
            "title": word[:1].isupper(),
            "punct": not word[:1].isalnum(),
            "apostrophe": word[:1] in "'’",
            "inside_quotes": inside[t],
        }
        for offset in (-2, -1, 1, 2):
            if 0 <= t + offset < len(words):
                feats[f"{offset}:lower"] = words[t + offset].lower()
                feats[f"{offset}:title"] = words[t + offset][:1].isupper()
            else:
                feats[f"{offset}:edge"] = True
        out.append(feats)
    return out


def sentences(row: dict[str, Any]) -> list[tuple[int, int]]:
    bounds = [*row["sentence_starts"], len(row["token_starts"])]
    return list(pairwise(bounds))


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dist", type=Path, help="a built dataset folder")
    parser.add_argument("--out", type=Path, default=Path("crf-predictions.jsonl"))
    parser.add_argument("--train-split", default="train")
    parser.add_argument("--eval-split", default="test")
    args = parser.parse_args(argv)
    try:
        import pycrfsuite  # type: ignore[import-untyped]
    except ImportError:
        sys.exit("Please install python-crfsuite to run this example: pip install 'beyan[train]'")

    tokens = datasets.load_dataset(str(args.dist), "tokens")
    articles = datasets.load_dataset(str(args.dist), "articles")
    texts = {row["article_id"]: row["text"] for split in articles.values() for row in split}
    eval_split = args.eval_split if args.eval_split in tokens else args.train_split
    if eval_split != args.eval_split:
        print(f"no {args.eval_split} split: scoring on {eval_split}, which measures fit, not generalisation")
    features = tokens[args.train_split].features

    trainer = pycrfsuite.Trainer(verbose=False)
    for row in tokens[args.train_split]:
        labels, feats = token_labels(row, features), token_features(row["tokens"])
        for start, end in sentences(row):
            trainer.append(feats[start:end], labels[start:end])
    trainer.set_params({"c1": 0.05, "c2": 0.01, "max_iterations": 100, "feature.possible_transitions": True})
    with tempfile.TemporaryDirectory() as folder:
        model = str(Path(folder) / "crf.model")
        trainer.train(model)
        tagger = pycrfsuite.Tagger()
        tagger.open(model)
        predictions = []
        for row in tokens[eval_split]:
            feats = token_features(row["tokens"])
            labels = [label for start, end in sentences(row) for label in tagger.tag(feats[start:end])]
            tags = {role: [lab if lab.endswith(f"-{role}") else "O" for lab in labels] for role in ROLES}
            predictions += statements_from_tags(row=row, tags=tags, text=texts[row["article_id"]])
        tagger.close()
    args.out.write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in predictions), "utf-8")
    result = evaluate(gold=args.dist, predictions=args.out, split=eval_split)
    print(f"{len(predictions)} predicted statement(s) written to {args.out}; beyan evaluate:\n")
    print(result.markdown())
    return result.to_dict()


if __name__ == "__main__":
    main()

"""Near-duplicate removal at scale: datatrove's multi-stage MinHash, configured for news.

Each article's text is simplified (lower case, punctuation and digits normalized), cut into
word 5-grams and hashed 112 times; the signature's 14 bands of 8 hashes are written per task
and band (stage 1), each band's signatures from every task are merged in sorted order to find
the articles sharing it (stage 2: one task per band), and the pairs are joined into groups
(stage 3, :class:`beyan.silver.steps.FirstCopyClusters`). With 14 bands of 8, a pair of
articles whose shingles have a Jaccard similarity of 0.8 is found with probability
1 - (1 - 0.8^8)^14 = 0.92, one of 0.5 with probability 0.05. Nothing is held in memory but
one signature per band and task being merged; identical texts share every band, so exact
duplicates are in the groups too.

Hashes are SHA-1 based (datatrove's ``sha1``): datatrove 0.10's default, xxhash, passes text
to ``xxhash`` 4, which takes bytes only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

N_GRAMS = 5
BANDS = 14
ROWS_PER_BAND = 8


def minhash_config() -> Any:
    from datatrove.pipeline.dedup.minhash import MinhashConfig
    from datatrove.utils.hashing import HashConfig

    return MinhashConfig(
        n_grams=N_GRAMS,
        num_buckets=BANDS,
        hashes_per_bucket=ROWS_PER_BAND,
        seed=1,
        hash_config=HashConfig(precision=64, hash_fc="sha1"),
    )


def _word_tokenizer() -> Any:
    from datatrove.utils.word_tokenizers import WordTokenizer

    class Words(WordTokenizer):  # type: ignore[misc]
        """Words of simplified text (datatrove's tokenizers need spaCy or NLTK models): split at spaces."""

        def word_tokenize(self, text: str) -> list[str]:
            return text.split()

        def sent_tokenize(self, text: str) -> list[str]:
            return [text]

        def span_tokenize(self, text: str) -> list[tuple[int, int]]:
            return [(0, len(text))]

    return Words()


def signature_step(folder: Path) -> Any:
    """Stage 1's second block: each article's signature, per band, into ``folder/bucket_<band>/<task>.minhash.sig``."""
    from datatrove.pipeline.dedup.minhash import MinhashDedupSignature

    return MinhashDedupSignature(output_folder=str(folder), config=minhash_config(), language=_word_tokenizer())


def buckets_step(signatures: Path, dups: Path) -> Any:
    """Stage 2: per band, the pairs of articles with the same band of hashes, into ``dups/<band>_00.dups``."""
    from datatrove.pipeline.dedup.minhash import MinhashDedupBuckets

    return MinhashDedupBuckets(input_folder=str(signatures), output_folder=str(dups), config=minhash_config())

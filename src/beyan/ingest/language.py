"""Offline language identification with a confidence, for articles whose source does not say.

py3langid (a maintained fork of langid.py, Lui & Baldwin 2012) ships its model in its wheel
(4.5 MB, NumPy only) and knows 97+ languages, Kurdish among them. On the evaluation samples
(short and long Turkish, English, German, Kurmanji and Arabic) it identified 40 of 40, where
fastText's lid.176.ftz got 37 (three short Kurmanji sentences wrong) and Lingua (96 MB, no
Kurdish) 32; see docs/benchmarks/ingest.md. Only the first :data:`SAMPLE_CHARS` characters
(the headline and the first paragraphs) are looked at: more do not change the answer for a
news article, and the detector's time grows with the length (about 0.35 ms for 1,000).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

SAMPLE_CHARS = 1000
MIN_CONFIDENCE = 0.5  # below it the language is "und" (undetermined), with the confidence kept
UNDETERMINED = "und"

_lock = threading.Lock()
_identifier: Any = None


@dataclass(frozen=True, slots=True)
class DetectedLanguage:
    tag: str  # a BCP 47 tag, "und" when unsure
    confidence: float  # the detector's probability for its best language, 0..1


def _model() -> Any:
    global _identifier
    with _lock:
        if _identifier is None:
            from py3langid.langid import MODEL_FILE, LanguageIdentifier

            _identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    return _identifier


def detect_language(text: str) -> DetectedLanguage:
    """The language of ``text`` and the detector's confidence; ``und`` when below :data:`MIN_CONFIDENCE`."""
    sample = text[:SAMPLE_CHARS]
    if not any(character.isalpha() for character in sample):
        return DetectedLanguage(UNDETERMINED, 0.0)
    tag, probability = _model().classify(sample)
    confidence = round(float(probability), 4)
    return DetectedLanguage(str(tag) if confidence >= MIN_CONFIDENCE else UNDETERMINED, confidence)

"""``module:function`` predictors for the silver tests: one that kills its worker once, one that errs.

Both follow the predictor interface of :mod:`beyan.silver.extractors`.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path
from typing import Any

from beyan.extract import extract_article
from beyan.extract.lexicon import load_lexicon

KILL_MARKER = "BEYAN_TEST_KILL_MARKER"  # a path: while it does not exist, the 20th article of a task kills its worker
KILL_AT = 20
_seen = {"articles": 0}


def rules_or_kill(*, text: str, article_id: str, language: str) -> list[dict[str, Any]]:
    """The rule extractor; but once per marker, the Ray worker running this task is killed (SIGKILL) mid-task."""
    _seen["articles"] += 1
    marker = os.environ.get(KILL_MARKER)
    if marker and _seen["articles"] >= KILL_AT and not Path(marker).exists():
        Path(marker).write_text(f"killed {os.getppid()} at article {article_id}\n", "utf-8")
        os.kill(os.getppid(), signal.SIGKILL)  # the worker process whose pool runs this task
        time.sleep(30)  # this process dies with its parent (PR_SET_PDEATHSIG) long before
    return extract_article(text=text, article_id=article_id, lexicon=load_lexicon("tr"))


def sloppy(*, text: str, article_id: str, language: str) -> list[dict[str, Any]]:
    """Statements a careless model might return: one good, then each kind of mistake once per article."""
    if "yatırım" in text[:400]:
        raise RuntimeError("the model ran out of memory on this one")
    good = {"content_spans": [{"start": 0, "end": 5}], "quote_type": "direct", "speaker_unknown": True}
    return [
        good,
        {**good, "quote_type": "sarcastic"},  # unknown label
        {**good, "content_spans": [{"start": 0, "end": len(text) + 5}]},  # outside the text
        {**good, "content_spans": []},  # no content
        {**good, "speaker_unknown": False},  # no speaker and not marked unknown
        dict(good),  # the same content as the first
        {**good, "content_spans": [{"start": 1, "end": 6}], "parent_statement_id": f"{article_id}-ffffffff"},
    ]

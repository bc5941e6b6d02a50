"""Deterministic JSON: the same value always gives the same bytes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from beyan.issues import fail


def dumps(value: Any, *, indent: int | None = 2) -> str:
    """Pretty, UTF-8-friendly JSON with a final newline; key order is the caller's."""
    return json.dumps(value, ensure_ascii=False, indent=indent, allow_nan=False) + "\n"


def read_json(path: Path, *, what: str = "JSON file") -> Any:
    """Read a JSON file; a malformed file is a located error, not a traceback."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise fail("unreadable", (str(path),), f"cannot read the {what}: {error.strerror}", exit_code=2) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise fail("invalid-utf8", (str(path), f"byte {error.start}"), f"the {what} is not valid UTF-8") from None
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise fail(
            "invalid-json",
            (str(path), f"line {error.lineno}", f"column {error.colno}"),
            f"the {what} is not valid JSON: {error.msg}",
        ) from None

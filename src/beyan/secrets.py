"""Tokens come from the environment and never reach output, files, exceptions or logs."""

from __future__ import annotations

import os

SECRET_VARIABLES = ("HF_TOKEN", "LABEL_STUDIO_API_KEY", "BEYAN_PSEUDONYM_KEY")
MIN_SECRET_LENGTH = 6


def secret(name: str) -> str | None:
    value = os.environ.get(name)
    return value or None


def require_secret(name: str, *, code: str, message: str, hint: str) -> str:
    """The secret ``name`` from the environment, or an error saying how to set it (exit status 2)."""
    value = secret(name)
    if value is None:
        from beyan.issues import fail

        raise fail(code, (name,), message, hint=hint, exit_code=2)
    return value


def redact(text: str) -> str:
    """``text`` with the value of every secret variable replaced by its name."""
    for name in SECRET_VARIABLES:
        value = os.environ.get(name)
        if value and len(value) >= MIN_SECRET_LENGTH and value in text:
            text = text.replace(value, f"<{name}>")
    return text

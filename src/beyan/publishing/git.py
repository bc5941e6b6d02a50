"""Running git for releases and local publishing, with errors beyan can report."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from beyan.issues import fail


def _environment() -> dict[str, str]:
    """The caller's environment, with an identity for commits where git has none configured."""
    env = dict(os.environ)
    for key, default in (
        ("GIT_AUTHOR_NAME", "beyan"),
        ("GIT_AUTHOR_EMAIL", "beyan@localhost"),
        ("GIT_COMMITTER_NAME", "beyan"),
        ("GIT_COMMITTER_EMAIL", "beyan@localhost"),
    ):
        if key not in env and not _configured(key.split("_")[-1].lower()):
            env[key] = default
    return env


def _configured(key: str) -> bool:
    completed = subprocess.run(["git", "config", "--get", f"user.{key}"], capture_output=True, text=True, check=False)
    return bool(completed.stdout.strip())


def git(repo: Path, *args: str, check: bool = True) -> str:
    """Run ``git -C repo args``; a failure is a located error, not a traceback."""
    try:
        completed = subprocess.run(
            ["git", "-C", str(repo), *args], capture_output=True, text=True, env=_environment(), check=False
        )
    except FileNotFoundError:
        raise fail(
            "missing-git", (), "git is not installed", hint="install git to version releases", exit_code=2
        ) from None
    if check and completed.returncode != 0:
        raise fail("git-failed", (str(repo), "git " + " ".join(args)), completed.stderr.strip()[:500], exit_code=2)
    return completed.stdout.strip()


def repository_root(path: Path) -> Path | None:
    completed = subprocess.run(
        ["git", "-C", str(path), "rev-parse", "--show-toplevel"], capture_output=True, text=True, check=False
    )
    return Path(completed.stdout.strip()) if completed.returncode == 0 else None

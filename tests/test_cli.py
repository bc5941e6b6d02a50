"""The command line: every command documented with an example, errors as reports, exit codes."""

from __future__ import annotations

import os
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from beyan.cli import main
from tests.conftest import REPO, SEED_CORPUS

DOCS = REPO / "docs" / "cli.md"


def cli_reference() -> str:
    """docs/cli.md: the --help of every command, in order."""
    parts = [
        "# Command-line reference",
        "",
        "Generated from `beyan COMMAND --help` by `tests/test_cli.py`; regenerate with",
        "`BEYAN_REGENERATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_cli.py`.",
        "",
        "Exit status: 0 success, 1 invalid data, 2 unreadable input or misuse, 3 a bug in beyan.",
        "",
    ]
    runner = CliRunner()
    parts += [
        "## beyan",
        "",
        "```",
        runner.invoke(main, ["--help"], prog_name="beyan", terminal_width=100).output.rstrip(),
        "```",
        "",
    ]
    for name in sorted(main.commands):  # type: ignore[attr-defined]
        output = runner.invoke(main, [name, "--help"], prog_name="beyan", terminal_width=100).output.rstrip()
        parts += [f"## beyan {name}", "", "```", output, "```", ""]
    return "\n".join(parts)


def test_every_command_has_an_example() -> None:
    runner = CliRunner()
    for name, command in main.commands.items():  # type: ignore[attr-defined]
        assert isinstance(command, click.Command)
        output = runner.invoke(main, [name, "--help"]).output
        assert "Example:" in output and f"beyan {name}" in output, name


def test_cli_reference_is_up_to_date() -> None:
    expected = cli_reference()
    if os.environ.get("BEYAN_REGENERATE_GOLDEN") == "1":
        DOCS.write_text(expected + "\n", "utf-8")
    assert DOCS.read_text("utf-8") == expected + "\n", (
        "docs/cli.md is stale: BEYAN_REGENERATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_cli.py"
    )


def test_build_and_validate_through_the_cli(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "dist"
    result = runner.invoke(
        main, ["build", "--corpus", str(SEED_CORPUS), "--out", str(out), "--datasheet", str(tmp_path / "none.md")]
    )
    assert result.exit_code == 0, result.output
    assert "13 statements" in result.output
    result = runner.invoke(main, ["validate", str(out), str(SEED_CORPUS)])
    assert result.exit_code == 0 and "0 errors, 0 warnings" in result.output


def test_missing_input_is_exit_2_without_traceback(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["validate", str(tmp_path / "nothing-here")])
    assert result.exit_code == 2 and "no such file or folder" in result.output and "Traceback" not in result.output
    result = CliRunner().invoke(main, ["build", "--corpus", str(tmp_path)])
    assert result.exit_code == 2 and "not-a-corpus" in result.output


def test_labelstudio_config_prints_the_schema_config() -> None:
    result = CliRunner().invoke(main, ["labelstudio-config"])
    assert result.exit_code == 0 and result.output == (REPO / "schemas" / "labelstudio.xml").read_text()


@pytest.mark.parametrize("command", ["import-labelstudio", "publish"])
def test_commands_needing_input_say_so(command: str) -> None:
    result = CliRunner().invoke(main, [command] if command != "publish" else [command, "v1.0.0"])
    assert result.exit_code == 2 and "Traceback" not in result.output

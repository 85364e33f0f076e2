"""The docs cannot rot: every command and every rule id is documented (the text itself is cog-generated)."""

from __future__ import annotations

from pathlib import Path

import pytest

from nianbao.check import ALL_RULES
from nianbao.cli import cli

DOCS = Path(__file__).resolve().parents[1] / "docs"


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_commands_are_documented(command):
    assert f"## nianbao {command}\n" in (DOCS / "cli-reference.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("rule", ALL_RULES)
def test_rules_are_documented(rule):
    assert f"| `{rule}` |" in (DOCS / "rules.md").read_text(encoding="utf-8")


def test_readme_names_every_command():
    readme = (DOCS.parent / "README.md").read_text(encoding="utf-8")
    missing = [c for c in cli.commands if f"nianbao {c}" not in readme]
    assert missing == []

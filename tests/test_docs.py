"""Every setting and every CLI command is documented in the README (datasette's habit)."""

from __future__ import annotations

from pathlib import Path

from sohoa.cli import app
from sohoa.settings import Settings

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_documented() -> None:
    missing = [
        f"SOHOA_{name.upper()}"
        for name in Settings.model_fields
        if f"SOHOA_{name.upper()}" not in README
    ]
    assert missing == []


def _command_names() -> list[str]:
    import typer.main

    group = typer.main.get_command(app)
    names: list[str] = []
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        sub = getattr(command, "commands", None)
        if sub:
            names.extend(f"{name} {child}" for child in sub)
        else:
            names.append(name)
    return names


def test_every_cli_command_is_documented() -> None:
    missing = [name for name in _command_names() if f"sohoa {name}" not in README]
    assert missing == []


def test_every_setting_has_a_description() -> None:
    assert [n for n, f in Settings.model_fields.items() if not f.description] == []

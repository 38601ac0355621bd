"""`sohoa accounts …`: personal accounts of stewards and admins for the review UI.

Passwords are read from a prompt (twice) or from stdin, never from the command line (it would sit
in the shell history and the process list), and stored only as argon2 hashes. Accounts are
disabled, never deleted: review actions and audit entries keep referring to them. Disabling an
account or resetting its password ends its review sessions on the server; enabling it again
brings none of them back.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.table import Table

from sohoa.cli.common import console, fail, open_runtime

app = typer.Typer(
    help="Personal accounts for the review UI (stewards, admins): create, disable, reset.",
    no_args_is_help=True,
)

PasswordStdin = Annotated[
    bool,
    typer.Option("--password-stdin", help="Read the password from the first line of stdin."),
]


def _read_password(from_stdin: bool) -> str:
    from sohoa.auth.passwords import MIN_LENGTH

    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    if len(password) < MIN_LENGTH:
        fail(
            f"the password is too short (at least {MIN_LENGTH} characters)",
            "choose a longer passphrase",
        )
    return password


@app.command("create")
def create(
    name: Annotated[str, typer.Option("--name", help="Sign-in name, e.g. an e-mail or a login.")],
    role: Annotated[str, typer.Option("--role", help="steward or admin.")] = "steward",
    password_stdin: PasswordStdin = False,
) -> None:
    """Create a person's account; the password is prompted for twice (or read from stdin)."""
    from loaders import principals
    from loaders.errors import InvalidRecord
    from loaders.journal import audit
    from sohoa.auth.passwords import hash_password

    if role not in ("steward", "admin"):
        fail(f"unknown role {role!r}", "use --role steward or --role admin")
    name = name.strip()
    if not name:
        fail("the name is empty", "pass --name NAME")
    password = _read_password(password_stdin)
    runtime = open_runtime()
    try:
        with runtime.session() as session:
            row = principals.create_person(
                session, name=name, role=role, password_hash=hash_password(password)
            )
            audit(session, "account.created", detail={"principal": row.id, "role": role})
    except InvalidRecord as exc:
        fail(str(exc), "pick another name, or `sohoa accounts reset-password NAME`")
    console.print(f"account [bold]{name}[/] created with role {role}")


def _set_disabled(name: str, disabled: bool) -> None:
    from loaders import principals
    from loaders.errors import NotFound
    from loaders.journal import audit

    runtime = open_runtime()
    try:
        with runtime.session() as session:
            row = principals.by_name(session, name)
            if row is None or row.kind != principals.PERSON:
                raise NotFound(name)
            principals.set_disabled(session, name, disabled)
            action = "account.disabled" if disabled else "account.enabled"
            audit(session, action, detail={"principal": row.id})
    except NotFound:
        fail(f"no person account named {name!r}", "`sohoa accounts list` shows the accounts")


@app.command("disable")
def disable(name: Annotated[str, typer.Argument(help="The account's name.")]) -> None:
    """Stop an account from signing in; its open review sessions end at once, for good."""
    _set_disabled(name, True)
    console.print(f"account [bold]{name}[/] disabled; its review sessions are ended")


@app.command("enable")
def enable(name: Annotated[str, typer.Argument(help="The account's name.")]) -> None:
    """Let a disabled account sign in again (sessions from before `disable` stay ended)."""
    _set_disabled(name, False)
    console.print(f"account [bold]{name}[/] enabled; it must sign in again")


@app.command("reset-password")
def reset_password(
    name: Annotated[str, typer.Argument(help="The account's name.")],
    password_stdin: PasswordStdin = False,
) -> None:
    """Set a new password; sessions opened with the old one end."""
    from loaders import principals
    from loaders.errors import InvalidRecord, NotFound
    from loaders.journal import audit
    from sohoa.auth.passwords import hash_password

    password = _read_password(password_stdin)
    runtime = open_runtime()
    try:
        with runtime.session() as session:
            row = principals.set_password_hash(session, name, hash_password(password))
            audit(session, "account.password_reset", detail={"principal": row.id})
    except (NotFound, InvalidRecord) as exc:
        fail(str(exc), "`sohoa accounts list` shows the person accounts")
    console.print(f"password of [bold]{name}[/] reset")


@app.command("list")
def list_accounts() -> None:
    """Every person account with its role and whether it is disabled."""
    from loaders import principals

    runtime = open_runtime()
    with runtime.session() as session:
        rows = principals.list_principals(session, kind=principals.PERSON)
        table = Table("Name", "Role", "State", "Created")
        for row in rows:
            state = "disabled" if row.disabled else "active"
            table.add_row(row.name, row.role, state, row.created_at.strftime("%Y-%m-%d"))
    console.print(table)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="accounts")

"""`sohoa keys …`: API keys for downstream services (create, list, revoke).

A key is printed once and stored only as a keyed digest: lose it and you make a new one.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.table import Table

from sohoa.cli.common import console, err, fail, open_runtime

app = typer.Typer(
    help="API keys of downstream services: create, list, revoke.", no_args_is_help=True
)


class RoleChoice(StrEnum):
    reader = "reader"
    steward = "steward"
    admin = "admin"


def parse_scopes(values: list[str]) -> dict[str, list[str]]:
    """`province=79`, `doc_type=id_card` (repeatable) → {"provinces": […], "doc_types": […]}.

    Old province codes (before the 2025 merger, 2 or 3 digits) are mapped to the current one."""
    from extractors import doctypes
    from loaders.provinces import NEW_PROVINCE_CODES, province_of_code

    scopes: dict[str, list[str]] = {}
    for value in values:
        name, _, item = value.partition("=")
        name, item = name.strip().replace("-", "_"), item.strip()
        if name == "province":
            code = item if item in NEW_PROVINCE_CODES else province_of_code(item)
            if code is None:
                raise ValueError(f"unknown province code {item!r}")
            target = scopes.setdefault("provinces", [])
        elif name == "doc_type":
            if not doctypes.is_known(item) or item == doctypes.UNKNOWN:
                raise ValueError(f"unknown doc_type {item!r}")
            code = item
            target = scopes.setdefault("doc_types", [])
        else:
            raise ValueError(f"unknown scope {value!r}: use province=CODE or doc_type=TYPE")
        if code not in target:
            target.append(code)
    return scopes


@app.command("create")
def create(
    role: Annotated[RoleChoice, typer.Option(help="reader < steward < admin.")],
    name: Annotated[str, typer.Option(help="Who uses the key, e.g. the service's name.")],
    scope: Annotated[
        list[str] | None,
        typer.Option(
            help="Limit what the key sees: province=79 (old codes are mapped) or "
            "doc_type=id_card. Repeat for several; none means everything."
        ),
    ] = None,
) -> None:
    """Create an API key and print it ONCE (only a keyed digest is stored).

    Example: sohoa keys create --role reader --name cong-dich-vu-cong --scope province=79
    """
    from loaders import principals
    from loaders.errors import InvalidRecord
    from sohoa.auth import apikeys

    try:
        scopes = parse_scopes(scope or [])
    except ValueError as exc:
        fail(str(exc), "e.g. --scope province=79 --scope doc_type=id_card")
    runtime = open_runtime()
    new = apikeys.generate(runtime.settings.effective_secret_key())
    try:
        with runtime.session() as session:
            principals.create_service(
                session,
                name=name,
                role=role.value,
                key_prefix=new.prefix,
                key_digest=new.digest,
                scopes=scopes,
            )
    except InvalidRecord as exc:
        fail(str(exc), "choose another --name, or revoke the old key first")
    console.print(new.key, markup=False, highlight=False, soft_wrap=True)
    err.print(
        f"[yellow]API key for {name} ({role.value}). It is not stored and will not be shown "
        "again: copy it now.[/]",
        highlight=False,
    )


def _scopes_text(scopes: dict[str, Any]) -> str:
    parts = [f"province={p}" for p in scopes.get("provinces") or []]
    parts += [f"doc_type={t}" for t in scopes.get("doc_types") or []]
    return " ".join(parts) or "(all)"


@app.command("list")
def list_keys() -> None:
    """List API keys: prefix, name, role, scopes, created, revoked (never the key or digest)."""
    from loaders import principals

    runtime = open_runtime()
    with runtime.session() as session:
        rows = principals.list_principals(session, kind=principals.SERVICE)
    table = Table("Prefix", "Name", "Role", "Scopes", "Created", "Revoked")
    for row in rows:
        table.add_row(
            row.key_prefix or "",
            row.name,
            row.role,
            _scopes_text(row.scopes or {}),
            row.created_at.strftime("%Y-%m-%d %H:%M"),
            row.revoked_at.strftime("%Y-%m-%d %H:%M") if row.revoked_at else "",
        )
    console.print(table)


@app.command("revoke")
def revoke(name: Annotated[str, typer.Argument(help="The key's name.")]) -> None:
    """Revoke a key: it stops working at once (its audit entries stay)."""
    from loaders import principals
    from loaders.errors import NotFound

    runtime = open_runtime()
    try:
        with runtime.session() as session:
            row = principals.by_name(session, name)
            if row is None or row.kind != principals.SERVICE:
                raise NotFound(name)
            principals.revoke(session, name)
    except NotFound:
        fail(f"no API key named {name!r}", "see `sohoa keys list`")
    console.print(f"key {name!r} revoked")


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="keys")

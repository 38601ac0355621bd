"""Each subject a document names fills its own slot: a land certificate's second owner becomes
`co_owner`, an application form's person `applicant`.

Before this, both owners of a land certificate were linked as `owner`, and the profile of the
first owner read the co-owner's ID number and name (the two references' field mappings were
merged by role). The document types now declare their slots (`extractors.declaration`); this
migration brings stored data in line:

- stored extractions: a land certificate's reference that maps `co_owner_*` fields gets role
  `co_owner`; an application form's `holder` reference becomes `applicant`;
- subject links and identity candidates: on a land certificate, the `owner` link of the person
  whose ID number (or CMND alias) or name is the co-owner's becomes `co_owner`; on an application
  form, `holder` becomes `applicant`.

Revision ID: 0004_subject_slots
Revises: 0003_bulk_load_storage
Create Date: 2026-12-07
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0004_subject_slots"
down_revision = "0003_bulk_load_storage"
branch_labels = None
depends_on = None

LAND = "land_use_certificate"
FORM = "application_form"

documents = sa.table("documents", sa.column("id"), sa.column("doc_type"))
versions = sa.table(
    "extraction_versions",
    sa.column("id"),
    sa.column("document_id"),
    sa.column("extraction", sa.JSON),
)
links = sa.table("document_subjects", sa.column("document_id"), sa.column("subject_id"),
                 sa.column("role"))  # fmt: skip
candidates = sa.table("identity_candidates", sa.column("document_id"),
                      sa.column("subject_id"), sa.column("role"))  # fmt: skip
subjects = sa.table("subjects", sa.column("id"), sa.column("kind"), sa.column("key"),
                    sa.column("name"))  # fmt: skip
aliases = sa.table("subject_aliases", sa.column("subject_id"), sa.column("kind"),
                   sa.column("value"))  # fmt: skip
fields = sa.table("field_values", sa.column("document_id"), sa.column("name"),
                  sa.column("value"))  # fmt: skip


def _renamed(doc_type: str, ref: dict[str, Any], *, up: bool) -> str | None:
    """The new role of a stored reference, or None when it keeps its role."""
    role = ref.get("role")
    mapped = (ref.get("fields") or {}).values()
    if doc_type == LAND:
        second = any(str(name).startswith("co_owner_") for name in mapped)
        if up and role == "owner" and second:
            return "co_owner"
        if not up and role == "co_owner":
            return "owner"
    if doc_type == FORM:
        if up and role == "holder":
            return "applicant"
        if not up and role == "applicant":
            return "holder"
    return None


def _rewrite_extractions(bind: sa.engine.Connection, *, up: bool) -> None:
    rows = bind.execute(
        sa.select(versions.c.id, versions.c.extraction, documents.c.doc_type)
        .join(documents, documents.c.id == versions.c.document_id)
        .where(documents.c.doc_type.in_((LAND, FORM)))
    ).all()
    for version_id, extraction, doc_type in rows:
        data = json.loads(extraction) if isinstance(extraction, str) else extraction
        if not isinstance(data, dict):
            continue
        changed = False
        for ref in data.get("subjects", ()):
            new = _renamed(doc_type, ref, up=up)
            if new is not None:
                ref["role"], changed = new, True
        if changed:
            bind.execute(
                versions.update().where(versions.c.id == version_id).values(extraction=data)
            )


def _co_owner_subjects(bind: sa.engine.Connection, document_id: int) -> set[int]:
    values = dict(
        bind.execute(
            sa.select(fields.c.name, fields.c.value).where(
                fields.c.document_id == document_id,
                fields.c.name.in_(("co_owner_id_number", "co_owner_cmnd_number",
                                   "co_owner_full_name")),
            )
        ).all()
    )  # fmt: skip
    found: set[int] = set()
    if values.get("co_owner_id_number"):
        found |= set(
            bind.scalars(
                sa.select(subjects.c.id).where(
                    subjects.c.kind == "person", subjects.c.key == values["co_owner_id_number"]
                )
            )
        )
    if values.get("co_owner_cmnd_number"):
        found |= set(
            bind.scalars(
                sa.select(aliases.c.subject_id).where(
                    aliases.c.value == values["co_owner_cmnd_number"]
                )
            )
        )
    if not found and values.get("co_owner_full_name"):
        found |= set(
            bind.scalars(
                sa.select(subjects.c.id).where(subjects.c.name == values["co_owner_full_name"])
            )
        )
    return found


def upgrade() -> None:
    bind = op.get_bind()
    _rewrite_extractions(bind, up=True)
    forms = sa.select(documents.c.id).where(documents.c.doc_type == FORM).scalar_subquery()
    for table in (links, candidates):
        bind.execute(
            table.update()
            .where(table.c.role == "holder", table.c.document_id.in_(forms))
            .values(role="applicant")
        )
    land_ids = bind.scalars(sa.select(documents.c.id).where(documents.c.doc_type == LAND)).all()
    for document_id in land_ids:
        second = _co_owner_subjects(bind, document_id)
        if not second:
            continue
        for table in (links, candidates):
            bind.execute(
                table.update()
                .where(
                    table.c.document_id == document_id,
                    table.c.role == "owner",
                    table.c.subject_id.in_(second),
                )
                .values(role="co_owner")
            )


def downgrade() -> None:
    bind = op.get_bind()
    _rewrite_extractions(bind, up=False)
    for table in (links, candidates):
        bind.execute(table.update().where(table.c.role == "co_owner").values(role="owner"))
        bind.execute(table.update().where(table.c.role == "applicant").values(role="holder"))

"""The warehouse tables as SQLAlchemy 2 declarative models, portable across SQLite and PostgreSQL.

The schema itself is created by the Alembic migrations in `loaders/migrations/` (which also add
what the ORM cannot express: the append-only triggers on `audit_log`, the PostgreSQL `txid`
default on `change_events`). These models must match them.

Status vocabularies are plain strings held in the `*Status` classes below, so the API and the
review UI can import the same constants.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    FetchedValue,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the warehouse; use datetime.now(UTC)")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


JSONType = JSON().with_variant(JSONB(), "postgresql")


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_public_id() -> str:
    """An opaque, unguessable id to show outside the warehouse (audit entries, API, feed)."""
    return uuid.uuid4().hex


class SubjectKind:
    PERSON = "person"
    ORGANIZATION = "organization"


class DocumentStatus:
    NEEDS_REVIEW = "needs_review"
    VERIFIED = "verified"
    REJECTED = "rejected"


class FieldStatus:
    PENDING = "pending"
    AUTO_VERIFIED = "auto_verified"  # machine confidence at or above the configured threshold
    ACCEPTED = "accepted"  # a steward confirmed the machine value
    CORRECTED = "corrected"  # a steward replaced the machine value
    REJECTED = "rejected"  # a steward decided the value is unusable (not on the page / unreadable)

    # A steward's decision: never overwritten by a machine extraction.
    STEWARD = frozenset({ACCEPTED, CORRECTED, REJECTED})
    # A field in one of these states does not hold a document back from `verified`.
    SETTLED = frozenset({AUTO_VERIFIED, ACCEPTED, CORRECTED, REJECTED})


class ConflictStatus:
    OPEN = "open"
    RESOLVED = "resolved"


class CandidateStatus:
    OPEN = "open"
    LINKED = "linked"
    KEPT_SEPARATE = "kept_separate"


class FileStatus:
    REGISTERED = "registered"
    PROCESSED = "processed"
    LOADED = "loaded"
    QUARANTINED = "quarantined"
    # A person dropped a quarantined file (`sohoa quarantine release`): it will not become a
    # document, and re-runs of the batch leave it alone.
    RELEASED = "released"
    # Listed, but nothing to read (a link pointing outside the folder, a file gone before it was
    # read: no sha256), or a file naming only erased people (never read again). With a reason.
    SKIPPED = "skipped"


class EventKind:
    VERIFIED = "document.verified"  # became visible to downstream readers
    CORRECTED = "document.corrected"  # a visible document's value changed
    REOPENED = "document.reopened"  # was verified, needs review again (re-extraction)
    REJECTED = "document.rejected"  # was verified, a steward rejected it
    EXPIRED = "document.expired"  # written by the daily validity job
    IDENTITY_UNLINKED = "identity.unlinked"  # a document no longer belongs to a subject
    # A subject's personal data was erased (Decree 13/2023): delete copies. One event for the
    # subject (no document) and one per document of theirs, ids only.
    SUBJECT_ERASED = "subject.erased"


class Base(DeclarativeBase):
    type_annotation_map = {  # noqa: RUF012 (SQLAlchemy reads it as a class attribute)
        datetime: UTCDateTime(),
        dict[str, Any]: JSONType,
        list[Any]: JSONType,
    }


class Subject(Base):
    """A person (key: 12-digit personal ID) or an organization (key: enterprise code).

    `name` and `birth_date` are matching hints (latest seen), used only to propose identity
    candidates; a subject's profile is read from its verified documents. Erasure blanks them and
    sets `erased_at`; `public_id` survives, so audit entries still make sense.
    """

    __tablename__ = "subjects"
    __table_args__ = (
        UniqueConstraint("kind", "key", name="uq_subjects_kind_key"),
        # people born on a date: the name + birth-date identity rule (migration 0003)
        Index("ix_subjects_kind_birth_date", "kind", "birth_date"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    kind: Mapped[str] = mapped_column(String(16))
    key: Mapped[str | None] = mapped_column(String(32))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("subjects.id"), index=True)
    province_code: Mapped[str | None] = mapped_column(String(2), index=True)
    name: Mapped[str | None] = mapped_column(Text)
    birth_date: Mapped[date | None] = mapped_column(Date)
    erased_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class SubjectAlias(Base):
    """Another number that names the same subject, e.g. an old 9-digit CMND."""

    __tablename__ = "subject_aliases"
    __table_args__ = (UniqueConstraint("kind", "value", name="uq_subject_aliases_kind_value"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subjects.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    value: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Document(Base):
    """One file (by sha256) and the current state of what it says."""

    __tablename__ = "documents"
    __table_args__ = (
        Index("ix_documents_admin_key", "issuer", "number_symbol", "issued_on"),
        Index("ix_documents_status_type", "status", "doc_type"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    doc_type: Mapped[str] = mapped_column(String(32))
    attributes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(16), default=DocumentStatus.NEEDS_REVIEW)
    page_count: Mapped[int] = mapped_column(default=0)
    media_type: Mapped[str] = mapped_column(String(128), default="")
    size: Mapped[int] = mapped_column(BigInteger, default=0)
    issuer: Mapped[str | None] = mapped_column(Text)
    number_symbol: Mapped[str | None] = mapped_column(Text)
    issued_on: Mapped[date | None] = mapped_column(Date)
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date, index=True)
    province_code: Mapped[str | None] = mapped_column(String(2), index=True)
    # sha256 of the type and key fields: equal keys on two files make a duplicate candidate.
    dedup_key: Mapped[str | None] = mapped_column(String(64), index=True)
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    current_version: Mapped[int] = mapped_column(default=0)
    lock_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __mapper_args__ = {"version_id_col": lock_version}  # noqa: RUF012


class DocumentSubject(Base):
    __tablename__ = "document_subjects"
    __table_args__ = (
        UniqueConstraint("document_id", "subject_id", "role", name="uq_document_subjects"),
        Index("ix_document_subjects_subject_document", "subject_id", "document_id"),
    )

    # No single-column indexes: `document_id` leads the unique constraint, `subject_id` the
    # (subject_id, document_id) index (migration 0003 dropped the two redundant ones).
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    subject_id: Mapped[int] = mapped_column(ForeignKey("subjects.id"))
    role: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ExtractionVersion(Base):
    """Every distinct extraction a document received, kept whole (history, provenance)."""

    __tablename__ = "extraction_versions"
    __table_args__ = (
        UniqueConstraint("document_id", "version", name="uq_extraction_versions_doc_version"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    version: Mapped[int]
    extractor_version: Mapped[str] = mapped_column(String(255), default="")
    options_fingerprint: Mapped[str] = mapped_column(String(128), default="")
    content_digest: Mapped[str] = mapped_column(String(64))
    doc_type: Mapped[str] = mapped_column(String(32))
    type_confidence: Mapped[float] = mapped_column(Float, default=0.0)
    findings: Mapped[list[Any]] = mapped_column(default=list)
    # `json`, not `jsonb`, on PostgreSQL too: kept whole and read whole, and writing text is far
    # cheaper than building jsonb (migration 0003).
    extraction: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class FieldValue(Base):
    """The current value of one field of a document, its evidence and its review state."""

    __tablename__ = "field_values"
    __table_args__ = (UniqueConstraint("document_id", "name", name="uq_field_values_doc_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    name: Mapped[str] = mapped_column(String(64))
    value: Mapped[str] = mapped_column(Text, default="")
    raw: Mapped[str] = mapped_column(Text, default="")
    confidence: Mapped[float] = mapped_column(Float, default=0.0)
    page: Mapped[int | None]
    box: Mapped[list[Any] | None]
    findings: Mapped[list[Any]] = mapped_column(default=list)
    status: Mapped[str] = mapped_column(String(16), default=FieldStatus.PENDING)
    machine_value: Mapped[str | None] = mapped_column(Text)
    extraction_version: Mapped[int] = mapped_column(default=0)
    verified_by: Mapped[int | None] = mapped_column(ForeignKey("principals.id"))
    verified_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class FieldConflict(Base):
    """A machine extraction disagreed with a steward's value; a steward decides."""

    __tablename__ = "field_conflicts"
    __table_args__ = (Index("ix_field_conflicts_doc_status", "document_id", "status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    field_name: Mapped[str] = mapped_column(String(64))
    verified_value: Mapped[str] = mapped_column(Text)
    machine_value: Mapped[str] = mapped_column(Text)
    extraction_version: Mapped[int]
    status: Mapped[str] = mapped_column(String(16), default=ConflictStatus.OPEN)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]


class IdentityCandidate(Base):
    """A document's role may belong to an existing subject on weaker evidence than a key."""

    __tablename__ = "identity_candidates"
    __table_args__ = (
        UniqueConstraint("document_id", "role", "subject_id", name="uq_identity_candidates"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    role: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[int] = mapped_column(ForeignKey("subjects.id"), index=True)
    evidence: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=CandidateStatus.OPEN)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]


class Batch(Base):
    __tablename__ = "batches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    source: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class BatchRun(Base):
    __tablename__ = "batch_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batches.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    counts: Mapped[dict[str, Any]] = mapped_column(default=dict)


class BatchFile(Base):
    """A file as a batch listed it. The same sha256 in two batches is two rows, one document."""

    __tablename__ = "batch_files"
    __table_args__ = (
        UniqueConstraint("batch_id", "sha256", name="uq_batch_files_batch_sha256"),
        Index("ix_batch_files_batch_chunk", "batch_id", "chunk"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batches.id"))
    # NULL for an entry with no content to hash (status `skipped`, migration 0005).
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    original_name: Mapped[str] = mapped_column(Text, default="")
    size: Mapped[int] = mapped_column(BigInteger, default=0)
    media_type: Mapped[str] = mapped_column(String(128), default="")
    manifest: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(16), default=FileStatus.REGISTERED)
    reason_code: Mapped[str | None] = mapped_column(String(64))
    reason_message: Mapped[str | None] = mapped_column(Text)
    chunk: Mapped[int | None]
    run_id: Mapped[int | None] = mapped_column(ForeignKey("batch_runs.id"))
    stats: Mapped[dict[str, Any]] = mapped_column(default=dict)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Principal(Base):
    """Who acts: a person (password, argon2) or a service (API key: prefix + keyed SHA-256)."""

    __tablename__ = "principals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # person | service
    name: Mapped[str] = mapped_column(String(255), unique=True)
    role: Mapped[str] = mapped_column(String(16))  # reader | steward | admin
    password_hash: Mapped[str | None] = mapped_column(Text)
    key_prefix: Mapped[str | None] = mapped_column(String(32), unique=True)
    key_digest: Mapped[str | None] = mapped_column(String(128))
    scopes: Mapped[dict[str, Any]] = mapped_column(
        default=dict
    )  # {"provinces": [], "doc_types": []}
    disabled: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]


class ReviewSessionRecord(Base):
    """A review UI sign-in the server still honours. The cookie carries a random token; this row
    keeps only its SHA-256, so a leaked table opens no session. Deleted on sign-out, and for every
    session of an account that is disabled or gets a new password (`loaders.principals`)."""

    __tablename__ = "review_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # SHA-256 hex of the token
    principal_id: Mapped[int] = mapped_column(ForeignKey("principals.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]


class SignInAttempts(Base):
    """Recent sign-in attempts of one account name or one client address, shared by every
    server process. `key` is a keyed digest: neither typed names nor addresses are kept."""

    __tablename__ = "sign_in_attempts"
    __table_args__ = (Index("ix_sign_in_attempts_last_at", "last_at"),)

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    attempts: Mapped[int] = mapped_column(Integer)  # since the last quiet spell or success
    last_at: Mapped[datetime]
    blocked_until: Mapped[datetime | None]


class ReviewAction(Base):
    """What a steward did to a document, with the before and after, for history and undo."""

    __tablename__ = "review_actions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    field_name: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    reason: Mapped[str] = mapped_column(Text, default="")
    principal_id: Mapped[int | None] = mapped_column(ForeignKey("principals.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditEntry(Base):
    """Append-only (database triggers refuse UPDATE and DELETE). Subjects by opaque public id."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_subject_at", "subject_public_id", "at"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    principal_id: Mapped[int | None] = mapped_column(Integer)  # no FK: survives principal removal
    action: Mapped[str] = mapped_column(String(64))
    subject_public_id: Mapped[str | None] = mapped_column(String(32))
    document_id: Mapped[int | None] = mapped_column(Integer)
    purpose: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)


TXID_COMMENT = "id of the writing transaction; feed readers hold back rows of open ones"


class ChangeEvent(Base):
    """The change feed downstream systems follow by id cursor.

    On PostgreSQL `txid` is filled by the server with the writing transaction's id, so a feed
    reader can hold back rows newer than the oldest transaction still in flight (ids are assigned
    before commit, so a smaller id may become visible after a larger one). NULL on SQLite, where
    writers are serialized and the problem does not arise.
    """

    __tablename__ = "change_events"
    __table_args__ = (Index("ix_change_events_txid_id", "txid", "id"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    kind: Mapped[str] = mapped_column(String(64))
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"), index=True)
    subject_public_id: Mapped[str | None] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    txid: Mapped[int | None] = mapped_column(
        BigInteger, server_default=FetchedValue(), comment=TXID_COMMENT
    )


class Procedure(Base):
    """An administrative procedure (thủ tục hành chính) of the national catalogue."""

    __tablename__ = "procedures"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(Text)


class ProcedureRequirement(Base):
    __tablename__ = "procedure_requirements"
    __table_args__ = (
        UniqueConstraint("procedure_code", "doc_type", name="uq_procedure_requirements"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    procedure_code: Mapped[str] = mapped_column(ForeignKey("procedures.code"))
    doc_type: Mapped[str] = mapped_column(String(32))
    note: Mapped[str] = mapped_column(Text, default="")

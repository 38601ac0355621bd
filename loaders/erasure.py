"""Erasing a person's data from the warehouse (Decree 13/2023/NĐ-CP on personal data protection).

docs/DESIGN.md ("Warehouse rules"): erasure replaces the values with a tombstone; audit entries
refer to subjects by an opaque id, so they survive it. What `erase_subject` does, in the caller's
single transaction (it flushes; the caller commits, so a failure leaves nothing half-erased):

- **The subject** keeps its row and `public_id` (audit entries and the change feed point at it), and
  loses everything personal: `key` becomes NULL (the unique constraint allows many NULLs; a number
  kept in any form, even hashed — a 12-digit ID is easily brute-forced — would still identify the
  person), `name`, `birth_date`, `province_code` (it comes from the ID number) are cleared,
  `erased_at` is set and the aliases (old CMND numbers) are deleted. A lookup by the old number then
  finds nothing: the API answers 404 `subject_not_found`, the same as for a number never on file,
  because answering "erased" would itself tell the caller the person was once here. The subject's
  documents answer 410 `subject_erased` (`loaders.queries.erased_subject_of`).
- **Documents only about them** (every subject link points at them) keep their row as a tombstone:
  every field's value, raw text and machine value become `TOMBSTONE` (field status `rejected`, so
  nothing serves or reviews them), the document becomes `rejected` (out of the review queue, never
  served, and `sohoa.pipeline.erasure` deletes its original and derived objects), its validity and
  duplicate key are cleared, and the link to the erased subject stays so readers get 410.
- **Documents shared with other subjects** (a birth certificate naming mother and father, a land
  certificate with a co-owner, an enterprise registration naming the person as legal
  representative) keep the other subjects' data. Only the erased subject's fields are tombstoned:
  the fields their `SubjectRef` maps, the fields sharing that mapping's prefix (`mother_…`,
  `legal_representative_…`), for a describing role with unprefixed fields (holder, child, owner)
  the person's profile fields (sex, nationality, place of birth …), and any other field whose text
  contains one of their identifying values. Those fields become `rejected` tombstones (not served),
  the link to the erased subject is removed, the document's status is recomputed, and a verified
  one gets a `document.corrected` event so downstream systems fetch it again.
- **Everything that copies values** is scrubbed for those documents: all extraction versions (the
  full extraction JSON and its findings), field findings, field conflicts (closed), review actions
  (before/after values, reason text), and the batch files' original names and manifest rows.
- **Identity candidates** that propose the erased subject are deleted (a row saying "this document
  may be this person" is personal data, and nobody can be linked to a tombstone); open candidates
  on their documents' roles are closed as kept separate.
- **Change feed**: one `subject.erased` event for the subject and one per affected document (ids
  only), so downstream systems delete their copies.
- **Audit log** is not touched (append-only); one new `subject.erase` entry records who, why, the
  counts and the affected document ids (ids are not personal data), which also lets a repeated
  erasure by public id finish the store clean-up after a crash.

Not covered here: the original scans of shared documents (kept: the other subjects rely on them,
see `sohoa.pipeline.erasure`), and mentions of the person in documents not linked to them (a
declarant, a signer) that no identifying value of theirs matches.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, aliased

from extractors import doctypes
from extractors.declaration import DOCUMENT
from extractors.records import SubjectRef
from loaders.db import translate_db_errors
from loaders.derived import refresh_derived
from loaders.errors import InvalidRecord, NotFound
from loaders.identity import link_subjects
from loaders.journal import audit, emit
from loaders.keys import ALIAS_CMND, cmnd_number, enterprise_code, personal_id
from loaders.models import (
    AuditEntry,
    Batch,
    BatchFile,
    CandidateStatus,
    ChangeEvent,
    ConflictStatus,
    Document,
    DocumentStatus,
    DocumentSubject,
    EventKind,
    ExtractionVersion,
    FieldConflict,
    FieldStatus,
    IdentityCandidate,
    ReviewAction,
    Subject,
    SubjectAlias,
    SubjectKind,
)
from loaders.verification import document_fields, settle_status

TOMBSTONE = "[đã xóa]"
AUDIT_ACTION = "subject.erase"
_PUBLIC_ID = re.compile(r"[0-9a-f]{32}")
# Roles in which a document describes the person themself: their unprefixed profile fields go too.
_DESCRIBING_ROLES = frozenset({"holder", "child", "owner"})
_PERSON_PROFILE_FIELDS = (
    "sex",
    "nationality",
    "ethnicity",
    "place_of_birth",
    "place_of_origin",
    "place_of_residence",
)
# Subject attributes whose values identify the person: they are scrubbed from every text of
# their documents (not `sex` or `nationality`, shared by millions and by the other subjects).
_IDENTIFYING_ATTRIBUTES = ("id_number", "cmnd_number", "full_name", "date_of_birth")
_MIN_SCRUB_LENGTH = 4  # shorter strings (a given name alone) would blank unrelated text


@dataclass(frozen=True)
class ErasedDocument:
    id: int
    sha256: str
    shared: bool  # other subjects still rely on it: only the erased subject's fields went
    fields: int  # fields tombstoned


@dataclass(frozen=True)
class ErasureResult:
    """What an erasure changed: counts and ids only (safe to print and to log)."""

    public_id: str
    already_erased: bool  # erased earlier: nothing changed now (documents listed for the store)
    documents: tuple[ErasedDocument, ...] = ()
    fields_tombstoned: int = 0
    versions_scrubbed: int = 0
    conflicts_closed: int = 0
    candidates_closed: int = 0
    aliases_removed: int = 0
    review_actions_scrubbed: int = 0
    batch_files_scrubbed: int = 0
    events: int = 0

    @property
    def owned_sha256s(self) -> list[str]:
        """Files only about the erased subject: nothing in them is anyone else's."""
        return [d.sha256 for d in self.documents if not d.shared]

    @property
    def shared_sha256s(self) -> list[str]:
        return [d.sha256 for d in self.documents if d.shared]

    def counts(self) -> dict[str, int]:
        return {
            "documents": sum(1 for d in self.documents if not d.shared),
            "shared_documents": sum(1 for d in self.documents if d.shared),
            "fields_tombstoned": self.fields_tombstoned,
            "versions_scrubbed": self.versions_scrubbed,
            "conflicts_closed": self.conflicts_closed,
            "candidates_closed": self.candidates_closed,
            "aliases_removed": self.aliases_removed,
            "review_actions_scrubbed": self.review_actions_scrubbed,
            "batch_files_scrubbed": self.batch_files_scrubbed,
            "events": self.events,
        }


@translate_db_errors()
def find_person(session: Session, key_or_public_id: str) -> Subject:
    """The person named by a 12-digit ID, an old 9-digit CMND or a public id (erased or not).

    Organizations are refused: the decree protects natural persons' data, and an enterprise's
    registration is public record that other procedures rely on."""
    text = key_or_public_id.strip()
    subject: Subject | None = None
    if _PUBLIC_ID.fullmatch(text):
        subject = session.scalars(select(Subject).where(Subject.public_id == text)).first()
    elif (key := personal_id(text)) is not None:
        subject = session.scalars(
            select(Subject).where(Subject.kind == SubjectKind.PERSON, Subject.key == key)
        ).first()
    elif (cmnd := cmnd_number(text)) is not None:
        subject = session.scalars(
            select(Subject)
            .join(SubjectAlias, SubjectAlias.subject_id == Subject.id)
            .where(SubjectAlias.kind == ALIAS_CMND, SubjectAlias.value == cmnd)
        ).first()
    elif enterprise_code(text) is not None:
        raise InvalidRecord("an enterprise code names an organization: only persons are erased")
    else:
        raise InvalidRecord("give a 12-digit personal ID, a 9-digit CMND or a subject public id")
    if subject is None:
        raise NotFound("no person with this number or public id")
    if subject.kind != SubjectKind.PERSON:
        raise InvalidRecord("this subject is an organization: only persons are erased")
    return subject


@translate_db_errors()
def erase_subject(
    session: Session, *, key_or_public_id: str, principal_id: int | None, reason: str
) -> ErasureResult:
    """Replace a person's data with tombstones everywhere in the warehouse but the audit log.

    See the module docstring for what is erased and what is kept. Flushes; the caller commits
    (one transaction). Erasing an already erased subject changes nothing and returns the
    documents the first erasure touched, so the store clean-up can be finished."""
    if not reason.strip():
        raise InvalidRecord("an erasure needs a reason (it is kept in the audit log)")
    subject = find_person(session, key_or_public_id)
    session.refresh(subject, with_for_update=True)  # serialize with a concurrent erasure/load
    if subject.erased_at is not None:
        return _earlier_erasure(session, subject)
    return _Erasure(session, subject, principal_id).run(reason.strip())


def _earlier_erasure(session: Session, subject: Subject) -> ErasureResult:
    entry = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.action == AUDIT_ACTION, AuditEntry.subject_public_id == subject.public_id)
        .order_by(AuditEntry.id.desc())
        .limit(1)
    ).first()
    detail = entry.detail if entry is not None else {}
    owned, shared = detail.get("document_ids", []), detail.get("shared_document_ids", [])
    rows = session.execute(
        select(Document.id, Document.sha256).where(Document.id.in_([*owned, *shared]))
    ).all()
    return ErasureResult(
        public_id=subject.public_id,
        already_erased=True,
        documents=tuple(ErasedDocument(i, s, i in shared, 0) for i, s in sorted(rows)),
    )


class _Scrubber:
    """Replaces a person's identifying strings (case-insensitive, NFC) inside text and JSON."""

    def __init__(self, strings: Iterable[str]) -> None:
        wanted = {unicodedata.normalize("NFC", s).strip() for s in strings if s and s != TOMBSTONE}
        wanted = {s for s in wanted if len(s) >= _MIN_SCRUB_LENGTH}
        ordered = sorted(wanted, key=len, reverse=True)  # longest first: no partial leftovers
        self._pattern = (
            re.compile("|".join(re.escape(s) for s in ordered), re.IGNORECASE) if ordered else None
        )

    def found_in(self, text: str | None) -> bool:
        return bool(text and self._pattern and self._pattern.search(_nfc(text)))

    def text(self, text: str) -> str:
        if not text or self._pattern is None:
            return text
        return self._pattern.sub(TOMBSTONE, _nfc(text))

    def tree(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.tree(v) for v in value]
        if isinstance(value, dict):
            return {k: self.tree(v) for k, v in value.items()}
        return value


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _date_forms(day: date | None) -> list[str]:
    if day is None:
        return []
    d, m, y = f"{day.day:02d}", f"{day.month:02d}", f"{day.year:04d}"
    return [day.isoformat(), f"{d}/{m}/{y}", f"{d}-{m}-{y}", f"{d}.{m}.{y}"]


def _value_forms(value: str | None) -> list[str]:
    """A value as stored and as it may be printed elsewhere (an ISO date also as dd/mm/yyyy)."""
    if not value:
        return []
    forms = [value]
    with contextlib.suppress(ValueError):
        forms += _date_forms(date.fromisoformat(value.strip()))
    return forms


@dataclass
class _Plan:
    """What happens to one document: which fields go, and whether others keep it."""

    document: Document
    shared: bool
    roles: set[str]
    refs: list[SubjectRef]  # the latest extraction's subject references
    erased_refs: list[SubjectRef] = field(default_factory=list)
    erased_fields: set[str] = field(default_factory=set)


class _Erasure:
    def __init__(self, session: Session, subject: Subject, principal_id: int | None) -> None:
        self.session = session
        self.subject = subject
        self.principal_id = principal_id
        self.now = datetime.now(UTC)
        self.counts: dict[str, int] = dict.fromkeys(
            (
                "fields_tombstoned",
                "versions_scrubbed",
                "conflicts_closed",
                "candidates_closed",
                "aliases_removed",
                "review_actions_scrubbed",
                "batch_files_scrubbed",
                "events",
            ),
            0,
        )

    def run(self, reason: str) -> ErasureResult:
        plans = self._plans()
        scrubber = self._scrubber(plans)
        for plan in plans:
            fields = document_fields(self.session, plan.document.id)
            if plan.shared:  # a field whose text names them is theirs too (a declarant …)
                plan.erased_fields |= {
                    f.name
                    for f in fields
                    if any(scrubber.found_in(t) for t in (f.value, f.raw, f.machine_value))
                }
            else:
                plan.erased_fields = {f.name for f in fields}
        self._close_candidates(plans)
        documents = [self._erase_document(plan, scrubber) for plan in plans]
        self._erase_subject_row()
        # Their events keep no date: a CCCD's expiry is a birthday (issue 14).
        scrub_event_dates(self.session, [self.subject.public_id])
        self.session.add(
            ChangeEvent(
                kind=EventKind.SUBJECT_ERASED,
                subject_public_id=self.subject.public_id,
                payload={"documents": len(documents)},
            )
        )
        self.counts["events"] += 1
        result = ErasureResult(
            public_id=self.subject.public_id,
            already_erased=False,
            documents=tuple(documents),
            **self.counts,
        )
        audit(
            self.session,
            AUDIT_ACTION,
            subject_public_id=self.subject.public_id,
            principal_id=self.principal_id,
            detail={
                "reason": reason,
                "document_ids": [d.id for d in documents if not d.shared],
                "shared_document_ids": [d.id for d in documents if d.shared],
                **result.counts(),
            },
        )
        self.session.flush()
        return result

    # -- what to erase ---------------------------------------------------------------------

    def _plans(self) -> list[_Plan]:
        links = self.session.execute(
            select(DocumentSubject.document_id, DocumentSubject.role)
            .where(DocumentSubject.subject_id == self.subject.id)
            .order_by(DocumentSubject.document_id)
        ).all()
        roles: dict[int, set[str]] = {}
        for document_id, role in links:
            roles.setdefault(document_id, set()).add(role)
        plans = []
        for document_id, its_roles in roles.items():
            document = self.session.get_one(Document, document_id)
            others = self.session.scalar(
                select(DocumentSubject.id)
                .where(
                    DocumentSubject.document_id == document_id,
                    DocumentSubject.subject_id != self.subject.id,
                )
                .limit(1)
            )
            plans.append(_Plan(document, others is not None, its_roles, self._refs(document)))
        for plan in plans:
            if plan.shared:
                plan.erased_refs = self._their_refs(plan)
                present = [f.name for f in document_fields(self.session, plan.document.id)]
                plan.erased_fields = _fields_of(
                    plan.document.doc_type, plan.erased_refs, plan.refs, present
                )
            else:
                plan.erased_refs = [r for r in plan.refs if r.role.value in plan.roles]
        return plans

    def _refs(self, document: Document) -> list[SubjectRef]:
        data = self.session.scalar(
            select(ExtractionVersion.extraction).where(
                ExtractionVersion.document_id == document.id,
                ExtractionVersion.version == document.current_version,
            )
        )
        return [SubjectRef.from_dict(s) for s in (data or {}).get("subjects", ())]

    def _their_refs(self, plan: _Plan) -> list[SubjectRef]:
        """The references in the erased subject's roles; where a role has several (owner and
        co-owner), the ones whose key or name is theirs — all of them when none matches, since
        leaving their data behind is the worse mistake."""
        values = {
            f.name: f.value for f in document_fields(self.session, plan.document.id) if f.value
        }
        aliases = set(
            self.session.scalars(
                select(SubjectAlias.value).where(SubjectAlias.subject_id == self.subject.id)
            )
        )
        chosen: list[SubjectRef] = []
        for role in plan.roles:
            candidates = [r for r in plan.refs if r.role.value == role]
            matching = [r for r in candidates if self._names_them(r, values, aliases)]
            chosen += matching or candidates
        return chosen

    def _names_them(self, ref: SubjectRef, values: Mapping[str, str], aliases: set[str]) -> bool:
        def value(attr: str) -> str | None:
            name = ref.fields.get(attr)
            return values.get(name) if name else None

        if self.subject.key and personal_id(value("id_number")) == self.subject.key:
            return True
        cmnd = cmnd_number(value("cmnd_number")) or cmnd_number(value("id_number"))
        if cmnd and cmnd in aliases:
            return True
        name = value("full_name")
        return bool(name and self.subject.name and _same_text(name, self.subject.name))

    def _scrubber(self, plans: Sequence[_Plan]) -> _Scrubber:
        subject = self.subject
        strings: list[str] = [
            subject.key or "",
            subject.name or "",
            *_date_forms(subject.birth_date),
        ]
        strings += self.session.scalars(
            select(SubjectAlias.value).where(SubjectAlias.subject_id == subject.id)
        )
        for plan in plans:
            by_name = {f.name: f for f in document_fields(self.session, plan.document.id)}
            for ref in plan.erased_refs:
                for attr in _IDENTIFYING_ATTRIBUTES:
                    row = by_name.get(ref.fields.get(attr, ""))
                    if row is not None:
                        for text in (row.value, row.raw, row.machine_value):
                            strings += _value_forms(text)
        return _Scrubber(strings)

    # -- erasing ---------------------------------------------------------------------------

    def _close_candidates(self, plans: Sequence[_Plan]) -> None:
        proposed = self.session.execute(
            delete(IdentityCandidate).where(IdentityCandidate.subject_id == self.subject.id)
        )
        self.counts["candidates_closed"] += proposed.rowcount or 0
        for plan in plans:
            query = select(IdentityCandidate).where(
                IdentityCandidate.document_id == plan.document.id,
                IdentityCandidate.status == CandidateStatus.OPEN,
            )
            if plan.shared:
                query = query.where(IdentityCandidate.role.in_(plan.roles))
            for candidate in self.session.scalars(query):
                candidate.status = CandidateStatus.KEPT_SEPARATE
                candidate.resolved_at = self.now
                self.counts["candidates_closed"] += 1
        self.session.flush()

    def _erase_document(self, plan: _Plan, scrubber: _Scrubber) -> ErasedDocument:
        document, erased = plan.document, plan.erased_fields
        tombstoned = self._erase_fields(document, erased, scrubber)
        self._scrub_versions(document, erased, plan.shared, scrubber)
        self._scrub_conflicts(document, erased, scrubber)
        self._scrub_review_actions(document, erased, plan.shared, scrubber)
        self._scrub_batch_files(document, plan.shared, scrubber)
        document.updated_at = self.now
        values = {
            f.name: f.value
            for f in document_fields(self.session, document.id)
            if f.status != FieldStatus.REJECTED
        }
        refresh_derived(document, values)
        if plan.shared:
            was_verified = document.status == DocumentStatus.VERIFIED
            link_subjects(self.session, document, plan.refs, values)
            self.session.execute(
                delete(DocumentSubject).where(
                    DocumentSubject.document_id == document.id,
                    DocumentSubject.subject_id == self.subject.id,
                )
            )
            self.session.flush()
            kind = settle_status(self.session, document)
            if kind is None and was_verified and tombstoned:
                emit(self.session, EventKind.CORRECTED, document, {"fields": sorted(erased)})
            self.counts["events"] += int(kind is not None or (was_verified and tombstoned > 0))
        else:
            document.status = DocumentStatus.REJECTED
            document.province_code = None
        self.session.add(
            ChangeEvent(
                kind=EventKind.SUBJECT_ERASED,
                document_id=document.id,
                subject_public_id=self.subject.public_id,
                payload={"doc_type": document.doc_type, "shared": plan.shared},
            )
        )
        self.counts["events"] += 1
        self.session.flush()
        return ErasedDocument(document.id, document.sha256, plan.shared, tombstoned)

    def _erase_fields(self, document: Document, erased: set[str], scrubber: _Scrubber) -> int:
        count = 0
        for row in document_fields(self.session, document.id):
            if row.name in erased:
                row.value = row.raw = TOMBSTONE
                if row.machine_value is not None:
                    row.machine_value = TOMBSTONE
                row.findings = _tombstone_findings(row.findings, None)
                row.status = FieldStatus.REJECTED  # unusable: never served, never reviewed
                row.verified_by, row.verified_at = self.principal_id, self.now
                count += 1
            else:
                row.findings = scrubber.tree(row.findings)
        self.counts["fields_tombstoned"] += count
        return count

    def _scrub_versions(
        self, document: Document, erased: set[str], shared: bool, scrubber: _Scrubber
    ) -> None:
        versions = self.session.scalars(
            select(ExtractionVersion).where(ExtractionVersion.document_id == document.id)
        )
        for version in versions:
            data = dict(version.extraction or {})
            data["fields"] = [
                {**f, "value": TOMBSTONE, "raw": TOMBSTONE} if f.get("name") in erased else f
                for f in data.get("fields", [])
            ]
            everything = None if shared else "all"
            data["findings"] = _tombstone_findings(data.get("findings", []), erased, everything)
            version.extraction = scrubber.tree(data)
            version.findings = scrubber.tree(
                _tombstone_findings(version.findings or [], erased, everything)
            )
            self.counts["versions_scrubbed"] += 1

    def _scrub_conflicts(self, document: Document, erased: set[str], scrubber: _Scrubber) -> None:
        conflicts = self.session.scalars(
            select(FieldConflict).where(FieldConflict.document_id == document.id)
        )
        for conflict in conflicts:
            if conflict.field_name in erased:
                conflict.verified_value = conflict.machine_value = TOMBSTONE
            else:
                conflict.verified_value = scrubber.text(conflict.verified_value)
                conflict.machine_value = scrubber.text(conflict.machine_value)
            if conflict.field_name in erased and conflict.status == ConflictStatus.OPEN:
                conflict.status, conflict.resolved_at = ConflictStatus.RESOLVED, self.now
                self.counts["conflicts_closed"] += 1

    def _scrub_review_actions(
        self, document: Document, erased: set[str], shared: bool, scrubber: _Scrubber
    ) -> None:
        actions = self.session.scalars(
            select(ReviewAction).where(ReviewAction.document_id == document.id)
        )
        for action in actions:
            theirs = not shared or action.field_name in erased
            before, after = action.before, action.after
            if theirs:
                before, after = _tombstone_values(before), _tombstone_values(after)
            action.before, action.after = scrubber.tree(before), scrubber.tree(after)
            action.reason = scrubber.text(action.reason)
            self.counts["review_actions_scrubbed"] += 1

    def _scrub_batch_files(self, document: Document, shared: bool, scrubber: _Scrubber) -> None:
        rows = self.session.scalars(select(BatchFile).where(BatchFile.sha256 == document.sha256))
        for row in rows:
            if shared:
                row.original_name = scrubber.text(row.original_name)
                row.manifest = scrubber.tree(row.manifest)
            else:  # a file name or a manifest row about them alone says who they are
                row.original_name, row.manifest = TOMBSTONE, {}
            if row.reason_message:
                row.reason_message = scrubber.text(row.reason_message)
            self.counts["batch_files_scrubbed"] += 1

    def _erase_subject_row(self) -> None:
        subject = self.subject
        removed = self.session.execute(
            delete(SubjectAlias).where(SubjectAlias.subject_id == subject.id)
        )
        self.counts["aliases_removed"] += removed.rowcount or 0
        subject.key = None
        subject.name = None
        subject.birth_date = None
        subject.province_code = None
        subject.erased_at = self.now
        self.session.flush()


def _fields_of(
    doc_type: str,
    refs: Sequence[SubjectRef],
    all_refs: Sequence[SubjectRef],
    field_names: Iterable[str],
) -> set[str]:
    """The field names that carry data about the persons of `refs`: every field of the slots
    their references map, as the type declares them (`extractors.declaration`; found by the mapped
    fields, so a reference stored under an older role name still finds its own slot) — never a
    field another reference maps. A type not registered here falls back to the mapping, its
    prefix, and for a describing role the person's unprefixed profile fields."""
    others = {name for r in all_refs if r not in refs for name in r.fields.values()}
    present = list(field_names)
    declared = doctypes.find(doc_type)
    if declared is not None:
        slots = set()
        for ref in refs:
            for name in ref.fields.values():
                spec = declared.field(name)
                if spec is not None and spec.slot != DOCUMENT:
                    slots.add(spec.slot)
        names = {name for slot in slots for name in declared.fields_of_slot(slot)}
        names |= {name for ref in refs for name in ref.fields.values()}
        return names - others
    names: set[str] = set()
    for ref in refs:
        names |= set(ref.fields.values())
        prefixes = {
            name[: -len(attr)]
            for attr, name in ref.fields.items()
            if name.endswith(attr) and name != attr
        }
        if prefixes:
            names |= {f for f in present if any(f.startswith(p) for p in prefixes)}
        elif ref.role.value in _DESCRIBING_ROLES:
            names |= set(_PERSON_PROFILE_FIELDS)
    return names - others


def _tombstone_findings(
    findings: Sequence[Any], erased: set[str] | None, everything: str | None = None
) -> list[Any]:
    """Findings with their message replaced where it concerns erased fields (messages may quote
    the value); `erased` None or `everything` means all of them."""
    out = []
    for finding in findings or []:
        if isinstance(finding, dict) and (
            erased is None or everything or finding.get("field") in erased
        ):
            finding = {**finding, "message": TOMBSTONE}
        out.append(finding)
    return out


def _tombstone_values(snapshot: dict[str, Any] | None) -> dict[str, Any] | None:
    if not snapshot:
        return snapshot
    return {k: (TOMBSTONE if k == "value" and v is not None else v) for k, v in snapshot.items()}


def _same_text(a: str, b: str) -> bool:
    return " ".join(_nfc(a).casefold().split()) == " ".join(_nfc(b).casefold().split())


@dataclass(frozen=True)
class FileCopy:
    """Where a batch listed one of the person's files (for the store clean-up; never logged)."""

    sha256: str
    batch: str
    source: str  # the batch's source, e.g. `store:inbox/<batch>` when it was our own inbox
    original_name: str


@translate_db_errors()
def file_copies(session: Session, sha256s: Sequence[str]) -> list[FileCopy]:
    """Every batch listing of these files: the store step deletes inbox and quarantine copies."""
    if not sha256s:
        return []
    rows = session.execute(
        select(BatchFile.sha256, Batch.name, Batch.source, BatchFile.original_name)
        .join(Batch, Batch.id == BatchFile.batch_id)
        .where(BatchFile.sha256.in_(list(sha256s)))
        .order_by(BatchFile.id)
    ).all()
    return [FileCopy(*row) for row in rows]


@translate_db_errors()
def documents_only_about(session: Session, subject: Subject) -> list[str]:
    """sha256 of the documents whose every subject link is `subject` (erasure deletes them)."""
    link = aliased(DocumentSubject)
    other = (
        select(link.id)
        .where(link.document_id == Document.id, link.subject_id != subject.id)
        .correlate(Document)
        .exists()
    )
    return list(
        session.scalars(
            select(Document.sha256)
            .join(DocumentSubject, DocumentSubject.document_id == Document.id)
            .where(DocumentSubject.subject_id == subject.id, ~other)
            .distinct()
        )
    )


# -- erasure is sticky: the files an erasure touched, by content hash ----------------------------

# A file that names only erased people: never stored, processed or loaded again.
ERASED_ONLY = "erased_only"
# A file that also names people who remain: processed for them, but nothing derived from it is
# written (OCR text, extraction, page images) and its original is handed to no reader.
SHARED_WITH_ERASED = "shared_with_erased"
_IN_LIST = 500  # sha256s per IN (...) list


def _erasure_mark_query() -> Any:
    """(sha256, still names someone not erased) of every document an erasure touched: each
    such document has a `subject.erased` event (written in the erasure's transaction)."""
    touched = (
        select(ChangeEvent.id)
        .where(ChangeEvent.kind == EventKind.SUBJECT_ERASED, ChangeEvent.document_id == Document.id)
        .correlate(Document)
        .exists()
    )
    someone_left = (
        select(DocumentSubject.id)
        .join(Subject, Subject.id == DocumentSubject.subject_id)
        .where(DocumentSubject.document_id == Document.id, Subject.erased_at.is_(None))
        .correlate(Document)
        .exists()
    )
    return select(Document.sha256, someone_left.label("someone_left")).where(touched)


@translate_db_errors()
def erasure_marks(session: Session, sha256s: Iterable[str] | None = None) -> dict[str, str]:
    """The files among `sha256s` (all of them when None) that an erasure touched, sha256 →
    `ERASED_ONLY` or `SHARED_WITH_ERASED` (docs/DESIGN.md, "Erasure is sticky"). A file not in the
    answer was never touched; a rescan with new bytes is a new file, so it is never in it."""
    query = _erasure_mark_query()
    if sha256s is None:
        rows = session.execute(query).all()
    else:
        wanted = sorted(set(sha256s))
        rows = []
        for start in range(0, len(wanted), _IN_LIST):
            part = wanted[start : start + _IN_LIST]
            rows += session.execute(query.where(Document.sha256.in_(part))).all()
    return {sha: SHARED_WITH_ERASED if left else ERASED_ONLY for sha, left in rows}


def erasure_mark(session: Session, sha256: str) -> str | None:
    """`erasure_marks` of one file: `ERASED_ONLY`, `SHARED_WITH_ERASED` or None."""
    return erasure_marks(session, [sha256]).get(sha256)


@translate_db_errors()
def original_withheld(session: Session, document_id: int) -> bool:
    """Whether the document's original scan is withheld from every reader: an erasure touched
    it, so the page still shows an erased person (the API gives no link; the review page says
    why it shows no scan)."""
    return (
        session.scalar(
            select(ChangeEvent.id)
            .where(
                ChangeEvent.kind == EventKind.SUBJECT_ERASED,
                ChangeEvent.document_id == document_id,
            )
            .limit(1)
        )
        is not None
    )


# -- what runs before erasure was sticky wrote back, and dates in the feed ---------------------

# Payload keys of change events that hold a date of the document; for an erased person's
# documents such a date is derived from them (a CCCD expires on a birthday).
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def undated(payload: Mapping[str, Any] | None) -> dict[str, Any]:
    """An event payload without its dates (every value that is an ISO date is set to None)."""
    return {
        key: None if isinstance(value, str) and _ISO_DATE.match(value) else value
        for key, value in (payload or {}).items()
    }


@translate_db_errors()
def erased_public_ids(session: Session, public_ids: Iterable[str | None]) -> set[str]:
    """Which of these subjects were erased."""
    wanted = sorted({p for p in public_ids if p})
    if not wanted:
        return set()
    return set(
        session.scalars(
            select(Subject.public_id).where(
                Subject.public_id.in_(wanted), Subject.erased_at.is_not(None)
            )
        )
    )


@translate_db_errors()
def scrub_event_dates(session: Session, public_ids: Iterable[str] | None = None) -> int:
    """Remove the dates from the change events of erased subjects (`public_ids`, or every erased
    subject), their own `subject.erased` events aside (those carry no date); returns how many
    events changed. Readers of the feed get the same view (`loaders.changes`)."""
    erased = (
        select(Subject.public_id).where(Subject.erased_at.is_not(None))
        if public_ids is None
        else select(Subject.public_id).where(
            Subject.public_id.in_(sorted(set(public_ids))), Subject.erased_at.is_not(None)
        )
    )
    changed = 0
    for event in session.scalars(
        select(ChangeEvent).where(
            ChangeEvent.subject_public_id.in_(erased),
            ChangeEvent.kind != EventKind.SUBJECT_ERASED,
        )
    ):
        clean = undated(event.payload)
        if clean != (event.payload or {}):
            event.payload = clean
            changed += 1
    session.flush()
    return changed


@translate_db_errors()
def scrub_listings(session: Session, marks: Mapping[str, str]) -> int:
    """Batch rows that list a file an erasure touched under a name written after the erasure (a
    re-run before erasure was sticky): the name and the manifest row may say who the erased
    person is. A file naming only erased people loses both; a shared one its name and the
    `subject_id` column. Returns the rows changed."""
    changed = 0
    for start in range(0, len(marks), _IN_LIST):
        part = sorted(marks)[start : start + _IN_LIST]
        erased_at = dict(
            session.execute(
                select(Document.sha256, func.min(ChangeEvent.at))
                .join(ChangeEvent, ChangeEvent.document_id == Document.id)
                .where(Document.sha256.in_(part), ChangeEvent.kind == EventKind.SUBJECT_ERASED)
                .group_by(Document.sha256)
            ).all()
        )
        for row in session.scalars(select(BatchFile).where(BatchFile.sha256.in_(part))):
            name, manifest = listing_after_erasure(
                marks[row.sha256], row.original_name, row.manifest or {}
            )
            if marks[row.sha256] != ERASED_ONLY:
                since = erased_at.get(row.sha256)
                if since is None or row.created_at <= since:
                    continue  # listed before the erasure, which scrubbed it then
            if (name, manifest) != (row.original_name, row.manifest or {}):
                row.original_name, row.manifest = name, manifest
                changed += 1
    session.flush()
    return changed


def listing_after_erasure(
    mark: str, name: str, manifest: Mapping[str, Any]
) -> tuple[str, dict[str, Any]]:
    """The name and manifest row a batch may keep for a file an erasure touched: nothing for a
    file naming only erased people; for a shared one no name (it may be the erased person's)
    and no `subject_id` (it may be their number)."""
    if mark == ERASED_ONLY:
        return TOMBSTONE, {}
    return TOMBSTONE, {k: v for k, v in manifest.items() if k != "subject_id"}

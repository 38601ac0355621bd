"""Errors of the warehouse layer. `retryable` says whether trying again may help."""

from __future__ import annotations


class WarehouseError(Exception):
    """Base of every loaders error."""

    retryable: bool = False


class WarehouseUnavailable(WarehouseError):
    """The database cannot be reached, or the transaction was aborted by the server
    (connection lost, serialization failure, deadlock). Retrying the whole unit of work is safe."""

    retryable = True


class SchemaOutOfDate(WarehouseError):
    """The database is not migrated to the code's revision. Run `sohoa db upgrade`."""

    retryable = False


class ConflictingUpdate(WarehouseError):
    """Someone else changed the record since it was read (optimistic locking)."""

    retryable = False


class NotFound(WarehouseError):
    retryable = False


class InvalidRecord(WarehouseError):
    """The extraction or action is not acceptable for the warehouse (e.g. unknown field)."""

    retryable = False


class RefusedValue(InvalidRecord):
    """A value that fails its field's declared kind (a steward's correction): nothing changed.
    `code` is stable English (`invalid_date`, `invalid_id_number` …), `message` Vietnamese and
    says what to type instead."""

    def __init__(self, code: str, message: str, field: str) -> None:
        super().__init__(message)
        self.code, self.message, self.field = code, message, field

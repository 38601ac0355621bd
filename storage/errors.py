"""Errors of the object store. Each says whether trying again may help (`retryable`)."""

from __future__ import annotations


class StorageError(Exception):
    """Base of every storage error."""

    retryable: bool = False


class ObjectNotFound(StorageError):
    """The key does not exist. Permanent: the caller asked for something that is not there."""

    retryable = False


class ObjectExists(StorageError):
    """`put(..., overwrite=False)` found the key taken (immutable objects such as originals)."""

    retryable = False


class InvalidKey(StorageError):
    """The key is not a safe relative path (empty, absolute, `..`, control characters)."""

    retryable = False


class StoreUnavailable(StorageError):
    """The store cannot be reached or answered with a server error. Retrying later may work."""

    retryable = True


class StoreMisconfigured(StorageError):
    """Credentials, bucket or URL are wrong. Retrying will not help; fix the settings."""

    retryable = False

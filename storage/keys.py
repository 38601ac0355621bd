"""Key and link-lifetime checks shared by both stores: a key valid in one is valid in the other."""

from __future__ import annotations

from datetime import timedelta

from storage.errors import InvalidKey

# S3 caps keys at 1024 bytes of UTF-8; common file systems cap a path segment at 255 bytes.
MAX_KEY_BYTES = 1024
MAX_SEGMENT_BYTES = 255
# The local store writes its temporary files under this name prefix; keys may not use it.
TEMP_PREFIX = ".sohoa-tmp-"
# S3 presigned URLs live at most seven days; the local store follows the same rule.
MAX_LINK_LIFETIME = timedelta(days=7)


def check_key(key: str) -> str:
    """Return `key` if it is a safe relative `/`-separated path, else raise `InvalidKey`."""
    if not isinstance(key, str) or not key:
        raise InvalidKey("a key must be a non-empty string")
    _check_text(key)
    if len(key.encode()) > MAX_KEY_BYTES:
        raise InvalidKey(f"key longer than {MAX_KEY_BYTES} bytes: {key[:80]!r}…")
    if key.startswith("/"):
        raise InvalidKey(f"key must be relative, not absolute: {key[:80]!r}")
    for segment in key.split("/"):
        _check_segment(segment, key)
    return key


def check_prefix(prefix: str) -> str:
    """Return `prefix` if its complete segments are valid; the last, partial one only filters."""
    if not isinstance(prefix, str):
        raise InvalidKey("a prefix must be a string")
    if prefix:
        _check_text(prefix)
        if prefix.startswith("/"):
            raise InvalidKey(f"prefix must be relative, not absolute: {prefix[:80]!r}")
        *complete, _partial = prefix.split("/")
        for segment in complete:
            _check_segment(segment, prefix)
    return prefix


def check_lifetime(expires: timedelta) -> int:
    """A link lifetime in whole seconds, between one second and seven days."""
    seconds = int(expires.total_seconds())
    if not 1 <= seconds <= MAX_LINK_LIFETIME.total_seconds():
        raise ValueError(f"link lifetime must be between 1 second and 7 days, got {expires}")
    return seconds


def _check_text(text: str) -> None:
    if "\\" in text:
        raise InvalidKey(f"backslash in key: {text[:80]!r}")
    if any(ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F for ch in text):
        raise InvalidKey(f"control character in key: {text[:80]!r}")
    try:
        text.encode()
    except UnicodeEncodeError as exc:  # lone surrogates
        raise InvalidKey(f"key is not valid Unicode: {text[:80]!r}") from exc


def _check_segment(segment: str, key: str) -> None:
    if segment in ("", ".", ".."):
        raise InvalidKey(f"empty, '.' or '..' path segment in key: {key[:80]!r}")
    if segment.startswith(TEMP_PREFIX):
        raise InvalidKey(f"segments starting with {TEMP_PREFIX!r} are reserved: {key[:80]!r}")
    if len(segment.encode()) > MAX_SEGMENT_BYTES:
        raise InvalidKey(f"path segment longer than {MAX_SEGMENT_BYTES} bytes in {key[:80]!r}")

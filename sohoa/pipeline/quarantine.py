"""Setting a file aside: the bytes at `quarantine/<batch>/<sha256>`, the reason beside them.

The reason says what a person can do about it (Vietnamese) and carries no file name.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from sohoa.runtime import Runtime
from storage import layout


def quarantine_file(
    runtime: Runtime,
    batch: str,
    sha256: str,
    local: Path | None,
    code: str,
    message: str,
    detail: str = "",
) -> None:
    """Keep the file and its reason. `local` None means the bytes are already in `originals/`."""
    store = runtime.store
    key = layout.quarantine(batch, sha256)
    if local is not None:
        store.put_file(key, local)
    elif not store.exists(key):
        store.put_bytes(key, store.get_bytes(layout.original(sha256)))
    reason = {
        "code": code,
        "message": message,
        "detail": detail,
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    store.put_bytes(
        layout.quarantine_reason(batch, sha256),
        json.dumps(reason, ensure_ascii=False, indent=1).encode(),
        content_type="application/json",
    )

"""Where a batch comes from: a folder or `s3://bucket/prefix`, with an optional `manifest.csv`.

A source lists entries by their name relative to the batch root. Names are user-supplied: they are
kept (NFC, odd bytes and control characters written as `\\xNN`) for the warehouse only and never
used to build object keys. Each entry remembers how the source finds it again (`where`: the path as
the file system spells it — a macOS name in NFD, bytes that are not UTF-8 — or the object key).

No entry can stop a batch (issue 14). One that cannot be read is listed with a `Skip` — why, in
words a person can act on — and intake records it as a `skipped` row:

- a symbolic link inside the folder is followed once: to a file of the batch it is that file
  again (a duplicate), to another file inside the folder it is read; a link pointing outside the
  folder is refused and never read; a dangling link, a link to a folder (its files are listed
  under their real paths), a pipe or a device are skipped;
- a file deleted or made unreadable while intake runs is skipped when it is reached.

`manifest.csv` is decoded as UTF-8 (with or without BOM) or UTF-16 (with BOM), then Windows-1258
(what Excel here saves); a manifest that fits none of them, has a cell over `MAX_CELL_BYTES` or a
NUL character, or no `file` column, is refused with the row and the reason, and the batch runs
without it. An unknown `type_hint` is a problem of its row: the file is processed without it.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import shutil
import stat
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from sohoa.settings import Settings
from storage import ObjectNotFound, ObjectStore, open_store

MANIFEST = "manifest.csv"
READY_MARKER = "_READY"
MANIFEST_COLUMNS = ("file", "dossier_code", "procedure_code", "subject_id", "type_hint")
MAX_CELL_BYTES = 128 * 1024
SAMPLES_INDEX = "index.json"
# `store:inbox/BATCH`: a batch already in the configured store's inbox (what `watch_inbox` hands
# to `digitize_batch`), read with the store's own settings whatever kind of store it is.
STORE_SOURCE_PREFIX = "store:"
# Not documents: the batch's own control files, and the ground truth `sohoa samples` writes beside
# each generated document (so a samples folder can be run as it is).
_SKIPPED_NAMES = {MANIFEST, READY_MARKER, SAMPLES_INDEX}
_SKIPPED_SUFFIXES = (".truth.json",)


def is_control_file(name: str) -> bool:
    base = name.rsplit("/", 1)[-1]
    return name in _SKIPPED_NAMES or base.endswith(_SKIPPED_SUFFIXES) or base.startswith(".")


class SourceError(ValueError):
    """The source does not exist or cannot be read as a batch; the message says what to check."""

    retryable = False


@dataclass(frozen=True)
class Skip:
    """Why an entry is not read: `code` stable English, `message` Vietnamese (what to do)."""

    code: str
    message: str


SKIPS = {
    skip.code: skip
    for skip in (
        Skip(
            "link_outside",
            "Liên kết (symlink) trỏ ra ngoài thư mục lô: không đọc tệp nằm ngoài lô. "
            "Hãy chép chính tệp vào thư mục lô rồi chạy lại.",
        ),
        Skip(
            "dangling_link",
            "Liên kết (symlink) trỏ tới một tệp không còn tồn tại. "
            "Hãy chép chính tệp vào thư mục lô rồi chạy lại.",
        ),
        Skip(
            "link_to_folder",
            "Liên kết (symlink) tới một thư mục: không đi theo, để không đọc một tệp hai lần "
            "hay đi vòng. Các tệp trong lô đã được đọc theo đường dẫn thật của chúng; "
            "tệp ở nơi khác, hãy chép vào thư mục lô.",
        ),
        Skip(
            "not_a_file",
            "Không phải tệp thông thường (ống dẫn, thiết bị, socket): không đọc.",
        ),
        Skip(
            "vanished",
            "Tệp đã bị xóa hoặc đổi tên trong lúc tiếp nhận. "
            "Hãy để tệp ở đúng chỗ rồi chạy lại lô: tệp đã xử lý không bị làm lại.",
        ),
        Skip(
            "unreadable",
            "Không đọc được tệp (quyền truy cập hoặc lỗi đĩa). "
            "Hãy cấp quyền đọc cho tệp rồi chạy lại lô.",
        ),
        Skip(
            "unreadable_folder",
            "Không mở được thư mục này (quyền truy cập hoặc lỗi đĩa): các tệp trong đó chưa được "
            "tiếp nhận. Hãy cấp quyền đọc cho thư mục rồi chạy lại lô.",
        ),
    )
}


class EntryUnreadable(Exception):
    """An entry could not be read when intake reached it; `skip` says why."""

    retryable = False

    def __init__(self, code: str) -> None:
        self.skip = SKIPS[code]
        super().__init__(code)


@dataclass(frozen=True)
class SourceFile:
    name: str  # relative to the batch root, '/'-separated, NFC, printable: what people read
    size: int
    where: str = ""  # how the source finds it (path as spelled on disk, or key suffix); "" = name
    skip: Skip | None = None  # set: the entry is listed but not read

    @property
    def location(self) -> str:
        return self.where or self.name


@dataclass(frozen=True)
class ManifestProblem:
    """A manifest row the batch could not use as written; no cell value (it may be personal)."""

    row: int | None  # line of manifest.csv, 1 = the header
    code: str
    message: str  # Vietnamese, names the row and the column


@dataclass
class Manifest:
    """The rows of `manifest.csv` by file name, and what was wrong with it. `refused`: the whole
    manifest was set aside (its rows are empty) and the batch runs without it."""

    rows: dict[str, dict[str, str]] = field(default_factory=dict)
    problems: list[ManifestProblem] = field(default_factory=list)
    refused: bool = False
    encoding: str = ""

    def get(self, name: str) -> dict[str, str] | None:
        return self.rows.get(name)

    def __contains__(self, name: object) -> bool:
        return name in self.rows


class Source(Protocol):
    description: str

    def files(self) -> Iterator[SourceFile]: ...

    def fetch(self, item: SourceFile, dest: Path) -> Path:
        """Copy the entry to `dest`; `EntryUnreadable` when it is gone or may not be read."""
        ...

    def local_path(self, item: SourceFile) -> Path | None:
        """The file where it lies, to read in place (hashing a file already done), or None when
        it must be fetched."""
        ...

    def read_manifest(self) -> Manifest: ...


def display_name(raw: str) -> str:
    """A name as people and the warehouse keep it: NFC, bytes that are not UTF-8 (a file system's
    surrogate escapes) and control characters written as `\\xNN`, so any name can be stored
    (PostgreSQL refuses NUL and unpaired surrogates) and shown."""
    text = os.fsencode(raw).decode("utf-8", "backslashreplace") if _has_surrogates(raw) else raw
    text = unicodedata.normalize("NFC", text)
    return "".join(c if c.isprintable() else _escape(c) for c in text)


def _has_surrogates(text: str) -> bool:
    return any("\udc80" <= c <= "\udcff" for c in text)


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def known_type(value: str) -> bool:
    """Whether `value` names a document type the extractors know (the one check of a manifest's
    `type_hint`; the registry of declared types answers)."""
    from extractors import doctypes

    return doctypes.is_known(value)


def type_codes() -> str:
    """The document types a person may name (a hint), for messages."""
    from extractors import doctypes

    return ", ".join(code for code in doctypes.codes() if code != doctypes.UNKNOWN)


def check_type_hint(hint: str | None) -> None:
    """A type a person asked for (`--type`, a DAG's `type_hint`) must be one the extractors know:
    refused here with the list, not found out as an `internal_error` after the OCR."""
    if hint and not known_type(hint):
        raise SourceError(f"unknown document type {hint[:60]!r}: use one of {type_codes()}")


# --- the manifest -------------------------------------------------------------------------------


def parse_manifest(data: bytes) -> Manifest:
    """`manifest.csv` bytes → rows keyed by NFC file name (see the module docstring). Unknown
    columns are ignored; empty cells are dropped. Never raises: a manifest that cannot be used is
    `refused`, with the problem that says which row and why."""
    decoded = _decode(data)
    if isinstance(decoded, ManifestProblem):
        return _refused(decoded)
    text, encoding = decoded
    text = unicodedata.normalize("NFC", text)  # Windows-1258 writes tone marks apart; so may macOS
    nul = text.find("\x00")
    if nul >= 0:
        return _refused(
            ManifestProblem(
                _line_of(text, nul),
                "manifest_nul",
                f"dòng {_line_of(text, nul)} chứa ký tự NUL (mã 0), không thể lưu. Có thể tệp "
                "được lưu bằng UTF-16 mà không có BOM: hãy lưu lại bằng UTF-8.",
            )
        )
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        header = reader.fieldnames
    except csv.Error as exc:
        return _refused(_csv_problem(1, exc))
    if not header or "file" not in [h.strip() for h in header if h]:
        return _refused(
            ManifestProblem(
                1,
                "manifest_no_file_column",
                f"dòng 1 (tiêu đề) không có cột 'file'. Các cột: {', '.join(MANIFEST_COLUMNS)}.",
            )
        )
    reader.fieldnames = [(h or "").strip() for h in header]
    manifest = Manifest(encoding=encoding)
    seen: dict[str, int] = {}
    while True:
        line = reader.line_num + 1  # where the next record starts (a quoted cell may span lines)
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            return _refused(_csv_problem(line, exc))
        for column, value in row.items():
            values = value if isinstance(value, list) else [value]
            if any(len((v or "").encode("utf-8")) > MAX_CELL_BYTES for v in values):
                return _refused(_too_long(line, column or "(thừa)"))
        name = display_name((row.get("file") or "").strip())
        if not name:
            continue
        cells = {
            key: value.strip()
            for key, value in row.items()
            if key in MANIFEST_COLUMNS
            and key != "file"
            and isinstance(value, str)
            and value.strip()
        }
        hint = cells.get("type_hint")
        if hint is not None and not known_type(hint):
            del cells["type_hint"]
            manifest.problems.append(
                ManifestProblem(
                    line,
                    "unknown_type_hint",
                    f"dòng {line}, cột type_hint: không phải loại giấy tờ đã biết "
                    f"({type_codes()}). Tệp được xử lý không kèm gợi ý loại; sửa manifest "
                    "rồi dùng `sohoa reprocess --type …` nếu cần.",
                )
            )
        if name in seen:
            manifest.problems.append(
                ManifestProblem(
                    line,
                    "manifest_repeated_file",
                    f"dòng {line} nêu lại một tệp đã có ở dòng {seen[name]}: dùng dòng {line}.",
                )
            )
        seen[name] = line
        manifest.rows[name] = cells
    return manifest


def _decode(data: bytes) -> tuple[str, str] | ManifestProblem:
    """UTF-8 (BOM or not), UTF-16 with a BOM, then Windows-1258; else the problem, with the
    line of the first byte no encoding reads."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            line = data[: exc.start].decode("utf-16", "replace").count("\n") + 1
            return _undecodable(line, "UTF-16")
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data.decode("utf-8-sig"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            return _undecodable(data[: exc.start].count(b"\n") + 1, "UTF-8")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1258"), "cp1258"
    except UnicodeDecodeError as exc:
        return _undecodable(data[: exc.start].count(b"\n") + 1, "UTF-8 hay Windows-1258")


def _undecodable(line: int, tried: str) -> ManifestProblem:
    return ManifestProblem(
        line,
        "manifest_encoding",
        f"dòng {line} có byte không đọc được theo bảng mã {tried}. Hãy lưu manifest bằng "
        "UTF-8 (Excel: CSV UTF-8).",
    )


def _too_long(line: int, column: str) -> ManifestProblem:
    return ManifestProblem(
        line,
        "manifest_cell_too_long",
        f"dòng {line}, cột {column}: ô dài hơn {MAX_CELL_BYTES // 1024} KiB. "
        "Hãy kiểm tra dấu ngoặc kép bị thiếu hoặc dữ liệu dán nhầm.",
    )


def _csv_problem(line: int, exc: csv.Error) -> ManifestProblem:
    if "field larger than field limit" in str(exc):
        return _too_long(line, "?")
    return ManifestProblem(
        line, "manifest_csv", f"dòng {line} không đọc được như CSV ({exc}). Hãy sửa dòng đó."
    )


def _refused(problem: ManifestProblem) -> Manifest:
    refusal = ManifestProblem(
        problem.row,
        problem.code,
        f"{MANIFEST} bị bỏ qua, lô chạy không có nó: {problem.message}",
    )
    return Manifest(problems=[refusal], refused=True)


def _line_of(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


# --- a folder -----------------------------------------------------------------------------------


def open_regular(path: Path) -> int:
    """A read-only descriptor on a regular file, never a symlink's target (the caller resolved
    it) nor a pipe (it would block); `EntryUnreadable` otherwise."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except FileNotFoundError as exc:
        raise EntryUnreadable("vanished") from exc
    except PermissionError as exc:
        raise EntryUnreadable("unreadable") from exc
    except OSError as exc:  # ELOOP: made a link since it was listed; EISDIR, …
        raise EntryUnreadable("vanished") from exc
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise EntryUnreadable("not_a_file")
    os.set_blocking(fd, True)
    return fd


class FolderSource:
    def __init__(self, root: Path) -> None:
        if not root.is_dir():
            raise SourceError(f"source folder not found: {root} (give a folder of scans)")
        self.root = root.resolve()
        self.description = str(self.root)

    def files(self) -> Iterator[SourceFile]:
        """Every entry, plain files first then links (so a link to a file of the batch is the
        duplicate, not the file), each group sorted by path."""
        plain: list[SourceFile] = []
        links: list[SourceFile] = []
        unlisted: list[OSError] = []
        for top, dirs, names in os.walk(self.root, followlinks=False, onerror=unlisted.append):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            here = Path(top)
            for entry in sorted(names) + [d for d in dirs if (here / d).is_symlink()]:
                if entry.startswith("."):
                    continue
                path = here / entry
                rel = path.relative_to(self.root).as_posix()
                name = display_name(rel)
                if is_control_file(name):
                    continue
                item = self._entry(path, rel, name)
                if item is not None:
                    (links if path.is_symlink() else plain).append(item)
        for error in unlisted:  # a folder that could not be listed: say so, do not pass it over
            if error.filename and Path(error.filename) != self.root:
                rel = Path(error.filename).relative_to(self.root).as_posix()
                plain.append(SourceFile(display_name(rel), 0, rel, SKIPS["unreadable_folder"]))
            elif error.filename:
                raise SourceError(f"cannot list the source folder {self.root}: {error.strerror}")
        yield from sorted(plain, key=lambda f: f.location)
        yield from sorted(links, key=lambda f: f.location)

    def _entry(self, path: Path, rel: str, name: str) -> SourceFile | None:
        where = "" if rel == name else rel
        try:
            info = path.lstat()
        except FileNotFoundError:
            return None  # gone before it was listed: never part of this batch
        except OSError:
            return SourceFile(name, 0, where, SKIPS["unreadable"])
        if stat.S_ISLNK(info.st_mode):
            return self._link(path, name, where)
        if stat.S_ISREG(info.st_mode):
            return SourceFile(name, info.st_size, where)
        if stat.S_ISDIR(info.st_mode):
            return None
        return SourceFile(name, 0, where, SKIPS["not_a_file"])

    def _link(self, path: Path, name: str, where: str) -> SourceFile:
        try:
            target = path.resolve(strict=True)
        except (FileNotFoundError, RuntimeError, OSError):
            return SourceFile(name, 0, where, SKIPS["dangling_link"])
        if not target.is_relative_to(self.root):
            return SourceFile(name, 0, where, SKIPS["link_outside"])  # never read, not stat-ed
        if target.is_dir():
            return SourceFile(name, 0, where, SKIPS["link_to_folder"])
        if not target.is_file():
            return SourceFile(name, 0, where, SKIPS["not_a_file"])
        return SourceFile(name, target.stat().st_size, where)

    def _inside(self, item: SourceFile) -> Path:
        """The entry's real path, checked again now (a link may have changed since listing)."""
        if item.skip is not None:
            raise EntryUnreadable(item.skip.code)
        path = self.root / item.location
        try:
            real = path.resolve(strict=True)
        except (FileNotFoundError, RuntimeError) as exc:
            raise EntryUnreadable("dangling_link" if path.is_symlink() else "vanished") from exc
        except OSError as exc:
            raise EntryUnreadable("unreadable") from exc
        if not real.is_relative_to(self.root):
            raise EntryUnreadable("link_outside")
        return real

    def fetch(self, item: SourceFile, dest: Path) -> Path:
        fd = open_regular(self._inside(item))
        with os.fdopen(fd, "rb") as src, dest.open("wb") as out:
            try:
                shutil.copyfileobj(src, out, 1 << 20)
            except OSError as exc:
                raise EntryUnreadable("unreadable") from exc
        return dest

    def local_path(self, item: SourceFile) -> Path | None:
        try:
            return self._inside(item)
        except EntryUnreadable:
            return None  # the full path (fetch) says why

    def read_manifest(self) -> Manifest:
        path = self.root / MANIFEST
        if not path.is_file():
            return Manifest()
        try:
            return parse_manifest(path.read_bytes())
        except OSError as exc:
            return _refused(
                ManifestProblem(None, "manifest_unreadable", f"không đọc được tệp ({exc}).")
            )


class StoreSource:
    """Files under a prefix of an object store (an S3 bucket, or the inbox of our own store)."""

    def __init__(self, store: ObjectStore, prefix: str, description: str) -> None:
        self.store = store
        self.prefix = prefix.rstrip("/") + "/" if prefix else ""
        self.description = description

    def files(self) -> Iterator[SourceFile]:
        for info in self.store.list(self.prefix):
            key = info.key[len(self.prefix) :]
            if not key or key.endswith("/") or is_control_file(key):
                continue
            if any(part.startswith(".") for part in key.split("/")):
                continue
            name = display_name(key)
            yield SourceFile(name, info.size, "" if key == name else key)

    def fetch(self, item: SourceFile, dest: Path) -> Path:
        try:
            return self.store.download(self.prefix + item.location, dest)
        except ObjectNotFound as exc:
            raise EntryUnreadable("vanished") from exc

    def local_path(self, item: SourceFile) -> Path | None:
        return None  # downloaded, then hashed

    def read_manifest(self) -> Manifest:
        key = self.prefix + MANIFEST
        try:
            data = self.store.get_bytes(key)
        except ObjectNotFound:
            return Manifest()
        return parse_manifest(data)


def open_source(source: str, settings: Settings) -> Source:
    """`s3://bucket/prefix` (credentials from the SOHOA_S3_* settings), `store:inbox/BATCH` (a
    prefix of the configured SOHOA_STORAGE_URL store, whichever kind it is) or a local folder."""
    if source.startswith(STORE_SOURCE_PREFIX):
        prefix = source.removeprefix(STORE_SOURCE_PREFIX).strip("/")
        if not prefix.startswith("inbox/") or ".." in prefix.split("/"):
            raise SourceError(f"{source!r}: write store:inbox/BATCH (a folder of the inbox)")
        store = open_store(
            settings.storage_url,
            s3_endpoint=settings.s3_endpoint,
            s3_public_endpoint=settings.s3_public_endpoint,
            s3_access_key=settings.s3_access_key,
            s3_secret_key=settings.s3_secret_key,
            s3_region=settings.s3_region,
        )
        return StoreSource(store, prefix, source)
    if source.startswith("s3://"):
        bucket, _, prefix = source.removeprefix("s3://").partition("/")
        if not bucket:
            raise SourceError(f"no bucket in {source!r}: write s3://BUCKET/PREFIX")
        store = open_store(
            f"s3://{bucket}",
            s3_endpoint=settings.s3_endpoint,
            s3_public_endpoint=settings.s3_public_endpoint,
            s3_access_key=settings.s3_access_key,
            s3_secret_key=settings.s3_secret_key,
            s3_region=settings.s3_region,
        )
        return StoreSource(store, prefix, source)
    return FolderSource(Path(source.removeprefix("file://")))

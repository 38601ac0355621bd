"""The steward's path, measured: a generated batch goes through `sohoa run`, then Playwright drives
Debian's chromium through the review UI as a steward who fixes what is wrong (the ground truth
beside each sample) and accepts the rest. Per document it counts keystrokes, mouse clicks, full
page loads, seconds of UI time (from a key or click to the page settled; reading and typing not
counted) and values typed; at the end, how many fields the warehouse holds right.

    .venv/bin/python bench/steward.py                      # this tree, then f358d24 (before/after)
    .venv/bin/python bench/steward.py --before ''          # this tree only
    .venv/bin/python bench/steward.py --count 30 --seed 7 --noise heavy --workers 2

Both runs read the same files (generated once, by this tree's `sohoa samples`). The code under
test runs in subprocesses with its own folder first on PYTHONPATH and as their working directory
(a worktree's packages would otherwise lose to this checkout's editable install); the script
prints the `sohoa` package each run imported and checks the review UI it served is that code's.

The steward's habits, the same in both UIs:
  - a wrong value: click its value, (old UI: `e`), type the right one, Enter;
  - a missing field (UIs that can add one): pick its name in the list, click the words on the
    scan where it is printed, click the value box, Enter (the words' text is retyped when OCR
    misread them, or typed when no words match);
  - a wrong type (UIs that can retype): `d`, pick the type, Enter; the fields are then checked;
  - then Shift+A accepts the rest (unless the last decision already settled the document);
  - an identity question still open: link when the person on file has the ground truth's key,
    else keep apart (a click);
  - a document it cannot settle: `l` (later) where the UI has it, else `n`, each time it shows up.
Keystrokes are keys pressed, not the characters of a typed value (each value typed is counted
once). Fields the ground truth does not list, or its type does not declare, are left as the
machine read them. `--mislabel N` (2) writes a manifest.csv naming a wrong type for N ID cards:
"unknown" for the first (the issue's unknown chip-card back), "birth_certificate" for the others.
Targets (issue 16): no full page load per field decision; a document with nothing to fix takes
one key; median keystrokes per document at most its wrong or missing fields + 2.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BEFORE = "f358d24"  # the commit before issue 16's first change
STEWARD, PASSWORD = "bench.steward", "bench-mật-khẩu-đủ-dài-2025"
NO_EXPIRY = "9999-12-31"
# Runs `sohoa` from whatever `sohoa` package comes first on sys.path (the code under test).
RUNNER = "import sys; sys.argv[0] = 'sohoa'; from sohoa.cli import main; main()"
# Set before an action; the action has settled when the page is a new one (the marker is gone),
# the panel was replaced in place, or a refusal is shown.
MARK = """() => {
  window.__bench = true; window.__benchDone = false;
  const panel = document.getElementById('panel');
  if (panel) new MutationObserver(() => { window.__benchDone = true; })
    .observe(panel, {childList: true});
}"""
SETTLED = """() => document.readyState === 'complete' && (!window.__bench || window.__benchDone
  || !!document.querySelector('.refusal:not([hidden])'))"""


# --- the code under test, in subprocesses ---------------------------------------------------


def code_env(code: Path, root: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOHOA_")}
    env.update(
        PYTHONPATH=str(code),
        SOHOA_DATABASE_URL=f"sqlite:///{root / 'sohoa.db'}",
        SOHOA_STORAGE_URL=f"file://{root / 'objects'}",
        SOHOA_SECRET_KEY="bench-steward-secret-0123456789abcdef",
        OMP_THREAD_LIMIT="1",
    )
    return env


def sohoa(code: Path, env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    proc = subprocess.run(
        [sys.executable, "-c", RUNNER, *args],
        cwd=code,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=3600,
    )
    if proc.returncode != 0:
        raise RuntimeError(
            f"sohoa {' '.join(args[:2])} failed:\n{(proc.stdout + proc.stderr)[-3000:]}"
        )
    return proc.stdout


def imported_from(code: Path, env: dict[str, str]) -> str:
    """Where the subprocesses import `sohoa` from (it must be `code`)."""
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sohoa, loaders; print(sohoa.__file__); print(loaders.__file__)",
        ],
        cwd=code,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    for path in out:
        if not Path(path).resolve().is_relative_to(code.resolve()):
            raise RuntimeError(f"the code under test is {code}, but {path} was imported")
    return out[0]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(code: Path, env: dict[str, str], log: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-c", RUNNER, "serve", "--port", str(port)],
            cwd=code,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/review/login", timeout=2) as response:
                if response.status == 200:
                    return server, url
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise RuntimeError(f"sohoa serve did not start: {log.read_text()[-2000:]}")


def served_script_is(code: Path, url: str) -> bool:
    """The review UI's script the server sends is the one in `code` (the right code ran)."""
    with urllib.request.urlopen(f"{url}/review/static/review.js", timeout=5) as response:
        served = response.read()
    return served == (code / "sohoa/web/review/static/review.js").read_bytes()


# --- the ground truth -------------------------------------------------------------------------


def norm(text: str | None) -> str:
    return " ".join(unicodedata.normalize("NFC", text or "").split()).casefold()


def truth_value(name: str, value: str | None) -> str:
    """The truth in the warehouse's stored form (an ID card without expiry: "Không thời hạn")."""
    if value is None and name == "expiry_date":
        return NO_EXPIRY
    return value or ""


def typed_form(value: str) -> str:
    """What a Vietnamese steward types for a stored value: dd/mm/yyyy, Nam/Nữ."""
    if value == NO_EXPIRY:
        return "Không thời hạn"
    iso = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", value)
    if iso:
        return f"{iso.group(3)}/{iso.group(2)}/{iso.group(1)}"
    return {"male": "Nam", "female": "Nữ"}.get(value, value)


@dataclass
class Truth:
    doc_type: str
    fields: dict[str, str]  # stored form; fields the document has no value for are left out
    keys: set[str] = field(default_factory=set)  # ID numbers and codes of the people named


def declared(doc_type: str) -> set[str]:
    """The fields this tree's declaration of `doc_type` has (a field the ground truth lists but
    the type does not declare has no place in the warehouse: it is not counted as missing)."""
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    from extractors import doctypes

    found = doctypes.find(doc_type)
    return {f.name for f in found.fields} if found else set()


def read_truths(samples: Path) -> dict[str, Truth]:
    found = {}
    for path in sorted(samples.glob("*.truth.json")):
        data = json.loads(path.read_text())
        names = declared(data["doc_type"])
        values = {k: truth_value(k, v) for k, v in data["fields"].items() if k in names}
        keys = {str(s["key"]) for s in data.get("subjects", ()) if s.get("key")}
        found[data["file"]] = Truth(data["doc_type"], {k: v for k, v in values.items() if v}, keys)
    return found


class Warehouse:
    """What the steward knows without the UI (the bench's reading, never timed): the document's
    file, type and current values, read straight from the embedded SQLite warehouse."""

    def __init__(self, path: Path) -> None:
        self.db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)

    def file_of(self, document_id: int) -> str:
        return self.db.execute(
            "select original_name from batch_files where document_id = ? order by id limit 1",
            (document_id,),
        ).fetchone()[0]

    def doc_type(self, document_id: int) -> str:
        return self.db.execute(
            "select doc_type from documents where id = ?", (document_id,)
        ).fetchone()[0]

    def values(self, document_id: int) -> dict[str, str]:
        rows = self.db.execute(
            "select name, value from field_values where document_id = ? and status != 'rejected'",
            (document_id,),
        )
        return dict(rows.fetchall())

    def waiting(self) -> set[int]:
        rows = self.db.execute("select id from documents where status = 'needs_review'")
        return {r[0] for r in rows}


# --- the steward --------------------------------------------------------------------------


@dataclass
class DocumentWork:
    document_id: int
    file: str
    doc_type: str  # the ground truth's
    wrong: int = 0  # values the machine read wrong (as first seen)
    missing: int = 0  # fields of the ground truth the machine did not find
    keys: int = 0
    clicks: int = 0
    loads: int = 0
    ui_seconds: float = 0.0
    typed: int = 0
    fixed: int = 0
    added: int = 0
    left_missing: int = 0
    wrong_type: bool = False
    retyped: bool = False
    returns: int = 0  # times "next" brought it back after the steward left it
    questions: int = 0  # identity questions answered
    # A field saved (fixed or added) while the document stays open: from Enter to the page
    # settled again (in place, or a reload of the same document)
    decision_seconds: list[float] = field(default_factory=list)
    settled: bool = False
    refusals: list[str] = field(default_factory=list)

    @property
    def to_fix(self) -> int:
        return self.wrong + self.missing


class Steward:
    def __init__(self, page: Any, url: str, warehouse: Warehouse, truths: dict[str, Truth]):
        self.page, self.url, self.warehouse, self.truths = page, url, warehouse, truths
        self.work: dict[int, DocumentWork] = {}
        self.doc: DocumentWork | None = None
        self.session = DocumentWork(0, "", "")  # the queue page: sign-in, first "n"
        self.opened: dict[int, int] = {}  # page loads of documents not looked at yet
        page.on("load", self._loaded)

    # Every key and click goes through these, so that each is counted and timed.
    def _loaded(self, page: Any) -> None:
        found = re.search(r"/review/documents/(\d+)", page.url)
        if found is None:
            self.session.loads += 1
        elif int(found.group(1)) in self.work:
            self.work[int(found.group(1))].loads += 1
        else:
            self.opened[int(found.group(1))] = self.opened.get(int(found.group(1)), 0) + 1

    def _counted(self) -> DocumentWork:
        return self.doc or self.session

    def press(self, key: str, *, wait: bool = True) -> float:
        self._counted().keys += 1
        return self._act(lambda: self.page.keyboard.press(key), wait)

    def save_field(self) -> None:
        """Enter on a value being edited or added: a field decision, timed as such."""
        assert self.doc is not None
        document_id = self.on_document()
        seconds = self.press("Enter")
        if self.on_document() == document_id:
            self.doc.decision_seconds.append(seconds)

    def click(self, selector: str, *, wait: bool = False) -> None:
        self._counted().clicks += 1
        self._act(lambda: self.page.click(selector), wait)

    def click_element(self, element: Any) -> None:
        self._counted().clicks += 1
        self._act(lambda: element.click(), False)

    def choose(self, selector: str, value: str) -> None:
        """A pick from a list, with the mouse: one click (and the pick is a value chosen)."""
        self._counted().clicks += 1
        self._counted().typed += 1
        self._act(lambda: self.page.select_option(selector, value), False)

    def type_value(self, text: str) -> None:
        """One value typed (its characters are not keystrokes; typing time is the person's)."""
        self._counted().typed += 1
        self.page.keyboard.insert_text(text)

    def _act(self, action: Any, wait: bool) -> float:
        if wait:
            self.page.evaluate(MARK)
        started = time.perf_counter()
        action()
        if wait:
            self._settle()
        seconds = time.perf_counter() - started
        self._counted().ui_seconds += seconds
        return seconds

    def _settle(self) -> None:
        for _ in range(20):  # a navigation destroys the context being polled: poll the new one
            try:
                self.page.wait_for_function(SETTLED, timeout=30_000, polling=20)
                self.page.wait_for_load_state("load")
                return
            except Exception as exc:  # Playwright's 'execution context was destroyed'
                if "Timeout" in type(exc).__name__:
                    shot = Path(tempfile.gettempdir()) / "steward-bench-stuck.png"
                    self.page.screenshot(path=str(shot))
                    active = self.page.evaluate(
                        "document.activeElement && document.activeElement.outerHTML.slice(0, 200)"
                    )
                    raise RuntimeError(
                        f"the page did not settle: {self.page.url}, focus on {active}, see {shot}"
                    ) from exc
                time.sleep(0.02)

    # --- the work ----------------------------------------------------------------------------

    def sign_in(self) -> None:
        self.page.goto(f"{self.url}/review")
        self.page.fill("#name", STEWARD)
        self.page.fill("#password", PASSWORD)
        self.page.click("button[type=submit]")
        self.page.wait_for_selector("#open-next")

    def on_document(self) -> int | None:
        found = re.search(r"/review/documents/(\d+)", self.page.url)
        return int(found.group(1)) if found else None

    def run(self, limit: int) -> None:
        self.sign_in()
        self.doc = None
        self.press("n")
        gave_up: set[int] = set()
        for _ in range(limit):
            document_id = self.on_document()
            if document_id is None:
                break
            self.page.wait_for_selector("#fields, .fields", state="attached")
            if document_id in gave_up:
                self.doc = self.work[document_id]
                self.doc.returns += 1
                if gave_up >= self.warehouse.waiting():
                    break  # only documents it cannot settle are left
                self.leave()
                continue
            if document_id not in self.work:
                self.work[document_id] = self.first_look(document_id)
            self.doc = self.work[document_id]
            self.work_on(document_id)
            if self.on_document() == document_id:  # could not settle it
                gave_up.add(document_id)
                if gave_up >= self.warehouse.waiting():
                    break
                self.leave()
        self.doc = None

    def first_look(self, document_id: int) -> DocumentWork:
        name = self.warehouse.file_of(document_id)
        truth = self.truths[name]
        work = DocumentWork(
            document_id, name, truth.doc_type, loads=self.opened.pop(document_id, 1)
        )
        if self.warehouse.doc_type(document_id) == truth.doc_type:
            work.wrong, work.missing = self.problems(document_id, truth)
        else:  # the type is wrong: every value is to be read again
            work.wrong_type, work.wrong, work.missing = True, 0, len(truth.fields)
        return work

    def problems(self, document_id: int, truth: Truth) -> tuple[int, int]:
        """(values read wrong, fields not found) against the ground truth."""
        values = self.warehouse.values(document_id)
        wrong = sum(
            1 for k, v in values.items() if k in truth.fields and norm(v) != norm(truth.fields[k])
        )
        return wrong, sum(1 for k in truth.fields if k not in values)

    def leave(self) -> None:
        """Put the document aside: `l` (later) where the UI has it, else `n`."""
        has_later = self.page.locator("#later").count() > 0
        self.press("l" if has_later else "n")

    def work_on(self, document_id: int) -> None:
        doc = self.doc
        assert doc is not None
        truth = self.truths[doc.file]
        if self.warehouse.doc_type(document_id) != truth.doc_type:
            if self.page.locator("#retype-type").count() == 0:
                return  # this UI cannot change the type
            self.press("d", wait=False)
            self.choose("#retype-type", truth.doc_type)
            self.press("Enter")
            doc.retyped = True
            if self.on_document() != document_id:
                return
            wrong, missing = self.problems(document_id, truth)
            doc.wrong, doc.missing = wrong + 1, missing  # the type was one thing to fix
        values = self.warehouse.values(document_id)
        for name, value in values.items():
            if self.on_document() != document_id:
                return
            want = truth.fields.get(name)
            if want is not None and norm(value) != norm(want):
                self.fix(name, typed_form(want))
        for name, want in truth.fields.items():
            if self.on_document() != document_id:
                return
            if name not in values:
                self.add(name, typed_form(want))
        if self.on_document() == document_id:
            self.press("Shift+A")
        if self.on_document() == document_id:
            self.answer_identity_questions(truth)
        doc.settled = self.on_document() != document_id

    def answer_identity_questions(self, truth: Truth) -> None:
        """Link when the person on file has the key the ground truth gives, else keep apart."""
        assert self.doc is not None
        for article in self.page.locator(".identity article.compare").all():
            link = article.locator("button[value=link]")
            if link.count() == 0:
                continue
            on_file = article.locator(".side").nth(1).locator("dd").first.inner_text().strip()
            choice = "link" if on_file in truth.keys else "separate"
            self.doc.questions += 1
            self.doc.clicks += 1
            self._act(lambda c=choice, a=article: a.locator(f"button[value={c}]").click(), True)
            if self.page.locator(".identity").count() == 0:
                return

    def fix(self, name: str, text: str) -> None:
        assert self.doc is not None
        box = f"#value-{name}"
        self.click(box)
        if self.page.locator(box).evaluate("e => e.readOnly"):
            self.press("e", wait=False)  # a UI where a click only selects the field
        self.type_value(text)
        self.save_field()
        if self.page.locator(f"#refusal-{name}:not([hidden])").count():
            self.doc.refusals.append(
                f"{name}: {self.page.locator(f'#refusal-{name}').inner_text()}"
            )
            self.press("Escape", wait=False)
            return
        self.doc.fixed += 1

    def add(self, name: str, text: str) -> None:
        assert self.doc is not None
        option = self.page.locator(f"#add-name option[value='{name}']")
        if option.count() == 0:
            self.doc.left_missing += 1  # this UI cannot add it (or the type does not declare it)
            return
        self.choose("#add-name", name)
        for word in self.words_for(text):
            self.click_element(word)
        if norm(self.page.locator("#add-value").input_value()) != norm(text):
            self.page.fill("#add-value", "")
            self.click("#add-value")
            self.type_value(text)
        else:
            self.click("#add-value")
        self.save_field()
        if self.page.locator("#refusal-add:not([hidden])").count():
            self.doc.refusals.append(f"{name}: {self.page.locator('#refusal-add').inner_text()}")
            self.doc.left_missing += 1
            self.press("Escape", wait=False)
            return
        self.doc.added += 1

    def words_for(self, text: str) -> list[Any]:
        """The words on the scan where `text` is printed: the run of OCR words (in reading order)
        whose text is closest to it, when it is close enough to be the place."""
        tokens = [norm(t).strip(".,:;") for t in text.split()]
        words = self.page.locator("svg.overlay rect.word")
        texts = [
            norm(t).strip(".,:;") for t in words.evaluate_all("rs => rs.map(r => r.dataset.text)")
        ]
        best, where = 0.0, -1
        n = len(tokens)
        for start in range(0, max(0, len(texts) - n + 1)):
            window = texts[start : start + n]
            score = sum(_similar(a, b) for a, b in zip(window, tokens, strict=True)) / n
            if score > best:
                best, where = score, start
        if where < 0 or best < 0.6:
            return []
        return [words.nth(i) for i in range(where, where + n)]


def _similar(a: str, b: str) -> float:
    if a == b:
        return 1.0
    if not a or not b:
        return 0.0
    from difflib import SequenceMatcher

    return SequenceMatcher(None, a, b).ratio()


# --- one run ----------------------------------------------------------------------------------


def run_one(
    code: Path,
    label: str,
    samples: Path,
    workers: int,
    keep: bool,
    processed: Path | None = None,
    mislabelled: dict[str, str] | None = None,
) -> dict[str, Any]:
    root = Path(tempfile.mkdtemp(prefix="steward-" + re.sub(r"[^a-z0-9]+", "-", label) + "-"))
    env = code_env(code, root)
    imported = imported_from(code, env)
    print(f"[{label}] code under test: {code} (imports {imported})", file=sys.stderr)
    inbox = root / "inbox"
    inbox.mkdir()
    for path in samples.iterdir():
        if not path.name.endswith(".json"):
            shutil.copy2(path, inbox / path.name)
    if mislabelled:  # a manifest that names the wrong type for some files, as a team may
        rows = "".join(f"{name},{hint}\n" for name, hint in sorted(mislabelled.items()))
        (inbox / "manifest.csv").write_text("file,type_hint\n" + rows, encoding="utf-8")
    started = time.perf_counter()
    if processed is not None:  # a warehouse `sohoa run` filled from these samples already
        shutil.copy2(processed / "sohoa.db", root / "sohoa.db")
        shutil.copytree(processed / "objects", root / "objects")
    else:
        sohoa(code, env, "db", "upgrade")
        sohoa(code, env, "run", str(inbox), "--batch", "steward", "--workers", str(workers))
    run_seconds = time.perf_counter() - started
    sohoa(
        code,
        env,
        "accounts",
        "create",
        "--name",
        STEWARD,
        "--role",
        "steward",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    server, url = serve(code, env, root / "serve.log")
    try:
        if not served_script_is(code, url):
            raise RuntimeError(f"the server at {url} does not serve {code}'s review UI")
        from playwright.sync_api import sync_playwright

        warehouse = Warehouse(root / "sohoa.db")
        truths = read_truths(samples)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            page = browser.new_context(
                viewport={"width": 1366, "height": 800}, locale="vi-VN"
            ).new_page()
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            steward = Steward(page, url, warehouse, truths)
            steward.run(limit=6 * len(truths))
            browser.close()
        right, total = fields_right(warehouse, truths)
    finally:
        server.terminate()
        server.wait(timeout=20)
    if not keep:
        shutil.rmtree(root, ignore_errors=True)
    return {
        "label": label,
        "code": str(code),
        "imports": imported,
        "run_seconds": round(run_seconds, 1),
        "documents": [
            asdict(d) | {"ui_seconds": round(d.ui_seconds, 3)} for d in steward.work.values()
        ],
        "session": asdict(steward.session) | {"ui_seconds": round(steward.session.ui_seconds, 3)},
        "fields_right": right,
        "fields_total": total,
        "page_errors": errors,
        **({"kept": str(root)} if keep else {}),
    }


def wrong_hints(samples: Path, count: int) -> dict[str, str]:
    """`count` ID cards (chip backs first) whose manifest.csv row names the wrong type: the first
    "unknown" (the issue's unknown chip-card back, which the classifier no longer makes on its
    own), the others "birth_certificate" (a mislabelled box)."""
    cards = sorted(
        (json.loads(p.read_text()) for p in samples.glob("*.truth.json")),
        key=lambda t: ("chip_back" not in t["template"], t["file"]),
    )
    chosen = [t["file"] for t in cards if t["doc_type"] == "id_card"][:count]
    return {name: "unknown" if i == 0 else "birth_certificate" for i, name in enumerate(chosen)}


def fields_right(warehouse: Warehouse, truths: dict[str, Truth]) -> tuple[int, int]:
    """Ground-truth fields the warehouse now holds with the right value (in its stored form)."""
    right = total = 0
    for (document_id,) in warehouse.db.execute("select id from documents").fetchall():
        truth = truths[warehouse.file_of(document_id)]
        values = warehouse.values(document_id)
        for name, want in truth.fields.items():
            total += 1
            right += norm(values.get(name)) == norm(want)
    return right, total


# --- the report -------------------------------------------------------------------------------


def summary(result: dict[str, Any]) -> dict[str, Any]:
    docs = result["documents"]
    nothing = [d for d in docs if d["wrong"] + d["missing"] == 0]
    decisions = sum(d["fixed"] + d["added"] for d in docs)
    return {
        "documents": len(docs),
        "settled": sum(d["settled"] for d in docs),
        "median_keys": statistics.median(d["keys"] for d in docs) if docs else None,
        "median_to_fix": statistics.median(d["wrong"] + d["missing"] for d in docs)
        if docs
        else None,
        "median_keys_over_to_fix": (
            statistics.median(d["keys"] - d["wrong"] - d["missing"] for d in docs) if docs else None
        ),
        "docs_within_target": sum(d["keys"] <= d["wrong"] + d["missing"] + 2 for d in docs),
        "nothing_to_fix": len(nothing),
        "nothing_to_fix_keys": sorted({d["keys"] for d in nothing}),
        "median_clicks": statistics.median(d["clicks"] for d in docs) if docs else None,
        "page_loads": sum(d["loads"] for d in docs),
        "field_decisions_typed": decisions,
        "loads_per_document": round(sum(d["loads"] for d in docs) / len(docs), 2) if docs else None,
        "median_ui_seconds": round(statistics.median(d["ui_seconds"] for d in docs), 3)
        if docs
        else None,
        "total_ui_seconds": round(sum(d["ui_seconds"] for d in docs), 2),
        "median_field_decision_seconds": (
            round(statistics.median(saved), 3)
            if (saved := [t for d in docs for t in d["decision_seconds"]])
            else None
        ),
        "values_typed": sum(d["typed"] for d in docs),
        "left_missing": sum(d["left_missing"] for d in docs),
        "returns": sum(d["returns"] for d in docs),
        "refusals": sum(len(d["refusals"]) for d in docs),
        "fields_right": f"{result['fields_right']}/{result['fields_total']}",
    }


def print_documents(result: dict[str, Any]) -> None:
    print(f"\n## {result['label']}: {result['code']} (sohoa from {result['imports']})")
    columns = "doc type wrong missing keys clicks loads UI_s typed added left_missing returns"
    print("| " + " | ".join(c.replace("_", " ") for c in columns.split()) + " |")
    print("|---" * len(columns.split()) + "|")
    for d in sorted(result["documents"], key=lambda d: d["document_id"]):
        kind = d["doc_type"] + (" (retyped)" if d["retyped"] else "")
        kind += " (wrong type)" if d["wrong_type"] and not d["retyped"] else ""
        cells = [d["document_id"], kind, d["wrong"], d["missing"], d["keys"], d["clicks"]]
        cells += [d["loads"], f"{d['ui_seconds']:.2f}", d["typed"], d["added"]]
        cells += [d["left_missing"], d["returns"]]
        print("| " + " | ".join(str(c) for c in cells) + " |")
    for d in result["documents"]:
        for refusal in d["refusals"]:
            print(f"refused on #{d['document_id']}: {refusal}")
    if result["page_errors"]:
        print("page errors:", result["page_errors"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--noise", default="heavy", choices=["none", "light", "heavy"])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--before", default=BEFORE, help="a commit to compare with ('' for none)")
    parser.add_argument("--samples", type=Path, help="reuse a folder made by `sohoa samples`")
    parser.add_argument(
        "--mislabel",
        type=int,
        default=2,
        help="files whose manifest.csv row names a wrong type (the steward must retype them)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the warehouses (paths printed)")
    parser.add_argument(
        "--processed",
        type=Path,
        help="for the run of this tree, copy a folder `sohoa run` filled from --samples "
        "(sohoa.db, objects/) instead of running it again",
    )
    parser.add_argument("--out", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="steward-bench-"))
    samples = args.samples
    if samples is None:
        samples = scratch / "samples"
        env = code_env(REPO, scratch)
        sohoa(
            REPO,
            env,
            "samples",
            str(samples),
            "--count",
            str(args.count),
            "--seed",
            str(args.seed),
            "--noise",
            args.noise,
        )
    mislabelled = wrong_hints(samples, args.mislabel)
    if mislabelled:
        print(f"manifest.csv names a wrong type for: {mislabelled}", file=sys.stderr)
    after = run_one(REPO, "after", samples, args.workers, args.keep, args.processed, mislabelled)
    results = [after]
    if args.before:
        tree = scratch / "before"
        subprocess.run(
            ["git", "-C", str(REPO), "worktree", "add", "--detach", str(tree), args.before],
            check=True,
            capture_output=True,
        )
        try:
            results.append(
                run_one(
                    tree,
                    f"before ({args.before})",
                    samples,
                    args.workers,
                    args.keep,
                    None,
                    mislabelled,
                )
            )
        finally:
            subprocess.run(
                ["git", "-C", str(REPO), "worktree", "remove", "--force", str(tree)],
                check=False,
                capture_output=True,
            )
    for result in results:
        print_documents(result)
    figures = {r["label"]: summary(r) for r in results}
    print("\n## summary\n| measure | " + " | ".join(figures) + " |")
    print("|---|" + "---|" * len(figures))
    for key in next(iter(figures.values())):
        print(f"| {key} | " + " | ".join(str(f[key]) for f in figures.values()) + " |")
    after = figures["after"]
    checks = {
        "no page load per field decision": after["page_loads"]
        <= after["documents"] + sum(d["retyped"] for d in results[0]["documents"]),
        "nothing to fix takes one key": after["nothing_to_fix_keys"] in ([1], []),
        "median keys <= wrong or missing + 2": (after["median_keys_over_to_fix"] or 0) <= 2,
    }
    print("\n## targets\n" + "\n".join(f"- {k}: {'yes' if v else 'NO'}" for k, v in checks.items()))
    if args.out:
        args.out.write_text(
            json.dumps(
                {"results": results, "summary": figures, "targets": checks},
                ensure_ascii=False,
                indent=1,
            )
        )
    shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()

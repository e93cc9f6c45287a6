"""LMS exports (Canvas, Moodle) or a folder of files -> nbgrader's ``submitted/`` layout.

    python -m autograde collect submissions.zip --roster roster.csv --assignment 01_neuron

The roster is a CSV with a ``student_id`` column (the id used in nbgrader and the
gradebook) and, to match LMS files, any of ``lms_id`` (Canvas user id), ``name`` (full
name, as Moodle writes it), ``first_name``, ``last_name``, ``email``. File names:

* Canvas: ``<lastfirst>[_LATE]_<user_id>_<submission_id>_<original name>``, where Canvas
  adds ``-1``, ``-2`` ... to the original name of a resubmitted file. The suffix is removed
  only where that gives a name the assignment expects (its notebook, 07's
  ``final_model.npz``): a student's own ``plot-2.png`` keeps its name. Either way the report
  says so.
  Matched by ``lms_id`` = user id, else by the ``lastfirst`` key of the roster's names.
* Moodle: ``<Full Name>_<participant id>_assignsubmission_file_[/]<original name>``
  (flat or "in folders"). Matched by full name (case, accents and spacing ignored).
* A plain folder or zip already laid out as ``<student_id>/<files>`` or named
  ``<student_id>_<original name>``.

Each student's files go to ``SUBMITTED/<student_id>/<assignment>/``; a single notebook is
named ``<assignment>.ipynb``; a zip a student uploaded is unpacked there (safely: no path
outside the folder, capped size). Every file that matches no student, or that is skipped,
is reported; nothing is silently dropped.
"""

import csv
import io
import re
import shutil
import tempfile
import unicodedata
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from autograde.course import STUDENT_FILES, CourseError

MAX_STUDENT_BYTES = 200 * 2**20  # what one student's files may unpack to
IGNORED = {"__MACOSX", ".DS_Store", "Thumbs.db", ".ipynb_checkpoints", "__pycache__"}
CANVAS = re.compile(r"^(?P<key>[a-z]+)(?:_(?P<late>LATE))?_(?P<uid>\d+)_(?P<sid>\d+)_"
                    r"(?P<name>.+)$")
MOODLE = re.compile(r"^(?P<full>.+?)_(?P<pid>\d+)_assignsubmission_(?:file|onlinetext)_"
                    r"/?(?P<name>.*)$")
RESUBMITTED = re.compile(r"^(?P<stem>.+?)-\d+(?P<ext>\.[A-Za-z0-9]+)$")


def _key(text):
    """A name reduced to lowercase ASCII letters (accents, spaces, hyphens dropped)."""
    text = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in text.lower() if "a" <= c <= "z")


@dataclass
class Roster:
    students: dict                              # student_id -> row
    by_lms_id: dict = field(default_factory=dict)
    by_name: dict = field(default_factory=dict)  # name key -> {student ids}

    @classmethod
    def read(cls, path):
        try:
            with open(path, newline="", encoding="utf-8-sig") as f:
                rows = list(csv.DictReader(f))
        except OSError as exc:
            raise CourseError(f"cannot read the roster {path}: {exc}") from None
        if not rows or "student_id" not in rows[0]:
            raise CourseError(f"{path}: the roster needs a student_id column (and lms_id, "
                              "name or first_name/last_name to match LMS files)")
        roster = cls({})
        for row in rows:
            sid = (row.get("student_id") or "").strip()
            if not sid:
                continue
            if not re.fullmatch(r"[A-Za-z0-9_.@+-]+", sid) or sid.startswith("."):
                raise CourseError(f"{path}: student_id {sid!r} cannot be a folder name")
            roster.students[sid] = row
            if (row.get("lms_id") or "").strip():
                roster.by_lms_id[row["lms_id"].strip()] = sid
            first, last = row.get("first_name", ""), row.get("last_name", "")
            for name in {row.get("name", ""), f"{first} {last}", f"{last} {first}"}:
                if _key(name):
                    roster.by_name.setdefault(_key(name), set()).add(sid)
        return roster

    def by_key(self, key):
        ids = self.by_name.get(_key(key), set())
        return next(iter(ids)) if len(ids) == 1 else None


@dataclass
class Report:
    files: list = field(default_factory=list)   # (file, student_id, what happened, detail)
    students: dict = field(default_factory=dict)  # student_id -> [files]
    absent: list = field(default_factory=list)   # roster students with no file

    @property
    def unmatched(self):
        return [f for f in self.files if f[2] == "unmatched"]

    def summary(self):
        lines = [f"{len(self.files)} files: {len(self.students)} students matched, "
                 f"{len(self.unmatched)} files unmatched, "
                 f"{sum(f[2] == 'skipped' for f in self.files)} skipped; "
                 f"{len(self.absent)} students of the roster submitted nothing"]
        lines += [f"  unmatched: {f[0]} ({f[3]})" for f in self.unmatched]
        lines += [f"  skipped: {f[0]} ({f[3]})" for f in self.files if f[2] == "skipped"]
        return "\n".join(lines)


def _entries(source):
    """(relative name, opener) for every file of a zip or folder."""
    source = Path(source)
    if source.is_dir():
        for path in sorted(source.rglob("*")):
            if path.is_file() and not path.is_symlink():
                yield path.relative_to(source).as_posix(), path.read_bytes, path.stat().st_size
    elif zipfile.is_zipfile(source):
        archive = zipfile.ZipFile(source)
        for info in archive.infolist():
            if not info.is_dir():
                yield info.filename, (lambda i=info: _read_capped(archive, i)), info.file_size
    else:
        raise CourseError(f"{source}: neither a folder nor a zip file")


def _read_capped(archive, info, cap=MAX_STUDENT_BYTES):
    with archive.open(info) as f:
        data = f.read(cap + 1)
    if len(data) > cap:
        raise ValueError(f"unpacks to more than {cap / 2**20:.0f} MiB")
    return data


def _match(name, roster, expected=()):
    """(student_id or None, original file name, why) for one entry of the export; expected:
    the file names the assignment expects (Canvas's resubmission suffix is removed for them)."""
    parts = PurePosixPath(name).parts
    first, base = parts[0], parts[-1]
    if len(parts) > 1 and first in roster.students:       # laid out as <student_id>/...
        return first, "/".join(parts[1:]), "folder named by student id"
    m = MOODLE.match(name)
    if m:
        sid = roster.by_lms_id.get(m["pid"]) or roster.by_key(m["full"])
        return sid, m["name"] or base, (f"Moodle name {m['full']!r}" if sid else
                                        f"no roster student named {m['full']!r} (Moodle)")
    m = CANVAS.match(base) if len(parts) == 1 else None
    if m:
        sid = roster.by_lms_id.get(m["uid"]) or roster.by_key(m["key"])
        original, why = m["name"], "Canvas user " + m["uid"] + (" (late)" if m["late"] else "")
        r = RESUBMITTED.match(original)
        if r and r["stem"] + r["ext"] in expected:
            why += f"; {original} renamed {r['stem'] + r['ext']} (Canvas's resubmission suffix)"
            original = r["stem"] + r["ext"]
        return sid, original, (why if sid else f"no roster student with Canvas id {m['uid']} "
                                               f"or name key {m['key']!r}")
    for sid in roster.students:                            # <student_id>_<name>
        if len(parts) == 1 and base.startswith(sid + "_") and len(base) > len(sid) + 1:
            return sid, base[len(sid) + 1:], "file named by student id"
    return None, base, "its name matches no Canvas, Moodle or student-id pattern"


def _safe_rel(name):
    parts = [p for p in PurePosixPath(name.replace("\\", "/")).parts if p not in ("", ".")]
    if not parts or any(p == ".." for p in parts) or name.startswith("/"):
        return None
    return "/".join(parts)


def collect(source, roster_csv, assignment, submitted, *, db=None, report_csv=None):
    """Lay out the files of an LMS export under submitted/; returns a Report."""
    from autograde.course import check_assignment
    check_assignment(assignment)
    roster = Roster.read(roster_csv)
    report = Report()
    expected = {f"{assignment}.ipynb", *STUDENT_FILES.get(assignment, [])}
    files = defaultdict(list)  # student -> [(relative name, data, origin)]
    sizes = defaultdict(int)
    for name, read, size in _entries(source):
        if any(p in IGNORED or p.startswith("._") for p in PurePosixPath(name).parts):
            report.files.append((name, "", "ignored", "operating-system or editor file"))
            continue
        sid, original, why = _match(name, roster, expected)
        if sid is None:
            report.files.append((name, "", "unmatched", why))
            continue
        rel = _safe_rel(original)
        if rel is None:
            report.files.append((name, sid, "skipped", "unsafe file name"))
            continue
        if sizes[sid] + size > MAX_STUDENT_BYTES:
            report.files.append((name, sid, "skipped", "the student's files are too large"))
            continue
        try:
            data = read()
        except (ValueError, zipfile.BadZipFile, OSError) as exc:
            report.files.append((name, sid, "skipped", str(exc)))
            continue
        sizes[sid] += len(data)
        items = _unzip(data, sid, name, report) if rel.lower().endswith(".zip") \
            else [(rel, data, name)]
        for rel, data, origin in items:
            if any(rel == other for other, _, _ in files[sid]):
                report.files.append((origin, sid, "skipped", f"a second file named {rel}"))
                continue
            files[sid].append((rel, data, origin))
            if origin == name:
                report.files.append((name, sid, "matched", why))
    submitted = Path(submitted)
    for sid, items in sorted(files.items()):
        _write_student(submitted / sid / assignment, assignment, items)
        report.students[sid] = [origin for _, _, origin in items]
    report.absent = sorted(set(roster.students) - set(report.students))
    if db:
        _add_students(db, roster)
    if report_csv:
        _write_report(report, report_csv)
    return report


def _unzip(data, sid, name, report):
    """The files of a zip a student uploaded, with safe relative names."""
    items = []
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        total = 0
        for info in archive.infolist():
            if info.is_dir():
                continue
            rel = _safe_rel(info.filename)
            where = f"{name}:{info.filename}"
            if rel is None or any(p in IGNORED for p in rel.split("/")):
                report.files.append((where, sid, "skipped", "unsafe or system file name"))
                continue
            total += info.file_size
            if total > MAX_STUDENT_BYTES:
                report.files.append((where, sid, "skipped", "the zip unpacks too large"))
                continue
            items.append((rel, _read_capped(archive, info), where))
            report.files.append((where, sid, "matched", "unpacked from the student's zip"))
    except (zipfile.BadZipFile, ValueError) as exc:
        report.files.append((name, sid, "skipped", f"not a readable zip: {exc}"))
    return items


def _write_student(folder, assignment, items):
    """Replace the student's folder with these files (a new collection is the truth)."""
    notebooks = [rel for rel, _, _ in items if rel.endswith(".ipynb") and "/" not in rel]
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".{assignment}-"))
    for rel, data, _ in items:
        if len(notebooks) == 1 and rel == notebooks[0]:
            rel = f"{assignment}.ipynb"
        target = tmp / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    if folder.exists():
        shutil.rmtree(folder)
    tmp.rename(folder)


def _add_students(db, roster):
    from autograde.gradebook import open_gradebook
    gb = open_gradebook(db)
    try:
        for sid, row in roster.students.items():
            first, last = row.get("first_name") or None, row.get("last_name") or None
            if not (first or last) and row.get("name"):
                first, _, last = row["name"].strip().rpartition(" ")
                first, last = (first or None), (last or None)
            gb.update_or_create_student(sid, first_name=first, last_name=last,
                                        email=row.get("email") or None)
    finally:
        gb.close()


def _write_report(report, path):
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["file", "student_id", "result", "detail"])
        writer.writerows(report.files)
        for sid in report.absent:
            writer.writerow(["", sid, "no submission", "in the roster, no file matched"])

"""Grade a course's submissions into nbgrader's gradebook (and a per-cell CSV).

Layout (nbgrader's): ``SUBMITTED/<student_id>/<assignment>/<assignment>.ipynb``; the
course folder is SUBMITTED's parent (``gradebook.db`` and ``autograded/`` go there unless
told otherwise). One coordinator (this process) reads each submission, skips those already
recorded with the same fingerprint (notebook and files, assignment version, salt), hands
the rest to workers (processes here, or a Dask ``distributed`` cluster) that only grade
and return rows, and writes each result to the gradebook in one transaction as it comes
back: a run killed at any point resumes where it stopped.
"""

import csv
import hashlib
import itertools
import json
import os
import shutil
import sys
import tempfile
import time
import traceback
from collections import Counter
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field
from pathlib import Path

from autograde.course import CourseError, assignments, check_assignment, graded_cells, \
    source_notebook
from autograde.engine import CellResult, Limits, grade_notebook, submission_files

FIELDS = ["student_id", "assignment", "cell", "score", "max_score", "status", "message"]
# What a submission's run came to, worst first: all but "graded" need the instructor.
MAX_NOTEBOOK_BYTES = 64 * 2**20  # a larger notebook is not graded (and said so)
STATUSES = ["missing", "failed", "tampered", "crashed", "timed out", "graded"]
ATTENTION = set(STATUSES) - {"graded"}


def find_notebook(folder, assignment):
    """The submitted notebook: <assignment>.ipynb, else the only notebook in the folder."""
    expected = folder / f"{assignment}.ipynb"
    if expected.exists():
        return expected, ""
    others = sorted(folder.glob("*.ipynb")) if folder.is_dir() else []
    if len(others) == 1:
        return others[0], f"graded {others[0].name} (expected {expected.name})"
    return expected, ""


# --- the coordinator's side: what to grade ------------------------------------------------

def pack(student, assignment, folder, *, salt, limits, version, denied=()):
    """Everything a worker needs to grade one submission, read here once: the notebook's
    bytes and the folder's own files (workers need no access to the submissions)."""
    folder = Path(folder)
    notebook, note = find_notebook(folder, assignment)
    # What decides the result besides the submission: the assignment's version (its code,
    # notebook, given code, data and libraries: gradebook.assignment_version), the salt
    # and every limit (a larger --timeout grades a timed-out submission again).
    h = hashlib.sha256(f"{version}\0{salt}\0{_limits_key(limits)}\0".encode())
    job = {"student_id": student, "assignment": assignment, "salt": salt, "limits": limits,
           "denied": list(denied), "name": notebook.name, "note": note, "notebook": None,
           "files": [], "file_notes": [], "timestamp": None, "version": version}
    if notebook.is_file() and not notebook.is_symlink() \
            and notebook.stat().st_size > MAX_NOTEBOOK_BYTES:
        job["too_large"] = notebook.stat().st_size
    elif notebook.is_file() and not notebook.is_symlink():
        job["notebook"] = notebook.read_bytes()
        files, job["file_notes"] = submission_files(folder, limits)
        job["files"] = [(rel, Path(path).read_bytes()) for path, rel in files]
    stamp = folder / "timestamp.txt"
    if stamp.is_file() and not stamp.is_symlink():
        job["timestamp"] = stamp.read_text(errors="replace").strip()[:64] or None
    for part in (job["notebook"] or b"missing", *(rel.encode() + b"\0" + data
                                                  for rel, data in job["files"])):
        h.update(hashlib.sha256(part).digest())
    job["fingerprint"] = h.hexdigest()
    return job


def _limits_key(limits):
    return json.dumps(asdict(limits) if limits is not None else None, sort_keys=True)


# --- the worker's side: grade one submission, return plain data ---------------------------

def _grade_one(job):
    """Grade one packed submission in a private temporary folder; returns a result dict
    (rows, status, reason, autograded notebook). Never raises for a student's doing."""
    started = time.monotonic()
    student, assignment = job["student_id"], job["assignment"]
    report, notebook_json, manual, submitted_nb = {}, None, {}, None
    tmp = tempfile.mkdtemp(prefix="submission-")
    try:
        if job.get("version") and _worker_version(assignment) != job["version"]:
            raise RuntimeError("this worker has another version of the course (solutions, "
                               "hidden checks, grading code or the versions of nbgrader "
                               "and numpy) than the coordinator")
        if job.get("too_large"):
            raise _TooLarge(f"the notebook is {job['too_large'] / 2**20:.0f} MiB; at most "
                            f"{MAX_NOTEBOOK_BYTES / 2**20:.0f} MiB are graded (clear its "
                            "outputs and submit it again)")
        path = Path(tmp) / assignment / job["name"]
        path.parent.mkdir(parents=True)
        if job["notebook"] is not None:
            path.write_bytes(job["notebook"])
            for rel, data in job["files"]:
                target = path.parent / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
        results = grade_notebook(assignment, path, seed=f"{job['salt']}:{student}:{assignment}",
                                 limits=job["limits"], denied=job["denied"],
                                 notes=job["file_notes"], report=report,
                                 experiments=job.get("experiments", False))
        if job["notebook"] is not None and not _all(results, "missing"):
            from autograde.autograded import autograded_notebook
            from autograde.course import read_notebook
            try:
                submitted_nb = read_notebook(path)
            except CourseError:
                submitted_nb = None
            if submitted_nb is not None:
                notebook_json, manual = autograded_notebook(assignment, submitted_nb, results)
    except _TooLarge as exc:
        results = [CellResult(c.grade_id, c.points, 0.0, "error", str(exc))
                   for c in graded_cells(source_notebook(assignment))]
        report["unreadable"] = str(exc)
    except Exception as exc:  # a grader bug must not lose the other submissions
        detail = traceback.format_exception_only(type(exc), exc)[-1].strip()
        results = [CellResult(c.grade_id, c.points, 0.0, "error", f"grader error: {detail}")
                   for c in graded_cells(source_notebook(assignment))]
        report["grader_error"] = detail
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    rows = []
    for r in results:
        row = {"student_id": student, "assignment": assignment, **asdict(r)}
        if job["note"] and r.status != "missing":
            row["message"] = f"{job['note']}; {row['message']}".strip("; ")
        rows.append(row)
    status, reason = classify(results, report, job["note"])
    # A grader error is graded again on the next run (no fingerprint); a student's is not.
    fingerprint = "" if report.get("grader_error") else job["fingerprint"]
    return {"student_id": student, "assignment": assignment, "rows": rows, "status": status,
            "reason": reason, "fingerprint": fingerprint, "manual": manual,
            "notebook": notebook_json, "timestamp": job["timestamp"],
            "seconds": time.monotonic() - started}


def _worker_version(assignment):
    from autograde.gradebook import assignment_version
    return assignment_version(assignment)  # cached while its files are unchanged


class _TooLarge(Exception):
    pass


def _all(results, status):
    return bool(results) and all(r.status == status for r in results)


def classify(results, report, note=""):
    """(status, reason) of a submission: what the instructor reads in the summary."""
    got = sum(r.score for r in results)
    total = sum(r.max_score for r in results)
    first = next((r.message for r in results if r.message), "")
    if _all(results, "missing"):
        return "missing", first or "no notebook"
    if report.get("grader_error"):
        return "failed", f"grader error: {report['grader_error']}"
    if report.get("unreadable"):
        return "failed", report["unreadable"]
    if _all(results, "error") and "not a readable notebook" in first:
        return "failed", first
    if any(r.status == "tampered" for r in results):
        return "tampered", first
    skipped = ", ".join(report.get("skipped", []))
    if report.get("crashes"):
        return "crashed", (f"the student's code killed its process {report['crashes']} "
                           f"time(s); {got:g} / {total:g}"
                           + (f"; skipped cells: {skipped}" if skipped else ""))
    if report.get("timeouts"):
        return "timed out", (f"{report['timeouts']} cell(s) or call(s) ran out of time; "
                             f"{got:g} / {total:g}" + (f"; skipped cells: {skipped}"
                                                       if skipped else ""))
    return "graded", f"{got:g} / {total:g}" + (f"; {note}" if note else "")


# --- running the workers ----------------------------------------------------------------

def _run_serial(jobs, on_result):
    for job in jobs:
        on_result(_grade_one(job))


def _run_processes(jobs, workers, on_result, retries=2):
    """Grade on a process pool, a bounded number of jobs in flight (memory stays flat for
    thousands of submissions). A worker process that dies (out of memory, killed) breaks
    the pool: it is rebuilt and its unfinished jobs graded again, ``retries`` times."""
    jobs, queue, tries = iter(jobs), [], Counter()
    while True:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            running = {}
            try:
                while True:
                    while len(running) < 2 * workers:
                        job = queue.pop() if queue else next(jobs, None)
                        if job is None:
                            break
                        running[pool.submit(_grade_one, job)] = job
                    if not running:
                        return
                    done, _ = wait(running, return_when=FIRST_COMPLETED)
                    for future in done:
                        job = running.pop(future)
                        on_result(future.result())
            except BrokenProcessPool:
                for job in running.values():
                    key = (job["student_id"], job["assignment"])
                    tries[key] += 1
                    if tries[key] > retries:
                        on_result(_lost(job, "the worker grading it died "
                                             f"{tries[key]} times"))
                    else:
                        queue.append(job)


def _run_dask(jobs, scheduler, on_result, window=None):
    """Grade on a Dask ``distributed`` cluster: workers only grade and return results; a
    lost worker's tasks are rerun elsewhere by the scheduler; results come back here."""
    from distributed import Client, as_completed
    client = scheduler if hasattr(scheduler, "submit") else Client(scheduler)
    try:
        window = window or max(4, 4 * sum(client.nthreads().values()))
        jobs, pending = iter(jobs), as_completed(with_results=False)
        futures = {}

        def submit():
            job = next(jobs, None)
            if job is not None:
                future = client.submit(_grade_one, job, pure=False, retries=1)
                futures[future.key] = job
                pending.add(future)
            return job is not None

        for _ in range(window):
            if not submit():
                break
        for future in pending:
            job = futures.pop(future.key)
            try:
                on_result(future.result())
            except Exception as exc:  # e.g. KilledWorker: it killed workers repeatedly
                on_result(_lost(job, f"its grading task failed ({type(exc).__name__})"))
            finally:
                future.release()
            submit()
    finally:
        if client is not scheduler:
            client.close()


def _lost(job, why):
    """A result for a submission no worker could grade: recorded, and graded again on the
    next run (it keeps no fingerprint)."""
    rows = [{"student_id": job["student_id"], "assignment": job["assignment"],
             **asdict(CellResult(c.grade_id, c.points, 0.0, "error", f"not graded: {why}"))}
            for c in graded_cells(source_notebook(job["assignment"]))]
    return {"student_id": job["student_id"], "assignment": job["assignment"], "rows": rows,
            "status": "failed", "reason": f"not graded: {why}", "fingerprint": "",
            "manual": {}, "notebook": None, "timestamp": None, "seconds": 0.0}


# --- preflight: the instructor's solution first ---------------------------------------------

PREFLIGHT_STUDENT = "(instructor's solution)"


class PreflightFailed(CourseError):
    """The instructor's own solution does not get full marks in this grading environment."""


def preflight(wanted, versions, run, *, salt, limits, denied):
    """Grade each assignment's instructor solution (solutions/<id>/, with the files beside
    it, e.g. 07's trained model) as a submission, in the same sandbox, limits and workers
    as the students' (``run(jobs, on_result)``). A fault of the grading environment (mlkit
    or a library not importable in the sandbox, a folder not bound, a wrong Python) makes
    it lose marks: raise PreflightFailed saying what failed, before any student is graded
    or recorded, instead of blaming every student for it. Returns the seconds it took."""
    from autograde.course import SOLUTIONS, STUDENT_FILES
    started, results, jobs = time.monotonic(), [], []
    for a in wanted:
        job = pack(PREFLIGHT_STUDENT, a, SOLUTIONS / a, salt=salt, limits=limits,
                   version=versions[a], denied=denied)
        # A file students make and submit (07's trained model) that a fresh checkout does
        # not hold (it is not in git): the solution's own experiment cells make it.
        job["experiments"] = any(not (SOLUTIONS / a / name).is_file()
                                 for name in STUDENT_FILES.get(a, []))
        jobs.append(job)
    run(iter(jobs), results.append)
    failed = []
    for result in sorted(results, key=lambda r: wanted.index(r["assignment"])):
        lost = [r for r in result["rows"] if r["score"] < r["max_score"]]
        if lost or result["status"] != "graded":
            got = sum(r["score"] for r in result["rows"])
            full = sum(r["max_score"] for r in result["rows"])
            lines = [f"{result['assignment']}: {got:g} / {full:g} ({result['status']}: "
                     f"{result['reason']})"]
            lines += [f"    {r['cell']}: {r['status']}: {r['message']}" for r in lost[:8]]
            if len(lost) > 8:
                lines.append(f"    ... and {len(lost) - 8} more cells")
            failed.append("\n".join(lines))
    if failed:
        raise PreflightFailed(
            "the instructor's solution does not get full marks in this grading environment, "
            "so no student was graded or recorded (check that mlkit and the course's "
            "libraries import in the sandbox's Python, and the limits):\n  "
            + "\n  ".join(failed))
    return time.monotonic() - started


# --- the command -------------------------------------------------------------------------

@dataclass
class Run:
    """What a grading run did."""
    rows: list = field(default_factory=list)        # per-cell rows of every submission
    statuses: dict = field(default_factory=dict)    # (student, assignment) -> (status, reason)
    graded: int = 0                                 # graded in this run
    unchanged: int = 0                              # skipped: already recorded
    seconds: float = 0.0
    preflight_seconds: float = 0.0                  # grading the instructor's solutions

    @property
    def counts(self):
        return Counter(status for status, _ in self.statuses.values())

    @property
    def needs_attention(self):
        return any(status in ATTENTION for status, _ in self.statuses.values())

    def summary(self):
        counts = self.counts
        parts = [f"{counts.get(s, 0)} {s}" for s in STATUSES[::-1]]
        return (f"{len(self.statuses)} submissions: " + ", ".join(parts)
                + f" ({self.graded} graded in this run, {self.unchanged} unchanged since "
                  f"the last; {self.seconds:.1f} s"
                  + (f", of which {self.preflight_seconds:.1f} s grading the instructor's "
                     "solutions first" if self.preflight_seconds else "") + ")")


def students_of(submitted):
    submitted = Path(submitted)
    if not submitted.is_dir():
        raise CourseError(f"{submitted}: no such folder of submissions")
    students = sorted(p.name for p in submitted.iterdir() if p.is_dir()
                      and not p.name.startswith("."))
    if not students:
        raise CourseError(f"{submitted}: no student folders (expected "
                          f"{submitted}/<student_id>/<assignment>/<assignment>.ipynb)")
    return students


def grade_run(submitted, out=None, *, assignment_ids=None, jobs=None, salt="", limits=None,
              db=None, course_dir=None, force=False, scheduler=None, progress=None,
              check_solutions=True):
    """Grade every student's submissions into the gradebook; returns a ``Run``.

    progress: None for a tqdm bar on stderr, or a callable given one line per submission.
    check_solutions: when there is anything to grade, grade the instructor's solutions
    first (``preflight``) and stop, recording nothing, unless they get full marks.
    """
    from autograde.gradebook import (assignment_version, default_url, fingerprints,
                                     open_gradebook, record, register_assignment)
    started = time.monotonic()
    wanted = [check_assignment(a) for a in assignment_ids] if assignment_ids else assignments()
    limits = limits or Limits()
    submitted = Path(submitted).resolve()
    students = students_of(submitted)
    course_dir = Path(course_dir).resolve() if course_dir else submitted.parent
    autograded = course_dir / "autograded"
    denied = [str(submitted), str(autograded)] + ([str(Path(out).resolve().parent)]
                                                 if out else [])
    gb = open_gradebook(db or default_url(course_dir))
    run = Run()
    try:
        versions = {a: assignment_version(a) for a in wanted}
        done = {} if force else fingerprints(gb)
        pairs = [(s, a) for s in students for a in wanted]
        bar = None

        def on_result(result):
            key = (result["student_id"], result["assignment"])
            _write_autograded(autograded, result)
            record(gb, result)
            run.graded += 1
            run.statuses[key] = (result["status"], result["reason"])
            line = (f"{key[0]} {key[1]}: {result['status']} ({result['reason']})")
            if bar is not None:
                bar.update(1)
                if result["status"] in ATTENTION:
                    bar.write(line)
            else:
                progress(line)

        def todo():
            for s, a in pairs:
                job = pack(s, a, submitted / s / a, salt=salt, limits=limits,
                           version=versions[a], denied=denied)
                if done.get((s, a)) == job["fingerprint"]:
                    run.unchanged += 1
                    if bar is not None:
                        bar.update(1)
                    continue
                yield job

        if scheduler is not None:
            def runner(work, on_result):
                _run_dask(work, scheduler, on_result)
        elif max(1, jobs or os.cpu_count() or 1) == 1:
            runner = _run_serial
        else:
            def runner(work, on_result):
                _run_processes(work, max(1, jobs or os.cpu_count() or 1), on_result)
        work = todo()
        first = next(work, None)  # nothing new: no pool, no cluster connection
        if first is not None and check_solutions:  # nothing recorded before it passes
            run.preflight_seconds = preflight(wanted, versions, runner, salt=salt,
                                              limits=limits, denied=denied)
            line = (f"preflight: the instructor's solutions of {', '.join(wanted)} get full "
                    f"marks here ({run.preflight_seconds:.1f} s)")
            progress(line) if progress is not None else print(line, file=sys.stderr)
        for a in wanted:
            register_assignment(gb, a, versions[a])
        bar = _bar(len(pairs)) if progress is None else None
        if bar is not None:
            bar.update(run.unchanged)
        work = itertools.chain([first], work)
        if first is not None:
            runner(work, on_result)
        if bar is not None:
            bar.close()
        from autograde.gradebook import records
        wanted_pairs = set(pairs)
        for rec in records(gb, wanted):
            key = (rec["student_id"], rec["assignment"])
            if key in wanted_pairs:
                run.statuses.setdefault(key, (rec["status"], rec["reason"]))
                run.rows += rec["cells"]
    finally:
        gb.close()
    if out:
        write_csv(run.rows, out)
    run.seconds = time.monotonic() - started
    return run


def grade(submitted, out, **kwargs):
    """Grade every student's submissions; writes the per-cell CSV at ``out``; returns its
    rows (see ``grade_run``)."""
    return grade_run(submitted, out, **kwargs).rows


def _bar(total):
    from tqdm import tqdm
    return tqdm(total=total, unit="nb", desc="grading", dynamic_ncols=True)


def _write_autograded(folder, result):
    """autograded/<student>/<assignment>/<assignment>.ipynb for formgrader (atomically)."""
    if result.get("notebook") is None:
        return
    path = Path(folder) / result["student_id"] / result["assignment"] / \
        f"{result['assignment']}.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".autograded-", suffix=".ipynb")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(result["notebook"])
    os.replace(tmp, path)


def write_csv(rows, out, fields=FIELDS):
    """Write atomically: a crash half-way never leaves a truncated grades file."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=".grades-", suffix=".csv")
    with os.fdopen(fd, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=fields)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: row[k] for k in fields})
    os.replace(tmp, out)

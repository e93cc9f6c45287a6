"""Benchmark: grade N synthetic students x the whole course four ways, on the same folder.

    python benchmarks/grading.py [--students 200] [--jobs 2] [--nbgrader-students K]
                                 [--no-nbgrader] [--no-dask]

1. ``grade`` serially (``--jobs 1``), 2. ``grade --jobs 2``, 3. ``grade`` on a Dask
``LocalCluster`` of 2 single-threaded workers (what ``--scheduler`` does), each into its
own fresh gradebook; 4. plain ``nbgrader autograde`` (which runs the students'
experiments too, one kernel per notebook, serially). Then ``grade --jobs 2`` again with
nothing new. Prints wall time, notebooks per minute and the ratios, and whether the three
``grade`` runs agree cell by cell. Asserts nothing: the figures depend on the machine and
its load (say which when you quote them).

Plain nbgrader takes about 17 s per notebook here (it runs every experiment), so 200 x 7
would take hours: ``--nbgrader-students K`` runs it on the first K students only, and
``grade --jobs N`` once more on exactly those, so that the ratio compares the same
submissions in the same run.

Submissions are the release with the solutions filled in; notebooks that save files in an
experiment (07's final_model.npz) get the files the solution's own run saves, as a student
would submit them.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from autograde.course import assignments, read_notebook, source_path  # noqa: E402
from autograde.engine import grade_notebook, is_experiment  # noqa: E402
from autograde.grade import grade_run  # noqa: E402
from autograde.release import nbgrader_env  # noqa: E402
from submissions import make_submission  # noqa: E402


def saved_files(assignment, folder):
    """The files the solution notebook's own run (experiments included) saves."""
    if not any(is_experiment(c) for c in read_notebook(source_path(assignment)).cells):
        return []
    ran = folder / "ran" / assignment
    ran.mkdir(parents=True)
    shutil.copy(source_path(assignment), ran)
    out = folder / "saved" / assignment
    out.mkdir(parents=True)
    grade_notebook(assignment, ran / f"{assignment}.ipynb", seed="bench", experiments=True,
                   save_files_to=out)
    return [p for p in out.rglob("*") if p.is_file()]


def build(root, students, wanted, scratch):
    for a in wanted:
        files = saved_files(a, scratch)
        for k in range(students):
            path = make_submission(root, f"student{k:04d}", a)
            for f in files:
                target = path.parent / f.relative_to(scratch / "saved" / a)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(f, target)


def timed(label, fn, n):
    start = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - start
    print(f"{label:<34} {seconds:8.1f} s  {n * 60 / seconds:7.1f} notebooks/min  "
          f"{seconds / n:6.2f} s/notebook", flush=True)
    return seconds, result


def run_grade(submitted, course, wanted, **kwargs):
    course.mkdir(parents=True, exist_ok=True)
    return grade_run(submitted, None, assignment_ids=wanted, salt="bench",
                     db=f"sqlite:///{course / 'gradebook.db'}", course_dir=course,
                     progress=lambda line: None, **kwargs)


def nbgrader_autograde(submitted, course, wanted):
    """Plain nbgrader: generate_assignment (into the gradebook), then autograde."""
    db = f"sqlite:///{course / 'gradebook.db'}"
    common = [f"--CourseDirectory.root={course}", f"--CourseDirectory.source_directory="
              f"{ROOT / 'solutions'}", f"--CourseDirectory.submitted_directory={submitted}",
              f"--CourseDirectory.db_url={db}"]
    course.mkdir(parents=True, exist_ok=True)
    for a in wanted:
        for command in (["generate_assignment", a, "--force",
                         f"--CourseDirectory.release_directory={course / 'release'}"],
                        ["autograde", a, "--force"]):
            proc = subprocess.run([sys.executable, "-m", "nbgrader", *command, *common],
                                  cwd=ROOT / "autograde", env=nbgrader_env(),
                                  capture_output=True, text=True)
            if proc.returncode != 0:
                print(f"nbgrader {command[0]} {a} failed:\n{proc.stderr[-2000:]}")


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--assignment", action="append", help="only these (default: all)")
    parser.add_argument("--nbgrader-students", type=int, metavar="K",
                        help="run plain nbgrader on the first K students only (default: all)")
    parser.add_argument("--no-nbgrader", action="store_true", help="skip nbgrader autograde")
    parser.add_argument("--no-dask", action="store_true", help="skip the Dask cluster")
    args = parser.parse_args()
    wanted = args.assignment or assignments()
    os.environ.setdefault("MLKIT_PROGRESS", "0")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        submitted = tmp / "submitted"
        build(submitted, args.students, wanted, tmp / "scratch")
        n = args.students * len(wanted)
        print(f"{args.students} students x {len(wanted)} notebooks = {n} submissions; "
              f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} at the start")
        serial, serial_run = timed("grade (serial)", lambda: run_grade(
            submitted, tmp / "serial", wanted, jobs=1), n)
        jobs, jobs_run = timed(f"grade --jobs {args.jobs}", lambda: run_grade(
            submitted, tmp / "jobs", wanted, jobs=args.jobs), n)
        again, again_run = timed(f"grade --jobs {args.jobs}, nothing new", lambda: run_grade(
            submitted, tmp / "jobs", wanted, jobs=args.jobs), n)
        same = [jobs_run]
        dask = None
        if not args.no_dask:
            from distributed import Client, LocalCluster
            with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                              dashboard_address=None) as cluster, Client(cluster) as client:
                dask, dask_run = timed("grade on a 2-worker Dask cluster", lambda: run_grade(
                    submitted, tmp / "dask", wanted, scheduler=client), n)
                same.append(dask_run)
        plain = None
        if not args.no_nbgrader:
            k = min(args.nbgrader_students or args.students, args.students)
            sample, same_jobs = submitted, jobs
            if k < args.students:  # the same submissions for both, in this run
                sample = tmp / "sample"
                for student in sorted(p.name for p in submitted.iterdir())[:k]:
                    shutil.copytree(submitted / student, sample / student)
                same_jobs, _ = timed(f"grade --jobs {args.jobs}, first {k} students",
                                     lambda: run_grade(sample, tmp / "sample-jobs", wanted,
                                                       jobs=args.jobs), k * len(wanted))
            plain, _ = timed("nbgrader autograde" + (f", first {k} students" if k < args.students
                                                     else ""),
                             lambda: nbgrader_autograde(sample, tmp / "nbgrader", wanted),
                             k * len(wanted))
        key = lambda r: (r["student_id"], r["assignment"], r["cell"])  # noqa: E731
        agree = all(sorted(map(key, r.rows)) == sorted(map(key, serial_run.rows))
                    and sorted(r.rows, key=key) == sorted(serial_run.rows, key=key)
                    for r in same)
        passed = sum(r["status"] == "passed" for r in serial_run.rows)
        print(f"cells passed: {passed} / {len(serial_run.rows)}; grade runs agree cell by "
              f"cell: {'yes' if agree else 'NO'}; re-run graded {again_run.graded}, "
              f"skipped {again_run.unchanged}")
        print(f"ratios: --jobs {args.jobs} is {serial / jobs:.2f}x serial"
              + (f"; Dask is {serial / dask:.2f}x serial" if dask else "")
              + (f"; nbgrader autograde takes {plain / same_jobs:.1f}x as long as --jobs "
                 f"{args.jobs} on the same submissions" if plain else ""))
        print(f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()

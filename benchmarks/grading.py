"""Benchmark: how long the solution notebooks take, and how fast `grade` goes.

    python benchmarks/grading.py [--submissions 20] [--jobs 2]

Prints figures; it asserts nothing (targets: each notebook < 60 s on 2 cores; grading a
class of 300 in well under an hour on 2 cores).
"""

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import nbformat  # noqa: E402
from nbclient import NotebookClient  # noqa: E402

from autograde.course import assignments, source_path  # noqa: E402
from autograde.grade import grade  # noqa: E402
from autograde.release import nbgrader_env  # noqa: E402
from submissions import make_submission  # noqa: E402


def notebook_seconds(assignment):
    path = source_path(assignment)
    nb = nbformat.read(str(path), as_version=4)
    client = NotebookClient(nb, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    client.execute(env=nbgrader_env())
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--submissions", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    for a in assignments():
        print(f"notebook {a}: runs top to bottom in {notebook_seconds(a):.1f} s")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "submitted"
        for k in range(args.submissions):
            for a in assignments():
                make_submission(root, f"student{k:03d}", a)
        start = time.perf_counter()
        rows = grade(root, Path(tmp) / "grades.csv", jobs=args.jobs, salt="bench",
                     progress=lambda line: None)
        elapsed = time.perf_counter() - start
    full = sum(r["status"] == "passed" for r in rows)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    n = args.submissions * len(assignments())
    print(f"grade: {args.submissions} students x {len(assignments())} assignments, "
          f"{args.jobs} jobs: {elapsed:.1f} s ({elapsed / n:.2f} s per notebook, "
          f"{n * 60 / elapsed:.0f} notebooks per minute); "
          f"{full}/{len(rows)} cells passed; peak memory of one worker or sandbox "
          f"{peak:.0f} MiB")


if __name__ == "__main__":
    main()

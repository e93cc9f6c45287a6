"""grade writes nbgrader's gradebook (SQLite and a real PostgreSQL server started here):
nbgrader's own API and `nbgrader export` see the auto grades; only new work is done; a run
killed with SIGKILL resumes with nothing lost, duplicated or half-written."""

import csv
import os
import signal
import subprocess
import sys
import time

import pytest
import sqlalchemy as sa

from autograde.course import ROOT, graded_cells, source_path, read_notebook
from autograde.engine import Limits
from autograde.grade import grade_run
from postgres import binaries, postgres_server
from submissions import make_submission

A = "01_neuron"
TESTS = {c.grade_id: c.points for c in graded_cells(read_notebook(source_path(A)))}
MAX = sum(TESTS.values())
LIMITS = Limits(exec_seconds=120, cell_seconds=8, call_seconds=3)
STUDENTS = {
    "good": {},
    "unsolved": {"solved": False},
    "tamper": {"append": ["np.allclose = lambda *a, **k: True\n"]},
    "crash_call": {"replace": {"dense": "def dense(X, W, b, g=sigmoid):\n"
                                        "    import os\n    os._exit(3)\n"}},
    # Its error names a path of the grading host: no student-facing text may show it.
    "pathy": {"replace": {"relu": f"def relu(z):\n    open({str(ROOT / 'solutions')!r})\n\n"
                                  "def relu_grad(z):\n    return (z > 0) * 1.0\n"}},
}


def make_course(folder):
    submitted = folder / "submitted"
    for student, options in STUDENTS.items():
        make_submission(submitted, student, A, **options)
    (submitted / "absent" / A).mkdir(parents=True)
    return submitted


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def db_url(request, tmp_path_factory):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'gradebook.db'}"
        return
    if binaries() is None:
        pytest.skip("PostgreSQL is not installed here (initdb/pg_ctl not found)")
    with postgres_server() as url:
        yield url


@pytest.fixture(scope="module")
def course(db_url, tmp_path_factory):
    folder = tmp_path_factory.mktemp("course")
    submitted = make_course(folder)
    run = grade_run(submitted, folder / "grades.csv", assignment_ids=[A], jobs=2, salt="gb",
                    limits=LIMITS, db=db_url, progress=lambda line: None)
    return folder, submitted, run


def gradebook(url):
    from nbgrader.api import Gradebook
    return Gradebook(url)


def test_every_submission_has_a_status_and_a_reason(course):
    _, _, run = course
    assert {k[0]: v[0] for k, v in run.statuses.items()} == {
        "good": "graded", "unsolved": "graded", "tamper": "tampered",
        "crash_call": "crashed", "absent": "missing", "pathy": "graded"}
    assert all(reason for _, reason in run.statuses.values())
    assert run.needs_attention and run.graded == 6


def test_nbgraders_api_sees_the_auto_grades_and_the_messages(course, db_url):
    _, _, run = course
    csv_scores = {(r["student_id"], r["cell"]): r["score"] for r in run.rows}
    with gradebook(db_url) as gb:
        good = gb.find_submission(A, "good")
        assert good.score == MAX  # free-response cells unanswered: 0, "No response."
        for cell, points in TESTS.items():
            grade = gb.find_grade(cell, A, A, "good")
            assert grade.auto_score == points and not grade.needs_manual_grade
            assert gb.find_grade(cell, A, A, "unsolved").auto_score == \
                csv_scores["unsolved", cell] == 0
        assert gb.find_submission(A, "tamper").score == 0
        assert 0 < gb.find_submission(A, "crash_call").score < MAX
        comment = gb.find_comment("sigmoid", A, A, "unsolved").auto_comment
        assert "test_sigmoid_visible" in comment and "not implemented yet" in comment
        assert gb.find_comment("sigmoid", A, A, "good").auto_comment is None
        manual = [c.name for nb in gb.find_assignment(A).notebooks for c in nb.grade_cells
                  if c.name not in TESTS]
        assert manual, "01 has free-response cells graded by hand"
        for name in manual:
            assert gb.find_grade(name, A, A, "good").auto_score == 0
            assert gb.find_comment(name, A, A, "good").auto_comment == "No response."
        with pytest.raises(Exception):
            gb.find_submission(A, "absent")  # no notebook: no nbgrader submission


def test_nbgrader_export_gives_the_totals(course, db_url, tmp_path):
    out = tmp_path / "nbgrader.csv"
    env = dict(os.environ, PATH=os.pathsep.join([os.path.dirname(sys.executable),
                                                 os.environ["PATH"]]))
    subprocess.run([sys.executable, "-m", "nbgrader", "export", f"--db={db_url}",
                    f"--to={out}"], cwd=tmp_path, env=env, check=True, capture_output=True,
                   timeout=300)
    with open(out, newline="") as f:
        scores = {r["student_id"]: float(r["score"]) for r in csv.DictReader(f)}
    assert scores["good"] == MAX and scores["unsolved"] == 0 and scores["tamper"] == 0


def test_a_second_run_grades_only_what_changed(course, db_url):
    folder, submitted, first = course
    again = grade_run(submitted, None, assignment_ids=[A], jobs=2, salt="gb", limits=LIMITS,
                      db=db_url, progress=lambda line: None)
    assert again.graded == 0 and again.unchanged == 6
    assert sorted(again.rows, key=_key) == sorted(first.rows, key=_key)
    make_submission(submitted, "unsolved", A)  # the student resubmits, solved
    changed = grade_run(submitted, None, assignment_ids=[A], jobs=2, salt="gb",
                        limits=LIMITS, db=db_url, progress=lambda line: None)
    assert changed.graded == 1 and changed.unchanged == 5
    assert _total(changed.rows, "unsolved") == MAX
    other_salt = grade_run(submitted, None, assignment_ids=[A], jobs=1, salt="other",
                           limits=LIMITS, db=db_url, force=False, progress=lambda line: None)
    assert other_salt.graded == 6  # a new salt draws new hidden inputs: everything again
    _no_duplicates(db_url, expected=5)


def test_force_grades_everything_again_and_keeps_manual_grades(course, db_url):
    folder, submitted, _ = course
    with gradebook(db_url) as gb:  # as formgrader does when an instructor grades by hand
        manual = next(c.name for nb in gb.find_assignment(A).notebooks
                      for c in nb.grade_cells if c.name not in TESTS)
        grade = gb.find_grade(manual, A, A, "good")
        grade.manual_score = 2.0
        gb.find_comment(manual, A, A, "good").manual_comment = "Good point."
        gb.db.commit()
    forced = grade_run(submitted, None, assignment_ids=[A], jobs=2, salt="other",
                       limits=LIMITS, db=db_url, force=True, progress=lambda line: None)
    assert forced.graded == 6
    with gradebook(db_url) as gb:
        assert gb.find_grade(manual, A, A, "good").manual_score == 2.0
        assert gb.find_submission(A, "good").score == MAX + 2
        assert gb.find_comment(manual, A, A, "good").comment == "Good point."
    _no_duplicates(db_url, expected=5)
    from autograde.export import gradebook_rows
    from autograde.gradebook import open_gradebook
    gb = open_gradebook(db_url)
    try:
        summary, cells = gradebook_rows(gb, [A])
    finally:
        gb.close()
    by_student = {r["student_id"]: r for r in summary}
    assert set(by_student) == set(STUDENTS) | {"absent"}
    assert by_student["good"]["score"] == MAX + 2 and by_student["good"]["status"] == "graded"
    assert by_student["absent"]["status"] == "missing" and by_student["absent"]["reason"]
    assert len(cells) == 6 * len(TESTS)


def test_feedback_from_the_gradebook_shows_manual_grades_and_no_secrets(course, db_url,
                                                                       tmp_path):
    from autograde.feedback import gradebook_feedback
    paths = gradebook_feedback(db_url, tmp_path, [A])
    assert {p.parent.parent.name for p in paths} == set(STUDENTS)  # absent: no submission
    good = (tmp_path / "good" / A / f"{A}.html").read_text()
    assert "graded by hand" in good and "Good point." in good  # set by the test above
    assert f"{MAX + 2:g} / " in good
    crashed = (tmp_path / "crash_call" / A / f"{A}.html").read_text()
    assert "your code crashed the process that runs it" in crashed
    pathy = (tmp_path / "pathy" / A / f"{A}.html").read_text()
    assert "relu" in pathy and "PermissionError" in pathy
    for path in paths:
        text = path.read_text()
        for secret in ("run_hidden", "BEGIN HIDDEN", "hidden_check", str(ROOT), "/tmp/",
                       sys.prefix):
            assert secret not in text, (path, secret)


def test_a_run_killed_with_sigkill_resumes_with_nothing_lost_or_duplicated(db_url, tmp_path):
    submitted = tmp_path / "submitted"
    for k in range(6):
        make_submission(submitted, f"kill{k}", A, solved=k % 2 == 0)
    cmd = [sys.executable, "-m", "autograde", "grade", str(submitted), "--assignment", A,
           "--db", db_url, "--jobs", "1", "--salt", "kill", "--out", str(tmp_path / "g.csv")]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    engine = sa.create_engine(db_url)
    deadline = time.monotonic() + 240
    try:
        while time.monotonic() < deadline and _recorded(engine) < 2:
            time.sleep(0.05)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    done_before = _recorded(engine)
    assert 2 <= done_before < 6, "killed half-way"
    assert not (tmp_path / "g.csv").exists()  # the CSV is written whole, at the end
    resumed = grade_run(submitted, tmp_path / "g.csv", assignment_ids=[A], jobs=1,
                        salt="kill", db=db_url, progress=lambda line: None)
    assert resumed.graded + resumed.unchanged == 6 and resumed.graded <= 6 - done_before
    assert {k[0]: _total(resumed.rows, k[0]) for k in resumed.statuses} == \
        {f"kill{k}": (MAX if k % 2 == 0 else 0) for k in range(6)}
    with open(tmp_path / "g.csv", newline="") as f:
        assert len(list(csv.DictReader(f))) == 6 * len(TESTS)
    engine.dispose()


def test_cli_summary_and_exit_status(tmp_path):
    submitted = tmp_path / "submitted"
    make_submission(submitted, "ok", A)
    proc = subprocess.run([sys.executable, "-m", "autograde", "grade", str(submitted),
                           "--assignment", A, "--jobs", "1", "--out", str(tmp_path / "g.csv")],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "1 submissions: 1 graded, 0 timed out, 0 crashed, 0 tampered, 0 failed, " \
           "0 missing" in proc.stdout
    assert (tmp_path / "gradebook.db").exists()
    assert (tmp_path / "autograded" / "ok" / A / f"{A}.ipynb").exists()
    (submitted / "gone" / A).mkdir(parents=True)
    proc = subprocess.run([sys.executable, "-m", "autograde", "grade", str(submitted),
                           "--assignment", A, "--jobs", "1", "--out", str(tmp_path / "g.csv")],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1  # a missing notebook needs the instructor's attention
    assert "missing: gone 01_neuron" in proc.stdout and "1 unchanged" in proc.stdout


def test_the_instructor_extra_installs_the_driver_of_the_plain_postgresql_url():
    """`--db postgresql://user@host/course` (the README's and --help's form) needs the driver
    SQLAlchemy picks for a plain URL: the instructor extra must install it."""
    import tomllib
    from packaging.requirements import Requirement
    driver = sa.engine.make_url("postgresql://user@host/course").get_dialect().driver
    with open(ROOT / "pyproject.toml", "rb") as f:
        extra = tomllib.load(f)["project"]["optional-dependencies"]["instructor"]
    assert driver in {Requirement(r).name for r in extra}, (driver, extra)


def _recorded(engine):
    with engine.connect() as conn:
        try:
            return conn.execute(sa.text("SELECT COUNT(*) FROM autograde_record "
                                        "WHERE student_id LIKE 'kill%'")).scalar()
        except sa.exc.SQLAlchemyError:
            return 0


def _no_duplicates(url, expected):
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        subs = conn.execute(sa.text(
            "SELECT student_id, COUNT(*) FROM submitted_assignment GROUP BY student_id")).all()
        recs = conn.execute(sa.text("SELECT COUNT(*) FROM autograde_record")).scalar()
    engine.dispose()
    assert len(subs) == expected and all(n == 1 for _, n in subs)
    assert recs == expected + 1  # plus the missing one, recorded by the grader only


def _key(row):
    return row["student_id"], row["cell"]


def _total(rows, student):
    return sum(float(r["score"]) for r in rows if r["student_id"] == student)

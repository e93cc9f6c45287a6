"""A broken grading environment is never blamed on the students: before any student is
graded, `grade` grades the instructor's own solution of each assignment in the same
sandbox and limits, and stops with exit status 2 (nothing recorded, no feedback) when it
does not get full marks. And the sandbox is given the mlkit its interpreter imports."""

import shutil
import subprocess
import sys
import venv

import pytest
import sqlalchemy as sa

from autograde import engine
from autograde.__main__ import main
from autograde.course import ROOT
from autograde.grade import PreflightFailed, grade_run
from submissions import make_submission

A = "01_neuron"


def _tables(db):
    """Rows of the gradebook tables that record students and their grades."""
    engine_ = sa.create_engine(f"sqlite:///{db}")
    try:
        with engine_.connect() as conn:
            names = sa.inspect(conn).get_table_names()
            return {t: conn.execute(sa.text(f"SELECT COUNT(*) FROM {t}")).scalar()
                    for t in ("student", "submitted_assignment", "grade", "comment",
                              "autograde_record") if t in names}
    finally:
        engine_.dispose()


def test_a_sandbox_python_without_the_course_libraries_stops_the_run(tmp_path, monkeypatch,
                                                                      capsys):
    """A wrong Python for the sandboxes (here: a fresh venv, no numpy, no mlkit): every
    cell would fail and be recorded as the students' crash; instead exit 2, naming the
    assignment, the cells and their messages, with nothing recorded."""
    python = tmp_path / "bare"
    venv.create(python, with_pip=False)
    monkeypatch.setattr(engine, "SANDBOX_PYTHON", str(python / "bin" / "python"))
    submitted = tmp_path / "course" / "submitted"
    make_submission(submitted, "alice", A)
    make_submission(submitted, "bob", A, solved=False)
    code = main(["grade", str(submitted), "--assignment", A, "--jobs", "1",
                 "--out", str(tmp_path / "g.csv"), "--feedback", str(tmp_path / "feedback")])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "the instructor's solution does not get full marks" in err
    assert f"{A}: 0 / " in err and "test_sigmoid_visible: error:" in err, err
    assert "no student was graded or recorded" in err
    db = tmp_path / "course" / "gradebook.db"
    assert not db.exists() or not any(_tables(db).values()), _tables(db)
    assert not (tmp_path / "feedback").exists() and not (tmp_path / "g.csv").exists()
    assert not (tmp_path / "course" / "autograded").exists()


@pytest.mark.skipif(engine.bwrap() is None, reason="bubblewrap cannot make namespaces here")
def test_under_bubblewrap_a_wrong_mlkit_folder_stops_the_run(tmp_path, monkeypatch):
    """The sandbox given a folder that is not the mlkit its interpreter imports: under
    bubblewrap mlkit is then absent from its namespace; the preflight says so."""
    wrong = tmp_path / "other-checkout" / "mlkit"
    wrong.mkdir(parents=True)
    monkeypatch.setattr(engine, "sandbox_mlkit", lambda: str(wrong))
    submitted = tmp_path / "course" / "submitted"
    make_submission(submitted, "alice", A)
    with pytest.raises(PreflightFailed, match=f"{A}: 0 / "):
        grade_run(submitted, None, assignment_ids=[A], jobs=1, progress=lambda line: None)
    assert not any(_tables(tmp_path / "course" / "gradebook.db").values())


def test_the_sandbox_is_given_the_mlkit_its_interpreter_imports():
    """Asked of the sandbox's interpreter (python -I), not read from the grader's import."""
    import mlkit
    found = engine.sandbox_mlkit()
    assert found is not None
    code = "import mlkit, os; print(os.path.dirname(os.path.realpath(mlkit.__file__)))"
    out = subprocess.run([sys.executable, "-I", "-c", code], capture_output=True, text=True,
                         cwd="/", check=True).stdout.strip()
    assert found == out
    assert engine.sandbox_mlkit() == str(ROOT / "mlkit") or mlkit.__file__ != found


@pytest.mark.skipif(engine.bwrap() is None, reason="bubblewrap cannot make namespaces here")
def test_grading_from_another_checkout_grades_under_bubblewrap(tmp_path):
    """`grade` run from another checkout of the course while the environment holds an
    editable install of this one: the grader imports the other checkout's mlkit, the
    sandbox's interpreter (python -I) this one's. Bound into the namespace: the one the
    sandbox imports, so the students are graded (before: every cell crashed)."""
    other = tmp_path / "other"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for folder in ("autograde", "mlkit"):
        shutil.copytree(ROOT / folder, other / folder, ignore=ignore)
    for folder in ("solutions", "lectures"):
        shutil.copytree(ROOT / folder / A, other / folder / A, ignore=ignore)
    submitted = tmp_path / "course" / "submitted"
    make_submission(submitted, "alice", A)
    code = ("import mlkit, sys; assert mlkit.__file__.startswith(sys.argv[1]), mlkit.__file__; "
            "from autograde.__main__ import main; sys.exit(main(sys.argv[2:]))")
    proc = subprocess.run([sys.executable, "-c", code, str(other), "grade", str(submitted),
                           "--assignment", A, "--jobs", "1", "--out", str(tmp_path / "g.csv")],
                          cwd=other, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "1 graded," in proc.stdout and "0 crashed" in proc.stdout

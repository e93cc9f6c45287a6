"""Formgrader on a PostgreSQL gradebook that asks for a password: the password never stands
on the server's command line (where `ps` shows it to every user of the machine), yet
formgrader reads the auto grades. A server started here, with scram-sha-256 over TCP; no
browser needed (formgrader's own JSON API is asked)."""

import json
import os
import urllib.request

import pytest

from autograde.course import CourseError, graded_cells, read_notebook, source_path
from autograde.formgrader import formgrader_command, password_to_environment
from autograde.gradebook import open_gradebook
from autograde.grade import grade_run
from browser import TOKEN, free_port, jupyter_server, server_env, server_options
from postgres import binaries, postgres_server
from submissions import make_submission

A = "01_neuron"
PASSWORD = "s3cret-Pa55"
AUTO_MAX = sum(c.points for c in graded_cells(read_notebook(source_path(A))))

pytestmark = pytest.mark.skipif(binaries() is None,
                                reason="PostgreSQL is not installed here (initdb/pg_ctl)")


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("course")
    make_submission(folder / "submitted", "alice", A)
    with postgres_server(password=PASSWORD) as url:
        run = grade_run(folder / "submitted", None, assignment_ids=[A], jobs=1, salt="pg",
                        db=url, progress=lambda line: None)
        assert run.counts["graded"] == 1
        yield folder, url


def test_the_server_really_asks_for_the_password(graded, monkeypatch):
    _, url = graded
    bare, env = password_to_environment(url)
    assert PASSWORD not in bare and env == {"PGPASSWORD": PASSWORD}
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv("PGPASSFILE", os.devnull)
    with pytest.raises(CourseError, match="no password supplied"):
        open_gradebook(bare)


def test_formgrader_reads_the_grades_with_the_password_out_of_its_command_line(graded,
                                                                               tmp_path):
    course, url = graded
    port = free_port()
    argv, cwd, env = formgrader_command(course, url, server_options(port))
    assert not any(PASSWORD in arg for arg in argv), argv
    with jupyter_server(argv, tmp_path / "formgrader.log", port=port,
                        env=server_env(tmp_path / "home", **env), cwd=cwd) as base:
        request = urllib.request.Request(f"{base}/formgrader/api/submissions/{A}",
                                         headers={"Authorization": f"token {TOKEN}"})
        with urllib.request.urlopen(request, timeout=60) as answer:
            submissions = json.load(answer)
    alice = next(s for s in submissions if s["student"] == "alice")
    assert alice["autograded"] and alice["score"] == AUTO_MAX > 0, alice  # (Q1, Q2 by hand)


def test_no_password_no_change():
    for url in ("sqlite:////tmp/gradebook.db", "postgresql://grader@db.example/course",
                "not a url"):
        assert password_to_environment(url) == (url, {})
    # The plain URL (psycopg 3, libpq) and the named libpq drivers: moved to PGPASSWORD.
    for driver in ("postgresql", "postgresql+psycopg", "postgresql+psycopg2"):
        assert password_to_environment(f"{driver}://grader:pw@db.example:5433/course") == \
            (f"{driver}://grader@db.example:5433/course", {"PGPASSWORD": "pw"})
    # pg8000 does not read PGPASSWORD: its URL is left as given.
    url = "postgresql+pg8000://grader:pw@db.example/course"
    assert password_to_environment(url) == (url, {})

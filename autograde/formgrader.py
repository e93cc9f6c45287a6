"""Open nbgrader's formgrader on a graded course folder (``python -m autograde formgrader``).

Formgrader is a Jupyter server extension that reads its course from nbgrader's
configuration: here it is given on the command line (the course folder as root and as the
server's root, the gradebook, and this repository's ``solutions/`` and ``lectures/`` as the
source and release), so nothing is written into the course folder and the instructor's own
``nbgrader_config.py`` files are not needed. The browser opens on formgrader's page, where
the submissions show their auto grades and the free-response cells are graded by hand.
"""

import os
import sys
from pathlib import Path

from autograde.course import LECTURES, ROOT, SOLUTIONS, CourseError


# Drivers built on libpq, which reads the password from PGPASSWORD: a plain postgresql://
# URL (SQLAlchemy 2 picks psycopg 3 for it, the instructor extra installs it) and the
# named psycopg 3 and psycopg2 ones.
LIBPQ_DRIVERS = {"postgresql", "postgresql+psycopg2", "postgresql+psycopg"}


def password_to_environment(db_url):
    """(url, env): a PostgreSQL password taken out of the URL, which would stand on the
    server's command line (shown to every user of the machine by ``ps``), into PGPASSWORD,
    which libpq reads and only the server's owner can see."""
    import sqlalchemy as sa
    try:
        url = sa.engine.make_url(db_url)
    except Exception:  # not a URL: open_gradebook says so
        return db_url, {}
    if url.password is None or url.drivername not in LIBPQ_DRIVERS:
        return db_url, {}
    bare = sa.engine.URL.create(url.drivername, url.username, None, url.host, url.port,
                                url.database, url.query)  # (url.set ignores None)
    bare = bare.render_as_string(hide_password=False)
    return bare, {"PGPASSWORD": str(url.password)}


def formgrader_command(course, db_url, extra=()):
    """(argv, cwd, env) of a JupyterLab server showing formgrader on ``course``; env holds
    the variables to add to its environment (the gradebook's password, if any)."""
    course = Path(course).resolve()
    if not course.is_dir():
        raise CourseError(f"{course}: no such course folder (the folder holding submitted/ "
                          "and autograded/, where `grade` wrote gradebook.db)")
    if not (course / "autograded").is_dir():
        raise CourseError(f"{course}: no autograded/ folder yet: run `python -m autograde "
                          "grade` first (formgrader shows the notebooks it writes there)")
    db_url, env = password_to_environment(db_url)
    argv = [sys.executable, "-m", "jupyterlab",
            f"--ServerApp.root_dir={course}",
            "--LabApp.default_url=/formgrader",
            # The course and assignment lists are for students (and warn about an exchange
            # folder this course does not use): only formgrader is served.
            "--ServerApp.jpserver_extensions=nbgrader.server_extensions.assignment_list=False",
            "--ServerApp.jpserver_extensions=nbgrader.server_extensions.course_list=False",
            # The course's JupyterLab settings: no "Jupyter news" question over the notebooks.
            f"--LabApp.app_settings_dir={ROOT / 'jupyter'}",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            f"--CourseDirectory.root={course}",
            f"--CourseDirectory.db_url={db_url}",
            f"--CourseDirectory.source_directory={SOLUTIONS}",
            f"--CourseDirectory.release_directory={LECTURES}",
            *extra]
    return argv, course, env


def run_formgrader(course, db_url, extra=()):
    """Replace this process with the server (Ctrl-C stops it, as for ``jupyter lab``)."""
    argv, cwd, env = formgrader_command(course, db_url, extra)
    from autograde.gradebook import open_gradebook
    open_gradebook(db_url).close()  # a clear error now for a wrong --db, not in the browser
    os.environ.update(env)
    os.chdir(cwd)
    # nbgrader (and so formgrader) calls `alembic` through PATH: this environment's.
    bin_dir = os.path.dirname(sys.executable)
    os.environ["PATH"] = os.pathsep.join([bin_dir, os.environ.get("PATH", "")])
    os.execv(sys.executable, argv)

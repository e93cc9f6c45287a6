"""A throwaway PostgreSQL server for tests: initdb in a temporary folder, a free port on
127.0.0.1, stopped and deleted at the end. Uses the machine's PostgreSQL binaries
(``/usr/lib/postgresql/<version>/bin``, or ``pg_ctl`` on PATH); as root the server runs as
an unprivileged user (``postgres`` if it exists, else ``nobody``), as PostgreSQL requires.
"""

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile


def binaries():
    """The folder holding initdb and pg_ctl, or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
                   key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0)
    if found:
        return os.path.dirname(found[-1])
    pg_ctl = shutil.which("pg_ctl")
    return os.path.dirname(pg_ctl) if pg_ctl else None


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def postgres_server(database="course", password=None):
    """Yield a plain ``postgresql://`` URL (the README's form; SQLAlchemy's default driver,
    psycopg 3) of a fresh database on a server started for the caller.

    With ``password``, connections over TCP must give it (scram-sha-256), as on a real
    server; the URL then carries it."""
    bindir = binaries()
    if bindir is None:
        raise RuntimeError("no PostgreSQL binaries (initdb, pg_ctl) on this machine")
    prefix = []
    folder = tempfile.mkdtemp(prefix="pg-")
    if os.geteuid() == 0:
        user = "postgres" if _has_user("postgres") else "nobody"
        entry = pwd.getpwnam(user)
        os.chown(folder, entry.pw_uid, entry.pw_gid)
        prefix = ["runuser", "-u", user, "--"]
    data, port = os.path.join(folder, "data"), _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env["LC_ALL"] = "C"

    def run(*cmd):
        subprocess.run([*prefix, *cmd], check=True, capture_output=True, env=env, cwd=folder,
                       timeout=120)
    try:
        run(f"{bindir}/initdb", "-D", data, "-A", "trust", "-U", "grader", "--no-sync",
            "-E", "UTF8")
        run(f"{bindir}/pg_ctl", "-D", data, "-w", "-t", "60", "-l",
            os.path.join(folder, "log"), "-o",
            f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off", "start")
        try:
            import psycopg  # psycopg 3: what SQLAlchemy uses for a plain postgresql:// URL
            with psycopg.connect(host="127.0.0.1", port=port, user="grader",
                                 dbname="postgres", autocommit=True) as conn:
                conn.execute(f"CREATE DATABASE {database}")
                login = "grader"
                if password is not None:
                    conn.execute(psycopg.sql.SQL("ALTER USER grader PASSWORD {}")
                                 .format(psycopg.sql.Literal(password)))
                    with open(os.path.join(data, "pg_hba.conf"), "w") as f:
                        f.write("local all all trust\n"
                                "host all all 127.0.0.1/32 scram-sha-256\n")
                    run(f"{bindir}/pg_ctl", "-D", data, "-w", "reload")
                    login = f"grader:{password}"
            # The form the README and --help show (postgresql://user@host:port/db).
            yield f"postgresql://{login}@127.0.0.1:{port}/{database}"
        finally:
            run(f"{bindir}/pg_ctl", "-D", data, "-w", "-m", "immediate", "stop")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _has_user(name):
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False

"""grade --scheduler: the same grading on a Dask distributed LocalCluster with 2 workers
gives the same results as serial grading, and a worker killed mid-run loses nothing."""

import os
import signal

import pytest

from autograde.engine import Limits
from autograde.grade import grade_run
from submissions import make_submission

distributed = pytest.importorskip("distributed")
A = "01_neuron"
LIMITS = Limits(exec_seconds=120, cell_seconds=8, call_seconds=3)


@pytest.fixture(scope="module")
def submitted(tmp_path_factory):
    root = tmp_path_factory.mktemp("course") / "submitted"
    make_submission(root, "good", A)
    make_submission(root, "unsolved", A, solved=False)
    make_submission(root, "crash", A, append=["import os\nos._exit(1)"])
    make_submission(root, "tamper", A, append=["np.allclose = lambda *a, **k: True\n"])
    for k in range(4):
        make_submission(root, f"extra{k}", A, solved=k % 2 == 0)
    return root


@pytest.fixture(scope="module")
def serial(submitted, tmp_path_factory):
    db = f"sqlite:///{tmp_path_factory.mktemp('serial') / 'gradebook.db'}"
    return grade_run(submitted, None, assignment_ids=[A], jobs=1, salt="d", limits=LIMITS,
                     db=db, course_dir=tmp_path_factory.mktemp("c1"),
                     progress=lambda line: None)


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        yield client


def _rows(run):
    return sorted(run.rows, key=lambda r: (r["student_id"], r["cell"]))


def test_dask_gives_the_same_results_as_serial(serial, submitted, cluster, tmp_path):
    run = grade_run(submitted, None, assignment_ids=[A], salt="d", limits=LIMITS,
                    db=f"sqlite:///{tmp_path / 'gb.db'}", course_dir=tmp_path,
                    scheduler=cluster, progress=lambda line: None)
    assert run.graded == 8 and run.statuses == serial.statuses
    assert _rows(run) == _rows(serial)


def test_a_worker_killed_mid_run_loses_no_submission(serial, submitted, cluster, tmp_path):
    pids = cluster.run(os.getpid)
    killed = []

    def kill_one_busy_worker(line):
        if killed:
            return
        busy = [w for w, tasks in cluster.processing().items() if tasks and w in pids]
        if busy:
            os.kill(pids[busy[0]], signal.SIGKILL)
            killed.append(busy[0])

    run = grade_run(submitted, None, assignment_ids=[A], salt="d", limits=LIMITS,
                    db=f"sqlite:///{tmp_path / 'gb.db'}", course_dir=tmp_path,
                    scheduler=cluster, progress=kill_one_busy_worker)
    assert killed, "a worker was killed while it graded"
    assert run.statuses == serial.statuses and _rows(run) == _rows(serial)

"""Run the instructor notebooks top to bottom and store their outputs (what nbval checks)."""

import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError
from nbconvert.preprocessors import CoalesceStreamsPreprocessor

from autograde.course import CourseError, check_assignment, read_notebook, source_path
from autograde.given import write_given
from autograde.release import nbgrader_env


def execute(assignment, timeout=120):
    """Execute solutions/<id>/<id>.ipynb in place; returns the run time in seconds.

    Deterministic: the notebook seeds its generators, progress bars and live plots are
    off (MLKIT_PROGRESS=0, MLKIT_LIVE=0), and no timing metadata is recorded.
    """
    check_assignment(assignment)
    write_given(assignment)
    path = source_path(assignment)
    nb = read_notebook(path)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                            resources={"metadata": {"path": str(path.parent)}})
    env = nbgrader_env()
    start = time.perf_counter()
    try:
        client.execute(env=env)
    except (CellExecutionError, CellTimeoutError) as exc:  # the file is left as it was
        raise CourseError(f"{path} did not run to the end; nothing was written.\n"
                          f"{str(exc)[-2500:]}") from None
    elapsed = time.perf_counter() - start
    # A print loop may arrive in several chunks, depending on timing: store it as one.
    nb, _ = CoalesceStreamsPreprocessor().preprocess(nb, {})
    nbformat.write(nb, str(path))
    return elapsed

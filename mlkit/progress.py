"""Progress bars for long loops: tqdm's notebook-aware bar, switchable off for CI.

In Jupyter the bar is a widget (``tqdm.auto`` picks it); elsewhere it is the usual text
bar on stderr.

Set the environment variable ``MLKIT_PROGRESS=0`` to disable every bar: CI, nbval and
the grading runs do, because a bar's text contains timings and rates that differ on
each run, so stored notebook outputs could never match. The variable is read each time
a bar is created, so it can also be changed inside a running notebook
(``os.environ["MLKIT_PROGRESS"] = "0"``). An explicit ``disable=True`` always disables.

    for epoch in progress(range(epochs), desc="training"):
        ...
"""

from __future__ import annotations

import os

from tqdm.auto import tqdm

__all__ = ["progress", "trange", "progress_enabled"]


def progress_enabled() -> bool:
    """False when the environment variable MLKIT_PROGRESS is "0"."""
    return os.environ.get("MLKIT_PROGRESS", "1").strip() != "0"


def progress(iterable=None, *, total=None, desc=None, **kw):
    """A ``tqdm.auto.tqdm`` bar over `iterable` (or a manual one: ``total=`` and
    ``bar.update(n)``), disabled when MLKIT_PROGRESS=0. Extra keywords go to tqdm
    (``leave``, ``unit``, ...). Iterating it yields the items of `iterable` either way."""
    disable = bool(kw.pop("disable", False)) or not progress_enabled()
    return tqdm(iterable, total=total, desc=desc, disable=disable, **kw)


def trange(*args, **kw):
    """``progress(range(*args), **kw)``: ``trange(n)`` or ``trange(start, stop, step)``."""
    return progress(range(*args), **kw)

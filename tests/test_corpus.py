"""The graded checks against a corpus of student implementations, for every notebook.

Each module of ``tests/corpus/`` declares ``ASSIGNMENT``, ``EXERCISES`` (solution cell id
-> the names it defines; its test cells are ``test_<id>_visible`` and ``test_<id>_hidden``)
and two dicts of ``(label, source)`` lists, ``WRONG`` and ``CORRECT``; optionally ``SWEEP``,
labels of WRONG entries to check on many more seeds (misses that once showed only on a few
seeds), and ``GAPS``, {(exercise, label): reason} for known holes, run as strict xfail.

Every WRONG implementation must lose points on every seed (never full marks by luck of the
hidden inputs) and say why in words that name the function or quantity; every CORRECT one
must get full marks on every seed. Sources run like a solution cell: ``np`` imported and
the assignment's other reference functions (and its given code) defined.
"""

import functools
import importlib
import pkgutil
import re

import numpy as np
import pytest

import corpus
from autograde.course import reference
from autograde.engine import run_tests_locally

SEEDS = [f"corpus-{k:02d}" for k in range(20)]
MESSAGE_SEEDS = SEEDS[:3]
SWEEP_SEEDS = [f"sweep-{k:03d}" for k in range(300)]
BARE_ERROR = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Warning)\b.*?: ")

MODULES = {m.name: importlib.import_module(f"corpus.{m.name}")
           for m in pkgutil.iter_modules(corpus.__path__)}


def lost(results):
    return sum(r.max_score for r in results) - sum(r.score for r in results)


def show(results):
    return "\n".join(f"    [{r.cell}: {r.status}, {r.score:g}/{r.max_score:g}] "
                     + r.message.replace("\n", "\n      ") for r in results)


def load(module, exercise, source):
    """Run a corpus source as a solution cell; return the exercise's functions."""
    mod = MODULES[module]
    names = mod.EXERCISES[exercise]
    namespace = {k: v for k, v in reference(mod.ASSIGNMENT).items()
                 if not k.startswith("__") and k not in names}
    namespace["np"] = np
    exec(compile(source, f"<corpus {exercise}>", "exec"), namespace)
    missing = [n for n in names if not callable(namespace.get(n))]
    assert not missing, f"corpus source for {exercise} does not define {missing}"
    return {n: namespace[n] for n in names}


@functools.lru_cache(maxsize=None)
def grade(module, exercise, source, seed):
    """CellResults of the exercise's visible and hidden test cells on one seed."""
    cells = {f"test_{exercise}_visible", f"test_{exercise}_hidden"}
    results = run_tests_locally(MODULES[module].ASSIGNMENT, load(module, exercise, source),
                                seed=seed, cells=cells)
    assert {r.cell for r in results} == cells, f"test cells missing: {results}"
    return tuple(results)


def params(kind, label_filter=None):
    out = []
    for module, mod in sorted(MODULES.items()):
        gaps = getattr(mod, "GAPS", {})
        for exercise, entries in getattr(mod, kind).items():
            for i, (label, source) in enumerate(entries):
                if label_filter and (exercise, label) not in label_filter(mod):
                    continue
                reason = gaps.get((exercise, label))
                marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
                out.append(pytest.param(module, exercise, label, source, marks=marks,
                                        id=f"{module}-{exercise}-{i:02d}"))
    return out


@pytest.mark.parametrize("module", sorted(MODULES))
def test_corpus_covers_every_exercise(module):
    mod = MODULES[module]
    assert set(mod.WRONG) == set(mod.CORRECT) == set(mod.EXERCISES)
    for entries in (*mod.WRONG.values(), *mod.CORRECT.values()):
        labels = [label for label, _ in entries]
        assert len(labels) == len(set(labels)), "duplicate labels"
    wrong = {(e, label) for e, entries in mod.WRONG.items() for label, _ in entries}
    everything = wrong | {(e, label) for e, ent in mod.CORRECT.items() for label, _ in ent}
    assert set(getattr(mod, "SWEEP", ())) <= wrong
    assert set(getattr(mod, "GAPS", {})) <= everything


@pytest.mark.parametrize("module, exercise", [
    (m, e) for m, mod in sorted(MODULES.items()) for e in mod.EXERCISES])
def test_reference_gets_full_marks(module, exercise):
    mod = MODULES[module]
    ref = reference(mod.ASSIGNMENT)
    cells = {f"test_{exercise}_visible", f"test_{exercise}_hidden"}
    for seed in SEEDS[:3]:
        results = run_tests_locally(mod.ASSIGNMENT, {n: ref[n] for n in mod.EXERCISES[exercise]},
                                    seed=seed, cells=cells)
        assert lost(results) == 0, f"reference, seed {seed}:\n{show(results)}"


@pytest.mark.parametrize("module, exercise, label, source", params("WRONG"))
def test_wrong_loses_points_on_every_seed(module, exercise, label, source):
    full = [f"  seed {seed}:\n{show(grade(module, exercise, source, seed))}"
            for seed in SEEDS if lost(grade(module, exercise, source, seed)) == 0]
    assert not full, (f"WRONG {exercise} implementation got full marks on {len(full)} of "
                      f"{len(SEEDS)} seeds: {label}\n" + "\n".join(full[:2]))


@pytest.mark.parametrize("module, exercise, label, source",
                         params("WRONG", lambda mod: set(getattr(mod, "SWEEP", ()))))
def test_wrong_loses_points_on_many_seeds(module, exercise, label, source):
    full = [seed for seed in SWEEP_SEEDS if lost(run_tests_locally(
        MODULES[module].ASSIGNMENT, load(module, exercise, source), seed=seed,
        cells={f"test_{exercise}_visible", f"test_{exercise}_hidden"})) == 0]
    assert not full, (f"WRONG {exercise} implementation got full marks on {len(full)} of "
                      f"{len(SWEEP_SEEDS)} seeds ({', '.join(full[:5])}…): {label}")


@pytest.mark.parametrize("module, exercise, label, source", params("CORRECT"))
def test_correct_gets_full_marks_on_every_seed(module, exercise, label, source):
    short = [f"  seed {seed}:\n{show(grade(module, exercise, source, seed))}"
             for seed in SEEDS if lost(grade(module, exercise, source, seed)) > 0]
    assert not short, (f"CORRECT {exercise} implementation lost points on {len(short)} of "
                       f"{len(SEEDS)} seeds: {label}\n" + "\n".join(short[:2]))


@pytest.mark.parametrize("module, exercise, label, source", params("WRONG"))
def test_wrong_failure_is_explained(module, exercise, label, source):
    """Every cell that takes points says what is wrong, naming the function or quantity."""
    mod = MODULES[module]
    names = mod.EXERCISES[exercise]
    quantity = re.compile(getattr(mod, "QUANTITY", r"(?!)"))
    bad = []
    for seed in MESSAGE_SEEDS:
        for r in grade(module, exercise, source, seed):
            if r.score == r.max_score:
                continue
            text = r.message.strip()
            explained = (r.status in ("failed", "error") and text
                         and text != "a check failed" and not BARE_ERROR.match(text)
                         and (any(n in text for n in names) or quantity.search(text)))
            if not explained:
                bad.append(f"  seed {seed}, [{r.cell}: {r.status}] {text!r}")
    assert not bad, f"unexplained failure for WRONG {exercise}: {label}\n" + "\n".join(bad)

"""Corpora of student implementations, one module per notebook (see tests/test_corpus.py)."""

from textwrap import dedent


def entries(*pairs):
    """[(label, source)] with each source dedented, as a student would type it in a cell."""
    return [(label, dedent(source).strip() + "\n") for label, source in pairs]


def joined(*parts):
    """One source made of several (e.g. a wrong function and a correct companion)."""
    return "\n".join(dedent(p).strip() + "\n" for p in parts)

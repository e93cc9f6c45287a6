"""Instructor tooling: release, validation and sandboxed grading of the course notebooks.

Run it from the course root: ``python -m autograde --help``. It is not installed with
``mlkit`` and never reaches students.
"""

"""nbgrader configuration of the course: ``solutions/`` is the source, ``lectures/`` the release.

Used by every ``python -m autograde`` command, which runs nbgrader in this folder (nbgrader
reads ``nbgrader_config.py`` from its working directory); plain ``nbgrader`` commands work
the same from here: ``cd autograde && nbgrader generate_assignment 01_neuron``.
"""

import sys
from pathlib import Path

from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import ClearHiddenTests, GetGrades

from autograde.course import STUDENT_FILES

ROOT = Path(__file__).resolve().parent.parent

c = get_config()  # noqa: F821  (provided by traitlets when nbgrader loads this file)

c.CourseDirectory.root = str(ROOT)
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "lectures"
# The gradebook lives outside solutions/ and lectures/, in a folder git ignores.
c.CourseDirectory.db_url = f"sqlite:///{ROOT / '.course' / 'gradebook.db'}"
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback",
                            ".course"]

# Files students make and submit (07's trained model). Running the solution notebook writes
# the instructor's own copy beside it; it must never be released, and plain `nbgrader
# autograde` (which copies the source folder's files over the submission's) must never put
# it in place of the student's.
c.Autograde.exclude_overwriting = STUDENT_FILES
if "generate_assignment" in sys.argv:  # only here: collect/autograde must keep the student's
    c.CourseDirectory.ignore += sorted({f for files in STUDENT_FILES.values() for f in files})

c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
c.ClearSolutions.enforce_metadata = True

# Students who delete a test cell still get it graded; hidden tests never reach feedback.
c.OverwriteCells.add_missing_cells = True
c.GenerateFeedback.preprocessors = [GetGrades, ClearHiddenTests, CSSHTMLHeaderPreprocessor]
c.Execute.timeout = 120

"""mlkit: the helper library for the course "Neural networks from scratch".

Students import it for data, gradient checking, plots and progress bars. It never contains
exercise solutions: those are what the notebooks ask the students to write.
"""

__version__ = "0.1.0"

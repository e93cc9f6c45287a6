# On a fresh machine these commands do all the set-up:
#   make course   – create .venv, install the course, open lectures/ in JupyterLab (what
#                   students see; they get `make bundle`'s folder, never this repository)
#   make test     – create .venv, install the course with the instructor tools, run all tests
#                   (nbval also under every other OpenBLAS kernel this CPU can run)
#   make bundle   – write what students get (lectures, mlkit wheel, README) to dist/student
# Instructors' commands (python -m autograde …) are in README.md.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
LAB_SETTINGS := $(VENV)/share/jupyter/lab/settings
# JupyterLab refuses to start as root (containers, cloud VMs) unless told it is intended.
LAB_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)

.PHONY: course test bundle lab-settings clean

$(VENV)/.course: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.instructor: $(VENV)/.course pyproject.toml
	@# Editable: autograde (installed with mlkit) finds solutions/ and lectures/ here.
	$(PY) -m pip install --quiet -e ".[test]"
	@# Build matplotlib's font cache now, not inside a notebook whose output nbval compares.
	MPLBACKEND=Agg $(PY) -c "import matplotlib.pyplot"
	touch $@

# JupyterLab 4 asks about "Jupyter news" over the notebook on first start: switch it off.
lab-settings: $(VENV)/.course
	mkdir -p $(LAB_SETTINGS)
	cp jupyter/overrides.json $(LAB_SETTINGS)/overrides.json

course: $(VENV)/.course lab-settings
	$(VENV)/bin/jupyter lab $(LAB_ROOT) --LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate \
		--notebook-dir=lectures lectures/01_neuron/01_neuron.ipynb

# ruff (configured in pyproject.toml), then the stored outputs, which must hold on every CPU:
# nbval under each other OpenBLAS kernel this CPU runs (tools/blas_kernels.py says which), then
# every test with the machine's own kernel.
test: $(VENV)/.instructor
	$(VENV)/bin/ruff check .
	@for k in $$($(PY) tools/blas_kernels.py); do \
		echo "nbval over solutions/ with OPENBLAS_CORETYPE=$$k"; \
		OPENBLAS_CORETYPE=$$k $(PY) -m pytest -n 2 -q solutions || exit 1; \
	done
	$(PY) -m pytest -n 2

# What students get (lectures, the mlkit wheel, a README), in dist/student.
bundle: $(VENV)/.instructor
	$(PY) -m autograde bundle dist/student --force

clean:
	rm -rf $(VENV) .course

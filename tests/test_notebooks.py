"""The notebooks in ``notebooks/`` run headless from top to bottom and draw their figures.

Each notebook is executed with nbclient on the installed ``python3`` kernel (ipykernel), in a
temporary working directory, with a time limit per cell. A notebook passes when no cell raises,
no cell writes a warning or traceback to stderr, and at least one cell shows a figure. The
committed files keep their outputs cleared (checked too), so that diffs stay readable.
"""

from __future__ import annotations

from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat", reason="nbformat is in the test extra: pip install -e '.[test]'")
nbclient = pytest.importorskip("nbclient", reason="nbclient is in the test extra: pip install -e '.[test]'")
pytest.importorskip("ipykernel", reason="ipykernel is in the test extra: pip install -e '.[test]'")

NOTEBOOK_DIR = Path(__file__).resolve().parents[1] / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
CELL_TIMEOUT_S = 300
"""Per-cell limit [s]: generous for a cold numba/CoolProp cache on a slow CI runner; a warm run of
every notebook takes 10-30 s in all."""


def test_the_five_notebooks_are_there():
    names = {path.stem for path in NOTEBOOKS}
    assert {"01_feasibility_study", "02_heat_pump_cop", "03_pv_ev_control", "04_renovation_lock_in",
            "05_measured_data"} <= names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[path.stem for path in NOTEBOOKS])
def test_committed_notebook_has_no_outputs(path):
    book = nbformat.read(path, as_version=4)
    for index, cell in enumerate(book.cells):
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None, f"{path.name}: cell {index} has outputs"


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[path.stem for path in NOTEBOOKS])
def test_notebook_runs_and_draws_a_figure(path, tmp_path, monkeypatch):
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    monkeypatch.setenv("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # no debugger notice on stderr
    book = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(book, timeout=CELL_TIMEOUT_S, kernel_name="python3", allow_errors=False,
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()  # raises CellExecutionError, naming the cell, on the first error

    outputs = [(index, out) for index, cell in enumerate(book.cells) if cell.cell_type == "code"
               for out in cell.outputs]
    errors = [index for index, out in outputs if out.output_type == "error"]
    assert not errors, f"{path.name}: error output in cells {errors}"
    noisy = [(index, out.text[:300]) for index, out in outputs
             if out.output_type == "stream" and out.name == "stderr"
             and ("Warning" in out.text or "Traceback" in out.text)]
    assert not noisy, f"{path.name}: warnings or tracebacks on stderr: {noisy}"
    figures = [index for index, out in outputs if "image/png" in out.get("data", {})]
    assert figures, f"{path.name}: no cell produced a figure"

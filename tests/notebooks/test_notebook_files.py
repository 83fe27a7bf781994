"""The committed notebooks read well on GitHub: executed, outputs saved, nothing volatile.

Executing them is nbmake's job (``--nbmake`` over ``notebooks/`` in pytest's addopts);
these checks catch a notebook committed cleared, failed or half-run.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
NAMES = (
    "01_quickstart",
    "02_sensitive_data_gateway",
    "03_complexity_and_escalation",
    "04_cost_and_planning",
    "05_litellm",
)
WITH_PLOTS = {"03_complexity_and_escalation", "04_cost_and_planning"}


def load(name: str) -> dict[str, Any]:
    notebook: dict[str, Any] = json.loads((NOTEBOOKS / f"{name}.ipynb").read_text("utf-8"))
    return notebook


def code_cells(notebook: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for c in notebook["cells"] if c["cell_type"] == "code"]


def source(cell: dict[str, Any]) -> str:
    text = cell["source"]
    return text if isinstance(text, str) else "".join(text)


def test_the_five_notebooks_are_there() -> None:
    assert sorted(p.stem for p in NOTEBOOKS.glob("*.ipynb")) == sorted(NAMES)


def test_pytest_executes_the_notebooks() -> None:
    options = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["pytest"]
    ini = options["ini_options"]
    assert "notebooks" in ini["testpaths"]
    assert "--nbmake" in ini["addopts"].split()
    assert "--overwrite" not in ini["addopts"].split()  # nbmake must not rewrite them


@pytest.mark.parametrize("name", NAMES)
def test_starts_by_saying_what_it_shows_and_how_to_run_it(name: str) -> None:
    first = load(name)["cells"][0]
    assert first["cell_type"] == "markdown"
    assert source(first).startswith("# ")
    assert "How to run" in source(first)
    assert "loopback" in source(first)  # the cloud stand-in is labelled as one


@pytest.mark.parametrize("name", NAMES)
def test_every_code_cell_ran_in_order_without_error(name: str) -> None:
    cells = code_cells(load(name))
    counts = [c["execution_count"] for c in cells]
    assert counts == list(range(1, len(cells) + 1)), "re-run the notebook top to bottom"
    for cell in cells:
        for output in cell["outputs"]:
            assert output["output_type"] != "error", source(cell)[:80]


@pytest.mark.parametrize("name", NAMES)
def test_outputs_are_saved_and_small(name: str) -> None:
    notebook = load(name)
    outputs = [o for c in code_cells(notebook) for o in c["outputs"]]
    assert len(outputs) >= 5
    pngs = [o for o in outputs if "image/png" in o.get("data", {})]
    assert bool(pngs) == (name in WITH_PLOTS)
    assert (NOTEBOOKS / f"{name}.ipynb").stat().st_size < 1_000_000


@pytest.mark.parametrize("name", NAMES)
def test_shows_that_confidential_values_did_not_reach_the_cloud(name: str) -> None:
    code = "\n".join(source(c) for c in code_cells(load(name)))
    assert "RecorderServer()" in code
    assert "not in recorder.sent_text()" in code or "not in sent" in code


@pytest.mark.parametrize("name", NAMES)
def test_no_volatile_metadata_and_servers_stopped_at_the_end(name: str) -> None:
    notebook = load(name)
    assert all("execution" not in c.get("metadata", {}) for c in notebook["cells"])
    last = source(code_cells(notebook)[-1])
    assert "server.stop()" in last
    assert "recorder.stop()" in last

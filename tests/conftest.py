"""Shared test settings."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

# CI must be reproducible: a red run has to mean a real regression, so it explores a
# fixed sequence of examples. Locally the examples change from run to run.
settings.register_profile(
    "ci",
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", deadline=None, print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else os.environ.get("HYPOTHESIS_PROFILE", "dev"))

# LiteLLM must use its bundled price map: tests never fetch it.
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

# `--doctest-modules` would import every conftest.py as a module named `conftest`; test
# folders are not packages, so two of them in one run clash ("import file mismatch").
# They hold no doctests: pytest still loads them as conftests, it just does not collect them.
collect_ignore_glob = ["conftest.py", "**/conftest.py"]

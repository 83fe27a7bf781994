"""Locate the shared development data, next to the checkout (never copied into it)."""

from pathlib import Path

import pytest

from hybridchain.core.complexity.train import Row, load_rows

DEV = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "router" / "dev.jsonl"


def dev_rows() -> list[Row]:
    if not DEV.exists():
        pytest.skip(f"development data not found at {DEV}")
    return load_rows(DEV)

"""The README's main job: the demo, on the loopback cloud stand-in."""

from __future__ import annotations

import io

import pytest

from hybridchain.cli.demo import SAMPLE_PROMPTS, DemoOptions, run_demo

pytestmark = pytest.mark.integration


def rows(text: str) -> list[list[str]]:
    return [line.split() for line in text.splitlines() if line[:2].strip().isdigit()]


@pytest.mark.parametrize("stand_in_local", [True, False], ids=["stand-in-local", "embedded-local"])
def test_demo_runs_and_keeps_confidential_prompts_local(
    stand_in_local: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    out = io.StringIO()
    assert run_demo(DemoOptions(stand_in_local=stand_in_local, max_tokens=4), out=out) == 0
    text = out.getvalue()
    table = rows(text)
    assert len(table) == len(SAMPLE_PROMPTS)
    assert "loopback stand-in" in text
    assert "prompts answered locally" in text and "saved $" in text
    for row in table:
        if row[3] == "confidential":
            assert row[1] == "local"
    assert {row[1] for row in table} == {"local", "cloud"}

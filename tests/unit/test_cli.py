import pytest

from hybridchain.cli import main
from hybridchain.cli.demo import SAMPLE_PROMPTS


def test_demo_routes_sample_prompts(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--mode", "route"]) == 0
    out = capsys.readouterr().out
    rows = [line for line in out.splitlines() if line[:2].strip().isdigit()]
    assert len(rows) == len(SAMPLE_PROMPTS)
    assert "local" in out and "cloud" in out


def test_demo_pseudonymize_shows_placeholders_only(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    cloud_lines = [line for line in out.splitlines() if "cloud saw:" in line]
    assert cloud_lines
    assert all("<" in line for line in cloud_lines)
    assert "4111 1111 1111 1111" not in "\n".join(cloud_lines)

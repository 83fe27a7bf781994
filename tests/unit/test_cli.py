import importlib

import pytest

from hybridchain.cli import main
from hybridchain.cli.demo import DemoOptions


def test_cli_parses_demo_options(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[DemoOptions] = []
    module = importlib.import_module("hybridchain.cli.main")
    monkeypatch.setattr(module, "run_demo", lambda options: seen.append(options) or 0)
    assert main(["demo", "--mode", "pseudonymize", "--stand-in-local", "--max-tokens", "4"]) == 0
    (options,) = seen
    assert options.mode == "pseudonymize" and options.stand_in_local and options.max_tokens == 4


def test_cli_rejects_unknown_mode(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["demo", "--mode", "leak"])
    assert "invalid choice" in capsys.readouterr().err

import argparse

import pytest

from hybridchain.cli.plan import add_plan_parser, run_plan


def _run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="hybridchain")
    add_plan_parser(parser.add_subparsers(dest="command", required=True))
    return run_plan(parser.parse_args(argv))


def test_tco_scenario_a(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(["plan", "tco", "--scenario", "a"]) == 0
    out = capsys.readouterr().out
    assert "   1      $90,000      $72,000       $90,000       $72,000" in out
    assert "   3      $90,000      $42,000      $270,000      $126,000" in out
    assert "Cloud total: $450,000" in out
    assert "Local total: $150,000" in out
    assert "Savings: $300,000 (67% reduction)" in out
    assert "Break-even volume: 16,667 queries/day" in out


def test_tco_from_flags_matches_scenario_a(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["plan", "tco", "--queries-per-day", "50000", "--cloud-yearly-cost", "90000",
            "--hardware-cost", "60000", "--ops-per-year", "12000", "--upgrade", "3", "30000"]  # fmt: skip
    assert _run(argv) == 0
    assert "Savings: $300,000 (67% reduction)" in capsys.readouterr().out
    assert _run([*argv, "--years", "1"]) == 0
    out = capsys.readouterr().out
    assert "Cloud total: $90,000" in out and "Local total: $72,000" in out


def test_tco_needs_numbers(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(["plan", "tco", "--queries-per-day", "10"]) == 2
    assert "--hardware-cost" in capsys.readouterr().err


def test_vram_preset(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(["plan", "vram", "llama-3.1-70b", "--quant", "Q4_K_M", "--context", "8192"]) == 0
    out = capsys.readouterr().out
    assert "llama-3.1-70b, Q4_K_M (4.84 bits/weight), context 8,192" in out
    assert "KV cache      2.5 GiB" in out
    assert "2× RTX 4090 (48 GB)" in out
    assert "RTX 4090 (24 GB)" not in out


def test_vram_custom_shape(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["plan", "vram", "--params-b", "8.03", "--layers", "32", "--kv-heads", "8",
            "--head-dim", "128", "--context", "8192", "--kv-cache", "q8_0"]  # fmt: skip
    assert _run(argv) == 0
    out = capsys.readouterr().out
    assert "8.03B" in out and "KV cache q8_0" in out
    assert _run(["plan", "vram", "--params-b", "7"]) == 2
    assert "head_dim" in capsys.readouterr().err


def test_advise(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["plan", "advise", "--data-sensitivity", "regulated", "--queries-per-day", "50000",
            "--model", "frontier", "--budget", "opex"]  # fmt: skip
    assert _run(argv) == 0
    out = capsys.readouterr().out
    assert out.startswith("Recommendation: hybrid (local 2, cloud 2)")
    assert "factors pull both ways: local by data_sensitivity, volume" in out


def test_bad_choice_is_rejected() -> None:
    with pytest.raises(SystemExit):
        _run(["plan", "vram", "llama-3.1-8b", "--quant", "Q9"])

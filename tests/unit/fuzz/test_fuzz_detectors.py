"""Fuzz every detector and the whole scan: no exception, sane findings, no superlinear time."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from hybridchain import SensitivityPolicy
from hybridchain.core.detect.base import Detector
from hybridchain.core.detect.defaults import default_detectors
from hybridchain.core.scan import Scanner
from tests.unit.fuzz.fuzz_timing import growth
from tests.unit.fuzz.fuzz_values import fuzz_text, fuzz_unit

POLICY = SensitivityPolicy(
    keywords={"Project Falcon": "restricted"},
    deny_list=["Zephyr"],
    recognizers=[{"entity_type": "EMPLOYEE_ID", "pattern": r"\bEMP-\d{6}\b"}],
)
DETECTORS = default_detectors(POLICY)
SCANNER = Scanner(DETECTORS, POLICY)


@pytest.mark.parametrize("detector", DETECTORS, ids=lambda d: d.name)
@settings(max_examples=150)
@given(text=fuzz_text)
def test_detectors_survive_any_text(detector: Detector, text: str) -> None:
    for f in detector.detect(text):
        assert 0 <= f.start < f.end <= len(text)
        assert 0.0 < f.score <= 1.0
        assert f.entity_type


@settings(max_examples=400)
@given(text=fuzz_text)
def test_the_scan_maps_findings_back_into_the_original_text(text: str) -> None:
    found, failed = SCANNER.scan_text(text)
    assert failed == []
    for f in found:
        assert 0 <= f.start < f.end <= len(text)
        assert text[f.start : f.end].strip()


@settings(max_examples=12)
@given(unit=fuzz_unit)
def test_the_scan_takes_linear_time_on_repeated_fuzz(unit: str) -> None:
    # A unit repeated n and 4n times: linear ~4x, quadratic ~16x (no absolute limit).
    n = 20_000 // len(unit) + 1
    ratio = growth(SCANNER.scan_text, unit * n, unit * (4 * n))
    assert ratio < 16, (unit, ratio)

"""The optional NER tier plugs in as one more detector."""

from __future__ import annotations

import pytest

from hybridchain import PresidioDetector, Sensitivity, SensitivityGate
from hybridchain.core.detect import presidio as presidio_module
from hybridchain.errors import MissingExtraError


def test_presidio_finds_names_in_free_prose() -> None:
    text = "Yesterday I had lunch with Alice Johnson and we talked about her trip."
    assert SensitivityGate().scan(text).level is Sensitivity.PUBLIC
    detector = PresidioDetector(entities=("PERSON",))
    detector.load()  # loading spaCy takes seconds; it must not count against the scan timeout
    gate = SensitivityGate(extra_detectors=[detector])
    report = gate.scan(text)
    assert report.level is Sensitivity.CONFIDENTIAL
    (person,) = [f for f in report.findings if f.detector == "presidio"]
    assert text[person.start : person.end] == "Alice Johnson"


def test_missing_extra_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    real_import = builtins.__import__

    def no_presidio(name: str, *args: object, **kwargs: object) -> object:
        if name.startswith("presidio_analyzer"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "__import__", no_presidio)
    with pytest.raises(MissingExtraError, match=r"hybridchain\[presidio\]"):
        presidio_module.PresidioDetector().detect("x")


def test_missing_extra_fails_the_scan_closed(monkeypatch: pytest.MonkeyPatch) -> None:
    detector = PresidioDetector()
    monkeypatch.setattr(
        detector, "_load", lambda: (_ for _ in ()).throw(MissingExtraError("x", "presidio"))
    )
    assert SensitivityGate(extra_detectors=[detector]).scan("hello").level is Sensitivity.RESTRICTED

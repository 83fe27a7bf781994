import logging
import time

import pytest
from pydantic import ValidationError

from hybridchain import (
    CallableRecognizer,
    Finding,
    Pseudonymizer,
    RegexRecognizer,
    RegexRecognizerConfig,
    Sensitivity,
    SensitivityGate,
    SensitivityPolicy,
)
from hybridchain.core.detect.terms import TermDetector
from hybridchain.core.scan import Scanner, TextPiece


def scan(detectors: list, text: str, policy: SensitivityPolicy | None = None):  # type: ignore[no-untyped-def]
    return Scanner(detectors, policy or SensitivityPolicy()).scan_pieces(
        [TextPiece(text, None, "")]
    )


class Boom:
    name = "boom"

    def detect(self, text: str) -> list[Finding]:
        raise RuntimeError(f"failed on {text}")


class Slow:
    name = "slow"

    def detect(self, text: str) -> list[Finding]:
        time.sleep(0.05)
        return []


class Hang:
    name = "hang"
    blocking = True

    def detect(self, text: str) -> list[Finding]:
        time.sleep(1.0)
        return []


def test_levels_are_ordered_and_parse_names() -> None:
    assert Sensitivity.PUBLIC < Sensitivity.INTERNAL < Sensitivity.CONFIDENTIAL
    assert Sensitivity.CONFIDENTIAL < Sensitivity.RESTRICTED
    assert Sensitivity("Restricted") is Sensitivity.RESTRICTED
    assert str(Sensitivity.INTERNAL) == "internal"


def test_default_policy_keeps_confidential_local() -> None:
    p = SensitivityPolicy()
    assert p.allows("cloud", Sensitivity.INTERNAL)
    assert not p.allows("cloud", Sensitivity.CONFIDENTIAL)
    assert p.allows("local", Sensitivity.RESTRICTED)
    assert p.level_of(Finding("EMAIL_ADDRESS", 0, 1, 1.0)) is Sensitivity.CONFIDENTIAL
    assert p.level_of(Finding("SECRET", 0, 1, 1.0)) is Sensitivity.CONFIDENTIAL


def test_policy_config_errors_name_the_field() -> None:
    with pytest.raises(ValidationError, match="keywords"):
        SensitivityPolicy(keywords={"x": "bogus"})
    with pytest.raises(ValidationError, match="target_levels"):
        SensitivityPolicy(target_levels={"local": "restricted"})
    with pytest.raises(ValidationError, match="min_scor"):
        SensitivityPolicy(min_scor=0.3)


def test_markers_and_keywords_set_levels() -> None:
    p = SensitivityPolicy(keywords={"Project Falcon": Sensitivity.RESTRICTED})
    d = [
        TermDetector(p.markers, entity_type="MARKER"),
        TermDetector(p.uppercase_markers, entity_type="MARKER", ignore_case=False),
        TermDetector(p.keywords, entity_type="KEYWORD"),
    ]
    assert scan(d, "This memo is for internal use only.", p).level is Sensitivity.INTERNAL
    assert scan(d, "CONFIDENTIAL - Q3 numbers", p).level is Sensitivity.CONFIDENTIAL
    assert scan(d, "Attorney-Client Privileged", p).level is Sensitivity.CONFIDENTIAL
    assert scan(d, "status of project  falcon?", p).level is Sensitivity.RESTRICTED
    # Prose uses of the words are not stamps.
    assert scan(d, "Is my data kept confidential?", p).level is Sensitivity.PUBLIC
    assert scan(d, "a falconer's project", p).level is Sensitivity.PUBLIC


def test_custom_regex_and_callable_recognizers() -> None:
    cfg = RegexRecognizerConfig(
        entity_type="EMPLOYEE_ID", pattern=r"\bEMP-\d{6}\b", level="restricted"
    )
    regex = RegexRecognizer.from_config(cfg)
    func = CallableRecognizer(
        "TICKET", lambda t: [(t.find("T-1"), t.find("T-1") + 3)] if "T-1" in t else []
    )
    report = scan([regex, func], "EMP-123456 filed T-1")
    assert [(f.entity_type, f.start, f.end) for f in report.findings] == [
        ("EMPLOYEE_ID", 0, 10),
        ("TICKET", 17, 20),
    ]
    assert report.level is Sensitivity.RESTRICTED


def test_allow_list_and_deny_list() -> None:
    p = SensitivityPolicy(allow_list=["help@acme.test"], deny_list=["Zephyr"])
    emails = RegexRecognizer("EMAIL_ADDRESS", r"\b\w+@\w+\.\w+\b")
    deny = TermDetector(dict.fromkeys(p.deny_list), entity_type="DENY_LIST")
    assert scan([emails, deny], "write to HELP@acme.test", p).level is Sensitivity.PUBLIC
    assert scan([emails, deny], "write to ann@acme.test", p).level is Sensitivity.CONFIDENTIAL
    assert scan([emails, deny], "the zephyr plan", p).findings[0].entity_type == "DENY_LIST"


def test_findings_below_min_score_are_dropped() -> None:
    weak = RegexRecognizer("X", r"x", score=0.2)
    assert scan([weak], "x").findings == ()
    assert len(scan([weak], "x", SensitivityPolicy(min_score=0.1)).findings) == 1


def test_offsets_map_back_through_normalization() -> None:
    emails = RegexRecognizer("EMAIL_ADDRESS", r"\b\w+@\w+\.\w+\b")
    text = "mail ann [at] acme [dot] test please"
    (f,) = scan([emails], text).findings
    assert text[f.start : f.end] == "ann [at] acme [dot] test"


def test_failing_detector_fails_closed_without_logging_values(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="hybridchain.scan"):
        report = scan([Boom()], "secret value 12345")
    assert report.level is Sensitivity.RESTRICTED
    assert report.errors == ("boom",)
    assert "boom" in caplog.text
    assert "12345" not in caplog.text


def test_slow_detector_fails_closed() -> None:
    report = scan([Slow()], "hello", SensitivityPolicy(detector_timeout_s=0.001))
    assert report.level is Sensitivity.RESTRICTED
    assert report.errors == ("slow",)


def test_hanging_blocking_detector_times_out() -> None:
    started = time.perf_counter()
    report = scan([Hang()], "hello", SensitivityPolicy(detector_timeout_s=0.05))
    assert report.level is Sensitivity.RESTRICTED
    assert time.perf_counter() - started < 1.0


def test_report_is_values_free() -> None:
    emails = RegexRecognizer("EMAIL_ADDRESS", r"\b\w+@\w+\.\w+\b")
    report = scan([emails], "ann@acme.test")
    assert "ann" not in repr(report.to_dict())


def test_a_value_found_once_is_found_wherever_the_request_repeats_it() -> None:
    # The name needs its context ("Name:") to be found; echoed alone elsewhere (a tool-call
    # argument, an earlier turn) it is the same value and is reported there too.
    names = RegexRecognizer("PERSON", r"(?<=Name: )\w+ \w+")
    pieces = [
        TextPiece("Marion Brown wrote again", 0, "content"),
        TextPiece("Name: Marion Brown", 1, "content"),
        TextPiece("Marion Browning and Marion Brown", 2, "tool_calls[0].args.who"),
    ]
    report = Scanner([names], SensitivityPolicy()).scan_pieces(pieces)
    found = [(f.message_index, f.start, f.end) for f in report.findings]
    assert found == [(0, 0, 12), (1, 6, 18), (2, 20, 32)]


def test_too_many_values_to_look_for_fails_closed() -> None:
    words = RegexRecognizer("DENY_LIST", r"\bv\d+\b")
    text = " ".join(f"v{i}" for i in range(20_000))
    report = scan([words], text)
    assert report.errors == ("repeats",)
    assert report.level is Sensitivity.RESTRICTED


@pytest.mark.parametrize(
    "text",
    [
        "INSERT INTO t (name, address) VALUES ('Marion Brown', '4 Elm Road, Leeds LS1 4AB')",
        "| name | address | email |\n|---|---|---|\n"
        "| Ann Lee | 12 Main Street, Springfield IL 62704 | ann@example.com |",
        "Dear Ann Lee,\nyour card 4111 1111 1111 1111 is blocked.\nBest, Bob Stone",
    ],
)
def test_pseudonymized_text_scans_clean(text: str) -> None:
    # Context detectors read a column or a field, not the value: a placeholder standing in
    # that place is no value, so a re-scan of masked text (a proxy's deployment check, a
    # later turn) must not flag it and send the request back local.
    gate = SensitivityGate()
    report = gate.scan(text)
    assert report.level is Sensitivity.CONFIDENTIAL
    masked = Pseudonymizer().replace(text, report.findings)
    assert gate.scan(masked).findings == ()


def test_a_placeholder_beside_a_value_does_not_hide_it() -> None:
    report = SensitivityGate().scan(
        "address: <LOCATION_1>, then mail <PERSON_1> at ann@example.com"
    )
    assert [f.entity_type for f in report.findings] == ["EMAIL_ADDRESS"]

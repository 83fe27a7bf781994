"""Properties over the whole scan: generated values are found through obfuscation, anywhere."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum import luhn

from hybridchain import Sensitivity, SensitivityGate
from tests.invariant.leak_values import cards, emails, ibans, obfuscate, obfuscations, templates

GATE = SensitivityGate()

values = st.one_of(
    emails().map(lambda v: ("EMAIL_ADDRESS", v)),
    cards().map(lambda v: ("CREDIT_CARD", v)),
    ibans().map(lambda v: ("IBAN_CODE", v)),
)


@settings(max_examples=300, deadline=None)
@given(values, obfuscations, templates, st.integers(0, 3))
def test_generated_values_are_found_wherever_they_are(
    typed: tuple[str, str], how: str, template: str, where: int
) -> None:
    entity_type, value = typed
    shown = obfuscate(value, how)
    text = template.format(v=shown)
    messages = [
        {"role": "system", "content": "You are a helpful assistant."},
        {"role": "user", "content": "hello"},
        {"role": "assistant", "content": "Hi! How can I help?"},
        {"role": "user", "content": "see above"},
    ]
    messages[where] = {**messages[where], "content": text}
    report = GATE.scan(messages)
    assert report.level >= Sensitivity.CONFIDENTIAL
    start = text.index(shown)
    hits = [
        f
        for f in report.findings
        if f.entity_type == entity_type
        and f.message_index == where
        and f.start <= start + 1
        and f.end >= start + len(shown) - 1
    ]
    assert hits, (entity_type, how, text)


look_alikes = st.one_of(
    st.uuids().map(str),
    st.text("0123456789abcdef", min_size=40, max_size=40),
    st.tuples(st.integers(0, 30), st.integers(0, 30), st.integers(0, 300)).map(
        lambda t: f"v{t[0]}.{t[1]}.{t[2]}"
    ),
    st.integers(10**15, 10**16 - 1).map(str).filter(lambda s: not luhn.is_valid(s)),
    st.integers(0, 9999).map(lambda n: f"****{n:04d}"),
    st.floats(0.01, 99999, allow_nan=False).map(lambda p: f"${p:,.2f}"),
)


@settings(max_examples=300, deadline=None)
@given(look_alikes, templates)
def test_generated_look_alikes_are_not_sensitive(value: str, template: str) -> None:
    text = template.format(v=value)
    report = GATE.scan(text)
    assert report.level is Sensitivity.PUBLIC, (text, report.entity_types)

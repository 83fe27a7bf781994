"""Properties over the whole scan: generated values are found through obfuscation, anywhere."""

from __future__ import annotations

import string

from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum import iban, luhn

from hybridchain import Sensitivity, SensitivityGate

GATE = SensitivityGate()

local_part = st.text(string.ascii_lowercase + string.digits, min_size=1, max_size=12)
domain = st.text(string.ascii_lowercase, min_size=2, max_size=10)
tld = st.sampled_from(["com", "org", "net", "io", "de", "co.uk"])


@st.composite
def emails(draw: st.DrawFn) -> str:
    return f"{draw(local_part)}.{draw(local_part)}@{draw(domain)}.{draw(tld)}"


@st.composite
def cards(draw: st.DrawFn) -> str:
    prefix = draw(st.sampled_from(["4", "51", "55", "2221", "34", "37", "6011"]))
    length = 15 if prefix in ("34", "37") else 16
    body = prefix + "".join(
        draw(
            st.lists(
                st.sampled_from(string.digits),
                min_size=length - len(prefix) - 1,
                max_size=length - len(prefix) - 1,
            )
        )
    )
    number = body + luhn.calc_check_digit(body)
    sep = draw(st.sampled_from(["", " ", "-"]))
    return sep.join(number[i : i + 4] for i in range(0, len(number), 4))


@st.composite
def ibans(draw: st.DrawFn) -> str:
    country, bban = draw(
        st.sampled_from(
            [
                ("DE", "37040044" + "0532013000"),
                ("GB", "WEST12345698765432"),
                ("FR", "20041010050500013M02606"),
                ("NL", "ABNA0417164300"),
            ]
        )
    )
    digits = list(bban)
    # Vary the account digits, then compute the real check digits.
    positions = [i for i, c in enumerate(digits) if c.isdigit()][-4:]
    for i in positions:
        digits[i] = draw(st.sampled_from(string.digits))
    bban = "".join(digits)
    check = iban.calc_check_digits(f"{country}00{bban}")
    return f"{country}{check}{bban}"


def obfuscate(value: str, how: str) -> str:
    if how == "fullwidth":
        return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in value)
    if how == "zero_width":
        return "\u200b".join(value[i : i + 3] for i in range(0, len(value), 3))
    if how == "spelled" and "@" in value:
        local, _, host = value.partition("@")
        return f"{local} [at] {host.replace('.', ' [dot] ')}"
    return value


obfuscations = st.sampled_from(["plain", "fullwidth", "zero_width", "spelled"])
templates = st.sampled_from(
    [
        "Please update the record: {v}. Thanks!",
        "{v}",
        "Customer wrote from {v} yesterday about the invoice.",
        "details below\n\n{v}\n\n-- sent from my phone",
    ]
)
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

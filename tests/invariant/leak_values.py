"""Sensitive values in many formats and disguises, the places a request can carry them, and
the check that none of them got out.

Shared by the never-leak suite (``tests/invariant``), the gate's unit properties and
``benchmarks/reliability.py``.
"""

from __future__ import annotations

import json
import re
import string
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import phonenumbers
from hypothesis import strategies as st
from langchain_core.messages import (
    AIMessage,
    BaseMessage,
    HumanMessage,
    SystemMessage,
    ToolMessage,
)
from stdnum import iban, luhn
from stdnum.us import ssn as stdnum_ssn

from benchmarks.corpus import generate_corpus

__all__ = [
    "PLACES",
    "Secret",
    "cards",
    "conversation",
    "corpus_secrets",
    "dumped",
    "emails",
    "generated_secrets",
    "ibans",
    "leaked",
    "obfuscate",
    "obfuscations",
    "public_prompts",
    "secrets",
    "strings_in",
    "templates",
]


@dataclass(frozen=True)
class Secret:
    """A prompt text and the raw values in it that must never reach the cloud."""

    text: str
    """The text as a user would send it."""
    values: tuple[str, ...]
    """Each value as written in ``text``, plus its plain form when it was disguised."""
    hideable: bool = True
    """Whether placeholders can hide what makes it sensitive (a marker cannot)."""


# --------------------------------------------------------------------------- values

local_part = st.text(string.ascii_lowercase + string.digits, min_size=1, max_size=12)
domain = st.text(string.ascii_lowercase, min_size=2, max_size=10)
tld = st.sampled_from(["com", "org", "net", "io", "de", "co.uk"])


@st.composite
def emails(draw: st.DrawFn) -> str:
    """An e-mail address ``first.last@domain.tld``."""
    return f"{draw(local_part)}.{draw(local_part)}@{draw(domain)}.{draw(tld)}"


def luhn_number(draw: st.DrawFn, prefix: str, length: int) -> str:
    """Draw the digits after ``prefix`` and append the Luhn check digit: ``length`` digits."""
    fill = length - len(prefix) - 1
    body = prefix + "".join(
        draw(st.lists(st.sampled_from(string.digits), min_size=fill, max_size=fill))
    )
    return body + luhn.calc_check_digit(body)


@st.composite
def cards(draw: st.DrawFn) -> str:
    """A Luhn-valid card number of a real brand, in groups of four."""
    prefix = draw(st.sampled_from(["4", "51", "55", "2221", "34", "37", "6011"]))
    length = 15 if prefix in ("34", "37") else 16
    number = luhn_number(draw, prefix, length)
    sep = draw(st.sampled_from(["", " ", "-"]))
    return sep.join(number[i : i + 4] for i in range(0, len(number), 4))


@st.composite
def ibans(draw: st.DrawFn) -> str:
    """An IBAN with valid check digits."""
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


@st.composite
def ssns(draw: st.DrawFn) -> str:
    """A US social security number that passes the SSA rules."""
    area = draw(st.integers(1, 899).filter(lambda a: a != 666))
    group, serial = draw(st.integers(1, 99)), draw(st.integers(1, 9999))
    value = f"{area:03d}-{group:02d}-{serial:04d}"
    return value if stdnum_ssn.is_valid(value) else "536-22-8510"


@st.composite
def phones(draw: st.DrawFn) -> str:
    """A valid phone number of one of several countries, in international format."""
    region = draw(st.sampled_from(["US", "GB", "DE", "FR", "IN", "AU", "BR", "NL"]))
    example = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
    assert example is not None
    national = str(example.national_number)
    tail = draw(st.text(string.digits, min_size=4, max_size=4))
    number = phonenumbers.PhoneNumber(
        country_code=example.country_code, national_number=int(national[:-4] + tail)
    )
    if not phonenumbers.is_valid_number(number):
        number = example
    fmt = phonenumbers.PhoneNumberFormat.INTERNATIONAL
    return str(phonenumbers.format_number(number, fmt))


_ALNUM = string.ascii_letters + string.digits


@st.composite
def api_keys(draw: st.DrawFn) -> str:
    """A secret key of a well-known provider."""

    def chars(alphabet: str, n: int) -> str:
        return draw(st.text(alphabet, min_size=n, max_size=n))

    kind = draw(st.sampled_from(["ghp", "sk_live", "sk-proj", "akia", "xoxb", "glpat"]))
    if kind == "ghp":
        return "ghp_" + chars(_ALNUM, 36)
    if kind == "sk_live":
        return "sk_live_" + chars(_ALNUM, 24)
    if kind == "sk-proj":
        return "sk-proj-" + chars(_ALNUM, 48)
    if kind == "akia":
        return "AKIA" + chars("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)
    if kind == "xoxb":
        return f"xoxb-{chars(string.digits, 11)}-{chars(string.digits, 13)}-{chars(_ALNUM, 24)}"
    return "glpat-" + chars(_ALNUM, 20)


def obfuscate(value: str, how: str) -> str:
    """Disguise ``value`` the way people and leak tests do (``plain`` leaves it as is)."""
    if how == "fullwidth":
        return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in value)
    if how == "zero_width":
        return "\u200b".join(value[i : i + 3] for i in range(0, len(value), 3))
    if how == "spelled" and "@" in value:
        local, _, host = value.partition("@")
        return f"{local} [at] {host.replace('.', ' [dot] ')}"
    return value


obfuscations = st.sampled_from(["plain", "fullwidth", "zero_width", "spelled"])
"""How a value is disguised (``spelled`` applies to e-mail addresses only)."""

templates = st.sampled_from(
    [
        "Please update the record: {v}. Thanks!",
        "{v}",
        "Customer wrote from {v} yesterday about the invoice.",
        "details below\n\n{v}\n\n-- sent from my phone",
    ]
)
"""Sentences a value is written into."""

_KINDS = st.one_of(emails(), cards(), ibans(), ssns(), phones(), api_keys())

_MARKED = st.sampled_from(
    [
        "CONFIDENTIAL: the Q3 board deck shows revenue of 41.7M and layoffs in Lyon.",
        "Attorney-client privileged: our exposure in the Hale matter is 2.3M.",
        "STRICTLY CONFIDENTIAL - merger talks with Norvale start on Monday.",
        "This memo is a trade secret: the glaze recipe uses 3 percent cobalt.",
    ]
)


@st.composite
def generated_secrets(draw: st.DrawFn) -> Secret:
    """One generated value (any kind, any disguise) written into a sentence, or a marked memo."""
    if draw(st.integers(0, 9)) == 0:
        memo = draw(_MARKED)
        return Secret(memo, (memo,), hideable=False)
    value = draw(_KINDS)
    shown = obfuscate(value, draw(obfuscations))
    text = draw(templates).format(v=shown)
    return Secret(text, tuple(dict.fromkeys((shown, value))))


@cache
def _corpus_secrets(seed: int) -> tuple[Secret, ...]:
    out = []
    for doc in generate_corpus(80, seed=seed):
        if not doc["sensitive"]:
            continue
        text = doc["text"]
        values = tuple(dict.fromkeys(text[s["start"] : s["end"]] for s in doc["spans"]))
        # A marker document carries no value spans: the whole text must stay inside.
        out.append(Secret(text, values or (text,), hideable=bool(values)))
    return tuple(out)


def corpus_secrets(seed: int = 7) -> st.SearchStrategy[Secret]:
    """Realistic prompts (support mails, patient notes, ``.env`` files, …) and obfuscated twins.

    Seed 7 is the corpus the detectors are measured on; other seeds are prompts they
    have never seen (every such prompt is still found sensitive, but some values in it
    only partly: see the README's limits).
    """
    return st.sampled_from(_corpus_secrets(seed))


def secrets(seed: int = 7) -> st.SearchStrategy[Secret]:
    """Generated values and realistic prompts, half and half."""
    return st.one_of(generated_secrets(), corpus_secrets(seed))


public_prompts = st.sampled_from(
    [
        "Name three primary colours.",
        "What is the capital of Peru?",
        "Explain recursion in one sentence.",
        "Write a haiku about autumn.",
        "How many days are in a leap year?",
    ]
)
"""Prompts with nothing sensitive in them."""


# --------------------------------------------------------------------------- places

PLACES = ("last", "earlier", "system", "tool_result", "tool_args", "multimodal")
"""Where a request carries the text: the last message, an earlier turn, the system prompt,
a tool result, a tool-call argument, a text block next to an image."""

_PIXEL = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"


def conversation(text: str, place: str, ask: str = "Please go on.") -> list[BaseMessage]:
    """A conversation that carries ``text`` at ``place`` (one of :data:`PLACES`)."""
    system = SystemMessage("You are a helpful assistant.")
    if place == "last":
        return [system, HumanMessage(text)]
    if place == "earlier":
        return [system, HumanMessage(text), AIMessage("Noted."), HumanMessage(ask)]
    if place == "system":
        return [SystemMessage(text), HumanMessage(ask)]
    call = {"name": "lookup", "args": {"query": "the customer"}, "id": "call_1"}
    if place == "tool_result":
        return [
            system,
            HumanMessage("Look the customer up."),
            AIMessage("", tool_calls=[call]),
            ToolMessage(text, tool_call_id="call_1"),
            HumanMessage(ask),
        ]
    if place == "tool_args":
        return [
            system,
            HumanMessage("Look the customer up."),
            AIMessage("", tool_calls=[{**call, "args": {"query": text}}]),
            ToolMessage("no match", tool_call_id="call_1"),
            HumanMessage(ask),
        ]
    if place == "multimodal":
        blocks: list[str | dict[str, Any]] = [
            {"type": "text", "text": text},
            {"type": "image_url", "image_url": {"url": _PIXEL}},
        ]
        return [system, HumanMessage(content=blocks)]
    raise ValueError(f"unknown place {place!r}; use one of {PLACES}")


# --------------------------------------------------------------------------- the check

_DROPPED = re.compile(r"[\s\-._()\[\]/:+]")


def _skeleton(text: str) -> str:
    """``text`` without disguise: NFKC, no invisible characters, no separators, casefolded."""
    folded = unicodedata.normalize("NFKC", text)
    visible = "".join(c for c in folded if unicodedata.category(c) != "Cf")
    return _DROPPED.sub("", visible).casefold()


def strings_in(value: Any) -> list[str]:
    """Every string inside a JSON-like value (keys included), decoded."""
    out: list[str] = []

    def walk(item: Any) -> None:
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, dict):
            for key, inner in item.items():
                out.append(str(key))
                walk(inner)
        elif isinstance(item, list | tuple):
            for inner in item:
                walk(inner)
        elif item is not None and not isinstance(item, int | float | bool):
            out.append(str(item))

    walk(value)
    return out


def leaked(values: Iterable[str], texts: Sequence[str] | str) -> list[str]:
    """Return the values that appear in ``texts``, as written or in any disguise.

    Both sides are compared without disguise (full-width forms, zero-width characters,
    separators and case removed), so ``4111-1111-1111-1111`` leaks ``4111 1111 1111 1111``.
    """
    joined = texts if isinstance(texts, str) else "\n".join(texts)
    plain = _skeleton(joined)
    found = []
    for value in values:
        key = _skeleton(value)
        if value in joined or (len(key) >= 6 and key in plain):
            found.append(value)
    return found


def dumped(value: Any) -> str:
    """``value`` as JSON text with non-ASCII characters kept (so disguised values stay findable)."""
    return json.dumps(value, ensure_ascii=False, default=repr)

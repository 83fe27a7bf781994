"""The benchmark corpus is deterministic and its labels point at values of the declared shape."""

from __future__ import annotations

import ipaddress
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum import iban, luhn
from stdnum.us import ssn

# `benchmarks` is not an installed package: import it from the checkout, whatever pytest's rootdir.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from benchmarks.corpus import ENTITY_TYPES, Document, generate_corpus

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))


def _canonical(text: str) -> str:
    """Undo every disguise the corpus applies, except separators between characters."""
    text = unicodedata.normalize("NFKC", text).translate(_ZERO_WIDTH)
    text = re.sub(r"\s*[\[(]at[\])]\s*", "@", text)
    return re.sub(r"\s*[\[(]dot[\])]\s*", ".", text).replace("[.]", ".")


def _compact(text: str) -> str:
    return re.sub(r"[\s.()-]", "", _canonical(text))


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


_SHAPES: dict[str, Callable[[str], bool]] = {
    "EMAIL_ADDRESS": lambda t: bool(re.fullmatch(r"[\w.+-]+@[\w-]+(\.[\w-]+)+", t)),
    "PHONE_NUMBER": lambda t: bool(re.fullmatch(r"\+?[\d ()-]+", t)) and 8 <= len(_digits(t)) <= 15,
    "CREDIT_CARD": lambda t: (
        bool(re.fullmatch(r"[\d -]+", t))
        and 13 <= len(_digits(t)) <= 19
        and luhn.is_valid(_digits(t))
    ),
    "US_SSN": lambda t: bool(re.fullmatch(r"[\d -]{9,11}", t)) and ssn.is_valid(_digits(t)),
    "IBAN_CODE": iban.is_valid,
    "IP_ADDRESS": lambda t: bool(ipaddress.ip_address(t)),
    "MAC_ADDRESS": lambda t: bool(
        re.fullmatch(r"[0-9A-Fa-f]{2}([:-][0-9A-Fa-f]{2}){5}|[0-9a-f]{4}(\.[0-9a-f]{4}){2}", t)
    ),
    "US_PASSPORT": lambda t: bool(re.fullmatch(r"[A-Z]?\d{8,9}", t)),
    "US_DRIVER_LICENSE": lambda t: (
        bool(re.fullmatch(r"[A-Z0-9][A-Z0-9 -]{6,}", t)) and len(_digits(t)) >= 3
    ),
    "DATE_OF_BIRTH": lambda t: bool(re.search(r"\b(19|20)\d\d\b", t)),
    "MEDICAL_RECORD_NUMBER": lambda t: len(_digits(t)) >= 6,
    "PERSON": lambda t: bool(re.fullmatch(r"[^\W\d_]+(?:[ -][^\W\d_]+)*", t)),
    "LOCATION": lambda t: bool(re.search(r"\d", t) and re.search(r"[^\W\d_]{3}", t) and "," in t),
    "SECRET": lambda t: len(t) >= 8 and (t.startswith("-----BEGIN") or not re.search(r"\s", t)),
}


def _check_spans(doc: Document) -> None:
    previous_end = 0
    for span in doc["spans"]:
        assert span["entity_type"] in ENTITY_TYPES
        assert previous_end <= span["start"] < span["end"] <= len(doc["text"])
        value = doc["text"][span["start"] : span["end"]]
        assert value == value.strip(), (doc["id"], value)
        previous_end = span["end"]


@pytest.fixture(scope="module")
def corpus() -> list[Document]:
    return generate_corpus()


def test_same_seed_same_corpus() -> None:
    assert generate_corpus(40, seed=3) == generate_corpus(40, seed=3)
    assert generate_corpus(40, seed=3) != generate_corpus(40, seed=4)


def test_half_sensitive_with_one_obfuscated_twin_each(corpus: list[Document]) -> None:
    plain = [d for d in corpus if d["variant"] == "plain"]
    twins = [d for d in corpus if d["variant"] == "obfuscated"]
    assert len(plain) == 600
    assert sum(d["sensitive"] for d in plain) == 300
    assert [d["id"] for d in twins] == [f"{d['id']}-obf" for d in plain if d["sensitive"]]
    assert len({d["id"] for d in corpus}) == len(corpus)


def test_every_type_has_forty_plain_spans(corpus: list[Document]) -> None:
    counts = Counter(
        s["entity_type"] for d in corpus if d["variant"] == "plain" for s in d["spans"]
    )
    assert {t: counts[t] for t in ENTITY_TYPES if counts[t] < 40} == {}


def test_clean_documents_have_no_spans(corpus: list[Document]) -> None:
    clean = [d for d in corpus if not d["sensitive"]]
    assert clean
    assert all(d["spans"] == [] for d in clean)


def test_plain_spans_point_at_values_of_their_type(corpus: list[Document]) -> None:
    for doc in corpus:
        if doc["variant"] != "plain":
            continue
        _check_spans(doc)
        for span in doc["spans"]:
            value = doc["text"][span["start"] : span["end"]]
            assert _SHAPES[span["entity_type"]](value), (doc["id"], span["entity_type"], value)


def test_obfuscated_spans_hold_the_disguised_value(corpus: list[Document]) -> None:
    plain = {d["id"]: d for d in corpus if d["variant"] == "plain"}
    for twin in (d for d in corpus if d["variant"] == "obfuscated"):
        _check_spans(twin)
        original = plain[twin["id"].removesuffix("-obf")]
        assert twin["text"] != original["text"]
        assert len(twin["spans"]) == len(original["spans"])
        for span, gold in zip(twin["spans"], original["spans"], strict=True):
            assert span["entity_type"] == gold["entity_type"]
            value = twin["text"][span["start"] : span["end"]]
            expected = original["text"][gold["start"] : gold["end"]]
            assert _compact(value) == _compact(expected), (twin["id"], value, expected)
            assert (value == expected) == (span.get("obfuscation") == "none"), (twin["id"], value)


@settings(max_examples=8, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**31), n=st.integers(min_value=1, max_value=30))
def test_labels_hold_for_any_seed(seed: int, n: int) -> None:
    docs = generate_corpus(n, seed=seed)
    assert sum(d["variant"] == "plain" for d in docs) == n
    for doc in docs:
        _check_spans(doc)
        assert doc["sensitive"] or doc["spans"] == []

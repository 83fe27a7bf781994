"""Phone number detector, validated with ``phonenumbers``."""

from __future__ import annotations

import re

import phonenumbers
import stdnum.luhn

from hybridchain.core.detect.spans import (
    glued_after,
    in_iban_tail,
    is_list_item,
    statement_start,
)
from hybridchain.core.findings import Finding

__all__ = ["PhoneDetector"]

# A maximal run of at least seven digits joined by at most two separator characters. It starts
# with a digit so the engine can skip ahead to one; the lookbehinds after that digit stop a match
# from starting inside a run (after a digit and one or two separators) or glued to a word.
# Separators and digits are disjoint and the loop can stop anywhere, so a run is scanned once.
_RUN = re.compile(r"\d(?<!\w\d)(?<!\d[ .\-()/]\d)(?<!\d[ .\-()/]{2}\d)(?:[ .\-()/]{0,2}\d){6,}")
# The same on ASCII text, where ``\d`` and ``\w`` mean the ASCII classes: a character range is
# tested faster than a Unicode category, and most prompts are ASCII.
_ASCII_RUN = re.compile(
    r"[0-9](?<![0-9A-Za-z_][0-9])(?<![0-9][ .\-()/][0-9])(?<![0-9][ .\-()/]{2}[0-9])"
    r"(?:[ .\-()/]{0,2}[0-9]){6,}"
)
_DIGITS = re.compile(r"\d+")
_DIGIT = re.compile(r"\d")
_DOTTED_QUAD = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")
_DATE_SHAPED = re.compile(r"\d{1,2}([./\-])\d{1,2}\1\d{2}(?:\d{2})?|\d{4}([./\-])\d{1,2}\2\d{1,2}")
_CONTEXT = re.compile(
    r"(?i)\b(?:(?:tele)?phone|tel|call(?:ing|ed|s)?|mobile|mob|cell|fax|whats\s?app|contact|ph)"
    r"(?![a-z])"
)
# A column named for the phone number in an SQL column list or a CSV header.
_COLUMN = re.compile(
    r"(?i)\b(?:(?:tele|mobile[ _\-]?|cell[ _\-]?)?phone|tel|mobile|cell)"
    r"(?:[ _\-]?(?:no|number|num))?\b"
)
_FIELD_WINDOW = 240  # how far back a column list may name the field of a value
_NEGATIVE_CONTEXT = re.compile(
    r"(?i)\b(?:(?:isbn|issn|version|ver|build|release)\b[^\n]{0,12}"
    r"|(?:order|invoice|tracking|booking|confirmation)(?: ?(?:no\.?|number|num|id|#))?[ :#.]{0,3})$"
)
# Digit groups of a marketplace order number (Amazon's 123-1234567-1234567), never a phone.
_ORDER_GROUPS = (3, 7, 7)
# Regions whose national formats are tried, after the default one, when a word such as "phone"
# is near: "my mobile is 07405 814614" is a British number written the British way.
_CONTEXT_REGIONS = ("US", "CA", "GB", "IE", "DE", "FR", "ES", "IT", "NL", "IN", "AU", "BR", "MX")

_CONTEXT_WINDOW = 30
_MIN_DIGITS = 7
_MIN_TRUNK_DIGITS = 10
_MAX_DIGITS = 15
_MAX_RUN_DIGITS = 40
_CARD_MIN, _CARD_MAX = 13, 19


class PhoneDetector:
    """Finds international and national phone numbers (``PHONE_NUMBER``).

    Cheap regex runs are validated with ``phonenumbers``: a valid number is a finding; a merely
    possible one only when a word such as "phone" or "call" comes shortly before it. National
    formats are read in ``default_region``; after such a word, or in a phone column of an SQL
    row or CSV record, in a few other common regions too. Marketplace order numbers
    (``order 123-1234567-1234567``) are not phone numbers.

    >>> [(f.start, f.end) for f in PhoneDetector().detect("Call +44 20 7946 0958 today")]
    [(5, 21)]
    """

    name: str = "phone"
    """Detector name recorded on findings."""

    def __init__(self, default_region: str = "US") -> None:
        """Create a detector.

        Args:
            default_region: ISO 3166 region for numbers written without a ``+`` country code.
        """
        self.default_region = default_region
        """ISO 3166 region used to read numbers written without a ``+`` country code."""
        self._national_lengths = _national_lengths(default_region)
        self._context_regions = tuple(
            (region, _national_lengths(region))
            for region in _CONTEXT_REGIONS
            if region != default_region
        )

    def detect(self, text: str) -> list[Finding]:
        """Return the phone numbers in ``text``."""
        if not _DIGIT.search(text):
            return []
        findings: list[Finding] = []
        for match in (_ASCII_RUN if text.isascii() else _RUN).finditer(text):
            start, end = match.span()
            if glued_after(text, end):
                continue
            groups = [(start + g.start(), start + g.end()) for g in _DIGITS.finditer(match.group())]
            total = sum(e - s for s, e in groups)
            if total > _MAX_RUN_DIGITS or _NEGATIVE_CONTEXT.search(text, max(0, start - 20), start):
                continue
            if tuple(e - s for s, e in groups) == _ORDER_GROUPS:
                continue
            plus = start > 0 and text[start - 1] == "+"
            if (
                not plus
                and _CARD_MIN <= total <= _CARD_MAX
                and stdnum.luhn.is_valid(_digits(match.group()))
            ):
                continue  # A payment card, not a phone number.
            if in_iban_tail(text, start):
                continue
            if start and text[start - 1] == "+":
                start -= 1
            if start and text[start - 1] == "(":
                start -= 1
            if start and (text[start - 1].isalnum() or text[start - 1] in "+_"):
                continue
            findings.extend(self._scan_groups(text, start, groups))
        return findings

    def _scan_groups(self, text: str, lead: int, groups: list[tuple[int, int]]) -> list[Finding]:
        """Take the longest valid numbers from left to right along the digit groups of a run."""
        found: list[Finding] = []
        before = [0]  # before[k]: digits in the groups ahead of group k
        for s, e in groups:
            before.append(before[-1] + e - s)
        i = 0
        while i < len(groups):
            first = lead if i == 0 else groups[i][0]
            for j in range(len(groups) - 1, i - 1, -1):
                digits = before[j + 1] - before[i]
                if digits < _MIN_DIGITS or digits > _MAX_DIGITS + 2:
                    continue
                if (i, j) != (0, len(groups) - 1) and digits < 2 * (j - i + 1):
                    continue  # Part of a list of small numbers ("1 2 3 4 5 6 7 8 9 10 11").
                finding = self._check(text, first, groups[j][1], digits)
                if finding is not None:
                    found.append(finding)
                    i = j
                    break
            i += 1
        return found

    def _check(self, text: str, start: int, end: int, digits: int) -> Finding | None:
        """Validate ``text[start:end]``, holding ``digits`` digits, as one phone number."""
        candidate = text[start:end]
        if candidate.startswith("(") and ")" not in candidate:
            start += 1
            candidate = candidate[1:]
        international = candidate.startswith(("+", "(+"))
        if not international and candidate.startswith("00"):
            candidate, international, digits = "+" + _digits(candidate)[2:], True, digits - 2
        context = _CONTEXT.search(text, max(0, start - _CONTEXT_WINDOW), start) is not None
        # Cheap length and shape checks spare most calls to phonenumbers (~20 us each).
        if international:
            if not _MIN_DIGITS <= digits <= _MAX_DIGITS:
                return None
            return self._validate(candidate, None, start, end, context=context)
        if _DOTTED_QUAD.fullmatch(candidate) or _DATE_SHAPED.fullmatch(candidate):
            return None
        if digits in self._national_lengths:
            found = self._validate(candidate, self.default_region, start, end, context=context)
            if found is not None:
                return found
        # Without a word, a value in a phone column must read as a national number: a trunk "0"
        # and ten digits or more (an undashed SSN in the next column is valid in some region).
        if not context and (
            not candidate.startswith("0")
            or digits < _MIN_TRUNK_DIGITS
            or not _in_phone_column(text, start, end)
        ):
            return None
        for region, lengths in self._context_regions:
            if digits in lengths:
                found = self._validate(candidate, region, start, end, context=context)
                if found is not None:
                    return found
        return None

    def _validate(
        self, candidate: str, region: str | None, start: int, end: int, *, context: bool
    ) -> Finding | None:
        """Read ``candidate`` as a number of ``region`` (``None``: it has a country code)."""
        try:
            number = phonenumbers.parse(candidate, region)
        except phonenumbers.NumberParseException:
            return None
        home = region in (None, self.default_region)
        if phonenumbers.is_valid_number(number):
            score = (0.95 if context else 0.85) if home else 0.8
        elif home and context and phonenumbers.is_possible_number(number):
            score = 0.65
        else:
            return None
        return Finding("PHONE_NUMBER", start, end, score, detector=self.name)


def _in_phone_column(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is a value in a row whose column list names a phone column."""
    if not is_list_item(text, start, end):
        return False
    for column in _COLUMN.finditer(text, statement_start(text, start, _FIELD_WINDOW), start):
        if is_list_item(text, *column.span()):
            return True
    return False


def _national_lengths(region: str) -> frozenset[int]:
    """Digit counts a national number of ``region`` can have, with or without its trunk prefix."""
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    if metadata is None or metadata.general_desc is None:
        return frozenset(range(_MIN_DIGITS, _MAX_DIGITS + 1))
    desc = metadata.general_desc
    lengths = set(desc.possible_length) | set(desc.possible_length_local_only)
    prefix = len(metadata.national_prefix or "")
    lengths |= {n + prefix for n in desc.possible_length}
    return frozenset(n for n in lengths if n >= _MIN_DIGITS)


def _digits(text: str) -> str:
    """Return the digits of ``text``."""
    return "".join(ch for ch in text if ch.isdigit())

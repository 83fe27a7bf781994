"""Payment card and IBAN detectors, validated by checksum."""

from __future__ import annotations

import functools
import re

import stdnum.iban
import stdnum.luhn
import stdnum.numdb

from hybridchain.core.detect.spans import glued_after, in_iban_tail
from hybridchain.core.findings import Finding

__all__ = ["CreditCardDetector", "IbanDetector"]

# A maximal run of at least thirteen digits joined by at most two separators. It starts with a
# digit so the engine can skip ahead to one; the lookbehinds after that digit keep a match from
# starting inside a run or glued to a word. Separators and digits are disjoint and the loop may
# stop anywhere, so a started match never backtracks far and each run is scanned once.
_RUN = re.compile(r"\d(?<!\w\d)(?<!\d[ .\-]\d)(?<!\d[ .\-]{2}\d)(?:[ .\-]{0,2}\d){12,}")
# The same on ASCII text, where ``\d`` and ``\w`` mean the ASCII classes: a character range is
# tested faster than a Unicode category, and most prompts are ASCII.
_ASCII_RUN = re.compile(
    r"[0-9](?<![0-9A-Za-z_][0-9])(?<![0-9][ .\-][0-9])(?<![0-9][ .\-]{2}[0-9])"
    r"(?:[ .\-]{0,2}[0-9]){12,}"
)
_DIGITS = re.compile(r"\d+")
_DIGIT = re.compile(r"\d")
# The two check digits of an IBAN, after a two-letter country code that starts a word. Matching
# the digits first lets the engine skip ahead; the BBAN that follows is walked in Python.
_IBAN_HEAD = re.compile(r"\d(?<=[A-Za-z]{2}\d)(?<![A-Za-z0-9][A-Za-z]{2}\d)\d(?=[ \-]?[A-Za-z0-9])")

_CARD_MIN, _CARD_MAX = 13, 19
_MAX_CARD_GROUP = 6  # longer groups (an order number 123-1234567-1234567) are not a card's
_MAX_RUN_DIGITS = 64


class CreditCardDetector:
    """Finds payment card numbers (``CREDIT_CARD``): a known issuer prefix and a valid Luhn digit.

    Digits may be split by spaces, dots or dashes. A run of digits that is not itself printed like
    a card is searched for one only at its group boundaries, and only for card-like grouping
    (4-4-4-4, 4-6-5, or one block), so a window inside a longer number is never reported. Runs
    after a "+" (phone numbers) and at the end of an IBAN are not cards.

    >>> [(f.start, f.end) for f in CreditCardDetector().detect("card 4111 1111 1111 1111.")]
    [(5, 24)]
    """

    name: str = "credit_card"
    """Detector name recorded on findings."""

    def detect(self, text: str) -> list[Finding]:
        """Return the card numbers in ``text``."""
        if not _DIGIT.search(text):
            return []
        findings: list[Finding] = []
        for match in (_ASCII_RUN if text.isascii() else _RUN).finditer(text):
            start, end = match.span()
            if glued_after(text, end) or (start and text[start - 1] == "+"):
                continue  # A "+" starts a phone number.
            if in_iban_tail(text, start):
                continue
            run = match.group()
            groups = [(start + g.start(), start + g.end()) for g in _DIGITS.finditer(run)]
            digits = "".join(text[s:e] for s, e in groups)
            if len(digits) > _MAX_RUN_DIGITS:
                continue
            lengths = [e - s for s, e in groups]
            if _CARD_MIN <= len(digits) <= _CARD_MAX and (
                len(lengths) == 1 or max(lengths) <= _MAX_CARD_GROUP
            ):
                if _is_card(digits) and ("." not in run or _card_like(lengths)):
                    findings.append(Finding("CREDIT_CARD", start, end, 1.0, detector=self.name))
                    continue
                if _card_like(lengths):
                    continue  # Printed like one card number, and not a valid one.
            findings.extend(self._scan_groups(text, groups))
        return findings

    def _scan_groups(self, text: str, groups: list[tuple[int, int]]) -> list[Finding]:
        """Find card-like group sequences inside a longer run, longest first, left to right."""
        found: list[Finding] = []
        i = 0
        while i < len(groups):
            for j in range(min(len(groups), i + _CARD_MAX) - 1, i - 1, -1):
                span = groups[i : j + 1]
                lengths = [e - s for s, e in span]
                if not _CARD_MIN <= sum(lengths) <= _CARD_MAX or not _card_like(lengths):
                    continue
                digits = "".join(text[s:e] for s, e in span)
                if _is_card(digits):
                    found.append(
                        Finding("CREDIT_CARD", span[0][0], span[-1][1], 1.0, detector=self.name)
                    )
                    i = j
                    break
            i += 1
        return found


class IbanDetector:
    """Finds international bank account numbers (``IBAN_CODE``), checked with ``stdnum.iban``.

    Accepts compact, space- or dash-grouped and lowercase forms of the countries in the IBAN
    registry.

    >>> [(f.start, f.end) for f in IbanDetector().detect("IBAN: GB82 WEST 1234 5698 7654 32")]
    [(6, 33)]
    """

    name: str = "iban"
    """Detector name recorded on findings."""

    def detect(self, text: str) -> list[Finding]:
        """Return the IBANs in ``text``."""
        if not _DIGIT.search(text):
            return []
        findings: list[Finding] = []
        covered = 0
        for match in _IBAN_HEAD.finditer(text):
            start = match.start() - 2
            if start < covered:
                continue
            end = _iban_end(text, start, match.end())
            if end is not None:
                findings.append(Finding("IBAN_CODE", start, end, 1.0, detector=self.name))
                covered = end
        return findings


def _iban_end(text: str, start: int, pos: int) -> int | None:
    """Return where a valid IBAN beginning at ``start`` ends, if one does.

    Walks exactly as many alphanumerics as the country's IBAN has, allowing one space or dash
    between them; the IBAN must end where a word ends.
    """
    length = _iban_length(text[start : start + 2].upper())
    if length is None:
        return None
    compact = [text[start:pos].upper()]
    size = pos - start
    n = len(text)
    while size < length and pos < n:
        ch = text[pos]
        if ch.isascii() and ch.isalnum():
            compact.append(ch.upper())
            size += 1
            pos += 1
        elif ch in " -" and pos + 1 < n and text[pos + 1].isascii() and text[pos + 1].isalnum():
            pos += 1
        else:
            return None
    if size < length or (pos < n and text[pos].isascii() and text[pos].isalnum()):
        return None
    number = "".join(compact)
    # The mod-97 check alone is a few times cheaper than the full ``stdnum`` validation.
    rearranged = number[4:] + number[:4]
    if int("".join(str(int(ch, 36)) for ch in rearranged)) % 97 != 1:
        return None
    return pos if stdnum.iban.is_valid(number) else None


@functools.cache
def _iban_length(country: str) -> int | None:
    """Return the IBAN length of ``country`` from the registry ``stdnum`` ships, if it has one."""
    props = stdnum.numdb.get("iban").info(country)[0][1]
    bban = props.get("bban")
    if not isinstance(bban, str):
        return None
    return 4 + sum(int(width) for width in re.findall(r"(\d+)!", bban))


def _is_card(digits: str) -> bool:
    """Whether ``digits`` has a known issuer prefix for its length and a valid Luhn digit."""
    return _known_iin(digits) and bool(stdnum.luhn.is_valid(digits))


def _known_iin(digits: str) -> bool:
    """Whether the issuer identification prefix matches a major card network for this length."""
    length = len(digits)
    two, four = int(digits[:2]), int(digits[:4])
    if digits[0] == "4":  # Visa
        return length in (13, 16, 19)
    if 51 <= two <= 55 or 2221 <= four <= 2720:  # Mastercard
        return length == 16
    if two in (34, 37):  # American Express
        return length == 15
    if two in (36, 38, 39) or 300 <= int(digits[:3]) <= 305:  # Diners Club
        return 14 <= length <= 19
    if 3528 <= four <= 3589:  # JCB
        return 16 <= length <= 19
    if two in (50, 56, 57, 58) or digits[0] == "6":  # Maestro, Discover, UnionPay, RuPay
        return length >= 13
    return False


def _card_like(lengths: list[int]) -> bool:
    """Whether digit groups look like a printed card: one block, 4-4-4-4(-x), 4-6-5 or 4-6-4."""
    if len(lengths) == 1:
        return True
    if lengths[:-1] == [4] * (len(lengths) - 1) and 1 <= lengths[-1] <= 4:
        return True
    return lengths in ([4, 6, 5], [4, 6, 4])

"""US government identifier detectors: SSN, passport and driver's license numbers."""

from __future__ import annotations

import re

import stdnum.us.ssn

from hybridchain.core.findings import Finding

__all__ = ["UsDriverLicenseDetector", "UsPassportDetector", "UsSsnDetector"]

# Exactly nine digits joined by at most two separators, not inside a longer run: it starts with a
# digit so the engine can skip ahead to one, and the lookbehinds and lookahead reject a digit (or
# a digit past one or two separators) on either side. Every repetition is bounded.
_RUN = re.compile(
    r"\d(?<!\w\d)(?<!\d[ .\-]\d)(?<!\d[ .\-]{2}\d)(?:[ .\-]{0,2}\d){8}(?![ .\-]{0,2}\d)"
)
_SSN_SHAPE = re.compile(r"\d{3}([ .\-]{1,2})\d{2}\1\d{4}")
_DIGIT = re.compile(r"\d")
_SSN_CONTEXT = re.compile(r"(?i)\b(?:ssn|ss#|social[ \-]?security|soc\.? ?sec)")
# Placeholders printed on sample cards and in documentation, on top of the ``stdnum`` list.
_SSN_DENYLIST = frozenset({"123456789", "078051120", "219099999", "457555462"})

# Passport: nine digits or one letter and eight digits, not inside a longer run.
_PASSPORT = re.compile(r"(?<![\w\-])(?<!\d[ .])(?:[A-Za-z]\d{8}|\d{9})(?![\w])(?![ .\-]\d)")
# Context words are matched in lowercased text: a case-insensitive pattern would be several times
# slower, as the engine can no longer skip ahead to a first letter.
_PASSPORT_CONTEXT = re.compile(r"passport")

# Common state formats: one or two letters and 7-12 digits (maybe grouped, as in Illinois'
# A123-4567-8901), or one block of 7-12 digits; grouped digits alone are dates and phone numbers.
_LICENSE = re.compile(
    r"(?<![\w\-])(?<!\d[ \-])"
    r"(?:[A-Za-z]{1,2}\d(?:[ \-]?\d){6,11}|\d{7,12})"
    r"(?!\w)(?![ .\-]\d)"
)
_LICENSE_CONTEXT = re.compile(
    r"(?:driv(?:er|ing)(?:['\u2019]?s)?[ \-]?licen[cs]e|licen[cs]e[ \-]?(?:no\b|num|#)"
    r"|d\.l\.|dln?\b)"
)

_CONTEXT_WINDOW = 40
_MAX_ID = 26  # longest passport or license number, separators included


class UsSsnDetector:
    """Finds US Social Security numbers (``US_SSN``).

    The 3-2-4 form is a finding on its own; nine digits written any other way (``123456789``)
    need a word such as "SSN" or "social security" shortly before. Area 000, 666 and 9xx, group
    00, serial 0000 and published sample numbers are rejected.

    >>> [(f.start, f.end) for f in UsSsnDetector().detect("SSN 536-90-4399")]
    [(4, 15)]
    """

    name: str = "us_ssn"
    """Detector name recorded on findings."""

    def detect(self, text: str) -> list[Finding]:
        """Return the social security numbers in ``text``."""
        if not _DIGIT.search(text):
            return []
        findings: list[Finding] = []
        for match in _RUN.finditer(text):
            start, end = match.span()
            if _glued_after(text, end):
                continue
            run = match.group()
            if not _valid_ssn("".join(ch for ch in run if ch.isdigit())):
                continue
            context = _SSN_CONTEXT.search(text, max(0, start - _CONTEXT_WINDOW), start) is not None
            if _SSN_SHAPE.fullmatch(run):
                score = 0.95 if context else 0.85
            elif context:
                score = 0.75
            else:
                continue
            findings.append(Finding("US_SSN", start, end, score, detector=self.name))
        return findings


class UsPassportDetector:
    """Finds US passport numbers (``US_PASSPORT``) near the word "passport".

    >>> [(f.start, f.end) for f in UsPassportDetector().detect("Passport no. A12345678")]
    [(13, 22)]
    """

    name: str = "us_passport"
    """Detector name recorded on findings."""

    def detect(self, text: str) -> list[Finding]:
        """Return the passport numbers in ``text``."""
        lowered = _lower(text)
        if "passport" not in lowered:
            return []
        return [
            Finding(
                "US_PASSPORT",
                *match.span(),
                0.8 if match.group()[0].isalpha() else 0.7,
                detector=self.name,
            )
            for match in _near_context(text, lowered, _PASSPORT, _PASSPORT_CONTEXT)
        ]


class UsDriverLicenseDetector:
    """Finds US driver's license numbers (``US_DRIVER_LICENSE``) near "driver's license" or "DL".

    >>> [(f.start, f.end) for f in UsDriverLicenseDetector().detect("Driver's license: D1234567")]
    [(18, 26)]
    """

    name: str = "us_driver_license"
    """Detector name recorded on findings."""

    def detect(self, text: str) -> list[Finding]:
        """Return the driver's license numbers in ``text``."""
        lowered = _lower(text)
        if "licen" not in lowered and "dl" not in lowered and "d.l." not in lowered:
            return []
        return [
            Finding(
                "US_DRIVER_LICENSE",
                *match.span(),
                0.75 if match.group()[0].isalpha() else 0.6,
                detector=self.name,
            )
            for match in _near_context(text, lowered, _LICENSE, _LICENSE_CONTEXT)
        ]


def _near_context(
    text: str, lowered: str, pattern: re.Pattern[str], context: re.Pattern[str]
) -> list[re.Match[str]]:
    """Return the matches of ``pattern`` that lie within the context window of a ``context`` match.

    ``context`` is matched in ``lowered`` at the start of a word. Only the text around each context
    match is searched, so the cost follows the number of context words, not the length of the text.
    """
    found: dict[int, re.Match[str]] = {}
    for ctx in context.finditer(lowered):
        if ctx.start() and lowered[ctx.start() - 1].isalnum():
            continue
        lo, hi = ctx.start() - _CONTEXT_WINDOW, ctx.end() + _CONTEXT_WINDOW
        for near in pattern.finditer(text, max(0, lo - _MAX_ID), hi + _MAX_ID):
            # ``endpos`` hides what follows the window: match again on the whole text.
            match = pattern.match(text, near.start())
            if match is not None and match.end() >= lo and match.start() <= hi:
                found.setdefault(match.start(), match)
    return [found[start] for start in sorted(found)]


def _lower(text: str) -> str:
    """Lowercase ``text`` keeping every offset (a few characters, like "İ", grow when lowered)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(low if len(low := ch.lower()) == 1 else ch for ch in text)


def _valid_ssn(digits: str) -> bool:
    """Whether nine digits form an SSN that can have been issued."""
    if digits in _SSN_DENYLIST or len(set(digits)) == 1:
        return False
    return bool(stdnum.us.ssn.is_valid(digits))


def _glued_after(text: str, end: int) -> bool:
    """Whether the run at ``text[:end]`` continues into a word (a hex id, a unit, a code)."""
    if end >= len(text):
        return False
    nxt = text[end]
    if nxt.isalnum() or nxt == "_":
        return True
    return nxt in ".-" and end + 1 < len(text) and text[end + 1].isalnum()

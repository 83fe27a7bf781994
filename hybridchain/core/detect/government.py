"""US government identifier detectors: SSN, passport and driver's license numbers."""

from __future__ import annotations

import re

import stdnum.us.ssn

from hybridchain.core.detect.spans import (
    glued_after,
    is_list_item,
    lower_keeping_offsets,
    statement_start,
)
from hybridchain.core.findings import Finding

__all__ = ["UsDriverLicenseDetector", "UsPassportDetector", "UsSsnDetector"]

# Exactly nine digits joined by at most two separators, not inside a longer run: it starts with a
# digit so the engine can skip ahead to one, and the lookbehinds and lookahead reject a digit (or
# a digit past one or two separators) on either side. Every repetition is bounded.
_RUN = re.compile(
    r"\d(?<!\w\d)(?<!\d[ .\-]\d)(?<!\d[ .\-]{2}\d)(?:[ .\-]{0,2}\d){8}(?![ .\-]{0,2}\d)"
)
# The same on ASCII text, where ``\d`` and ``\w`` mean the ASCII classes: a character range is
# tested faster than a Unicode category, and most prompts are ASCII.
_ASCII_RUN = re.compile(
    r"[0-9](?<![0-9A-Za-z_][0-9])(?<![0-9][ .\-][0-9])(?<![0-9][ .\-]{2}[0-9])"
    r"(?:[ .\-]{0,2}[0-9]){8}(?![ .\-]{0,2}[0-9])"
)
_SSN_SHAPE = re.compile(r"\d{3}([ .\-]{1,2})\d{2}\1\d{4}")
_DIGIT = re.compile(r"\d")
# Placeholders printed on sample cards and in documentation, on top of the ``stdnum`` list.
_SSN_DENYLIST = frozenset({"123456789", "078051120", "219099999", "457555462"})
# A column named for the SSN in an SQL column list or a CSV header.
_SSN_FIELD = re.compile(r"ssn|social[ _\-]?security(?:[ _\-]?(?:number|num|no))?")
_SSN_STEMS = ("ssn", "social")

# Passport: nine digits or one letter and eight digits, not inside a longer run.
_PASSPORT = re.compile(r"(?<![\w\-])(?<!\d[ .])(?:[A-Za-z]\d{8}|\d{9})(?![\w])(?![ .\-]\d)")

# Common state formats: letters then digits, maybe grouped (Illinois A123-4567-8901, Florida
# S123-456-78-901-0, New Jersey A1234 56789 01234); Pennsylvania's and New York's grouped digits
# (22 562 974, 22-562-974); or one block of 6-14 letters and digits holding a digit (California
# A1234567, Washington WDLABCD456DZ, New York 123456789). Other grouped digits are dates and phone
# numbers.
_LICENSE = re.compile(
    r"(?<![\w\-/])(?<!\d[ \-])"
    r"(?:[A-Za-z]{1,3}\d{1,6}(?:[ \-]\d{1,6}){1,4}"
    r"|\d{2,3}(?P<sep>[ \-])\d{3}(?P=sep)\d{3}"
    r"|(?=[A-Za-z]{0,13}\d)[A-Za-z0-9]{6,14})"
    r"(?![\w/])(?![ .\-]\d)"
)
_LICENSE_DIGITS = range(7, 15)  # a number of digits alone

# Words that name an identifier, matched in lowercased text (a case-insensitive pattern would be
# several times slower). The nearest one before a number, else the nearest after it, decides
# which kind of number it is: "passport no. 790678929; driver's license (NY) 599793578".
_ID_CONTEXT = re.compile(
    r"(?P<ssn>ssn(?![a-z])|ss#|social[ _\-]?security|soc\.? ?sec(?![a-z]))"
    r"|(?P<passport>passport)"
    r"|(?P<license>driv(?:er|ing)(?:['\u2019]?s)?[ _\-]?licen[cs]e|licence"
    r"|licen[cs]e[ _\-]?(?:no(?![a-z])|nr(?![a-z])|num|#|id(?![a-z]))|dln?(?![a-z0-9])|d\.l\.)"
    r"|(?P<other>mrn(?![a-z])|medical record|patient id|phone|mobile|tel(?![a-z])|fax(?![a-z])"
    r"|order|invoice|account|acct(?![a-z])|routing|tracking|member id|policy (?:no|num)"
    r"|payment|card|iban|deposit)"
)
_PASSPORT_CONTEXT = re.compile(r"passport")
_LICENSE_CONTEXT = re.compile(
    r"driv(?:er|ing)(?:['\u2019]?s)?[ _\-]?licen[cs]e|licence"
    r"|licen[cs]e[ _\-]?(?:no(?![a-z])|nr(?![a-z])|num|#|id(?![a-z]))|dln?(?![a-z0-9])|d\.l\."
)

_CONTEXT_WINDOW = 40
_OWNER_WINDOW = 70  # a context word this far back still names the number: "driver's license (NY)"
_FIELD_WINDOW = 240  # how far back a column list may name the field of a value
_MAX_ID = 26  # longest passport or license number, separators included


class UsSsnDetector:
    """Finds US Social Security numbers (``US_SSN``).

    The 3-2-4 form is a finding on its own; nine digits written any other way (``123456789``)
    need a word such as "SSN" or "social security" shortly before (and no nearer word naming
    another identifier), or an ``ssn`` column in the SQL column list or CSV header of the row.
    Area 000, 666 and 9xx, group 00, serial 0000 and published sample numbers are rejected.

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
        lowered: str | None = None
        for match in (_ASCII_RUN if text.isascii() else _RUN).finditer(text):
            start, end = match.span()
            if glued_after(text, end):
                continue
            run = match.group()
            if not _valid_ssn("".join(ch for ch in run if ch.isdigit())):
                continue
            if lowered is None:
                lowered = lower_keeping_offsets(text)
            context = _owner(lowered, start, end, look_after=False) == "ssn"
            if _SSN_SHAPE.fullmatch(run):
                score = 0.95 if context else 0.85
            elif context:
                score = 0.75
            elif _ssn_column(text, lowered, start, end):
                score = 0.7
            else:
                continue
            findings.append(Finding("US_SSN", start, end, score, detector=self.name))
        return findings


class UsPassportDetector:
    """Finds US passport numbers (``US_PASSPORT``) near the word "passport".

    A number whose nearest context word names another identifier ("SSN", "driver's license")
    is not a passport number.

    >>> [(f.start, f.end) for f in UsPassportDetector().detect("Passport no. A12345678")]
    [(13, 22)]
    """

    name: str = "us_passport"
    """Detector name recorded on findings."""

    def detect(self, text: str) -> list[Finding]:
        """Return the passport numbers in ``text``."""
        lowered = lower_keeping_offsets(text)
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
            if _owner(lowered, *match.span()) == "passport"
        ]


class UsDriverLicenseDetector:
    """Finds US driver's license numbers (``US_DRIVER_LICENSE``) near "driver's license" or "DL".

    Reads the common state formats: letters and digits in one block (``A1234567``,
    ``WDLABCD456DZ``, ``123456789``) or grouped (``A123-4567-8901``, ``S123-456-78-901-0``,
    ``22 562 974``). A number whose nearest context word names another identifier ("passport")
    is not a license number.

    >>> [(f.start, f.end) for f in UsDriverLicenseDetector().detect("Driver's license: D1234567")]
    [(18, 26)]
    """

    name: str = "us_driver_license"
    """Detector name recorded on findings."""

    def detect(self, text: str) -> list[Finding]:
        """Return the driver's license numbers in ``text``."""
        lowered = lower_keeping_offsets(text)
        if "licen" not in lowered and "dl" not in lowered and "d.l." not in lowered:
            return []
        findings: list[Finding] = []
        for match in _near_context(text, lowered, _LICENSE, _LICENSE_CONTEXT):
            value = match.group()
            if sum(ch.isdigit() for ch in value) not in _LICENSE_DIGITS and not _has_letters(value):
                continue
            if _owner(lowered, *match.span()) != "license":
                continue
            score = 0.75 if _has_letters(value) else 0.6
            findings.append(Finding("US_DRIVER_LICENSE", *match.span(), score, detector=self.name))
        return findings


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


def _owner(lowered: str, start: int, end: int, *, look_after: bool = True) -> str | None:
    """Name the kind of identifier that ``lowered[start:end]`` is, from the nearest context word.

    The nearest word before the number on its line decides; without one (and with
    ``look_after``), the nearest word after it on its line. Returns ``"ssn"``, ``"passport"``,
    ``"license"``, ``"other"``, or ``None`` when no word is near.
    """
    nearest: str | None = None
    line_start = lowered.rfind("\n", max(0, start - _OWNER_WINDOW), start) + 1
    for ctx in _ID_CONTEXT.finditer(lowered, max(line_start, start - _OWNER_WINDOW), start):
        if not (ctx.start() and lowered[ctx.start() - 1].isalnum()):
            nearest = ctx.lastgroup
    if nearest is not None or not look_after:
        return nearest
    line_end = lowered.find("\n", end, end + _CONTEXT_WINDOW)
    for ctx in _ID_CONTEXT.finditer(
        lowered, end, end + _CONTEXT_WINDOW if line_end < 0 else line_end
    ):
        if not lowered[ctx.start() - 1].isalnum():
            return ctx.lastgroup
    return None


def _ssn_column(text: str, lowered: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is a value in a row whose column list names an SSN column."""
    if not any(stem in lowered for stem in _SSN_STEMS) or not is_list_item(text, start, end):
        return False
    head = statement_start(text, start, _FIELD_WINDOW)
    for field in _SSN_FIELD.finditer(lowered, head, start):
        before, after = field.start() - 1, field.end()
        if (before >= 0 and lowered[before].isalnum()) or (
            after < len(lowered) and lowered[after].isalnum()
        ):
            continue
        if is_list_item(lowered, field.start(), field.end()):
            return True
    return False


def _has_letters(value: str) -> bool:
    """Whether ``value`` holds a letter."""
    return not value.replace(" ", "").replace("-", "").isdigit()


def _valid_ssn(digits: str) -> bool:
    """Whether nine digits form an SSN that can have been issued."""
    if digits in _SSN_DENYLIST or len(set(digits)) == 1:
        return False
    return bool(stdnum.us.ssn.is_valid(digits))

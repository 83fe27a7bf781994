"""Health-related detectors: dates of birth and medical record numbers."""

from __future__ import annotations

import re
from datetime import date

from hybridchain.core.detect.spans import is_list_item, lower_keeping_offsets, statement_start
from hybridchain.core.findings import Finding

__all__ = ["DateOfBirthDetector", "MedicalRecordDetector"]

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
        start=1,
    )
}
_ORDINAL = r"(?:st|nd|rd|th)?"
# Each alternative starts differently enough and every repetition is bounded, so a failed start
# costs a handful of steps.
_DATE = re.compile(
    r"(?i)(?<![\w.\-/])(?:"
    r"(?P<iy>\d{4})(?P<isep>[\-/.])(?P<im>\d{1,2})(?P=isep)(?P<id>\d{1,2})"
    r"|(?P<na>\d{1,2})(?P<nsep>[\-/.])(?P<nb>\d{1,2})(?P=nsep)(?P<ny>\d{4}|\d{2})"
    rf"|(?P<mm>{_MONTH}) {{1,2}}(?P<md>\d{{1,2}}){_ORDINAL},? {{1,2}}(?P<my>\d{{4}})"
    rf"|(?P<dd>\d{{1,2}}){_ORDINAL} {{1,2}}(?:of {{1,2}})?(?P<dm>{_MONTH}),? {{1,2}}(?P<dy>\d{{4}})"
    r")(?![\w\-/])(?!\.\d)"
)
# Context words are matched in lowercased text, at the start of a word: a case-insensitive
# pattern would be several times slower, as the engine can no longer skip ahead to a first letter.
# Separators may be spaces, underscores or dashes, as in column names (``date_of_birth``).
_DOB_CONTEXT = re.compile(
    r"(?:dob|date[ _\-]?of[ _\-]?birth|birth[ _\-]?date|birth[ _\-]?day|born|geburtsdatum)\b"
    r"|d\.o\.b\.?"
)
_MRN_CONTEXT = re.compile(
    r"(?:mrn|medical[ _\-]record(?:[ _\-](?:number|no\.?|#|id))?"
    r"|patient[ _\-](?:id|identifier|number|no\.?)|chart[ _\-](?:number|no\.?|#))(?![a-z])"
)
# What may stand between a record-number label and its value: "MRN: ", "MRN #", "patient id is ".
_MRN_GAP = re.compile(
    r"\s{0,3}(?:(?:is|no\.?|nr\.?|num(?:ber)?|id)(?![a-z])\s{0,3})?[:#=\-]{0,2}\s{0,3}\(?\s{0,2}"
)
# Letters then digits (AB-123456), five or more digits (00123456), or grouped digits
# (716-177-236), with an optional suffix.
_MRN = re.compile(
    r"(?:[A-Za-z]{1,3}-?\d{4,12}|\d{5,12}|\d{2,5}(?P<sep>[\-. ])\d{2,5}(?:(?P=sep)\d{2,5}){0,2})"
    r"(?:-\d{1,4})?(?!\w)(?![\-.]\w)",
)

_DOB_STEMS = ("dob", "d.o.b", "birth", "born", "geburt")
_MRN_STEMS = ("mrn", "medical", "patient", "chart")
_CONTEXT_WINDOW = 40
_FIELD_WINDOW = 240  # how far after a column list its values may come
_MAX_VALUE = 30  # longest date or record number
_MIN_MRN_DIGITS = 5
_EARLIEST_YEAR = 1900


class DateOfBirthDetector:
    """Finds dates of birth (``DATE_OF_BIRTH``): a real past date shortly after "DOB" or "born".

    Reads ``1985-03-14``, ``03/14/1985``, ``14.03.1985``, ``March 14, 1985`` and
    ``14 March 1985``. A value in an SQL row or CSV record whose column list names the field
    (``date_of_birth``, ``dob``) counts too. Dates with no such word before them are not findings.

    >>> [(f.start, f.end) for f in DateOfBirthDetector().detect("DOB: 03/14/1985")]
    [(5, 15)]
    """

    name: str = "date_of_birth"
    """Detector name recorded on findings."""

    def detect(self, text: str) -> list[Finding]:
        """Return the dates of birth in ``text``."""
        lowered = lower_keeping_offsets(text)
        if not any(stem in lowered for stem in _DOB_STEMS):
            return []
        today = date.today()
        contexts = [
            ctx
            for ctx in _DOB_CONTEXT.finditer(lowered)
            if not (ctx.start() and lowered[ctx.start() - 1].isalnum())
        ]
        found = {m.start(): m for m in _after_context(text, _DATE, contexts)}
        for match in _in_column(text, lowered, _DATE, contexts):
            found.setdefault(match.start(), match)
        return [
            Finding("DATE_OF_BIRTH", *found[start].span(), 0.85, detector=self.name)
            for start in sorted(found)
            if _plausible_birth_date(found[start], today)
        ]


class MedicalRecordDetector:
    """Finds medical record numbers (``MEDICAL_RECORD_NUMBER``) right after "MRN" or "patient ID".

    The number must follow the label closely ("MRN: ", "MRN #", "patient id is "): a number
    further along the line belongs to something else.

    >>> [(f.start, f.end) for f in MedicalRecordDetector().detect("MRN: AB-123456, ward 4")]
    [(5, 14)]
    """

    name: str = "medical_record"
    """Detector name recorded on findings."""

    def detect(self, text: str) -> list[Finding]:
        """Return the medical record numbers in ``text``."""
        lowered = lower_keeping_offsets(text)
        if not any(stem in lowered for stem in _MRN_STEMS):
            return []
        findings: list[Finding] = []
        for ctx in _MRN_CONTEXT.finditer(lowered):
            if ctx.start() and lowered[ctx.start() - 1].isalnum():
                continue
            gap = _MRN_GAP.match(lowered, ctx.end())
            match = _MRN.match(text, gap.end() if gap else ctx.end())
            if match is None or sum(ch.isdigit() for ch in match.group()) < _MIN_MRN_DIGITS:
                continue
            if not findings or findings[-1].start != match.start():
                findings.append(
                    Finding("MEDICAL_RECORD_NUMBER", *match.span(), 0.8, detector=self.name)
                )
        return findings


def _after_context(
    text: str, pattern: re.Pattern[str], contexts: list[re.Match[str]]
) -> list[re.Match[str]]:
    """Return the matches of ``pattern`` starting at most 40 characters after a context word.

    Only the text after each context word is searched, so the cost follows the number of context
    words, not the length of the text.
    """
    found: dict[int, re.Match[str]] = {}
    for ctx in contexts:
        limit = ctx.end() + _CONTEXT_WINDOW
        for near in pattern.finditer(text, ctx.end(), limit + _MAX_VALUE):
            if near.start() > limit:
                break
            # ``endpos`` hides what follows the window: match again on the whole text.
            match = pattern.match(text, near.start())
            if match is not None:
                found.setdefault(match.start(), match)
    return [found[start] for start in sorted(found)]


def _in_column(
    text: str, lowered: str, pattern: re.Pattern[str], contexts: list[re.Match[str]]
) -> list[re.Match[str]]:
    """Return the matches of ``pattern`` that are values in a column that a context word names.

    The column name is an item of a column list (``INSERT INTO t (name, dob) VALUES ...``, a CSV
    header ``name,dob``); a value counts when it is itself a list item of the same statement, at
    most 240 characters further on.
    """
    found: list[re.Match[str]] = []
    for ctx in contexts:
        start, end = ctx.span()
        if not is_list_item(lowered, start, end):
            continue
        for near in pattern.finditer(text, end, end + _FIELD_WINDOW + _MAX_VALUE):
            match = pattern.match(text, near.start())
            if (
                match is not None
                and match.start() <= end + _FIELD_WINDOW
                and is_list_item(text, *match.span())
                and statement_start(text, match.start(), match.start() - start) <= start
            ):
                found.append(match)
    return found


def _plausible_birth_date(match: re.Match[str], today: date) -> bool:
    """Whether the matched date exists and lies between 1900 and today."""
    candidates: list[tuple[int, int, int]] = []
    if match["iy"]:
        candidates.append((int(match["iy"]), int(match["im"]), int(match["id"])))
    elif match["na"]:
        year = int(match["ny"])
        if len(match["ny"]) == 2:
            year += 1900 if year > today.year % 100 else 2000
        first, second = int(match["na"]), int(match["nb"])
        candidates += [(year, first, second), (year, second, first)]  # US, then day-first
    elif match["mm"]:
        month = _MONTHS[match["mm"][:3].lower()]
        candidates.append((int(match["my"]), month, int(match["md"])))
    else:
        month = _MONTHS[match["dm"][:3].lower()]
        candidates.append((int(match["dy"]), month, int(match["dd"])))
    for year, month, day in candidates:
        try:
            born = date(year, month, day)
        except ValueError:
            continue
        if _EARLIEST_YEAR <= born.year and born <= today:
            return True
    return False

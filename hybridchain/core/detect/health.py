"""Health-related detectors: dates of birth and medical record numbers."""

from __future__ import annotations

import re
from datetime import date

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
_DOB_CONTEXT = re.compile(
    r"(?:dob|date of birth|birth ?date|birth ?day|born|geburtsdatum)\b|d\.o\.b\.?"
)
_MRN_CONTEXT = re.compile(
    r"(?:mrn|medical record(?: (?:number|no\.?|#|id))?|patient (?:id|identifier|number|no\.?)"
    r"|chart (?:number|no\.?|#))(?![a-z])"
)
# Letters then digits (AB-123456), or five or more digits (00123456), with an optional suffix.
_MRN = re.compile(
    r"(?<![\w\-])(?:[A-Za-z]{1,3}-?\d{4,12}|\d{5,12})(?:-\d{1,4})?(?!\w)(?!-\w)",
)

_DOB_STEMS = ("dob", "d.o.b", "birth", "born", "geburt")
_MRN_STEMS = ("mrn", "medical record", "patient", "chart")
_CONTEXT_WINDOW = 40
_MAX_VALUE = 30  # longest date or record number
_EARLIEST_YEAR = 1900


class DateOfBirthDetector:
    """Finds dates of birth (``DATE_OF_BIRTH``): a real past date shortly after "DOB" or "born".

    Reads ``1985-03-14``, ``03/14/1985``, ``14.03.1985``, ``March 14, 1985`` and
    ``14 March 1985``. Dates with no such word before them are not findings.

    >>> [(f.start, f.end) for f in DateOfBirthDetector().detect("DOB: 03/14/1985")]
    [(5, 15)]
    """

    name: str = "date_of_birth"
    """Detector name recorded on findings."""

    def detect(self, text: str) -> list[Finding]:
        """Return the dates of birth in ``text``."""
        lowered = _lower(text)
        if not any(stem in lowered for stem in _DOB_STEMS):
            return []
        today = date.today()
        return [
            Finding("DATE_OF_BIRTH", *match.span(), 0.85, detector=self.name)
            for match in _after_context(text, lowered, _DATE, _DOB_CONTEXT, first_only=False)
            if _plausible_birth_date(match, today)
        ]


class MedicalRecordDetector:
    """Finds medical record numbers (``MEDICAL_RECORD_NUMBER``) right after "MRN" or "patient ID".

    >>> [(f.start, f.end) for f in MedicalRecordDetector().detect("MRN: AB-123456, ward 4")]
    [(5, 14)]
    """

    name: str = "medical_record"
    """Detector name recorded on findings."""

    def detect(self, text: str) -> list[Finding]:
        """Return the medical record numbers in ``text``."""
        lowered = _lower(text)
        if not any(stem in lowered for stem in _MRN_STEMS):
            return []
        return [
            Finding("MEDICAL_RECORD_NUMBER", *match.span(), 0.8, detector=self.name)
            for match in _after_context(text, lowered, _MRN, _MRN_CONTEXT, first_only=True)
        ]


def _after_context(
    text: str,
    lowered: str,
    pattern: re.Pattern[str],
    context: re.Pattern[str],
    *,
    first_only: bool,
) -> list[re.Match[str]]:
    """Return the matches of ``pattern`` starting at most 40 characters after a ``context`` match.

    ``context`` is matched in ``lowered`` at the start of a word. Only the text after each context
    match is searched, so the cost follows the number of context words, not the length of the
    text. With ``first_only``, only the nearest match counts.
    """
    found: dict[int, re.Match[str]] = {}
    for ctx in context.finditer(lowered):
        if ctx.start() and lowered[ctx.start() - 1].isalnum():
            continue
        limit = ctx.end() + _CONTEXT_WINDOW
        for near in pattern.finditer(text, ctx.end(), limit + _MAX_VALUE):
            if near.start() > limit:
                break
            # ``endpos`` hides what follows the window: match again on the whole text.
            match = pattern.match(text, near.start())
            if match is not None:
                found.setdefault(match.start(), match)
                if first_only:
                    break
    return [found[start] for start in sorted(found)]


def _lower(text: str) -> str:
    """Lowercase ``text`` keeping every offset (a few characters, like "İ", grow when lowered)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(low if len(low := ch.lower()) == 1 else ch for ch in text)


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

"""Run detectors over every piece of text in a request and judge its level."""

from __future__ import annotations

import logging
import re
import time
from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import Any

from hybridchain.core.detect.base import Detector
from hybridchain.core.findings import Finding, SensitivityReport
from hybridchain.core.policy import SensitivityPolicy
from hybridchain.core.pseudonymize import PLACEHOLDER_RE
from hybridchain.core.sensitivity import Sensitivity
from hybridchain.core.text.normalize import normalize
from hybridchain.core.text.walk import walk_input

__all__ = ["Scanner", "TextPiece", "collect_pieces"]

logger = logging.getLogger("hybridchain.scan")

# Detectors that may block (a model, a service) run in these threads so a hang
# becomes a timeout instead of a stuck request.
_POOL = ThreadPoolExecutor(max_workers=4, thread_name_prefix="hybridchain-detect")

# A finding that is nothing but one of hybridchain's placeholders (a context detector reading
# ``address: '<LOCATION_1>'``) holds no value: re-scanning pseudonymized text must not flag it.
_PLACEHOLDER_ONLY = re.compile(rf"[\s'\"`(]*{PLACEHOLDER_RE.pattern}[\s'\"`),;.]*")


@dataclass(frozen=True, slots=True)
class TextPiece:
    """One piece of text a model would see, and where it lives in the request."""

    text: str
    """The text as the model would see it."""
    message_index: int | None
    """Index of its message, ``None`` for a plain string."""
    path: str
    """Where it lives inside the message (``content``, ``tool_calls[0].args.to``, …)."""


def collect_pieces(
    value: Any, walk: Callable[[Any, Callable[[str, int | None, str], str]], Any] = walk_input
) -> list[TextPiece]:
    """Return every piece of text in a request, in order.

    Args:
        value: The request.
        walk: The walker for the request's shapes (adapters pass their own).
    """
    pieces: list[TextPiece] = []

    def visit(text: str, index: int | None, path: str) -> str:
        if text:
            pieces.append(TextPiece(text, index, path))
        return text

    walk(value, visit)
    return pieces


_REPEATS = "repeats"
"""Name reported as failed when a request holds too many values to look for them all."""
_REPEAT_BUDGET = 50_000_000
"""Most ``distinct values × characters`` searched for repeats (a few tens of ms)."""
_MIN_REPEAT = 3
"""Values shorter than this are not looked for elsewhere."""


def _repeats(pieces: Sequence[TextPiece], findings: Sequence[Finding]) -> list[Finding] | None:
    """Find, in every piece, the other occurrences of values found somewhere in the request.

    A detector may need context to see a value (a name after ``Dear``, a number after
    ``SSN``); once seen, the same value is sensitive wherever else the request holds it,
    e.g. echoed alone in a tool-call argument. Occurrences are whole words (not inside a
    longer word or number). Returns ``None`` when the search would be too large (the
    caller fails closed).
    """
    by_place = {(p.message_index, p.path): p.text for p in pieces}
    values: dict[str, Finding] = {}
    covered: dict[tuple[int | None, str], list[tuple[int, int]]] = {}
    for f in findings:
        text = by_place.get((f.message_index, f.path))
        if text is None:
            continue
        covered.setdefault((f.message_index, f.path), []).append((f.start, f.end))
        value = text[f.start : f.end]
        if len(value.strip()) >= _MIN_REPEAT:
            values.setdefault(value, f)
    if not values:
        return []
    if len(values) * sum(len(p.text) for p in pieces) > _REPEAT_BUDGET:
        return None
    out: list[Finding] = []
    for piece in pieces:
        overlaps = _Spans(covered.get((piece.message_index, piece.path), []))
        for value, found in values.items():
            start = piece.text.find(value)
            while start != -1:
                end = start + len(value)
                if _whole(piece.text, start, end) and not overlaps.hit(start, end):
                    out.append(
                        Finding(
                            found.entity_type,
                            start,
                            end,
                            found.score,
                            found.detector,
                            found.level,
                            piece.message_index,
                            piece.path,
                        )
                    )
                start = piece.text.find(value, end)
    return out


class _Spans:
    """Spans already found in one piece, asked in O(log n) whether a span overlaps one."""

    def __init__(self, spans: Sequence[tuple[int, int]]) -> None:
        ordered = sorted(spans)
        self._starts = [s for s, _ in ordered]
        self._max_end: list[int] = []
        for _, e in ordered:
            self._max_end.append(max(e, self._max_end[-1]) if self._max_end else e)

    def hit(self, start: int, end: int) -> bool:
        """Whether ``[start, end)`` overlaps a known span."""
        before = bisect_left(self._starts, end)  # spans starting before ``end``
        return before > 0 and self._max_end[before - 1] > start


def _whole(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is not part of a longer word or number."""
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    edge_in = text[start].isalnum() and before.isalnum()
    edge_out = text[end - 1].isalnum() and after.isalnum()
    return not (edge_in or edge_out)


class Scanner:
    """Apply a detector set and a policy to text, failing closed.

    >>> from hybridchain.core.detect.terms import TermDetector
    >>> s = Scanner([TermDetector({"falcon": None}, entity_type="KEYWORD")], SensitivityPolicy())
    >>> s.scan_pieces([TextPiece("Status of Falcon?", None, "")]).level
    <Sensitivity.CONFIDENTIAL: 2>
    """

    def __init__(self, detectors: Sequence[Detector], policy: SensitivityPolicy) -> None:
        """Build a scanner.

        Args:
            detectors: The detectors to run on every text piece.
            policy: Levels, allow list, score floor and timeout.
        """
        self.detectors = list(detectors)
        self.policy = policy
        self._allowed = {v.casefold() for v in policy.allow_list}

    def scan_pieces(self, pieces: Iterable[TextPiece]) -> SensitivityReport:
        """Scan every piece and return the request's report."""
        todo = list(pieces)
        findings: list[Finding] = []
        errors: list[str] = []
        for piece in todo:
            found, failed = self.scan_text(piece.text)
            findings.extend(f.at(piece.message_index, piece.path) for f in found)
            errors.extend(e for e in failed if e not in errors)
        repeats = _repeats(todo, findings)
        if repeats is None:
            errors.append(_REPEATS)
        elif repeats:
            order = {(p.message_index, p.path): i for i, p in enumerate(todo)}
            findings = sorted(
                [*findings, *repeats],
                key=lambda f: (order[f.message_index, f.path], f.start, f.end, f.entity_type),
            )
        level = max((self.policy.level_of(f) for f in findings), default=Sensitivity.PUBLIC)
        if errors:
            level = max(level, self.policy.on_detector_error)
        return SensitivityReport(level, tuple(findings), tuple(errors))

    def scan_text(self, text: str) -> tuple[list[Finding], list[str]]:
        """Return the findings in one text (original offsets) and the names of failed detectors."""
        normalized = normalize(text)
        findings: dict[tuple[str, int, int], Finding] = {}
        errors: list[str] = []
        for detector in self.detectors:
            try:
                found = self._run(detector, normalized.text)
            except Exception as exc:
                # The exception's message may quote the text: log its type only.
                logger.warning(
                    "detector %r failed (%s); the request is treated as sensitive",
                    detector.name,
                    type(exc).__name__,
                )
                errors.append(detector.name)
                continue
            for f in found:
                if f.score < self.policy.min_score:
                    continue
                start, end = normalized.original_span(f.start, f.end)
                if self._allowed and text[start:end].casefold() in self._allowed:
                    continue
                if _PLACEHOLDER_ONLY.fullmatch(text, start, end):
                    continue
                key = (f.entity_type, start, end)
                if key not in findings or findings[key].score < f.score:
                    findings[key] = f.shifted(start, end)
        return sorted(findings.values(), key=lambda f: (f.start, f.end, f.entity_type)), errors

    def _run(self, detector: Detector, text: str) -> list[Finding]:
        timeout = self.policy.detector_timeout_s
        if getattr(detector, "blocking", False):
            try:
                return list(_POOL.submit(lambda: list(detector.detect(text))).result(timeout))
            except FutureTimeout:
                raise TimeoutError(f"detector {detector.name!r} timed out") from None
        started = time.perf_counter()
        found = list(detector.detect(text))
        if time.perf_counter() - started > timeout:
            raise TimeoutError(f"detector {detector.name!r} took longer than {timeout} s")
        return found

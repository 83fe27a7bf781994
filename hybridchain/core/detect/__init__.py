"""Detectors: structured personal data, credentials, names, addresses, markers, custom."""

from hybridchain.core.detect.base import Detector
from hybridchain.core.detect.custom import CallableRecognizer, RegexRecognizer
from hybridchain.core.detect.presidio import PresidioDetector
from hybridchain.core.detect.terms import TermDetector

__all__ = [
    "CallableRecognizer",
    "Detector",
    "PresidioDetector",
    "RegexRecognizer",
    "TermDetector",
]

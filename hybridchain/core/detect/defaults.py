"""The default detector set: no model, no network, fast."""

from __future__ import annotations

from hybridchain.core.detect.address import AddressDetector
from hybridchain.core.detect.base import Detector
from hybridchain.core.detect.custom import RegexRecognizer
from hybridchain.core.detect.email import EmailDetector
from hybridchain.core.detect.government import (
    UsDriverLicenseDetector,
    UsPassportDetector,
    UsSsnDetector,
)
from hybridchain.core.detect.health import DateOfBirthDetector, MedicalRecordDetector
from hybridchain.core.detect.network import IpAddressDetector, MacAddressDetector
from hybridchain.core.detect.payment import CreditCardDetector, IbanDetector
from hybridchain.core.detect.person import PersonDetector
from hybridchain.core.detect.phone import PhoneDetector
from hybridchain.core.detect.secrets import SecretDetector
from hybridchain.core.detect.terms import TermDetector
from hybridchain.core.policy import SensitivityPolicy

__all__ = ["default_detectors"]


def default_detectors(policy: SensitivityPolicy | None = None) -> list[Detector]:
    """Return the default detectors, with the policy's markers, keywords and recognizers.

    >>> [d.name for d in default_detectors()][:3]
    ['email', 'phone', 'credit_card']
    """
    policy = policy or SensitivityPolicy()
    detectors: list[Detector] = [
        EmailDetector(),
        PhoneDetector(),
        CreditCardDetector(),
        IbanDetector(),
        UsSsnDetector(),
        UsPassportDetector(),
        UsDriverLicenseDetector(),
        IpAddressDetector(),
        MacAddressDetector(),
        DateOfBirthDetector(),
        MedicalRecordDetector(),
        SecretDetector(),
        PersonDetector(),
        AddressDetector(),
        TermDetector(policy.markers, entity_type="MARKER", name="markers"),
        TermDetector(
            policy.uppercase_markers, entity_type="MARKER", ignore_case=False, name="stamps"
        ),
    ]
    if policy.keywords:
        detectors.append(TermDetector(policy.keywords, entity_type="KEYWORD", name="keywords"))
    if policy.deny_list:
        detectors.append(
            TermDetector(dict.fromkeys(policy.deny_list), entity_type="DENY_LIST", name="deny")
        )
    detectors.extend(RegexRecognizer.from_config(c) for c in policy.recognizers)
    return detectors

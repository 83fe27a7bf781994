"""The typed sensitivity policy: which findings raise which level, and where each level may go."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from hybridchain.core.findings import Finding
from hybridchain.core.sensitivity import Sensitivity

__all__ = ["PERSONAL_DATA_TYPES", "RegexRecognizerConfig", "SensitivityPolicy", "Target"]

Target = Literal["local", "cloud"]
"""Where a request may be answered."""

PERSONAL_DATA_TYPES: tuple[str, ...] = (
    "EMAIL_ADDRESS",
    "PHONE_NUMBER",
    "CREDIT_CARD",
    "US_SSN",
    "IBAN_CODE",
    "IP_ADDRESS",
    "MAC_ADDRESS",
    "US_PASSPORT",
    "US_DRIVER_LICENSE",
    "DATE_OF_BIRTH",
    "MEDICAL_RECORD_NUMBER",
    "PERSON",
    "LOCATION",
)
"""Presidio-named personal-data entity types the default detectors find."""


def _default_entity_levels() -> dict[str, Sensitivity]:
    levels = dict.fromkeys(PERSONAL_DATA_TYPES, Sensitivity.CONFIDENTIAL)
    levels["SECRET"] = Sensitivity.CONFIDENTIAL
    return levels


def _default_markers() -> dict[str, Sensitivity]:
    return {
        "internal use only": Sensitivity.INTERNAL,
        "for internal use": Sensitivity.INTERNAL,
        "internal only": Sensitivity.INTERNAL,
        "do not distribute": Sensitivity.INTERNAL,
        "not for distribution": Sensitivity.INTERNAL,
        "proprietary and confidential": Sensitivity.CONFIDENTIAL,
        "confidential information": Sensitivity.CONFIDENTIAL,
        "strictly confidential": Sensitivity.RESTRICTED,
        "highly confidential": Sensitivity.RESTRICTED,
        "privileged and confidential": Sensitivity.CONFIDENTIAL,
        "attorney-client privileged": Sensitivity.CONFIDENTIAL,
        "attorney-client privilege": Sensitivity.CONFIDENTIAL,
        "attorney client privileged": Sensitivity.CONFIDENTIAL,
        "trade secret": Sensitivity.CONFIDENTIAL,
        "under nda": Sensitivity.CONFIDENTIAL,
        "top secret": Sensitivity.RESTRICTED,
    }


def _default_target_levels() -> dict[Target, Sensitivity]:
    return {"local": Sensitivity.RESTRICTED, "cloud": Sensitivity.INTERNAL}


class RegexRecognizerConfig(BaseModel):
    r"""A custom regex recognizer declared in configuration.

    >>> RegexRecognizerConfig(entity_type="EMPLOYEE_ID", pattern=r"\bEMP-\d{6}\b").score
    0.85
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    entity_type: str
    """Entity type the matches are reported as."""
    pattern: str
    """Python regular expression; the whole match is the value."""
    score: float = Field(default=0.85, ge=0.0, le=1.0)
    """Score given to each match."""
    level: Sensitivity | None = None
    """Level of a match; ``None`` uses ``entity_levels`` (or ``unknown_entity_level``)."""
    ignore_case: bool = False
    """Match case-insensitively."""


class SensitivityPolicy(BaseModel):
    """Which findings raise which level, and which level may reach which target.

    The default follows practice: personal data and secrets are confidential, and
    confidential data never goes to the cloud.

    >>> policy = SensitivityPolicy()
    >>> policy.allows("cloud", Sensitivity.CONFIDENTIAL)
    False
    >>> SensitivityPolicy(keywords={"Project Falcon": "restricted"}).keywords
    {'Project Falcon': <Sensitivity.RESTRICTED: 3>}
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    entity_levels: dict[str, Sensitivity] = Field(default_factory=_default_entity_levels)
    """Level raised by each entity type."""
    unknown_entity_level: Sensitivity = Sensitivity.CONFIDENTIAL
    """Level of an entity type missing from ``entity_levels`` (custom recognizers)."""
    target_levels: dict[Target, Sensitivity] = Field(default_factory=_default_target_levels)
    """The highest level each target may receive."""
    markers: dict[str, Sensitivity] = Field(default_factory=_default_markers)
    """Confidentiality phrases (matched case-insensitively as whole words) and their level."""
    uppercase_markers: dict[str, Sensitivity] = Field(
        default_factory=lambda: {
            "CONFIDENTIAL": Sensitivity.CONFIDENTIAL,
            "RESTRICTED": Sensitivity.RESTRICTED,
            "TOP SECRET": Sensitivity.RESTRICTED,
            "PRIVILEGED": Sensitivity.CONFIDENTIAL,
            "INTERNAL ONLY": Sensitivity.INTERNAL,
        }
    )
    """Markers that count only when written in capitals (``CONFIDENTIAL`` stamps)."""
    keywords: dict[str, Sensitivity] = Field(default_factory=dict)
    """User terms such as project code names, matched case-insensitively, and their level."""
    deny_list: list[str] = Field(default_factory=list)
    """Values always reported (as ``DENY_LIST``, at ``unknown_entity_level``)."""
    allow_list: list[str] = Field(default_factory=list)
    """Values never reported, compared case-insensitively (e.g. a public support address)."""
    recognizers: list[RegexRecognizerConfig] = Field(default_factory=list)
    """Extra regex recognizers declared in configuration."""
    min_score: float = Field(default=0.5, ge=0.0, le=1.0)
    """Findings scored below this are dropped."""
    detector_timeout_s: float = Field(default=5.0, gt=0.0)
    """A detector slower than this on one text piece fails the scan closed."""
    on_detector_error: Sensitivity = Sensitivity.RESTRICTED
    """Level of a request whose scan had a failed or timed-out detector."""
    keep_local_types: frozenset[str] = frozenset({"MARKER"})
    """Entity types pseudonymization cannot hide; a request with them stays local."""

    @field_validator("target_levels")
    @classmethod
    def _both_targets(cls, value: dict[Target, Sensitivity]) -> dict[Target, Sensitivity]:
        missing = {"local", "cloud"} - value.keys()
        if missing:
            raise ValueError(f"target_levels needs a level for {sorted(missing)}")
        return value

    def level_of(self, finding: Finding) -> Sensitivity:
        """Return the level one finding raises."""
        if finding.level is not None:
            return finding.level
        return self.entity_levels.get(finding.entity_type, self.unknown_entity_level)

    def allows(self, target: Target, level: Sensitivity) -> bool:
        """Whether data at ``level`` may be sent to ``target``."""
        return level <= self.target_levels[target]

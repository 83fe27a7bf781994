"""IP and MAC address detectors."""

from __future__ import annotations

import ipaddress
import re

from hybridchain.core.findings import Finding

__all__ = ["IpAddressDetector", "MacAddressDetector"]

# Four dotted numbers, not part of a longer dotted run (a version such as 10.0.19045.1234). Each
# pattern here starts with a character class so the engine can skip ahead to a candidate, and
# checks what comes before it with a lookbehind after that first character.
_IPV4 = re.compile(r"\d(?<![\w.]\d)\d{0,2}\.(?:\d{1,3}\.){2}\d{1,3}(?!\w)(?!\.\d)")
# The same on ASCII text, where a character range is tested faster than a Unicode category.
_ASCII_IPV4 = re.compile(
    r"[0-9](?<![0-9A-Za-z_.][0-9])[0-9]{0,2}\.(?:[0-9]{1,3}\.){2}[0-9]{1,3}"
    r"(?![0-9A-Za-z_])(?!\.[0-9])"
)
_IPV6 = re.compile(r"(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f.]{0,15}")
# A version number right before the address: "version 1.2.3.4", "build: 10.0.0.1".
_VERSION_BEFORE = re.compile(
    r"(?i)\b(?:v|ver|version|release|build|firmware|fw|sdk|rev|revision|update)\.?"
    r"(?: (?:is|of|number|no\.?))?[ :=#]{0,3}$"
)
# MAC addresses are matched from their first separator, then moved back over the first group.
_MAC_SEPARATED = re.compile(
    r"([:\-])(?<=[0-9A-Fa-f]{2}[:\-])(?<![\w:.\-][0-9A-Fa-f]{2}[:\-])"
    r"[0-9A-Fa-f]{2}(?:\1[0-9A-Fa-f]{2}){4}(?![\w:\-])"
)
_MAC_DOTTED = re.compile(
    r"\.(?<=[0-9A-Fa-f]{4}\.)(?<![\w.][0-9A-Fa-f]{4}\.)"
    r"[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}(?!\w)(?!\.\w)"
)
# A port after a full, uncompressed IPv6 address (``2001:db8:0:0:0:0:0:1:5432``).
_PORT = re.compile(r":\d{1,5}(?![\w:])")
_MIN_WIDE_GROUPS = 4  # groups of 3-4 hex digits that tell an address from a ratio (1:2:3:...)
_MAC_NOT_PERSONAL = frozenset({"000000000000", "FFFFFFFFFFFF"})
_DIGIT = re.compile(r"\d")


class IpAddressDetector:
    """Finds IPv4 and IPv6 addresses (``IP_ADDRESS``), checked with :mod:`ipaddress`.

    Private ranges are findings; loopback and unspecified addresses, and numbers that read as a
    version ("version 1.2.3.4"), are not. A ``:port`` after an address is left out of it.

    >>> [(f.start, f.end) for f in IpAddressDetector().detect("from 10.1.2.3 and ::1")]
    [(5, 13)]
    """

    name: str = "ip_address"
    """Detector name recorded on findings."""

    def detect(self, text: str) -> list[Finding]:
        """Return the IP addresses in ``text``."""
        findings: list[Finding] = []
        if "." in text and _DIGIT.search(text):
            for match in (_ASCII_IPV4 if text.isascii() else _IPV4).finditer(text):
                start, end = match.span()
                if _VERSION_BEFORE.search(text, max(0, start - 24), start):
                    continue
                if _reportable(match.group()):
                    findings.append(Finding("IP_ADDRESS", start, end, 0.95, detector=self.name))
        if "::" in text or text.count(":") >= 7:
            v4, findings = findings, []
            for match in _IPV6.finditer(text):
                start, end = match.span()
                candidate = match.group().rstrip(".")
                end = start + len(candidate)
                if end < len(text) and (text[end].isalnum() or text[end] in "_:"):
                    if not _before_port(text, candidate, end):
                        continue
                if _plausible_ipv6(candidate) and _reportable(candidate):
                    findings.append(Finding("IP_ADDRESS", start, end, 0.95, detector=self.name))
            # An IPv4 tail of an IPv6 address (::ffff:192.0.2.128) is not a second address.
            findings += [f for f in v4 if not any(g.start <= f.start < g.end for g in findings)]
        findings.sort(key=lambda f: f.start)
        return findings


class MacAddressDetector:
    """Finds MAC addresses (``MAC_ADDRESS``): ``aa:bb:cc:dd:ee:ff``, dashed, or ``aabb.ccdd.eeff``.

    >>> [(f.start, f.end) for f in MacAddressDetector().detect("eth0 00:1A:2B:3C:4D:5E up")]
    [(5, 22)]
    """

    name: str = "mac_address"
    """Detector name recorded on findings."""

    def detect(self, text: str) -> list[Finding]:
        """Return the MAC addresses in ``text``."""
        findings: list[Finding] = []
        for pattern, lead, score in ((_MAC_SEPARATED, 2, 0.9), (_MAC_DOTTED, 4, 0.8)):
            for match in pattern.finditer(text):
                start, end = match.start() - lead, match.end()
                hex_digits = re.sub(r"[:.\-]", "", text[start:end]).upper()
                if hex_digits not in _MAC_NOT_PERSONAL:
                    findings.append(Finding("MAC_ADDRESS", start, end, score, detector=self.name))
        findings.sort(key=lambda f: f.start)
        return findings


def _reportable(candidate: str) -> bool:
    """Whether ``candidate`` is an IP address that can point at a person or a host."""
    try:
        address = ipaddress.ip_address(candidate)
    except ValueError:
        return False
    return not (address.is_loopback or address.is_unspecified)


_MIN_IPV6_HEX_DIGITS = 3


def _plausible_ipv6(candidate: str) -> bool:
    """Whether a compressed form carries enough of an address to be one (not ``::A``, ``a::b``)."""
    if "." in candidate:  # an embedded IPv4 tail (``::ffff:192.0.2.1``) is address enough
        return True
    # Fewer hex digits than ``100::`` is a fragment (``::A`` in ``T12::A``), not an address.
    return sum(len(g) for g in candidate.split(":")) >= _MIN_IPV6_HEX_DIGITS


def _before_port(text: str, candidate: str, end: int) -> bool:
    """Whether a full IPv6 ``candidate`` ending at ``end`` is followed by a ``:port``.

    Only the uncompressed eight-group form is unambiguous: the port cannot be read as a group.
    Most groups must be wide, or a ratio such as ``1:2:3:4:5:6:7:8:9`` would pass.
    """
    groups = candidate.split(":")
    if len(groups) != 8 or "" in groups or _PORT.match(text, end) is None:
        return False
    return sum(len(g) >= 3 for g in groups) >= _MIN_WIDE_GROUPS

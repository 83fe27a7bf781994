"""Email address detector."""

from __future__ import annotations

import re

from hybridchain.core.findings import Finding

__all__ = ["EmailDetector"]

_LOCAL_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._%+-")
_MAX_LOCAL = 64
# The domain is matched forward from each "@". Every repetition is bounded and each label is
# closed by a "." that the label class excludes, so nothing backtracks far.
# Labels may be internationalized (``bücher.de``); ``[^\W_]`` is a letter or digit of any script.
_DOMAIN = re.compile(r"(?:(?:[^\W_]|-){1,63}\.){1,8}[A-Za-z]{2,24}(?![A-Za-z0-9\-])")
# The ``scheme://user:`` head of a URL whose ``password@host`` would read as an address.
_URL_USER = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]{0,19}://[^\s/?#@:]{0,64}:\Z")
_MAX_URL_HEAD = 20 + 3 + 64 + 1


class EmailDetector:
    """Finds email addresses (``EMAIL_ADDRESS``).

    The caller has already rewritten obfuscated forms such as ``name [at] domain [dot] com``.
    The ``password@host`` of a URL (``postgres://app:s3cret@db.internal``) is not an address.

    >>> [(f.start, f.end) for f in EmailDetector().detect("mail jane.doe@example.org now")]
    [(5, 25)]
    >>> [(f.start, f.end) for f in EmailDetector().detect("to josé@bücher.de")]
    [(3, 17)]
    """

    name: str = "email"
    """Detector name recorded on findings."""

    def detect(self, text: str) -> list[Finding]:
        """Return the email addresses in ``text``."""
        if "@" not in text:
            return []
        findings: list[Finding] = []
        at = text.find("@")
        while at != -1:
            domain = _DOMAIN.match(text, at + 1)
            start = _local_start(text, at) if domain else at
            if domain and start < at and not _url_password(text, start):
                end = domain.end()
                findings.append(Finding("EMAIL_ADDRESS", start, end, 0.95, detector=self.name))
                at = text.find("@", end)
            else:
                at = text.find("@", at + 1)
        return findings


def _local_start(text: str, at: int) -> int:
    """Return where the local part ending at ``at`` starts (``at`` when there is none).

    Walks back at most 64 characters, so the work per "@" is bounded; a longer run of local-part
    characters is not an address. Sentence punctuation glued to the front is left out.
    """
    start = at
    floor = max(0, at - _MAX_LOCAL - 1)
    # Letters and digits of any script too: ``josé@…`` and ``名前@…`` are addresses (RFC 6531).
    while start > floor and (text[start - 1] in _LOCAL_CHARS or text[start - 1].isalnum()):
        start -= 1
    if at - start > _MAX_LOCAL:
        return at
    while start < at and text[start] == ".":
        start += 1
    return start


def _url_password(text: str, start: int) -> bool:
    """Whether the local part starting at ``start`` is the password of a ``scheme://user:`` URL."""
    if not start or text[start - 1] != ":":
        return False
    return _URL_USER.search(text[max(0, start - _MAX_URL_HEAD) : start]) is not None

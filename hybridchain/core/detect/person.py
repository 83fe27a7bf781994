"""Person-name detector for the contexts prompts carry names in (``PERSON``), without a model."""

from __future__ import annotations

import re

from hybridchain.core.findings import Finding

__all__ = ["PersonDetector"]

_SCORE = 0.85
_GENERIC_LABEL_SCORE = 0.75

# Anchor words are plain literals in one alternation, so the regex engine scans for their first
# letters instead of trying every position; longer forms come first so "Hiya" beats "Hi".
_SALUTATIONS = ("Dear", "Hi", "Hiya", "Hello", "Hey", "Howdy", "Greetings", "Good morning")
_SIGN_OFFS = (
    "Best regards",
    "Best Regards",
    "Kind regards",
    "Kind Regards",
    "Warm regards",
    "Warm Regards",
    "Warmest regards",
    "Regards",
    "Best wishes",
    "Best",
    "Thanks",
    "Thank you",
    "Many thanks",
    "Cheers",
    "Sincerely",
    "Yours sincerely",
    "Yours truly",
    "Yours faithfully",
    "Respectfully",
    "Cordially",
    "Warmly",
    "All the best",
    "Take care",
)
_HONORIFICS = (
    "Mr",
    "Mrs",
    "Ms",
    "Mx",
    "Miss",
    "Dr",
    "Prof",
    "Professor",
    "Sir",
    "Dame",
    "Herr",
    "Frau",
    "Mme",
    "Mlle",
    "Sra",
)
_INTROS = ("My name is", "my name is", "My name's", "my name's", "I am", "I'm", "I’m", "Call me")
_KIND = {
    **dict.fromkeys(_SALUTATIONS, "sal"),
    **dict.fromkeys(_SIGN_OFFS, "off"),
    **dict.fromkeys(_HONORIFICS, "hon"),
    **dict.fromkeys(_INTROS, "intro"),
}
_ANCHOR = re.compile("|".join(re.escape(w) for w in sorted(_KIND, key=len, reverse=True)))

_SIGN_OFF_BREAK = re.compile(r"[ \t]*(?:,[ \t]*(?:\r?\n[ \t]*){0,2}|(?:\r?\n[ \t]*){1,2})")
_DASH = re.compile(r"[-—–~][ \t]*")
_SAL_GAP = re.compile(r"[ \t]*,?[ \t]*")
_HONORIFIC_AFTER = re.compile(
    r"(?:Mr|Mrs|Ms|Mx|Miss|Dr|Prof|Professor|Dame|Herr|Frau|Mme|Mlle|Sra)\.?[ \t]{1,3}"
)
# "12 Old Oak Dr" ends a street line: "Dr" after a house number and capitalized words.
_STREET_BEFORE = re.compile(
    r"(?<![\w.])\d{1,6}[A-Za-z]?(?:[ \t]{1,3}[A-Z][\w'.\-]{0,30}){1,4}[ \t]*\Z"
)
_GAP = re.compile(r"[ \t]{1,3}")
_LABEL_VALUE_GAP = re.compile(r"[ \t]*[*\"'`]{0,2}[ \t]*")
# "name: If the mock has..." is a sentence, not a one-word name.
_PROSE_AFTER = re.compile(r"[ \t]{1,3}[a-z]{2,}")
_COMMA_GAP = re.compile(r",[ \t]{1,2}")
# A name token: initials ("J." or "J.R.R."), or a word with up to two hyphen/apostrophe parts
# (O'Brien, Jean-Luc). Each part is one bounded, possessive letter run.
_TOKEN = re.compile(r"(?:[^\W\d_]\.){1,3}+|[^\W\d_]{1,30}+(?:['’\-][^\W\d_]{1,30}+){0,2}+")

_PARTICLES = frozenset(
    {"van", "von", "der", "den", "de", "del", "della", "da", "di", "du", "des", "la", "le", "bin"}
)
_STOP = frozenset(
    {
        # Salutation targets that are not people.
        "sir",
        "sirs",
        "madam",
        "madame",
        "team",
        "all",
        "everyone",
        "everybody",
        "folks",
        "friend",
        "friends",
        "colleague",
        "colleagues",
        "guys",
        "there",
        "world",
        "customer",
        "customers",
        "valued",
        "hiring",
        "manager",
        "members",
        "member",
        "support",
        "admin",
        "administrator",
        "recruiter",
        "committee",
        "editor",
        "editors",
        "reader",
        "readers",
        "user",
        "users",
        "partner",
        "partners",
        "client",
        "clients",
        "applicant",
        "candidate",
        "gentlemen",
        "ladies",
        "neighbor",
        "neighbour",
        "community",
        "board",
        "staff",
        "human",
        "resources",
        "sales",
        "mom",
        "dad",
        "ai",
        "assistant",
        "chatgpt",
        "claude",
        "bot",
        # Function words, greetings and sign-off words.
        "the",
        "a",
        "an",
        "i",
        "we",
        "you",
        "he",
        "she",
        "they",
        "it",
        "my",
        "our",
        "your",
        "his",
        "her",
        "their",
        "this",
        "that",
        "these",
        "those",
        "and",
        "or",
        "but",
        "not",
        "so",
        "very",
        "just",
        "also",
        "here",
        "thanks",
        "thank",
        "regards",
        "best",
        "kind",
        "warm",
        "sincerely",
        "cheers",
        "please",
        "hope",
        "hello",
        "hi",
        "hey",
        "dear",
        "greetings",
        "good",
        "morning",
        "afternoon",
        "evening",
        "re",
        "fw",
        "fwd",
        "subject",
        "sent",
        "on",
        "in",
        "at",
        "to",
        "from",
        "for",
        "with",
        "if",
        "when",
        "where",
        "what",
        "which",
        "who",
        "how",
        "why",
        "is",
        "are",
        "was",
        "be",
        "see",
        "use",
        "set",
        "get",
        "returns",
        "return",
        "note",
        # Type names and placeholders in schemas and docs.
        "string",
        "str",
        "int",
        "integer",
        "bool",
        "boolean",
        "float",
        "text",
        "none",
        "null",
        "true",
        "false",
        "optional",
        "required",
        "type",
        "value",
        "object",
        "array",
        "list",
        "dict",
        "any",
        "number",
        "date",
        "email",
        "description",
        "default",
        "example",
        "unknown",
        "tbd",
        "yes",
        "no",
        "name",
        "n",
        "na",
    }
)
# Labels are matched by looking back from each ":" (so the work per colon is bounded).
_LABELS = {
    **dict.fromkeys(
        (
            "name",
            "full name",
            "first name",
            "last name",
            "surname",
            "given name",
            "legal name",
            "patient",
            "patient name",
            "name of patient",
            "pt name",
            "customer",
            "customer name",
            "client",
            "client name",
            "employee",
            "employee name",
            "contact name",
            "contact person",
            "emergency contact",
            "next of kin",
            "attn",
            "attention",
            "signed",
            "signed by",
            "recipient",
            "recipient name",
            "sender name",
            "applicant",
            "applicant name",
            "candidate",
            "candidate name",
            "guardian",
            "parent",
            "spouse",
            "physician",
            "doctor",
            "referring physician",
            "referred by",
            "tenant",
            "landlord",
            "beneficiary",
            "account holder",
            "cardholder",
            "card holder",
            "name on card",
            "insured",
            "policyholder",
            "student",
            "student name",
            "passenger",
            "passenger name",
            "traveler",
            "traveller",
            "guest",
            "guest name",
            "witness",
            "caller",
            "requester",
            "requested by",
            "approved by",
            "prepared by",
            "reported by",
            "assigned to",
            "ship to name",
            "bill to name",
        ),
        _SCORE,
    ),
    **dict.fromkeys(
        ("contact", "from", "to", "cc", "bcc", "reply-to", "sender", "author", "owner", "user"),
        _GENERIC_LABEL_SCORE,
    ),
}
_LABEL_STRIP = " \t*\"'`-•>#_|"
_LABEL_SPLIT = re.compile(r"[,;{(|\[]|[.!?][ \t]")
_MAX_LABEL = 40


def _skip(pattern: re.Pattern[str], text: str, pos: int) -> int:
    """Return the end of ``pattern`` matched at ``pos``, or ``pos`` when it does not match."""
    match = pattern.match(text, pos)
    return pos if match is None else match.end()


def _name_at(text: str, pos: int, *, allow_caps: bool) -> tuple[int, int, int] | None:
    """Parse 1–4 capitalized name tokens at ``pos``, after an optional honorific.

    Returns:
        ``(start, end, token_count)``, or ``None`` when no name starts at ``pos``.
    """
    pos = _skip(_HONORIFIC_AFTER, text, pos)
    start = end = -1
    count = 0
    pending_particles = 0
    p = pos
    while count < 4:
        q = p
        if count or pending_particles:
            gap = _GAP.match(text, p)
            if gap is None:
                break
            q = gap.end()
        match = _TOKEN.match(text, q)
        if match is None:
            break
        token = match.group()
        after = text[match.end() : match.end() + 2]
        if after[:1].isdigit() or after[:1] == "_" or after[:1] == "(" or after[:1] == "@":
            return None  # an identifier, a call or an email, not a name
        if after[:1] == "." and after[1:2].isalnum() and not token.endswith("."):
            return None  # dotted code such as ``System.String``
        lowered = token.lower().rstrip(".")
        if count and lowered in _PARTICLES and pending_particles < 2:
            pending_particles += 1
            p = match.end()
            continue
        if not token[0].isupper() or lowered in _STOP:
            break
        if not allow_caps and len(token) > 2 and token.isupper():
            break
        if count == 0:
            start = match.start()
        end = match.end()
        count += 1
        pending_particles = 0
        p = end
    return (start, end, count) if count else None


class PersonDetector:
    r"""Finds person names (``PERSON``) in salutations, signatures, labelled fields and intros.

    Names are 1–4 capitalized tokens after an anchor ("Dear", "Best regards,", "Patient:",
    "Dr.", "my name is"); salutation targets such as "Team" or "Sir or Madam" are skipped.

    >>> text = "Dear Dr. Jane O'Brien,\nthanks."
    >>> [text[f.start : f.end] for f in PersonDetector().detect(text)]
    ["Jane O'Brien"]
    """

    name: str = "person"
    """Detector name recorded on findings."""

    def detect(self, text: str) -> list[Finding]:
        """Return the person names in ``text``."""
        spans: dict[tuple[int, int], float] = {}
        for match in _ANCHOR.finditer(text):
            found = self._after_anchor(text, match)
            if found is not None:
                spans[found] = max(spans.get(found, 0.0), _SCORE)
        if ":" in text:
            self._labels(text, spans)
        return [
            Finding("PERSON", start, end, score, detector=self.name)
            for (start, end), score in sorted(spans.items())
        ]

    @staticmethod
    def _after_anchor(text: str, match: re.Match[str]) -> tuple[int, int] | None:
        """Return the name span following one anchor word, if any."""
        start, end = match.span()
        if start and (text[start - 1].isalnum() or text[start - 1] == "_"):
            return None
        if end < len(text) and (text[end].isalnum() or text[end] in "_'’-"):
            return None
        kind = _KIND[match.group()]
        pos = end
        min_tokens = 1
        if kind == "sal":
            pos = _skip(_SAL_GAP, text, pos)
        elif kind == "off":
            brk = _SIGN_OFF_BREAK.match(text, pos)
            if brk is None or brk.end() == pos:
                return None
            pos = brk.end()
            pos = _skip(_DASH, text, pos)
        elif kind == "hon":
            if match.group() == "Dr" and _STREET_BEFORE.search(text, max(0, start - 48), start):
                return None
            if pos < len(text) and text[pos] == ".":
                pos += 1
            gap = _GAP.match(text, pos)
            if gap is None:
                return None
            pos = gap.end()
        else:
            gap = _GAP.match(text, pos)
            if gap is None:
                return None
            pos = gap.end()
            min_tokens = 2 if match.group() in ("I am", "I'm", "I’m") else 1
        name = _name_at(text, pos, allow_caps=False)
        if name is None or name[2] < min_tokens:
            return None
        return name[0], name[1]

    @staticmethod
    def _labels(text: str, spans: dict[tuple[int, int], float]) -> None:
        """Add names that follow a label such as ``Patient name:`` to ``spans``."""
        colon = text.find(":")
        while colon != -1:
            window_start = max(0, colon - _MAX_LABEL)
            line_start = text.rfind("\n", window_start, colon) + 1 or window_start
            pieces = _LABEL_SPLIT.split(text[line_start:colon])
            label = pieces[-1].strip(_LABEL_STRIP).lower()
            score = _LABELS.get(label)
            # The label must start its line or follow a separator, not end a longer phrase.
            bounded = len(pieces) > 1 or line_start > window_start or window_start == 0
            if score is not None and bounded:
                pos = _skip(_LABEL_VALUE_GAP, text, colon + 1)
                name = _name_at(text, pos, allow_caps=True)
                if name is not None and not (name[2] == 1 and _PROSE_AFTER.match(text, name[1])):
                    start, end, count = name
                    if count == 1:
                        # "Doe, John": surname first.
                        comma = _COMMA_GAP.match(text, end)
                        given = _name_at(text, comma.end(), allow_caps=True) if comma else None
                        if given is not None and given[2] <= 2:
                            end = given[1]
                    spans[(start, end)] = max(spans.get((start, end), 0.0), score)
            colon = text.find(":", colon + 1)

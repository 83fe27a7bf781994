"""Person-name detector for the contexts prompts carry names in (``PERSON``), without a model."""

from __future__ import annotations

import re
from collections.abc import Iterator

from hybridchain.core.detect.tables import table_cells
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
_INTROS = (
    "My name is",
    "my name is",
    "My name's",
    "my name's",
    "I am",
    "I'm",
    "I’m",
    "i am",
    "i'm",
    "i’m",
    "im",
    "Call me",
)
# Intros that take a full name only: "I am Sarah Connor", not "I am American".
_FULL_NAME_INTROS = frozenset({"I am", "I'm", "I’m", "i am", "i'm", "i’m", "im"})
# Role nouns before a full name: "patient John Doe was admitted", "my colleague Ana Ruiz".
_ROLES = (
    "patient",
    "customer",
    "client",
    "employee",
    "user",
    "colleague",
    "coworker",
    "manager",
    "boss",
    "supervisor",
    "tenant",
    "landlord",
    "driver",
    "passenger",
    "guest",
    "applicant",
    "candidate",
    "student",
    "resident",
    "member",
    "neighbor",
    "neighbour",
    "friend",
    "husband",
    "wife",
    "son",
    "daughter",
    "brother",
    "sister",
    "mother",
    "father",
    "nurse",
    "attorney",
    "lawyer",
    "technician",
    "contractor",
    "caller",
    "visitor",
    "subscriber",
    "policyholder",
    "beneficiary",
    "recipient",
    "sender",
    "borrower",
    "insured",
    "traveler",
    "traveller",
    "teammate",
    "intern",
    "engineer",
    "officer",
)

_KIND = {
    **dict.fromkeys(_SALUTATIONS, "sal"),
    **dict.fromkeys(_SIGN_OFFS, "off"),
    **dict.fromkeys(_HONORIFICS, "hon"),
    **dict.fromkeys(_INTROS, "intro"),
}
# "im" only before a blank, or it would stop inside every "time" and "simple".
_ANCHOR = re.compile(
    "|".join(
        re.escape(w) + ("(?=[ \t])" if w == "im" else "")
        for w in sorted(_KIND, key=len, reverse=True)
    )
)
_ROLE_SET = frozenset(_ROLES)
# Words followed by a capitalized word; role nouns among them are picked out with a set lookup,
# which is cheaper than an alternation of every role tried at every position.
_WORD_BEFORE_CAPITAL = re.compile(r"[A-Za-z][a-z]{2,12}+(?=[ \t]{1,3}[^\W\d_a-zß-ÿ])")
# Words that follow a role noun without naming anyone ("Customer Service Team", "User Guide").
_ROLE_STOP = frozenset(
    {
        "service",
        "services",
        "support",
        "success",
        "care",
        "portal",
        "experience",
        "account",
        "accounts",
        "data",
        "id",
        "number",
        "interface",
        "guide",
        "manual",
        "agent",
        "story",
        "stories",
        "group",
        "profile",
        "settings",
        "management",
        "relations",
        "satisfaction",
        "feedback",
        "record",
        "records",
        "information",
        "details",
        "access",
        "login",
        "request",
        "table",
        "model",
        "review",
        "survey",
        "journey",
        "handbook",
        "policy",
        "agreement",
        "form",
        "forms",
        "database",
        "directory",
        "list",
        "role",
        "roles",
        "name",
        "names",
        "type",
        "types",
        "status",
        "level",
        "center",
        "centre",
        "day",
        "week",
        "month",
        "year",
        "of",
    }
)

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
# What may end a one-word greeting: "Hi Maria," yes, "Hello Kitty is cute" no.
_GREETING_END = re.compile(r"[ \t]*(?:[,!:;\r\n—–\-]|\.(?:[ \t]|\Z))")
# What may end a name standing alone on its line, after a label ("Ship to:\nJane Doe\n").
_LINE_NAME_END = re.compile(r"[ \t]*(?:\r?\n|\Z|[,<(;])")
_LINE_BREAK = re.compile(r"[ \t]*\r?\n[ \t]*")
# What "born" is followed by when it dates or places a person: a date, "on", "in".
_BORN_AFTER = re.compile(r"[ \t]{1,2}(?:on[ \t]|in[ \t]|[0-9A-Z])")
# How "born" attaches to the name before it: "Ana Ruiz, born", "Ana Ruiz (born", "was born".
_BORN_GLUE = re.compile(r"(?:,[ \t]{0,2}|[ \t]{0,2}\([ \t]{0,2}|[ \t]{1,2}(?:was[ \t]{1,2})?)\Z")

# Table columns that hold a person's name; a bare "name" only beside person-ish columns.
_NAME_COLUMNS = frozenset(
    {
        "full_name",
        "fullname",
        "first_name",
        "firstname",
        "last_name",
        "lastname",
        "surname",
        "given_name",
        "family_name",
        "legal_name",
        "display_name",
        "contact",
        "contact_name",
        "customer",
        "customer_name",
        "client_name",
        "patient",
        "patient_name",
        "employee",
        "employee_name",
        "guest_name",
        "passenger_name",
        "student_name",
        "member_name",
        "owner_name",
        "holder_name",
        "cardholder",
        "cardholder_name",
        "account_holder",
        "recipient",
        "recipient_name",
        "tenant",
        "tenant_name",
        "beneficiary",
        "applicant",
        "applicant_name",
        "candidate",
        "candidate_name",
        "driver",
        "driver_name",
        "traveler",
        "traveller",
    }
)
_PERSONISH_COLUMNS = frozenset(
    {
        "email",
        "e_mail",
        "email_address",
        "phone",
        "phone_number",
        "mobile",
        "tel",
        "telephone",
        "dob",
        "date_of_birth",
        "birth_date",
        "birthdate",
        "birthday",
        "ssn",
        "address",
        "home_address",
        "age",
        "gender",
        "sex",
        "title",
        "department",
        "salary",
        "nationality",
        "passport",
        "mrn",
    }
)

# ``INSERT INTO t (a, b) VALUES (...), (...)``: the column list is found back from ") VALUES (".
_TOKEN = re.compile(r"(?:[^\W\d_]\.){1,3}+|[^\W\d_]{1,30}+(?:['’\-][^\W\d_]{1,30}+){0,2}+")

_PARTICLES = frozenset(
    {"van", "von", "der", "den", "de", "del", "della", "da", "di", "du", "des", "la", "le", "bin"}
)
_SURNAME_STOPS = frozenset({"best", "hope", "good", "kind", "warm"})
"""Stop words that are also surnames: kept after a given name when punctuation ends the name."""
_NAME_END = frozenset(",.;:!?\"')]}>\r\n")
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
            "ship to",
            "deliver to",
            "driver",
            "driver name",
            "primary driver",
            "borrower",
            "co-borrower",
            "co-signer",
            "cosigner",
            "policy holder",
            "member name",
            "subscriber",
            "reviewed by",
            "checked by",
            "written by",
            "submitted by",
            "created by",
            "issued to",
            "payee",
            "payer",
            "account name",
            "account holder name",
            "cardholder name",
            "holder",
            "tenant name",
            "resident",
            "occupant",
            "lead guest",
            "primary contact",
            "point of contact",
            "poc",
            "display name",
            "full_name",
            "first_name",
            "last_name",
            "given_name",
            "family_name",
            "customer_name",
            "patient_name",
            "contact_name",
            "employee_name",
        ),
        _SCORE,
    ),
    **dict.fromkeys(
        ("contact", "from", "to", "cc", "bcc", "reply-to", "sender", "author", "owner", "user"),
        _GENERIC_LABEL_SCORE,
    ),
}
# camelCase and run-together keys ("fullName", "firstname") look the same once lowered.
_LABELS.update({k.replace(" ", "").replace("_", ""): v for k, v in list(_LABELS.items())})
# Labels whose value may stand on the next line ("Ship to:\nJane Doe"); not "to:" or "from:".
_NEXT_LINE_OK = frozenset(k for k, v in _LABELS.items() if v == _SCORE)
# A bare ``name`` key is a person only next to person-ish keys ("Widget Pro" has a price).
_PERSONISH_KEY = re.compile(
    r"(?i:e-?mail|phone|mobile|\btel\b|\bdob\b|birth|\bssn\b|social|address|\bage\b|gender"
    r"|\bsex\b|surname|first_?name|last_?name|patient|passport|nationality|salary|employee)"
)
# Labels that also name things ("Driver: NVIDIA 535"): their value must be a full name.
_FULL_NAME_LABELS = frozenset(
    {"driver", "holder", "resident", "payee", "payer", "subscriber", "occupant", "poc"}
)
_NUMBERED = re.compile(r"[ \t]*(?:#|no\.?)?[ \t]*\d{1,3}\Z")
_LABEL_STRIP = " \t*\"'`-•>#_|"
_LABEL_SPLIT = re.compile(r"[,;{(|\[]|[.!?][ \t]")
_MAX_LABEL = 40


def _skip(pattern: re.Pattern[str], text: str, pos: int) -> int:
    """Return the end of ``pattern`` matched at ``pos``, or ``pos`` when it does not match."""
    match = pattern.match(text, pos)
    return pos if match is None else match.end()


def _surname_despite_stop(text: str, word: str, end: int) -> bool:
    """Return whether a stop word after a given name ends the name as its surname.

    "Jamie Hope," and a JSON "Nicholas Best" are surnames; "Anna Best regards" and "John Hope
    you" start a phrase. Only words that are also common surnames qualify.
    """
    if word not in _SURNAME_STOPS:
        return False
    after = text[end : end + 1]
    return not after or after in _NAME_END


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
        if not token[0].isupper():
            break
        if lowered in _STOP and not (count and _surname_despite_stop(text, lowered, match.end())):
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
    "Dr.", "my name is"); salutation targets such as "Team" or "Sir or Madam" are skipped. Full
    names are also found after role nouns ("my colleague Ana Ruiz"), before ", born", and in
    name columns of SQL ``VALUES`` lists and CSV or markdown tables.

    >>> text = "Dear Dr. Jane O'Brien,\nthanks."
    >>> [text[f.start : f.end] for f in PersonDetector().detect(text)]
    ["Jane O'Brien"]
    """

    name: str = "person"
    """Detector name recorded on findings."""

    def detect(self, text: str) -> list[Finding]:
        """Return the person names in ``text``."""
        spans: dict[tuple[int, int], float] = {}

        def add(span: tuple[int, int] | None, score: float = _SCORE) -> None:
            if span is not None:
                spans[span] = max(spans.get(span, 0.0), score)

        for match in _ANCHOR.finditer(text):
            add(self._after_anchor(text, match))
        for match in _WORD_BEFORE_CAPITAL.finditer(text):
            if match.group().lower() in _ROLE_SET:
                add(_after_role(text, match), _GENERIC_LABEL_SCORE)
        if "born" in text:
            for span in _before_born(text):
                add(span, _GENERIC_LABEL_SCORE)
        if ":" in text:
            self._labels(text, spans)
        if "ame" in text or "AME" in text:
            for span in _name_cells(text):
                add(span)
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
        word = match.group()
        kind = _KIND[word]
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
            if word == "Dr" and _STREET_BEFORE.search(text, max(0, start - 48), start):
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
            min_tokens = 2 if word in _FULL_NAME_INTROS else 1
            if word == "im" and text[max(0, start - 2) : start].strip(" \t") not in ("", ","):
                return None  # German "im Jahr": only "hi, im Ana Ruiz" or a line's first word
        name = _name_at(text, pos, allow_caps=False)
        if name is None or name[2] < min_tokens:
            return None
        if (
            kind == "sal"
            and word != "Dear"
            and name[2] == 1
            and _HONORIFIC_AFTER.match(text, pos) is None
            and _GREETING_END.match(text, name[1]) is None
        ):
            return None  # "Hello Kitty is...", "Hello, Click the button"
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
            if score is None and (label[-1:].isdigit() or "_" in label):
                score = _label_score(label)
            # The label must start its line or follow a separator, not end a longer phrase.
            bounded = len(pieces) > 1 or line_start > window_start or window_start == 0
            if score is not None and bounded and _label_applies(text, label, colon, line_start):
                pos = _skip(_LABEL_VALUE_GAP, text, colon + 1)
                name = _name_at(text, pos, allow_caps=True)
                if name is None and score == _SCORE:
                    name = _name_on_next_line(text, pos)
                if name is not None and name[2] < 2 and label in _FULL_NAME_LABELS:
                    name = None
                if name is not None and not (name[2] == 1 and _PROSE_AFTER.match(text, name[1])):
                    start, end, count = name
                    first_word = text[start:end].split(maxsplit=1)[0].lower()
                    if count == 1 or (count <= 3 and first_word in _PARTICLES):
                        # "Doe, John" and "De Oliveira, Margot": surname first.
                        comma = _COMMA_GAP.match(text, end)
                        given = _name_at(text, comma.end(), allow_caps=True) if comma else None
                        if given is not None and given[2] <= 2:
                            end = given[1]
                    spans[(start, end)] = max(spans.get((start, end), 0.0), score)
            colon = text.find(":", colon + 1)


def _label_score(label: str) -> float | None:
    """Return the score of a label ("Traveler 2", "fullName" and "full_name" included)."""
    score = _LABELS.get(label)
    if score is None and label[-1:].isdigit():
        numbered = _NUMBERED.search(label)
        if numbered is not None:
            label = label[: numbered.start()].strip(_LABEL_STRIP)
            score = _LABELS.get(label)
    if score is None and "_" in label:
        score = _LABELS.get(label.replace(" ", "").replace("_", ""))
    return score


def _label_applies(text: str, label: str, colon: int, line_start: int) -> bool:
    """Return whether a ``name`` label names a person.

    Always in prose; in JSON or indented data only beside person-ish keys, since
    ``{"name": "Widget Pro", "price": 3}`` names a product.
    """
    if label != "name":
        return True
    quoted = text[colon - 1 : colon] in ('"', "'")
    indented = text[line_start : line_start + 1] in (" ", "\t")
    if not (quoted or indented):
        return True
    brace = text.rfind("{", max(0, colon - 400), colon)
    lo = brace if brace != -1 else max(0, colon - 200)
    close = text.find("}", colon, colon + 400)
    hi = close if close != -1 else colon + 200
    return _PERSONISH_KEY.search(text, lo, hi) is not None


def _name_on_next_line(text: str, pos: int) -> tuple[int, int, int] | None:
    """Return a name standing alone on the line after an empty labelled line."""
    brk = _LINE_BREAK.match(text, pos)
    if brk is None:
        return None
    name = _name_at(text, brk.end(), allow_caps=True)
    if name is None or name[2] < 2 or _LINE_NAME_END.match(text, name[1]) is None:
        return None
    return name


def _after_role(text: str, match: re.Match[str]) -> tuple[int, int] | None:
    """Return the full name after a role noun: "patient John Doe", "User Ana Ruiz (ana@...)"."""
    start, end = match.span()
    if start and (text[start - 1].isalnum() or text[start - 1] in "_'’-"):
        return None
    if text[start].isupper():
        # A capitalized role noun starts a line or a sentence, not a title ("Customer Service").
        before = text[max(0, start - 3) : start].rstrip(" \t*-•>")
        if before and before[-1] not in "\n.!?:;(":
            return None
    name = _name_at(text, _skip(_GAP, text, end), allow_caps=False)
    if name is None or not 2 <= name[2] <= 3:
        return None
    words = text[name[0] : name[1]].lower().split()
    if any(w in _ROLE_STOP or w in _ROLE_SET for w in words):
        return None
    if text[name[1] : name[1] + 1] in ("'", "’"):
        return None  # "Customer Service's hours": a possessive noun phrase
    return name[0], name[1]


def _name_before(text: str, end: int) -> tuple[int, int, int] | None:
    """Parse up to three capitalized tokens that end at ``end`` (read backwards)."""
    start = end
    count = 0
    pos = end
    while count < 3:
        j = pos
        if count:
            if j == 0 or text[j - 1] not in " \t":
                break
            j -= 1
        k = j
        while k > 0 and j - k <= 30 and (text[k - 1].isalpha() or text[k - 1] in "'’-"):
            k -= 1
        word = text[k:j]
        if not word or not word[0].isupper() or word.lower() in _STOP or j - k > 30:
            break
        if k and (text[k - 1].isalnum() or text[k - 1] in "_.@/"):
            break
        start = pos = k
        count += 1
    return (start, end, count) if count else None


def _before_born(text: str) -> Iterator[tuple[int, int]]:
    """Yield full names that ``born`` follows: "Ana Ruiz, born 1990", "Ana Ruiz (born ...)"."""
    pos = text.find("born")
    while pos != -1:
        after = text[pos + 4 : pos + 5]
        if (
            not after.isalpha()
            and pos
            and not text[pos - 1].isalpha()
            and _BORN_AFTER.match(text, pos + 4) is not None
        ):
            glue = _BORN_GLUE.search(text, max(0, pos - 8), pos)
            if glue is not None:
                name = _name_before(text, glue.start())
                if name is not None and name[2] >= 2:
                    yield name[0], name[1]
        pos = text.find("born", pos + 4)


def _name_cells(text: str) -> Iterator[tuple[int, int]]:
    """Yield names in the name columns of tables and SQL ``VALUES`` lists."""
    for start, end, column, columns in table_cells(text):
        if column not in _NAME_COLUMNS and not (
            column == "name" and not _PERSONISH_COLUMNS.isdisjoint(columns)
        ):
            continue
        cell = text[start:end]  # parsed alone, so a name stops at its cell's edge
        name = _name_at(cell, 0, allow_caps=True)
        if name is None or name[0] != 0:
            continue
        stop = name[1]
        comma = _COMMA_GAP.match(cell, stop) if name[2] == 1 else None
        if comma is not None:  # "Doe, John" inside a quoted cell
            given = _name_at(cell, comma.end(), allow_caps=True)
            if given is not None and given[1] == len(cell):
                stop = len(cell)
        rest = cell[stop:].split()
        if 0 < len(rest) <= 2 and all(w.lower() in _PARTICLES for w in rest):
            stop = len(cell)  # "Dussen van": a surname's particle written after it
        if stop == len(cell):
            yield start, end

"""Credential detector: API keys, tokens, private keys and passwords (``SECRET``)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from hybridchain.core.findings import Finding

__all__ = ["SecretDetector"]

# Speed and regex safety. Every pattern starts with a literal, so the engine jumps between
# occurrences of it (a 1 KB scan costs well under a microsecond) instead of trying each position;
# the "not glued to a preceding token character" check is a lookbehind placed *after* that literal.
# Since a match can then start only at the beginning of a token run, a long run is tried once.
# Bodies are one character class with a bounded possessive repetition and a negative lookahead,
# so a run that is too long fails at once instead of backtracking. Case-insensitive rules run
# on an equal-length lower-cased copy, which keeps the literal-prefix speed-up.

_PREFIXED_SCORE = 0.95
_ASSIGN_SCORE = 0.8
_WEAK_SCORE = 0.7

_NOT_AFTER = r"[A-Za-z0-9_+/\-]"
"""Characters that must not precede a token: it would be the tail of a longer run (base64...)."""


def _token(prefix: str, body: str, *, run: str = r"A-Za-z0-9_\-") -> re.Pattern[str]:
    """Compile ``prefix`` + ``body``, not glued to a token before it nor to ``run`` after it."""
    return re.compile(f"{prefix}(?<!{_NOT_AFTER}{prefix}){body}(?![{run}])")


class _Rule(NamedTuple):
    """One credential format."""

    gate: str
    """One character every match contains; a one-character ``in`` test is nearly free."""
    pattern: re.Pattern[str]
    """The format, starting with a literal; group ``v`` is the secret, else the whole match."""
    score: float
    """Confidence for a match."""
    needs_digit: bool = False
    """Require a digit in the match (keeps kebab-case words out of ``sk-``)."""
    wordy: bool = False
    """Also reject placeholder words (``password``, ``example``), not only templates."""
    fold: bool = False
    """Match against the lower-cased text (the pattern is written in lower case)."""


_RULES: tuple[_Rule, ...] = (
    _Rule("A", _token("A[KS]IA", "[0-9A-Z]{16}+", run="A-Za-z0-9"), _PREFIXED_SCORE),
    _Rule(
        "_",
        re.compile(
            r"aws_secret_access_key[\"']?[ \t]{0,8}[:=][ \t]{0,8}[\"']?"
            r"(?P<v>[A-Za-z0-9/+=]{40}+)(?![A-Za-z0-9/+=])"
        ),
        _PREFIXED_SCORE,
        fold=True,
    ),
    _Rule("A", _token("AIza", r"[0-9A-Za-z_\-]{35}+"), _PREFIXED_SCORE),
    _Rule(
        "_",
        re.compile(r"\"private_key_id\"[ \t]{0,8}:[ \t]{0,8}\"(?P<v>[0-9a-f]{40})\""),
        0.8,
    ),
    _Rule(
        "=",
        re.compile(
            r"key=(?:(?<=accountkey=)|(?<=sharedaccesskey=))"
            r"(?P<v>[A-Za-z0-9+/=]{20,200}+)(?![A-Za-z0-9+/=])"
        ),
        _PREFIXED_SCORE,
        fold=True,
    ),
    _Rule("_", _token("gh[pousr]_", "[A-Za-z0-9]{36,251}+"), _PREFIXED_SCORE),
    _Rule("_", _token("github_pat_", "[A-Za-z0-9_]{22,244}+"), _PREFIXED_SCORE),
    _Rule("-", _token("glpat-", r"[A-Za-z0-9_\-]{20,64}+"), _PREFIXED_SCORE),
    _Rule("-", _token("xox[abposr]-", r"[A-Za-z0-9\-]{10,250}+"), _PREFIXED_SCORE),
    _Rule("-", _token("xapp-", r"[A-Za-z0-9\-]{10,250}+"), _PREFIXED_SCORE),
    _Rule(
        "/",
        re.compile(
            r"https://hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9_/\-]{10,200}+"
        ),
        _PREFIXED_SCORE,
    ),
    _Rule("_", _token("sk_(?:live|test)_", "[A-Za-z0-9]{10,247}+"), _PREFIXED_SCORE),
    _Rule("_", _token("rk_(?:live|test)_", "[A-Za-z0-9]{10,247}+"), _PREFIXED_SCORE),
    _Rule(
        "-",
        _token("sk-", r"(?:ant-|proj-|svcacct-|admin-)?[A-Za-z0-9_\-]{20,250}+"),
        _PREFIXED_SCORE,
        needs_digit=True,
    ),
    _Rule("_", _token("hf_", "[A-Za-z0-9]{30,40}+"), _PREFIXED_SCORE),
    _Rule("_", _token("npm_", "[A-Za-z0-9]{36}+"), _PREFIXED_SCORE),
    _Rule(".", _token(r"SG\.", r"[A-Za-z0-9_\-]{16,32}+\.[A-Za-z0-9_\-]{30,64}+"), _PREFIXED_SCORE),
    # Twilio API key SIDs; account SIDs (``AC...``) identify, they do not authenticate.
    _Rule("K", _token("SK", "[0-9a-f]{32}+"), 0.85),
    _Rule(
        ".",
        _token(
            "eyJ",
            r"[A-Za-z0-9_\-]{10,4096}+\.ey[A-Za-z0-9_\-]{2,8192}+\.[A-Za-z0-9_\-]{0,4096}+",
            run=r"A-Za-z0-9_\-.",
        ),
        _PREFIXED_SCORE,
    ),
    _Rule(
        ":",
        re.compile(
            r"authorization[\"']?[ \t]{0,8}[:=][ \t]{0,8}[\"']?(?:bearer|token|basic)[ \t]+"
            r"(?P<v>[A-Za-z0-9._~+/=\-]{8,4096}+)(?![A-Za-z0-9._~+/=\-])"
        ),
        0.9,
        wordy=True,
        fold=True,
    ),
    # scheme://user:password@host (URLs and DB connection strings). The userinfo classes exclude
    # "@", ":" and "/", so each part is one possessive run.
    _Rule(
        "@",
        re.compile(
            r"://(?<=[A-Za-z0-9]://)[^\s:/?#@\"'<>]{0,256}+:"
            r"(?P<v>[^\s/?#@\"'<>]{1,256}+)@[A-Za-z0-9.\[_\-]"
        ),
        0.9,
        wordy=True,
    ),
    # curl -u user:password
    _Rule(
        "-",
        re.compile(r"-u(?<!\S-u)[ \t]+[\"']?[^\s:\"'@]{1,64}+:(?P<v>[^\s\"'@]{3,256}+)"),
        0.8,
        wordy=True,
    ),
    _Rule(
        "-",
        re.compile(r"--user(?<!\S--user)[ \t=]+[\"']?[^\s:\"'@]{1,64}+:(?P<v>[^\s\"'@]{3,256}+)"),
        0.8,
        wordy=True,
    ),
)

# Generic ``key = value`` assignments. Keywords are found with literal-prefixed patterns in the
# lower-cased text; the assignment is then matched right after each one. Only the last component
# of the key is matched (``password`` in ``DB_PASSWORD``); ``_key_start_ok`` checks its start.
_KEYWORDS = (
    re.compile(r"pass(?:word|wd|phrase|code)"),
    re.compile(r"pwd?"),
    re.compile(r"secret(?:[_\-]?key)?"),
    re.compile(r"token"),
    re.compile(r"credentials"),
    re.compile(
        r"key(?:(?<=api_key)|(?<=api-key)|(?<=apikey)|(?<=access_key)|(?<=accesskey)"
        r"|(?<=access-key)|(?<=private_key)|(?<=privatekey))"
    ),
)
_KEY_QUALIFIERS = ("api", "access", "private")
_ASSIGN = re.compile(
    r"(?![A-Za-z0-9_])[\"']?[ \t]{0,8}(?P<sep>:=|=>|=|:)[ \t]{0,8}"
    r"(?:\"(?P<dq>[^\"\r\n]{1,512}+)\"|'(?P<sq>[^'\r\n]{1,512}+)'"
    r"|(?P<uv>[^\s\"'`,;&<>(){}\[\]]{1,512}+))"
)
_PASSWORD_REST = re.compile(r"&[^\s\"'`]{1,256}+")
_QUERY_PARAM = re.compile(r"&[A-Za-z_][\w.\-]{0,64}+=")
# "my password is hunter2!x", "the passphrase was: Tr0ub4dor&3" (prose, not ``key = value``).
_IS_FORM = re.compile(
    r"pass(?:word|code|phrase)[ \t]{1,4}(?:is|was)(?:[ \t]{1,4}(?:now|still))?[ \t]{0,4}:?"
    r"[ \t]{1,4}[\"'`]?(?P<v>[^\s\"'`]{6,128}+)"
)
# "PIN is 4821", "PIN: 004821", "my pin code is 1234": a PIN only with the word and 4-8 digits.
_PIN = re.compile(
    r"pin(?<![A-Za-z0-9_]pin)(?:[ \t](?:code|number|no\.?))?(?:[ \t]{1,4}(?:is|was)[ \t]{1,4}"
    r"|[ \t]{0,4}[:=#][ \t]{0,4}|[ \t]{1,4})(?P<v>\d{4,8}+)(?![\w\-.,/:]\d|[\w\-])"
)
# Lower-case words, hyphenated or not ("incorrect", "case-sensitive"), are prose, not a password.
_PROSE_WORDS = re.compile(r"[a-z]+(?:-[a-z]+)*")
_PEM_BEGIN = re.compile(
    r"-----BEGIN (?P<kind>(?:RSA |EC |OPENSSH |DSA |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?)-----"
)
_PEM_TAIL = re.compile(r"[A-Za-z0-9+/=\s\\:,\-]{0,8192}+")

_ASCII_LOWER = {c: c + 32 for c in range(ord("A"), ord("Z") + 1)}
_DOTTED_NAME = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*(?:\.[A-Za-z_$][A-Za-z0-9_$]*)+")
_IDENTIFIER = re.compile(r"[A-Za-z_]+")
# ``secret_access_key`` or ``MY_API_TOKEN`` as a value names a setting rather than holding one.
_SNAKE_NAME = re.compile(r"[A-Za-z]+(?:_[A-Za-z]+)+")
# Several plain words ("My API Key") are a description; real keys are not spelled in words.
_WORDS = re.compile(r"[A-Za-z]+(?: [A-Za-z]+)+")
_PATH = re.compile(r"[~.]{0,2}/[\w./\-]*")
_VAR_REF = re.compile(
    r"\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|%[A-Za-z_][A-Za-z0-9_]*%|%[sdr]|\{[A-Za-z0-9_.]*\}"
)
_ONE_CHAR = re.compile(r"(.)\1*")
_PLACEHOLDER_WORDS = frozenset(
    {
        "none",
        "null",
        "nil",
        "true",
        "false",
        "undefined",
        "string",
        "str",
        "bytes",
        "secretstr",
        "required",
        "optional",
        "changeme",
        "change_me",
        "change-me",
        "password",
        "passwd",
        "pass",
        "secret",
        "token",
        "credentials",
        "redacted",
        "hidden",
        "masked",
        "empty",
        "default",
        "unknown",
        "invalid",
        "missing",
        "notset",
        "not_set",
        "todo",
        "tbd",
        "n/a",
    }
)
_PLACEHOLDER_PART = re.compile(r"example|placeholder|your[_\-]|replace|insert|dummy")
_TEMPLATE_PART = re.compile(
    r"xxxx|\*\*\*\*|\.\.\.|…|••••|\{\{|\}\}|\$\{|\$\(|%\(|os\.environ|getenv|process\.env|[<>]"
)
_MASK_CHARS = frozenset("x*.-_#0 ")


def _is_template(value: str) -> bool:
    """Return whether a value is an obvious template or mask (``${KEY}``, ``<key>``, ``xxxx``)."""
    low = value.lower()
    return (
        _TEMPLATE_PART.search(low) is not None
        or _ONE_CHAR.fullmatch(value) is not None
        or _VAR_REF.fullmatch(value) is not None
        or set(low) <= _MASK_CHARS
    )


def _is_placeholder(value: str) -> bool:
    """Return whether a value is a template or a placeholder word such as ``changeme``."""
    low = value.lower()
    return (
        low in _PLACEHOLDER_WORDS
        or low.startswith("your")
        or _PLACEHOLDER_PART.search(low) is not None
        or _SNAKE_NAME.fullmatch(value) is not None
        or _is_template(value)
    )


def _looks_like_password(value: str) -> bool:
    """Return whether a word after "password is" is a password, not prose ("incorrect")."""
    if len(value) < 6 or _is_placeholder(value) or _PROSE_WORDS.fullmatch(value):
        return False
    if _has_digit(value) or not value.isalpha():
        return True
    # Letters only: a password mixes case inside the word ("hUnTer"), unlike "Incorrect".
    return not (value.islower() or value.isupper() or value.istitle())


def _has_digit(value: str) -> bool:
    """Return whether ``value`` contains a digit."""
    return any(c.isdigit() for c in value)


def _lower(text: str) -> str:
    """Lower-case ``text`` keeping every offset (``str.lower`` lengthens a few characters)."""
    low = text.lower()
    return low if len(low) == len(text) else text.translate(_ASCII_LOWER)


def _key_start_ok(text: str, start: int) -> bool:
    """Return whether a keyword at ``start`` begins a key component (not ``bypass``)."""
    # camelCase (dbPassword) and upper-case env names (PGPASSWORD) start a component too.
    return start == 0 or not text[start - 1].isalnum() or text[start].isupper()


def _line_rest_blank(text: str, pos: int) -> bool:
    """Return whether only blanks or a trailing comment follow ``pos`` on its line."""
    end = text.find("\n", pos, pos + 256)
    rest = text[pos : end if end != -1 else pos + 256].strip()
    return not rest or rest.startswith("#")


def _keywords(low: str) -> list[tuple[int, int]]:
    """Return the spans of credential keywords in the lower-cased text, in order."""
    spans: list[tuple[int, int]] = []
    for pattern in _KEYWORDS:
        for match in pattern.finditer(low):
            start, end = match.span()
            if pattern.pattern.startswith("key"):
                # Move the start back over the qualifier the lookbehind saw ("api_", "access").
                head_end = start - (low[start - 1] in "_-")
                start = next(
                    head_end - len(q) for q in _KEY_QUALIFIERS if low.endswith(q, 0, head_end)
                )
            spans.append((start, end))
    spans.sort()
    return spans


def _assignments(text: str, low: str) -> Iterator[tuple[int, int, float]]:
    """Yield ``key = value`` style credentials."""
    pos = 0
    for key_start, key_end in _keywords(low):
        if key_start < pos or not _key_start_ok(text, key_start):
            continue
        match = _ASSIGN.match(text, key_end)
        if match is None:
            continue
        pos = match.end()
        key = low[key_start:key_end]
        group = "dq" if match.group("dq") else "sq" if match.group("sq") else "uv"
        value = match.group(group)
        start, end = match.span(group)
        if group == "uv" and key.startswith(("pass", "pw")):
            # A password runs on through ``&`` ("#CY4G&CWU29iDmxn"), unless a query
            # parameter follows ("password=x&user=y").
            rest = _PASSWORD_REST.match(text, end)
            if rest is not None and _QUERY_PARAM.match(text, end) is None:
                end = rest.end()
                value = text[start:end]
        if len(value.strip()) < 6 or _is_placeholder(value):
            continue
        is_password = key.startswith(("pass", "pw"))
        if value.lower() == key or (value.isdigit() and not is_password):
            continue  # ``f(password=password)``; a bare number is a count, not a key
        if not is_password and value.isalpha() and (value.islower() or value.istitle()):
            continue  # one plain word such as ``api_key="ollama"``: keys are not words
        if not is_password and _WORDS.fullmatch(value.strip()):
            continue
        score = _ASSIGN_SCORE
        if group == "uv":
            after = text[end : end + 1]
            if after in ("(", "[") or _DOTTED_NAME.fullmatch(value) or _PATH.fullmatch(value):
                continue  # a call, subscript, attribute, or path: code, not a literal
            plain_word = _IDENTIFIER.fullmatch(value) is not None
            sep = match.group("sep")
            if plain_word and sep != ":" and text[match.start("sep") - 1] in " \t":
                continue  # ``password = other_variable``
            if sep == ":" and (plain_word or value.isalpha()) and not _line_rest_blank(text, end):
                continue  # prose such as ``password: please pick one``
            if key == "token" and plain_word:
                continue  # ``token_type: bearer``-like settings
        elif " " in value.strip():
            score = _WEAK_SCORE
        yield start, end, score


def _pem_blocks(text: str) -> Iterator[tuple[int, int, float]]:
    """Yield whole PEM private-key blocks, BEGIN through END."""
    missing: set[str] = set()
    pos = 0
    while True:
        match = _PEM_BEGIN.search(text, pos)
        if match is None:
            return
        end_marker = f"-----END {match.group('kind')}-----"
        end = -1 if end_marker in missing else text.find(end_marker, match.end())
        if end != -1:
            stop = end + len(end_marker)
        else:
            # A truncated key is still a key. ``find`` failing once means it fails for every
            # later BEGIN of the same kind, so the search is not repeated (linear time).
            missing.add(end_marker)
            tail = _PEM_TAIL.match(text, match.end())
            stop = tail.end() if tail else match.end()
            while stop > match.end() and text[stop - 1].isspace():
                stop -= 1
        yield match.start(), stop, _PREFIXED_SCORE
        pos = stop


def _merge(spans: list[tuple[int, int, float]]) -> list[tuple[int, int, float]]:
    """Drop spans contained in another, keeping the highest score on the container."""
    spans.sort(key=lambda s: (s[0], -s[1], -s[2]))
    kept: list[tuple[int, int, float]] = []
    for start, end, score in spans:
        if kept and start >= kept[-1][0] and end <= kept[-1][1]:
            k_start, k_end, k_score = kept[-1]
            kept[-1] = (k_start, k_end, max(k_score, score))
            continue
        kept.append((start, end, score))
    return kept


class SecretDetector:
    """Finds credentials (``SECRET``): vendor API keys, tokens, private keys and passwords.

    Offsets cover the secret value itself (a whole block for PEM private keys). Placeholders
    such as ``<your-key>``, ``${API_KEY}`` or ``xxxx`` and public keys are not reported.

    >>> text = "export GITHUB_TOKEN=ghp_" + "a1B2" * 9
    >>> [(f.start, f.end, f.entity_type) for f in SecretDetector().detect(text)]
    [(20, 60, 'SECRET')]
    """

    name: str = "secret"
    """Detector name recorded on findings."""

    def detect(self, text: str) -> list[Finding]:
        """Return the credentials in ``text``."""
        low = _lower(text)
        spans: list[tuple[int, int, float]] = []
        for rule in _RULES:
            if rule.gate not in text:
                continue
            group = "v" if "v" in rule.pattern.groupindex else 0
            is_placeholder = _is_placeholder if rule.wordy else _is_template
            for match in rule.pattern.finditer(low if rule.fold else text):
                start, end = match.span(group)
                value = text[start:end]
                if (rule.needs_digit and not _has_digit(value)) or is_placeholder(value):
                    continue
                spans.append((start, end, rule.score))
        if "-" in text:
            spans.extend(_pem_blocks(text))
        if "=" in text or ":" in text:
            spans.extend(_assignments(text, low))
        if " is" in text or " was" in text:
            for match in _IS_FORM.finditer(low):
                start = match.start("v")
                value = text[start : match.end("v")].rstrip(".,;:!?)")
                if _looks_like_password(value):
                    # "Winter1999!": a final ! or ? is masked with it (the sentence loses
                    # nothing it needs, the password may end in it).
                    end = start + len(value)
                    while end < match.end("v") and text[end] in "!?":
                        end += 1
                    spans.append((start, end, _WEAK_SCORE))
        if "pin" in low:
            for match in _PIN.finditer(low):
                spans.append((match.start("v"), match.end("v"), _WEAK_SCORE))
        return [
            Finding("SECRET", start, end, score, detector=self.name)
            for start, end, score in _merge(spans)
        ]

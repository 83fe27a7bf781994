"""A seeded, labelled corpus of realistic chat prompts for scoring sensitive-data detectors.

Sensitive prompts (support emails, patient notes, HR requests, ``.env`` files, curl commands, logs,
SQL, shipping and billing requests, …) carry gold spans. Clean prompts (general, code and maths
questions, summaries) carry none but are full of hard negatives: Luhn-invalid order numbers, UUIDs,
git SHAs, versions, ISO timestamps, prices, ISBNs, masked cards, loopback addresses, SSH public
keys, publishable keys, password-reset prose and dates without a birth context. Each sensitive
prompt has an obfuscated twin whose values are disguised the way people and leak tests do it
(full-width characters, zero-width spaces, ``name [at] domain [dot] com``, digits split by
separators).

>>> docs = generate_corpus(12, seed=1)
>>> sorted({d["variant"] for d in docs})
['obfuscated', 'plain']
>>> generate_corpus(12, seed=1) == docs
True
"""

from __future__ import annotations

import base64
import json
import random
import re
import unicodedata
import uuid
from collections.abc import Callable, Mapping
from typing import Literal, NotRequired, TypedDict
from urllib.parse import quote

import phonenumbers
from faker import Faker
from stdnum import ean, luhn
from stdnum import iban as stdnum_iban
from stdnum import isbn as stdnum_isbn
from stdnum.us import ssn as stdnum_ssn

from hybridchain.core.policy import PERSONAL_DATA_TYPES

__all__ = [
    "ENTITY_TYPES",
    "STRUCTURED_TYPES",
    "Document",
    "Span",
    "generate_corpus",
]

ENTITY_TYPES: tuple[str, ...] = (*PERSONAL_DATA_TYPES, "SECRET")
"""Every entity type the corpus labels (Presidio names, plus ``SECRET``)."""

STRUCTURED_TYPES = tuple(t for t in ENTITY_TYPES if t not in ("PERSON", "LOCATION"))
"""Types with a recognisable shape (everything but names and street addresses)."""

_MARKER = "MARKER"
"""Pseudo type of a confidentiality marker: obfuscated like a value, but never a span."""


class Span(TypedDict):
    """One gold entity: its type and where it lies in the document's text."""

    entity_type: str
    start: int
    end: int
    obfuscation: NotRequired[str]
    """How the value was disguised (obfuscated variant only; ``none`` when left as is)."""


class Document(TypedDict):
    """One prompt with its labels."""

    id: str
    text: str
    spans: list[Span]
    sensitive: bool
    variant: Literal["plain", "obfuscated"]


Part = str | tuple[str, str]
"""A literal piece of text, or an ``(entity_type, value)`` pair that becomes a span."""

Template = Callable[["_Values"], list[Part]]

_SLOT = re.compile(r"\[\[(\w+)\]\]")


def _fill(template: str, **values: Part) -> list[Part]:
    """Split ``template`` at its ``[[slot]]`` markers and put each slot's value in its place."""
    parts: list[Part] = []
    pos = 0
    for match in _SLOT.finditer(template):
        parts.append(template[pos : match.start()])
        parts.append(values[match.group(1)])
        pos = match.end()
    parts.append(template[pos:])
    return parts


# --------------------------------------------------------------------------- values


_PERSON_LOCALES = ("en_US",) * 5 + ("en_GB", "de_DE", "fr_FR", "es_ES", "en_IN")
_ADDRESS_LOCALES = ("en_US",) * 7 + ("en_GB",) * 2 + ("de_DE",)
_CITIES = (
    "Lisbon", "Kyoto", "Chicago", "Barcelona", "Vancouver", "Prague", "Cape Town", "Melbourne",
    "Seoul", "Edinburgh", "Mexico City", "Istanbul", "Copenhagen", "Buenos Aires", "Hanoi",
)  # fmt: skip
_MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip
_NAME = re.compile(r"^[^\W\d_]+(?:[- ][^\W\d_]+)*$")
_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_B64URL = _B64[:-2] + "-_"
_ALNUM = _B64[:62]
_HEX = "0123456789abcdef"
# Real issuer prefixes (IIN) and lengths: Visa, Mastercard (51-55 and 2221-2720), Amex, Discover,
# JCB, Diners Club.
_CARD_BRANDS = (
    (("4",), 16),
    (("4",), 16),
    (tuple(str(p) for p in range(51, 56)), 16),
    (tuple(str(p) for p in range(2221, 2721)), 16),
    (("34", "37"), 15),
    (("6011", "65"), 16),
    (tuple(str(p) for p in range(3528, 3590)), 16),
    (("36",), 14),
)
# BBAN layouts (n: digit, a: upper-case letter, c: either) for countries without a national check
# digit on top of the IBAN's own.
_IBAN_BBAN = {
    "DE": "8n10n",
    "GB": "4a14n",
    "FR": "10n11c2n",
    "NL": "4a10n",
    "IT": "1a10n12c",
    "CH": "5n12c",
    "AT": "16n",
    "PL": "24n",
    "IE": "4a14n",
    "SE": "20n",
}
_PHONE_REGIONS = ("US",) * 4 + ("GB", "DE", "FR", "IN", "AU", "CA", "BR", "NL", "JP", "MX")
_DL_FORMATS = {
    "CA": "A#######",
    "NY": "#########",
    "TX": "########",
    "FL": "A###-###-##-###-#",
    "IL": "A###-####-####",
    "PA": "## ### ###",
    "WA": "WDLAAAAA###A",
    "NJ": "A#### ##### #####",
}


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


class _Values:
    """Random but realistic values, all drawn from one seeded generator."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self._fakers: dict[str, Faker] = {}
        for i, locale in enumerate(sorted(set(_PERSON_LOCALES + _ADDRESS_LOCALES))):
            fake = Faker(locale)
            fake.seed_instance(seed * 1009 + i)
            self._fakers[locale] = fake
        self.fake = self._fakers["en_US"]

    def pick(self, *options: str) -> str:
        return self.rng.choice(options)

    def chars(self, alphabet: str, n: int) -> str:
        return "".join(self.rng.choice(alphabet) for _ in range(n))

    def digits(self, n: int) -> str:
        return self.chars("0123456789", n)

    def _shape(self, shape: str) -> str:
        """Expand ``#`` to a digit and ``A`` to an upper-case letter."""
        out = (
            self.digits(1) if c == "#" else self.chars("ABCDEFGHIJKLMNOPQRSTUVWXYZ", 1)
            if c == "A" else c
            for c in shape
        )  # fmt: skip
        return "".join(out)

    # people, places, organisations

    def person(self) -> tuple[str, str]:
        fake = self._fakers[self.rng.choice(_PERSON_LOCALES)]
        while True:
            first, last = fake.first_name(), fake.last_name()
            if _NAME.match(first) and _NAME.match(last):
                return first, last

    def address(self) -> str:
        locale = self.rng.choice(_ADDRESS_LOCALES)
        fake = self._fakers[locale]
        street = fake.street_address().replace("\n", ", ")
        if locale == "en_US":
            return f"{street}, {fake.city()}, {fake.state_abbr()} {fake.zipcode()}"
        if locale == "en_GB":
            return f"{street}, {fake.city()} {fake.postcode()}"
        return f"{street}, {fake.postcode()} {fake.city()}"

    def company(self) -> str:
        return str(self.fake.company())

    def city(self) -> str:
        return self.rng.choice(_CITIES)

    def email(self, first: str = "", last: str = "") -> str:
        if not first:
            first, last = self.person()
        first, last = (_ascii(s).lower().replace(" ", "").replace("-", "") for s in (first, last))
        local = self.pick(
            f"{first}.{last}",
            f"{first[0]}{last}",
            f"{first}_{last}{self.rng.randint(1, 99)}",
            f"{first}{self.rng.randint(70, 99)}",
            f"{first}.{last}+{self.pick('billing', 'news', 'work')}",
        )
        domain = self.pick(
            self.fake.free_email_domain(),
            self.fake.free_email_domain(),
            self.fake.domain_name(),
            f"mail.{self.fake.domain_name()}",
            f"{self.fake.domain_word()}.{self.pick('io', 'co.uk', 'de', 'fr', 'org')}",
        )
        return f"{local}@{domain}"

    # numbers

    def phone(self) -> str:
        region = self.rng.choice(_PHONE_REGIONS)
        kind = self.rng.choice(
            (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE)
        )
        example = phonenumbers.example_number_for_type(region, kind)
        assert example is not None, region
        national = str(example.national_number)
        number = example
        for _ in range(50):
            tail = min(7, len(national) - 3)
            candidate = phonenumbers.PhoneNumber(
                country_code=example.country_code,
                national_number=int(national[:-tail] + self.digits(tail)),
            )
            if phonenumbers.is_valid_number(candidate):
                number = candidate
                break
        formats = [phonenumbers.PhoneNumberFormat.INTERNATIONAL] * 2
        formats.append(phonenumbers.PhoneNumberFormat.E164)
        # English prompts rarely give another country's number in its national form.
        if region in ("US", "CA", "GB"):
            formats.append(phonenumbers.PhoneNumberFormat.NATIONAL)
        fmt = self.rng.choice(formats)
        return str(phonenumbers.format_number(number, fmt))

    def _card_digits(self, valid: bool = True) -> str:
        prefixes, length = self.rng.choice(_CARD_BRANDS)
        body = self.rng.choice(prefixes)
        body += self.digits(length - 1 - len(body))
        check = int(luhn.calc_check_digit(body))
        return body + str(check if valid else (check + self.rng.randint(1, 9)) % 10)

    def card(self, valid: bool = True) -> str:
        number = self._card_digits(valid)
        sep = self.pick(" ", " ", "-", "")
        if len(number) == 16:
            groups = [number[i : i + 4] for i in range(0, 16, 4)]
        else:  # Amex and Diners print as 4-6-5 and 4-6-4
            groups = [number[:4], number[4:10], number[10:]]
        return sep.join(groups)

    def ssn(self) -> str:
        while True:
            area, group = self.rng.randint(1, 899), self.rng.randint(1, 99)
            serial = self.rng.randint(1, 9999)
            value = f"{area:03d}-{group:02d}-{serial:04d}"
            if area != 666 and stdnum_ssn.is_valid(value) and len(set(value)) > 4:
                break
        style = self.rng.random()
        if style < 0.8:
            return value
        return value.replace("-", " ") if style < 0.9 else value.replace("-", "")

    def iban(self) -> str:
        country = self.rng.choice(sorted(_IBAN_BBAN))
        bban = ""
        for count, kind in re.findall(r"(\d+)([nac])", _IBAN_BBAN[country]):
            alphabet = {"n": "0123456789", "a": "ABCDEFGHIJKLMNOPQRSTUVWXYZ"}.get(
                kind, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
            )
            bban += self.chars(alphabet, int(count))
        value = country + stdnum_iban.calc_check_digits(country + "00" + bban) + bban
        assert stdnum_iban.is_valid(value), value
        if self.rng.random() < 0.6:
            return " ".join(value[i : i + 4] for i in range(0, len(value), 4))
        return value

    def ip(self) -> str:
        roll = self.rng.random()
        if roll < 0.35:
            octets = (self.rng.randint(0, 255), self.rng.randint(1, 254))
            return self.pick(
                f"10.{self.rng.randint(0, 255)}.{octets[0]}.{octets[1]}",
                f"192.168.{octets[0]}.{octets[1]}",
                f"172.{self.rng.randint(16, 31)}.{octets[0]}.{octets[1]}",
            )
        if roll < 0.85:
            first = self.rng.choice([n for n in range(1, 224) if n not in (10, 100, 127, 169, 172)])
            rest = ".".join(str(self.rng.randint(0, 255)) for _ in range(2))
            return f"{first}.{rest}.{self.rng.randint(1, 254)}"
        groups = [self.pick("2a01", "2a02", "2600", "2c0f", "2405")] + [
            f"{self.rng.randint(0, 0xFFFF):x}" for _ in range(7)
        ]
        return ":".join(groups)

    def mac(self) -> str:
        octets = [self.rng.randint(0, 255) & 0xFE] + [self.rng.randint(0, 255) for _ in range(5)]
        hexes = [f"{o:02x}" for o in octets]
        style = self.rng.random()
        if style < 0.4:
            return ":".join(hexes).upper()
        if style < 0.7:
            return ":".join(hexes)
        if style < 0.9:
            return "-".join(hexes).upper()
        flat = "".join(hexes)
        return ".".join(flat[i : i + 4] for i in range(0, 12, 4))

    def passport(self) -> str:
        if self.rng.random() < 0.6:
            return str(self.rng.randint(1, 9)) + self.digits(8)
        return self._shape("A########")

    def driver_license(self) -> tuple[str, str]:
        state = self.rng.choice(sorted(_DL_FORMATS))
        return state, self._shape(_DL_FORMATS[state])

    def date(self, year_from: int, year_to: int) -> str:
        year = self.rng.randint(year_from, year_to)
        month, day = self.rng.randint(1, 12), self.rng.randint(1, 28)
        return self.pick(
            f"{month:02d}/{day:02d}/{year}",
            f"{year}-{month:02d}-{day:02d}",
            f"{_MONTHS[month - 1]} {day}, {year}",
            f"{day:02d}.{month:02d}.{year}",
            f"{day} {_MONTHS[month - 1][:3]} {year}",
        )

    def dob(self) -> str:
        return self.date(1938, 2006)

    def mrn(self) -> str:
        return self.pick(
            self.digits(8),
            str(self.rng.randint(1, 9)) + self.digits(6),
            "MR" + self.digits(8),
            f"{self.digits(3)}-{self.digits(3)}-{self.digits(3)}",
        )

    # secrets

    def jwt(self) -> str:
        header = {"alg": self.pick("HS256", "RS256"), "typ": "JWT"}
        iat = self.rng.randint(1_650_000_000, 1_730_000_000)
        payload = {"sub": self.digits(8), "scope": "read write", "iat": iat, "exp": iat + 3600}

        def enc(obj: Mapping[str, object]) -> str:
            raw = json.dumps(obj, separators=(",", ":")).encode()
            return base64.urlsafe_b64encode(raw).decode().rstrip("=")

        return f"{enc(header)}.{enc(payload)}.{self.chars(_B64URL, 43)}"

    def pem(self) -> str:
        kind = self.pick("RSA PRIVATE KEY", "PRIVATE KEY", "OPENSSH PRIVATE KEY", "EC PRIVATE KEY")
        body = self.pick("MIIEowIBAAKCAQEA", "MIIEvQIBADANBgkq", "b3BlbnNzaC1rZXkt")
        lines = [body + self.chars(_B64, 48)]
        lines += [self.chars(_B64, 64) for _ in range(self.rng.randint(3, 7))]
        lines.append(self.chars(_B64, self.rng.randint(8, 60)) + "==")
        return f"-----BEGIN {kind}-----\n" + "\n".join(lines) + f"\n-----END {kind}-----"

    def password(self) -> str:
        return self.pick(
            self.pick("Summer", "Winter", "Welcome", "Dragon", "Monkey", "Sunshine")
            + str(self.rng.randint(1990, 2025))
            + self.pick("!", "#", "$", "?"),
            self.chars(_ALNUM + "!@#%^&*", 16),
            f"{self.fake.word()}-{self.fake.word()}-{self.digits(3)}",
            "hunter" + self.digits(2) + self.chars("ABCDEFGHJKLMNPQRSTUVWXYZ", 2),
        )

    def api_key(self) -> str:
        """A secret key of a well-known provider."""
        return self.pick(
            "sk_live_" + self.chars(_ALNUM, 24),
            "sk-proj-" + self.chars(_ALNUM + "-_", 48),
            "sk-ant-api03-" + self.chars(_ALNUM + "-_", 80) + "AA",
            "ghp_" + self.chars(_ALNUM, 36),
            "github_pat_11" + self.chars(_ALNUM, 20) + "_" + self.chars(_ALNUM, 59),
            "xoxb-" + self.digits(11) + "-" + self.digits(13) + "-" + self.chars(_ALNUM, 24),
            "AIza" + self.chars(_ALNUM + "-_", 35),
            "SG." + self.chars(_ALNUM + "-_", 22) + "." + self.chars(_ALNUM + "-_", 43),
            "glpat-" + self.chars(_ALNUM + "-_", 20),
        )

    def aws_key_id(self) -> str:
        return "AKIA" + self.chars("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)

    def aws_secret(self) -> str:
        return self.chars(_ALNUM + "+/", 40)

    def bearer(self) -> str:
        return self.jwt() if self.rng.random() < 0.5 else self.api_key()

    # hard negatives

    def order_number(self) -> str:
        """A 16-digit order number in card shape that fails the Luhn check."""
        number = self._card_digits(valid=False)[:16].ljust(16, "0")
        while luhn.is_valid(number):
            number = number[:-1] + str((int(number[-1]) + 1) % 10)
        return self.pick(number, " ".join(number[i : i + 4] for i in range(0, 16, 4)))

    def short_order(self) -> str:
        return self.pick(f"{self.digits(3)}-{self.digits(7)}-{self.digits(7)}", self.digits(8))

    def uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def sha(self, n: int = 40) -> str:
        return self.chars(_HEX, n)

    def version(self) -> str:
        return self.pick(
            f"{self.rng.randint(0, 4)}.{self.rng.randint(0, 30)}.{self.rng.randint(0, 20)}",
            f"{self.rng.randint(1, 3)}.{self.rng.randint(0, 12)}",
            f"10.0.{self.rng.randint(19041, 26100)}.{self.rng.randint(1000, 4000)}",
            f"v{self.rng.randint(1, 20)}.{self.rng.randint(0, 9)}.{self.rng.randint(0, 9)}-rc.1",
        )

    def timestamp(self) -> str:
        return (
            f"2024-{self.rng.randint(1, 12):02d}-{self.rng.randint(1, 28):02d}T"
            f"{self.rng.randint(0, 23):02d}:{self.rng.randint(0, 59):02d}:"
            f"{self.rng.randint(0, 59):02d}.{self.digits(3)}Z"
        )

    def price(self) -> str:
        amount: float = self.rng.choice((self.rng.randint(3, 99), self.rng.randint(100, 2999)))
        amount += self.rng.choice((0.99, 0.5, 0.0, self.rng.randint(0, 99) / 100))
        return self.pick(
            f"${amount:,.2f}", f"€{amount:.2f}", f"£{amount:,.2f}", f"USD {amount:.2f}"
        )

    def isbn(self) -> str:
        body = "978" + self.digits(9)
        return stdnum_isbn.format(body + ean.calc_check_digit(body))

    def last4(self) -> str:
        return self.digits(4)

    def publishable_key(self) -> str:
        return "pk_live_" + self.chars(_ALNUM, 24)

    def ssh_public_key(self) -> str:
        if self.rng.random() < 0.6:
            key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI" + self.chars(_B64, 43)
        else:
            key = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABgQ" + self.chars(_B64, 180)
        return f"{key} {self.pick('ci@build-runner', 'deploy@web-01', 'root@bastion')}"

    def ups_tracking(self) -> str:
        return "1Z" + self.chars("0123456789ABCDEFGHJKLMNPRSTUVWXYZ", 16)


# --------------------------------------------------------------------------- sensitive templates

EMAIL, PHONE, CARD, SSN, IBAN = (
    "EMAIL_ADDRESS",
    "PHONE_NUMBER",
    "CREDIT_CARD",
    "US_SSN",
    "IBAN_CODE",
)
IP, MAC, PASSPORT, DL = "IP_ADDRESS", "MAC_ADDRESS", "US_PASSPORT", "US_DRIVER_LICENSE"
DOB, MRN, PERSON, LOCATION, SECRET = (
    "DATE_OF_BIRTH",
    "MEDICAL_RECORD_NUMBER",
    "PERSON",
    "LOCATION",
    "SECRET",
)


def _s_support_email(v: _Values) -> list[Part]:
    first, last = v.person()
    return _fill(
        v.pick(
            "Can you help me write a polite reply to this customer? Keep it short.\n\n",
            "Classify the sentiment of this support email and suggest a reply:\n\n",
        )
        + "From: [[name]] <[[email]]>\nSubject: Charged twice for order [[order]]\n\n"
        "Hello, I was charged twice ([[price]] each) for my order last week. The card I used is "
        "[[card]]. Please refund one of the charges, or call me on [[phone]] if you need "
        "anything else.\n\nThanks,\n[[first]]",
        name=(PERSON, f"{first} {last}"),
        email=(EMAIL, v.email(first, last)),
        order=v.short_order(),
        price=v.price(),
        card=(CARD, v.card()),
        phone=(PHONE, v.phone()),
        first=(PERSON, first),
    )


def _s_patient_note(v: _Values) -> list[Part]:
    first, last = v.person()
    return _fill(
        "Summarize this clinic note for a referral letter to cardiology:\n\n"
        "Patient: [[name]]    DOB: [[dob]]    MRN: [[mrn]]\n"
        "Address: [[address]]    Tel: [[phone]]\n"
        "Visit: [[visit]]\n"
        "S: [[age]]yo presents with intermittent chest tightness on exertion for 3 weeks.\n"
        "O: BP 142/88, HR 91, SpO2 97%. ECG: sinus rhythm, no ST changes.\n"
        "A/P: stable angina suspected; start aspirin 81 mg; stress test ordered; f/u in 2 weeks.",
        name=(PERSON, f"{first} {last}"),
        dob=(DOB, v.dob()),
        mrn=(MRN, v.mrn()),
        address=(LOCATION, v.address()),
        phone=(PHONE, v.phone()),
        visit=v.date(2023, 2024),
        age=str(v.rng.randint(35, 80)),
    )


def _s_lab_results(v: _Values) -> list[Part]:
    first, last = v.person()
    return _fill(
        "Explain these lab results to me in plain English, I'm worried about the glucose.\n\n"
        "LAB REPORT — [[lab]]\nName: [[last]], [[first]]\nMedical record number: [[mrn]]\n"
        "Date of birth: [[dob]]\nCollected: [[ts]]\n"
        "Glucose (fasting)  [[glucose]] mg/dL   (70-99)\nHbA1c  6.1 %   (<5.7)\n"
        "LDL cholesterol  131 mg/dL   (<100)",
        lab=v.company(),
        last=(PERSON, last),
        first=(PERSON, first),
        mrn=(MRN, v.mrn()),
        dob=(DOB, v.dob()),
        ts=v.timestamp(),
        glucose=str(v.rng.randint(100, 140)),
    )


def _s_hr_request(v: _Values) -> list[Part]:
    first, last = v.person()
    return _fill(
        "Draft an email to payroll asking them to set up a new hire. Details:\n"
        "- Name: [[name]]\n- Start date: [[start]]\n- SSN: [[ssn]]\n"
        "- I-9 document: US passport [[passport]]\n- Direct deposit IBAN: [[iban]]\n"
        "- Home address: [[address]]\n- Personal email: [[email]]\n"
        "Salary is $[[salary]],000 per year, employee ID E-[[emp]].",
        name=(PERSON, f"{first} {last}"),
        start=v.date(2024, 2025),
        ssn=(SSN, v.ssn()),
        passport=(PASSPORT, v.passport()),
        iban=(IBAN, v.iban()),
        address=(LOCATION, v.address()),
        email=(EMAIL, v.email(first, last)),
        salary=str(v.rng.randint(55, 180)),
        emp=v.digits(5),
    )


def _s_env_debug(v: _Values) -> list[Part]:
    host: Part = (IP, v.ip()) if v.rng.random() < 0.5 else f"db.{v.fake.domain_word()}.internal"
    return _fill(
        "My app can't connect to the database in production. Here's my .env, what's wrong?\n\n"
        "```\nNODE_ENV=production\nPORT=3000\n"
        "DATABASE_URL=postgres://[[user]]:[[dbpass]]@[[host]]:5432/[[db]]\n"
        "REDIS_URL=redis://localhost:6379/0\nSTRIPE_SECRET_KEY=[[stripe]]\n"
        "STRIPE_PUBLISHABLE_KEY=[[pk]]\nAWS_ACCESS_KEY_ID=[[akid]]\n"
        "AWS_SECRET_ACCESS_KEY=[[aws]]\nADMIN_EMAIL=[[email]]\n```\n\n"
        "The error is `connect ECONNREFUSED [[host2]]:5432` after the v[[ver]] upgrade.",
        user=v.pick("app", "postgres", "svc_api"),
        dbpass=(SECRET, quote(v.password(), safe="")),
        host=host,
        host2=host,
        db=v.pick("prod", "app_production", "main"),
        stripe=(SECRET, "sk_live_" + v.chars(_ALNUM, 24)),
        pk=v.publishable_key(),
        akid=(SECRET, v.aws_key_id()),
        aws=(SECRET, v.aws_secret()),
        email=(EMAIL, v.email()),
        ver=v.version().lstrip("v"),
    )


def _s_curl(v: _Values) -> list[Part]:
    first, last = v.person()
    return _fill(
        "Why does this request return 401 Unauthorized?\n\n```\n"
        "curl -X POST https://api.[[domain]]/v2/customers \\\n"
        '  -H "Authorization: Bearer [[token]]" \\\n'
        '  -H "Content-Type: application/json" \\\n'
        '  -d \'{"name": "[[name]]", "email": "[[email]]", "phone": "[[phone]]"}\'\n```',
        domain=v.fake.domain_name(),
        token=(SECRET, v.bearer()),
        name=(PERSON, f"{first} {last}"),
        email=(EMAIL, v.email(first, last)),
        phone=(PHONE, v.phone()),
    )


def _s_log_excerpt(v: _Values) -> list[Part]:
    leak: list[Part] = []
    if v.rng.random() < 0.5:
        leak = _fill(
            "[[ts]] INFO  http: GET /api/v1/export?access_token=[[tok]] 200 812ms\n",
            ts=v.timestamp(),
            tok=(SECRET, v.api_key()),
        )
    head = _fill(
        "Can you tell what's going on in these auth logs? Looks like a brute-force attempt.\n\n"
        "[[ts1]] INFO  auth: login ok user=[[email]] src=[[ip]] session=[[uuid]]\n"
        "[[ts2]] WARN  auth: 5 failed attempts user=[[email2]] src=[[ip2]]\n"
        "[[ts3]] INFO  dhcpd: DHCPACK on [[ip3]] to [[mac]] via eth0\n",
        ts1=v.timestamp(),
        email=(EMAIL, v.email()),
        ip=(IP, v.ip()),
        uuid=v.uuid(),
        ts2=v.timestamp(),
        email2=(EMAIL, v.email()),
        ip2=(IP, v.ip()),
        ts3=v.timestamp(),
        ip3=(IP, v.ip()),
        mac=(MAC, v.mac()),
    )
    return head + leak + [f"{v.timestamp()} INFO  health: ok version={v.version()}"]


def _s_sql(v: _Values) -> list[Part]:
    first, last = v.person()
    return _fill(
        "Fix the syntax error in this SQL:\n\n"
        "INSERT INTO customers (full_name, email, phone, ssn, date_of_birth, address)\n"
        "VALUES ('[[name]]', '[[email]]', '[[phone]]', '[[ssn]]', '[[dob]]' '[[address]]');",
        name=(PERSON, f"{first} {last}"),
        email=(EMAIL, v.email(first, last)),
        phone=(PHONE, v.phone()),
        ssn=(SSN, v.ssn()),
        dob=(DOB, v.dob()),
        address=(LOCATION, v.address()),
    )


def _s_shipping(v: _Values) -> list[Part]:
    first, last = v.person()
    return _fill(
        "Please write a shipping label and a short thank-you note for this order:\n\n"
        "Ship to: [[name]]\n[[address]]\nPhone: [[phone]]\nEmail: [[email]]\n"
        "Items: 2x USB-C cable ([[p1]]), 1x 65W charger ([[p2]])\nOrder #[[order]]",
        name=(PERSON, f"{first} {last}"),
        address=(LOCATION, v.address()),
        phone=(PHONE, v.phone()),
        email=(EMAIL, v.email(first, last)),
        p1=v.price(),
        p2=v.price(),
        order=v.short_order(),
    )


def _s_billing_dispute(v: _Values) -> list[Part]:
    first, last = v.person()
    return _fill(
        "Help me write a chargeback dispute letter. My name is [[name]] and I live at "
        "[[address]]. On [[date]] my card [[card]] was charged [[price]] by [[company]] for a "
        "subscription I cancelled in [[month]]. Please ask them to refund it to my bank account "
        "[[iban]] instead. You can reach me at [[email]].",
        name=(PERSON, f"{first} {last}"),
        address=(LOCATION, v.address()),
        date=v.date(2024, 2024),
        card=(CARD, v.card()),
        price=v.price(),
        company=v.company(),
        month=v.rng.choice(_MONTHS),
        iban=(IBAN, v.iban()),
        email=(EMAIL, v.email(first, last)),
    )


def _s_travel_id(v: _Values) -> list[Part]:
    first, last = v.person()
    first2, last2 = v.person()
    state, dl = v.driver_license()
    return _fill(
        "I'm filling in the visa application for two of us, can you check the fields?\n"
        "Traveler 1: [[name]]; date of birth [[dob]]; passport no. [[passport]]; "
        "driver's license ([[state]]) [[dl]]\n"
        "Traveler 2: [[name2]]; date of birth [[dob2]]; passport no. [[passport2]]\n"
        "Home address: [[address]]\nTrip: [[city]], arriving [[arrive]].",
        name=(PERSON, f"{first} {last}"),
        dob=(DOB, v.dob()),
        passport=(PASSPORT, v.passport()),
        state=state,
        dl=(DL, dl),
        name2=(PERSON, f"{first2} {last2}"),
        dob2=(DOB, v.dob()),
        passport2=(PASSPORT, v.passport()),
        address=(LOCATION, v.address()),
        city=v.city(),
        arrive=v.date(2025, 2025),
    )


def _s_insurance(v: _Values) -> list[Part]:
    first, last = v.person()
    state, dl = v.driver_license()
    return _fill(
        "Rewrite this insurance claim so it sounds more formal:\n\n"
        "hi, im [[name]], policy holder. got rear-ended on [[date]] at a red light. my drivers "
        "license is [[state]] [[dl]]. the ER at [[hospital]] billed me [[price]] (MRN [[mrn]]). "
        "call me at [[phone]] or email [[email]]",
        name=(PERSON, f"{first} {last}"),
        date=v.date(2024, 2024),
        state=state,
        dl=(DL, dl),
        hospital=f"{v.fake.last_name()} General",
        price=v.price(),
        mrn=(MRN, v.mrn()),
        phone=(PHONE, v.phone()),
        email=(EMAIL, v.email(first, last)),
    )


def _s_car_rental(v: _Values) -> list[Part]:
    first, last = v.person()
    state, dl = v.driver_license()
    return _fill(
        "Turn this into a confirmation email to the customer:\n"
        "Rental booking ref. [[ref]]\nDriver: [[name]], born [[dob]]\n"
        "Driver license: [[dl]] (issued [[state]])\nPayment: [[card]], deposit [[price]]\n"
        "Pick-up: [[pickup]], 10:00, [[city]] airport",
        ref=v.chars("ABCDEFGHJKLMNPQRSTUVWXYZ23456789", 6),
        name=(PERSON, f"{first} {last}"),
        dob=(DOB, v.dob()),
        dl=(DL, dl),
        state=state,
        card=(CARD, v.card()),
        price=v.price(),
        pickup=v.date(2025, 2025),
        city=v.city(),
    )


def _s_tax_form(v: _Values) -> list[Part]:
    first, last = v.person()
    return _fill(
        "Help me fill out this W-9 for a freelance client. Name: [[name]]. Business name: "
        "[[company]]. Address: [[address]]. Taxpayer identification number (SSN): [[ssn]]. "
        "Which box do I tick for a sole proprietor? Their accounts team is [[email]].",
        name=(PERSON, f"{first} {last}"),
        company=v.company(),
        address=(LOCATION, v.address()),
        ssn=(SSN, v.ssn()),
        email=(EMAIL, v.email()),
    )


def _s_it_ticket(v: _Values) -> list[Part]:
    first, last = v.person()
    password: Part = (SECRET, v.password())
    return _fill(
        "Summarize this helpdesk ticket for the network team:\n\n"
        "User [[name]] ([[email]]) cannot reach the VPN since this morning. Laptop MAC "
        "[[mac]], DHCP gave it [[ip]], gateway [[gw]]. They say their password is [[password]] "
        "and it worked yesterday. Ticket opened [[ts]].",
        name=(PERSON, f"{first} {last}"),
        email=(EMAIL, v.email(first, last)),
        mac=(MAC, v.mac()),
        ip=(IP, v.ip()),
        gw=(IP, v.ip()),
        password=password,
        ts=v.timestamp(),
    )


def _s_inventory_csv(v: _Values) -> list[Part]:
    parts: list[Part] = [
        "Convert this CSV to a markdown table sorted by hostname:\n\nhostname,ip,mac,owner\n"
    ]
    for _ in range(3):
        parts += _fill(
            "[[host]],[[ip]],[[mac]],[[owner]]\n",
            host=f"{v.pick('laptop', 'printer', 'nas', 'cam')}-{v.digits(3)}",
            ip=(IP, v.ip()),
            mac=(MAC, v.mac()),
            owner=(EMAIL, v.email()),
        )
    return parts


def _s_code_secret(v: _Values) -> list[Part]:
    roll = v.rng.random()
    if roll < 0.3:
        return _fill(
            "Why does paramiko raise 'not a valid RSA private key file' for this key?\n\n"
            "[[pem]]\n\nI generated it with ssh-keygen [[ver]].",
            pem=(SECRET, v.pem()),
            ver=v.version(),
        )
    if roll < 0.65:
        return _fill(
            "Refactor this into a class with retries:\n\n```python\nimport requests\n\n"
            'API_KEY = "[[key]]"\n\n\ndef get_user(user_id: str) -> dict:\n'
            '    r = requests.get(f"https://api.example.com/users/{user_id}",\n'
            '                     headers={"Authorization": f"Bearer {API_KEY}"}, timeout=5)\n'
            "    r.raise_for_status()\n    return r.json()\n```",
            key=(SECRET, v.api_key()),
        )
    return _fill(
        "Is this config.yaml valid? The service says 'auth failed'.\n\n```yaml\ndatabase:\n"
        "  host: [[host]]\n  port: 5432\n  user: admin\n  password: [[pw]]\n"
        "smtp:\n  api_key: [[key]]\n  from: [[email]]\n```",
        host=(IP, v.ip()),
        pw=(SECRET, v.password()),
        key=(SECRET, v.api_key()),
        email=(EMAIL, v.email()),
    )


def _s_wire(v: _Values) -> list[Part]:
    first, last = v.person()
    return _fill(
        "Draft a wire transfer request to my bank. Beneficiary: [[name]], IBAN [[iban]], "
        "BIC [[bic]]. Amount: €[[amount]]. Reference: INV-2024-[[inv]]. If they need to "
        "confirm, my mobile is [[phone]].",
        name=(PERSON, f"{first} {last}"),
        iban=(IBAN, v.iban()),
        bic=v.chars("ABCDEFGHIJKLMNOPQRSTUVWXYZ", 6) + "2X",
        amount=f"{v.rng.randint(200, 20000):,}.00",
        inv=v.digits(4),
        phone=(PHONE, v.phone()),
    )


def _s_contact(v: _Values) -> list[Part]:
    first, last = v.person()
    return _fill(
        "Add this to my contacts as a vCard and write a short birthday message: [[name]], born "
        "[[dob]], mobile [[phone]], lives at [[address]].",
        name=(PERSON, f"{first} {last}"),
        dob=(DOB, v.dob()),
        phone=(PHONE, v.phone()),
        address=(LOCATION, v.address()),
    )


def _single(v: _Values, etype: str) -> list[Part]:
    """A short prompt around one value: the shape of most leak tests."""
    state, dl = v.driver_license()
    value, template = {
        CARD: (v.card(), "Is [[x]] a valid card number? Which bank issued it?"),
        PHONE: (v.phone(), "Someone keeps calling me from [[x]], who could it be?"),
        EMAIL: (v.email(), "Write a follow-up email to [[x]] about the overdue invoice."),
        SSN: (v.ssn(), "My SSN is [[x]], which state was it issued in?"),
        IBAN: (v.iban(), "Which bank and country does the account [[x]] belong to?"),
        IP: (v.ip(), "Our server keeps getting hit from [[x]]. How do I block it with ufw?"),
        MAC: (v.mac(), "Which vendor makes the device with MAC address [[x]]?"),
        PASSPORT: (v.passport(), "How do I renew my US passport, number [[x]], by mail?"),
        DL: (dl, f"Can I renew my {state} driver's license [[x]] online?"),
        DOB: (v.dob(), "I was born on [[x]]. How old will I be on 1 January 2030?"),
        MRN: (v.mrn(), "Patient with MRN [[x]] missed her appointment, draft a reminder SMS."),
        SECRET: (v.bearer(), "Can you decode this token and tell me if it's still valid? [[x]]"),
    }[etype]
    return _fill(template, x=(etype, value))


def _s_single(v: _Values) -> list[Part]:
    return _single(v, v.rng.choice(_SINGLE_TYPES))


def _s_marker(v: _Values) -> list[Part]:
    marker = v.pick(
        "CONFIDENTIAL",
        "CONFIDENTIAL — DO NOT FORWARD",
        "PRIVILEGED & CONFIDENTIAL",
        "ATTORNEY-CLIENT PRIVILEGED",
        "Attorney-Client Privileged Communication",
        "Strictly Confidential",
    )
    return _fill(
        "[[marker]]\n\nBoard memo — Project [[code]]\nWe intend to acquire [[company]] in Q[[q]] "
        "for roughly $[[amount]]M, funded from the revolving credit facility. Summarize the main "
        "risks of this deal in three bullet points for the audit committee.",
        marker=(_MARKER, marker),
        code=v.pick("Falcon", "Bluebird", "Northstar", "Juniper", "Atlas"),
        company=v.company(),
        q=str(v.rng.randint(1, 4)),
        amount=str(v.rng.randint(20, 900)),
    )


# --------------------------------------------------------------------------- clean templates


def _c_general(v: _Values) -> list[Part]:
    return [
        v.pick(
            f"Plan a 3-day itinerary for {v.city()} in {v.rng.choice(_MONTHS)} with a budget of "
            f"{v.price()} per person.",
            "What's the difference between a Roth IRA and a traditional IRA? Keep it short.",
            "Explain how mRNA vaccines work to a 10-year-old.",
            "What were the main causes of the French Revolution? Give me five bullet points.",
            f"Give me a vegetarian lasagna recipe for {v.rng.randint(2, 8)} people.",
            "What does a confidentiality clause in an NDA usually cover?",
            f"Compare the climate of {v.city()} and {v.city()} for a family holiday.",
            "Write a haiku about autumn leaves and a cup of coffee.",
        )
    ]


def _c_git(v: _Values) -> list[Part]:
    return [
        f"I ran `git revert {v.sha()}` but got a conflict in src/app/models.py. Commit "
        f"{v.sha(7)} touched the same lines before the v{v.version().lstrip('v')} release. "
        f"How do I resolve it and keep both changes? `git log --oneline` shows {v.sha(7)} "
        f"and {v.sha(7)} on top."
    ]


def _c_uuid_sql(v: _Values) -> list[Part]:
    return [
        "Why does this query return nothing?\n\n```sql\nSELECT id, status, total\nFROM orders\n"
        f"WHERE id = '{v.uuid()}'\n  AND created_at > '{v.timestamp()}'\n"
        f"  AND total > {v.rng.randint(10, 500)}.00;\n```\n\nThe row exists, I can see it in "
        f"the admin panel next to {v.uuid()}. We're on PostgreSQL {v.rng.randint(12, 17)}."
    ]


def _c_python(v: _Values) -> list[Part]:
    return [
        v.pick(
            f"How do I parse timestamps like {v.timestamp()} in Python 3.11 and convert them to "
            f"UTC? I'm on pandas {v.version().lstrip('v')}.",
            "What's the idiomatic way to reset a password field in a Django form after a failed "
            "submit? I don't want the password to be re-rendered in the HTML.",
            f"My pytest run takes {v.rng.randint(3, 40)} minutes. How do I find the slowest "
            f"tests? We use pytest {v.version().lstrip('v')} and xdist.",
            "Write a function that validates a credit card number with the Luhn algorithm, "
            "with type hints and a docstring.",
        )
    ]


def _c_math(v: _Values) -> list[Part]:
    return [
        v.pick(
            f"What is {v.rng.randint(100_000_000, 999_999_999)} × "
            f"{v.rng.randint(100_000_000, 999_999_999)}? Show the working.",
            f"Is {v.order_number().replace(' ', '')} divisible by 7? Explain the divisibility "
            "trick.",
            f"Solve {v.rng.randint(2, 9)}x² − {v.rng.randint(10, 40)}x + {v.rng.randint(1, 9)}"
            " = 0.",
            f"Compute the compound interest on ${v.rng.randint(1000, 90000):,} at 4.5% a year for "
            f"{v.rng.randint(2, 30)} years.",
            f"What is the sum of the digits of {v.digits(12)}?",
        )
    ]


def _c_summary(v: _Values) -> list[Part]:
    return [
        "Summarize this paragraph in one sentence:\n\n"
        f"On {v.date(2023, 2024)}, {v.company()} reported quarterly revenue of {v.price()} "
        f"million, up {v.rng.randint(2, 40)}% year over year. The company said version "
        f"{v.version()} of its platform will ship in {v.rng.choice(_MONTHS)}, and that its "
        f"new office in {v.city()} opens on {v.date(2025, 2025)}."
    ]


def _c_order_status(v: _Values) -> list[Part]:
    last4 = v.last4()
    return [
        f"My order #{v.order_number()} hasn't arrived. I paid {v.price()} with the card ending "
        f"in {last4} (the receipt shows ****{last4}). Tracking number {v.ups_tracking()}, last "
        f"update {v.date(2024, 2024)}. Can you draft a message to the seller?"
    ]


def _c_env_example(v: _Values) -> list[Part]:
    return [
        "Is this .env.example safe to commit?\n\n```\nDATABASE_URL=postgres://localhost:5432/"
        "app_dev\nREDIS_URL=redis://127.0.0.1:6379/0\n"
        f"STRIPE_PUBLISHABLE_KEY={v.publishable_key()}\nSTRIPE_SECRET_KEY=<your-secret-key>\n"
        "OPENAI_API_KEY=your-api-key-here\nDB_PASSWORD=${DB_PASSWORD}\nBIND=0.0.0.0:8080\n"
        f"APP_VERSION={v.version().lstrip('v')}\n```"
    ]


def _c_ci_yaml(v: _Values) -> list[Part]:
    return [
        "Why is my GitHub Actions job not picking up the secret?\n\n```yaml\njobs:\n  test:\n"
        f"    runs-on: ubuntu-{v.pick('22.04', '24.04')}\n    services:\n      postgres:\n"
        f"        image: postgres:{v.rng.randint(13, 17)}\n        env:\n"
        "          POSTGRES_PASSWORD: ${{ secrets.DB_PASSWORD }}\n    steps:\n"
        f"      - uses: actions/checkout@{v.sha()}\n      - run: pytest\n        env:\n"
        "          API_KEY: ${{ secrets.API_KEY }}\n          password: ${{ env.PG_PASS }}\n```"
    ]


def _c_logs(v: _Values) -> list[Part]:
    lines = [
        f"{v.timestamp()} INFO  http: GET /healthz 200 1.{v.digits(1)}ms remote=127.0.0.1 "
        f"req={v.uuid()}",
        f"{v.timestamp()} INFO  http: GET /api/items?page=2 200 {v.rng.randint(20, 90)}ms "
        "remote=::1",
        f"{v.timestamp()} WARN  db: slow query {v.rng.randint(1000, 9000)}ms trace_id={v.sha(32)}",
        f"{v.timestamp()} INFO  app: started version={v.version()} "
        f"pid={v.rng.randint(1000, 99999)}",
    ]
    return ["Why is p99 latency spiking? Here are the logs:\n\n" + "\n".join(lines)]


def _c_ssh(v: _Values) -> list[Part]:
    return [
        "I added my key to ~/.ssh/authorized_keys but still get 'Permission denied (publickey)'. "
        f"Here's the public key:\n\n{v.ssh_public_key()}\n\n`ssh -v` says 'Offering public key: "
        f"ED25519 SHA256:{v.chars(_B64[:-2], 43)}'. What am I missing?"
    ]


def _c_password_prose(v: _Values) -> list[Part]:
    return [
        v.pick(
            "Write a friendly help-center article explaining how to reset your password. Mention "
            f"that the password must be at least {v.rng.randint(8, 16)} characters, that the "
            "reset link expires after 30 minutes, and that support will never ask for your "
            "password.",
            "Our login page says 'Forgot password? Reset your password here'. Suggest three "
            "clearer wordings.",
            "What are good password policy rules in 2024? Should we still force a password "
            "change every 90 days?",
        )
    ]


def _c_schema(v: _Values) -> list[Part]:
    return [
        "Design a Postgres schema for a small clinic: patients (full name, date_of_birth, "
        "medical record number, phone, email, address), appointments and invoices. Use UUID "
        "primary keys, and show a query like `SELECT * FROM patients WHERE email = %s`. "
        f"Target PostgreSQL {v.rng.randint(14, 17)}."
    ]


def _c_books(v: _Values) -> list[Part]:
    return [
        f"Recommend five books similar to these two: ISBN {v.isbn()} and ISBN {v.isbn()}. I "
        f"liked the first one more; it cost {v.price()} and came out in "
        f"{v.rng.randint(1990, 2023)}."
    ]


def _c_dates(v: _Values) -> list[Part]:
    return [
        v.pick(
            f"How many business days are there between {v.date(2024, 2024)} and "
            f"{v.date(2025, 2025)}?",
            f"My subscription renews on {v.date(2025, 2025)}. When should I cancel to avoid being "
            f"charged {v.price()} again?",
            f"The sprint starts {v.date(2024, 2025)} and ends two weeks later. Write a kickoff "
            "agenda.",
        )
    ]


def _c_docker(v: _Values) -> list[Part]:
    return [
        "Why can't my other containers reach the database?\n\n```yaml\nservices:\n  db:\n"
        f"    image: postgres:{v.rng.randint(13, 17)}@sha256:{v.sha(64)}\n    ports:\n"
        '      - "127.0.0.1:5432:5432"\n  api:\n'
        f"    image: ghcr.io/acme/api:{v.version().lstrip('v')}\n"
        "    environment:\n      DATABASE_HOST: db\n      LISTEN: 0.0.0.0:8000\n```"
    ]


def _c_masked(v: _Values) -> list[Part]:
    last4 = v.last4()
    return [
        f"Our receipts show cards as **** **** **** {last4} or XXXX-XXXX-XXXX-{last4} and "
        f"bank accounts as DE** **** **** **** **{v.digits(2)}. Is masking like that enough "
        f"for PCI DSS {v.pick('3.2.1', '4.0')}, or do we also need tokenization?"
    ]


def _c_network(v: _Values) -> list[Part]:
    return [
        f"My server listens on 0.0.0.0:{v.rng.randint(3000, 9000)}. `curl http://127.0.0.1` "
        "works but `curl http://[::1]` fails and localhost resolves to ::1 first. Why, and how "
        f"do I fix it on Ubuntu {v.pick('22.04', '24.04')}?"
    ]


_SINGLE_TYPES = (CARD, PHONE, EMAIL, SSN, IBAN, IP, MAC, PASSPORT, DL, DOB, MRN, SECRET)

_SENSITIVE: tuple[Template, ...] = (
    _s_support_email,
    _s_patient_note,
    _s_lab_results,
    _s_hr_request,
    _s_env_debug,
    _s_curl,
    _s_log_excerpt,
    _s_sql,
    _s_shipping,
    _s_billing_dispute,
    _s_travel_id,
    _s_insurance,
    _s_car_rental,
    _s_tax_form,
    _s_it_ticket,
    _s_inventory_csv,
    _s_code_secret,
    _s_wire,
    _s_contact,
    _s_marker,
    _s_single,
    _s_single,
)

_CLEAN: tuple[Template, ...] = (
    _c_general,
    _c_general,
    _c_git,
    _c_uuid_sql,
    _c_python,
    _c_math,
    _c_summary,
    _c_order_status,
    _c_env_example,
    _c_ci_yaml,
    _c_logs,
    _c_ssh,
    _c_password_prose,
    _c_schema,
    _c_books,
    _c_dates,
    _c_docker,
    _c_masked,
    _c_network,
)


# --------------------------------------------------------------------------- obfuscation


_ZERO_WIDTH = ("\u200b", "\u200b", "\u200c", "\u200d", "\u2060")


def _fullwidth(value: str, rng: random.Random) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in value)


def _zero_width(value: str, rng: random.Random) -> str:
    out = []
    for i, c in enumerate(value):
        out.append(c)
        if i < len(value) - 1 and not c.isspace() and rng.random() < 0.35:
            out.append(rng.choice(_ZERO_WIDTH))
    if len(out) == len(value):  # always disguise at least once
        out.insert(len(value) // 2, "\u200b")
    return "".join(out)


def _spaced(value: str, rng: random.Random) -> str:
    """Split every character by a separator: ``4 1 1 1 - 1 1 1 1`` or ``4.1.1.1 1.1.1.1``."""
    sep, group_sep = rng.choice(((" ", " - "), (".", " "), ("-", " "), (" ", "  ")))
    prefix = "+" if value.startswith("+") else ""
    groups = [g for g in re.split(r"[^0-9A-Za-z]+", value) if g]
    return prefix + group_sep.join(sep.join(g) for g in groups)


def _email_words(left: str, right: str) -> Callable[[str, random.Random], str]:

    def apply(value: str, rng: random.Random) -> str:
        local, domain = value.split("@")
        dot = f" {left}dot{right} "
        return f"{local} {left}at{right} {domain.replace('.', dot)}"

    return apply


def _defang(value: str, rng: random.Random) -> str:
    return value.replace(".", "[.]") if "." in value else _fullwidth(value, rng)


_OBFUSCATORS: dict[str, Callable[[str, random.Random], str]] = {
    "fullwidth": _fullwidth,
    "zero_width": _zero_width,
    "spaced": _spaced,
    "at_brackets": _email_words("[", "]"),
    "at_parens": _email_words("(", ")"),
    "defang": _defang,
}
_DIGITS = ("fullwidth", "zero_width", "spaced")
_METHODS: dict[str, tuple[str, ...]] = {
    EMAIL: ("at_brackets", "at_parens", "fullwidth", "zero_width"),
    PHONE: _DIGITS,
    CARD: _DIGITS,
    SSN: _DIGITS,
    IBAN: _DIGITS,
    PASSPORT: _DIGITS,
    DL: _DIGITS,
    MRN: _DIGITS,
    IP: ("fullwidth", "zero_width", "defang"),
    MAC: ("fullwidth", "zero_width"),
    DOB: ("fullwidth", "zero_width"),
    SECRET: ("fullwidth", "zero_width"),
    _MARKER: ("fullwidth", "zero_width"),
}


def _render(parts: list[Part], rng: random.Random | None = None) -> tuple[str, list[Span]]:
    """Join ``parts`` into text and spans; with ``rng``, disguise every value that can be."""
    chunks: list[str] = []
    spans: list[Span] = []
    pos = 0
    for part in parts:
        if isinstance(part, str):
            chunks.append(part)
            pos += len(part)
            continue
        etype, value = part
        method = "none"
        if rng is not None and etype in _METHODS:
            method = rng.choice(_METHODS[etype])
            value = _OBFUSCATORS[method](value, rng)
        if etype != _MARKER:
            span = Span(entity_type=etype, start=pos, end=pos + len(value))
            if rng is not None:
                span["obfuscation"] = method
            spans.append(span)
        chunks.append(value)
        pos += len(value)
    return "".join(chunks), spans


# --------------------------------------------------------------------------- corpus


def generate_corpus(n: int = 600, seed: int = 7) -> list[Document]:
    """Return ``n`` plain prompts, half sensitive, then an obfuscated twin of each sensitive one.

    Args:
        n: Number of plain documents.
        seed: Seed for every random choice (values, templates, obfuscations).

    Returns:
        Plain documents ``doc-0000`` … in shuffled order, then ``doc-XXXX-obf`` for each
        sensitive one. The same ``(n, seed)`` always yields the same corpus.
    """
    values = _Values(seed)
    rng = values.rng
    labels = [i < (n + 1) // 2 for i in range(n)]
    rng.shuffle(labels)
    plain: list[Document] = []
    twins: list[Document] = []
    counts = {True: 0, False: 0}
    for i, sensitive in enumerate(labels):
        templates = _SENSITIVE if sensitive else _CLEAN
        parts = templates[counts[sensitive] % len(templates)](values)
        counts[sensitive] += 1
        doc_id = f"doc-{i:04d}"
        text, spans = _render(parts)
        plain.append(
            Document(id=doc_id, text=text, spans=spans, sensitive=sensitive, variant="plain")
        )
        if sensitive:
            text, spans = _render(parts, rng)
            twins.append(
                Document(
                    id=f"{doc_id}-obf", text=text, spans=spans, sensitive=True, variant="obfuscated"
                )
            )
    return plain + twins

"""Secret, person-name and street-address detectors: positives, hard negatives, properties, speed."""

from __future__ import annotations

import base64
import hashlib
import uuid
from collections.abc import Callable

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from hybridchain.core.detect.address import AddressDetector
from hybridchain.core.detect.base import Detector
from hybridchain.core.detect.person import PersonDetector
from hybridchain.core.detect.secrets import SecretDetector
from hybridchain.core.findings import Finding
from tests.unit.fuzz.fuzz_timing import growth

SECRET = SecretDetector()
PERSON = PersonDetector()
ADDRESS = AddressDetector()

JWT = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
    ".eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ"
    ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
)
PEM = (
    "-----BEGIN RSA PRIVATE KEY-----\n"
    "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\n"
    "VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK\n"
    "-----END RSA PRIVATE KEY-----"
)


def spans(detector: Detector, text: str) -> list[str]:
    """Return the text of every finding, in order."""
    return [text[f.start : f.end] for f in detector.detect(text)]


# --------------------------------------------------------------------------- secrets: positives

ENV_FILE = """\
# production settings
DATABASE_URL=postgres://app:Xk9mQ2vR7@db.internal:5432/app
AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE
AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
STRIPE_SECRET_KEY=sk_live_51H8aBcDeFgHiJkLmNoPqRsT
STRIPE_PUBLISHABLE_KEY=pk_live_51H8aBcDeFgHiJkLmNoPqRsT
export API_KEY=Zq8rT5wX2vB9nM4k
DEBUG=true
"""

PYTHON_CONFIG = """\
import os
from anthropic import Anthropic

OPENAI_API_KEY = "sk-proj-4fT9xQ2LmN8vR1sK7wY3zA6b"
client = Anthropic(api_key="sk-ant-api03-Zx8Qw2Er5Ty7Ui9Op1As3Df6Gh")
HF_TOKEN = "hf_aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3x"
settings = {"db_password": "c0rrect-H0rse!", "timeout": 30}
password = os.environ["DB_PASSWORD"]
token = get_token()
"""

CURL = (
    f'curl -H "Authorization: Bearer {JWT}" \\\n'
    '  -H "X-Api-Key: 9f8e7d6c5b4a39281706" https://api.example.com/v1/items'
)

YAML = """\
database:
  host: db.internal
  username: app
  password: "S3cure!Pass"
slack:
  webhook: https://hooks.slack.com/services/T0123ABCD/B0456EFGH/xYz123AbC456dEf789
  bot_token: xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx
github:
  token: ghp_1a2B3c4D5e6F7g8H9i0J1k2L3m4N5o6P7q8R
"""

GCP_JSON = (
    '{"type": "service_account", "project_id": "demo",\n'
    ' "private_key_id": "3f2a9c1e7b6d5a4f3e2d1c0b9a8f7e6d5c4b3a29",\n'
    ' "private_key": "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\\n'
    '-----END PRIVATE KEY-----\\n"}'
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            ENV_FILE,
            [
                "Xk9mQ2vR7",
                "AKIAIOSFODNN7EXAMPLE",
                "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                "sk_live_51H8aBcDeFgHiJkLmNoPqRsT",
                "Zq8rT5wX2vB9nM4k",
            ],
            id="env-file",
        ),
        pytest.param(
            PYTHON_CONFIG,
            [
                "sk-proj-4fT9xQ2LmN8vR1sK7wY3zA6b",
                "sk-ant-api03-Zx8Qw2Er5Ty7Ui9Op1As3Df6Gh",
                "hf_aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3x",
                "c0rrect-H0rse!",
            ],
            id="python-config",
        ),
        pytest.param(CURL, [JWT, "9f8e7d6c5b4a39281706"], id="curl-bearer"),
        pytest.param(
            YAML,
            [
                "S3cure!Pass",
                "https://hooks.slack.com/services/T0123ABCD/B0456EFGH/xYz123AbC456dEf789",
                "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
                "ghp_1a2B3c4D5e6F7g8H9i0J1k2L3m4N5o6P7q8R",
            ],
            id="yaml",
        ),
        pytest.param(f"Here is my key:\n{PEM}\nthanks", [PEM], id="pem-block"),
        pytest.param(
            GCP_JSON,
            [
                "3f2a9c1e7b6d5a4f3e2d1c0b9a8f7e6d5c4b3a29",
                # The whole JSON string value, which holds the PEM block.
                "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\\n"
                "-----END PRIVATE KEY-----\\n",
            ],
            id="gcp-service-account",
        ),
        pytest.param(
            "DefaultEndpointsProtocol=https;AccountName=acct;"
            "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq==;"
            "EndpointSuffix=core.windows.net",
            ["Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq=="],
            id="azure-storage",
        ),
        pytest.param(
            "Server=tcp:x.database.windows.net;Database=db;User ID=sa;Password=Pa55w0rd!;",
            ["Pa55w0rd!"],
            id="ado-connection-string",
        ),
        pytest.param(
            "mongodb+srv://root:T0psecret99@cluster0.abcde.mongodb.net/test and "
            "redis://:r3disPass77@cache:6379/0 and amqp://guest:Gu3st!x@mq:5672",
            ["T0psecret99", "r3disPass77", "Gu3st!x"],
            id="db-urls",
        ),
        pytest.param(
            "maps key AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY in the page",
            ["AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY"],
            id="google-api-key",
        ),
        pytest.param(
            "SENDGRID_API_KEY=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",
            ["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"],
            id="sendgrid",
        ),
        pytest.param(
            "//registry.npmjs.org/:_authToken=npm_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789",
            ["npm_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"],
            id="npm",
        ),
        pytest.param(
            "git clone https://oauth2:glpat-Ab12Cd34Ef56Gh78Ij90@gitlab.com/g/p.git",
            ["glpat-Ab12Cd34Ef56Gh78Ij90"],
            id="gitlab-in-url",
        ),
        pytest.param(
            "GH=github_pat_11ABCDEFG0123456789abc_defghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ",
            ["github_pat_11ABCDEFG0123456789abc_defghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ"],
            id="github-fine-grained",
        ),
        pytest.param(
            "curl -u admin:Sup3rS3cret https://example.com/api", ["Sup3rS3cret"], id="curl-user"
        ),
        pytest.param('{"clientSecret": "q8W!e3R$t5Y"}', ["q8W!e3R$t5Y"], id="camel-case-json"),
        pytest.param("PGPASSWORD=hunter22 psql -h db", ["hunter22"], id="pgpassword"),
        pytest.param("My password is Tr0ub4dor&3 for now", ["Tr0ub4dor&3"], id="password-is"),
        pytest.param(
            "twilio key SK0123456789abcdef0123456789abcdef ok",
            ["SK0123456789abcdef0123456789abcdef"],
            id="twilio",
        ),
    ],
)
def test_secret_positives(text: str, expected: list[str]) -> None:
    assert spans(SECRET, text) == expected


def test_secret_findings_carry_type_score_and_name() -> None:
    (finding,) = SECRET.detect("export GITHUB_TOKEN=ghp_" + "a1B2" * 9)
    assert finding == Finding("SECRET", 20, 60, 0.95, detector="secret")
    (generic,) = SECRET.detect("password: hunter22\n")
    assert 0.7 <= generic.score <= 0.85


# --------------------------------------------------------------------------- secrets: negatives


@pytest.mark.parametrize(
    "text",
    [
        "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7vbqajDhA8JpB5Pq+3y2J8d6 user@laptop",
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl me@host",
        "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu1SU1L\n"
        "-----END PUBLIC KEY-----",
        "-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIEAgAAuTANBgkqhkiG9w0BAQUFADBa\n"
        "-----END CERTIFICATE-----",
        "Stripe.js needs pk_live_51H8aBcDeFgHiJkLmNoPqRsT on the page",
        "request 123e4567-e89b-12d3-a456-426614174000 failed",
        "fixed in commit 9fceb02d0ae598e95dc970b74767f19372d61af8",
        "sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "Please reset your password. The password field must be 8 chars.",
        "Forgot your password? Click 'Reset password' to choose a new one.",
        "password: please choose something memorable",
        "see https://example.com/docs?page=2 and http://localhost:8080/health",
        'API_KEY="<your-api-key>"',
        "API_KEY=${OPENAI_API_KEY}",
        "token: {{ secrets.GITHUB_TOKEN }}",
        "password = os.environ['DB_PASSWORD']",
        "password = os.getenv('DB_PASSWORD')",
        "api_key: xxxxxxxxxxxxxxxx",
        'password: "********"',
        "password=None",
        "secret: null",
        "password: changeme",
        'PASSWORD="your_password_here"',
        "DATABASE_URL=postgres://user:password@localhost/db",
        "token = self.token",
        "max_tokens: 409600",
        "password_min_length: 12",
        "bypass=1234567890",
        "scikit-learn and sk-learn-style-kebab-case-identifier",
        "sk-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "pwd: /home/alice/projects",
        "export LANGSMITH_API_KEY=ls_...",
        'add OPENAI_API_KEY="My API Key" to your shell',
        'ChatOpenAI(base_url="http://127.0.0.1:11434/v1", api_key="ollama")',
        "s3://access_key_id:secret_access_key@bucket/key",
        "client = Client(credentials=credentials)",
        'url = "http://{0}:{1}@{2}/".format(user, pw, host)',
    ],
)
def test_secret_hard_negatives(text: str) -> None:
    assert spans(SECRET, text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("They say their password is DemW!YuIGXozcmGg and it worked", ["DemW!YuIGXozcmGg"]),
        ("my password is: hunter2!x", ["hunter2!x"]),
        ("the passphrase was `correct-Horse-battery9`", ["correct-Horse-battery9"]),
        ("The password is now hUnTeRtWo", ["hUnTeRtWo"]),
        ("pw: Xk9mQ2vR7", ["Xk9mQ2vR7"]),
        ("login?user=ana&pw=Zq8rT5wX2", ["Zq8rT5wX2"]),
        ("My PIN is 4821.", ["4821"]),
        ("card PIN: 004821", ["004821"]),
        ("the pin code is 12345678", ["12345678"]),
    ],
)
def test_secrets_in_prose(text: str, expected: list[str]) -> None:
    assert spans(SECRET, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "the password is incorrect.",
        "Your password is case-sensitive",
        "Password is Required",
        "my password was reset yesterday",
        "the password is ********",
        "PIN is required",
        "PIN 123",
        "GPIO pin 13 is high",
        "spin 1234 times",
        "PIN 2024-01-05",
        "pw: /home/alice",
    ],
)
def test_secret_prose_negatives(text: str) -> None:
    assert spans(SECRET, text) == []


# --------------------------------------------------------------------------- secrets: properties

ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
UPPER_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
URLSAFE = ALNUM + "_-"


def _token(
    prefix: str, alphabet: str, size: int, max_size: int | None = None
) -> st.SearchStrategy[str]:
    body = st.text(alphabet=alphabet, min_size=size, max_size=max_size or size)
    return body.map(lambda b: prefix + b)


TOKENS = st.one_of(
    _token("AKIA", UPPER_ALNUM, 16),
    _token("ASIA", UPPER_ALNUM, 16),
    _token("AIza", URLSAFE, 35),
    _token("ghp_", ALNUM, 36),
    _token("gho_", ALNUM, 36),
    _token("ghs_", ALNUM, 36),
    _token("github_pat_", ALNUM + "_", 22, 82),
    _token("glpat-", URLSAFE, 20, 40),
    _token("xoxb-", ALNUM + "-", 10, 60),
    _token("xoxp-", ALNUM + "-", 10, 60),
    _token("sk_live_", ALNUM, 10, 99),
    _token("rk_live_", ALNUM, 10, 99),
    _token("sk-proj-", URLSAFE, 20, 80).map(lambda t: t + "7"),
    _token("sk-ant-api03-", URLSAFE, 20, 80).map(lambda t: t + "9"),
    _token("hf_", ALNUM, 34),
    _token("npm_", ALNUM, 36),
)


@settings(deadline=None)
@given(
    token=TOKENS,
    left=st.sampled_from(["", "key ", "TOKEN=", 'token: "', "Authorization: Bearer ", "(", "\n"]),
    right=st.sampled_from(["", " ", '"', "\n", ", next", ")"]),
)
def test_prefixed_tokens_are_found_with_exact_offsets(token: str, left: str, right: str) -> None:
    assume("xxxx" not in token.lower())  # a run of x's reads as a mask, by design
    text = f"{left}{token}{right}"
    findings = SECRET.detect(text)
    assert [(f.start, f.end) for f in findings] == [(len(left), len(left) + len(token))]
    assert all(f.entity_type == "SECRET" and f.score >= 0.9 for f in findings)


PLACEHOLDER_HINTS = ("example", "your", "replace", "insert", "dummy", "placeholder", "xxxx")


@settings(deadline=None)
@given(
    key=st.sampled_from(
        ["password", "DB_PASSWORD", "api_key", "client_secret", "apiKey", "SECRET_KEY", "passwd"]
    ),
    sep=st.sampled_from(["=", ": ", " = ", "="]),
    quote=st.sampled_from(['"', "'"]),
    value=st.text(alphabet=ALNUM + "!#%&*+-./=?@^_~", min_size=5, max_size=40).map(
        lambda v: v + "3"
    ),
)
def test_quoted_assignments_are_found(key: str, sep: str, quote: str, value: str) -> None:
    assume(not any(hint in value.lower() for hint in PLACEHOLDER_HINTS))
    assume(len(set(value)) > 1 and "...." not in value and "****" not in value)
    assume(not value.isdigit())  # all-digit values count only for password keys
    text = f"config:\n  {key}{sep}{quote}{value}{quote}\n"
    start = text.index(quote) + 1
    assert [(f.start, f.end) for f in SECRET.detect(text)] == [(start, start + len(value))]


@settings(deadline=None)
@given(data=st.binary(min_size=16, max_size=300))
def test_public_keys_are_not_secrets(data: bytes) -> None:
    body = base64.b64encode(b"\x00\x00\x00\x07ssh-rsa" + data).decode()
    assert SECRET.detect(f"ssh-rsa {body} user@host") == []
    pem = "\n".join(body[i : i + 64] for i in range(0, len(body), 64))
    assert SECRET.detect(f"-----BEGIN PUBLIC KEY-----\n{pem}\n-----END PUBLIC KEY-----") == []


@settings(deadline=None)
@given(number=st.integers(min_value=0, max_value=2**128 - 1), data=st.binary(max_size=64))
def test_ids_and_digests_are_not_secrets(number: int, data: bytes) -> None:
    text = (
        f"request {uuid.UUID(int=number)} failed; commit {hashlib.sha1(data).hexdigest()}; "
        f"sha256 {hashlib.sha256(data).hexdigest()}; ID {str(uuid.UUID(int=number)).upper()}"
    )
    assert SECRET.detect(text) == []


@settings(deadline=None)
@given(
    key=st.sampled_from(["password", "API_KEY", "token", "client_secret", "apiKey"]),
    sep=st.sampled_from(["=", ": ", " = "]),
    quote=st.sampled_from(["", '"', "'"]),
    value=st.sampled_from(
        [
            "<your-api-key>",
            "${API_KEY}",
            "$API_KEY",
            "xxxxxxxxxxxx",
            "XXXXXXXXXXXXXXXX",
            "********",
            "changeme",
            "your_token_here",
            "{{ secrets.TOKEN }}",
            "os.environ['TOKEN']",
            "None",
            "null",
            "REPLACE_ME",
            "<redacted>",
            "%(password)s",
            "example-key-123",
        ]
    ),
)
def test_placeholders_are_not_secrets(key: str, sep: str, quote: str, value: str) -> None:
    assert SECRET.detect(f"{key}{sep}{quote}{value}{quote}\n") == []


# --------------------------------------------------------------------------- person names

EMAIL = """\
Hi Maria,

Thanks for the quick reply. Dear John Smith asked me to loop in Dr. Alan Turing and
Mrs. Garcia before Friday; my name is Priya Patel, by the way.

Best regards,
— Jean-Luc O'Brien
Head of Support
"""

PATIENT_NOTE = """\
Patient name: Doe, John
Attending: Dr. Nuñez
Emergency contact: Ana María López
Chief complaint: chest pain since last night. Pt seen by Prof. Chen.
"""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            EMAIL,
            ["Maria", "John Smith", "Alan Turing", "Garcia", "Priya Patel", "Jean-Luc O'Brien"],
            id="email",
        ),
        pytest.param(
            PATIENT_NOTE, ["Doe, John", "Nuñez", "Ana María López", "Chen"], id="patient-note"
        ),
        pytest.param("Dear John Smith,\nWelcome.", ["John Smith"], id="dear"),
        pytest.param("Hello Dr. Chen, quick question", ["Chen"], id="hello-dr"),
        pytest.param("Sincerely, J. Doe", ["J. Doe"], id="sincerely-initial"),
        pytest.param("Thanks,\n— Priya Patel\n", ["Priya Patel"], id="thanks-dash"),
        pytest.param("Name: Seán O'Brien\nDOB: 1990-01-01", ["Seán O'Brien"], id="name-field"),
        pytest.param(
            "Name: De Oliveira, Margot\nMRN: 1234567", ["De Oliveira, Margot"], id="particle-first"
        ),
        pytest.param("Customer: Wei Zhang\nOrder: 42", ["Wei Zhang"], id="customer"),
        pytest.param("Employee: Fatima Al-Sayed", ["Fatima Al-Sayed"], id="employee"),
        pytest.param("Attn: Jane Roe", ["Jane Roe"], id="attn"),
        pytest.param("From: Jane Roe <jane@example.com>", ["Jane Roe"], id="from-header"),
        pytest.param("Signed: Robert Brown", ["Robert Brown"], id="signed"),
        pytest.param('{"name": "John Smith", "age": 42}', ["John Smith"], id="json-name"),
        pytest.param("PATIENT: JOHN DOE\n", ["JOHN DOE"], id="upper-case-record"),
        pytest.param("I am Sarah Connor and I need help", ["Sarah Connor"], id="i-am"),
        pytest.param("Dear Ludwig van Beethoven,", ["Ludwig van Beethoven"], id="particle"),
        pytest.param("Ms. Johnson will call Mr. Lee", ["Johnson", "Lee"], id="honorifics"),
    ],
)
def test_person_positives(text: str, expected: list[str]) -> None:
    assert spans(PERSON, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Dear Sir or Madam,",
        "Dear Team,",
        "Dear Hiring Manager,",
        "Hi all,",
        "Hi there!",
        "Hello World",
        "Hey everyone",
        "name: string",
        "Name: str",
        "  name: my-service\n  image: nginx",
        "Name: System.String",
        "Product Name: Widget",
        "Cheers,\nThe Acme Team",
        "I am American",
        "I am not sure",
        "Best practices are important",
        "Thanks for the help!",
        "Signed: ________",
        "Contact: support@example.com",
        "123 Oak Dr. Springfield",
    ],
)
def test_person_hard_negatives(text: str) -> None:
    assert spans(PERSON, text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ship to: Cynthia Porter\n92886 Amanda Lakes", ["Cynthia Porter"]),
        ("Traveler 1: Chandani Mital; date of birth", ["Chandani Mital"]),
        ("Guest #2: Maria Lopez", ["Maria Lopez"]),
        ("Passenger: Wei Zhang", ["Wei Zhang"]),
        ("Borrower: Ana Ruiz\nCo-signer: Tom Baker", ["Ana Ruiz", "Tom Baker"]),
        ("Reviewed by: Priya Patel", ["Priya Patel"]),
        ("Next of kin: Mary Ann Lee", ["Mary Ann Lee"]),
        ("cc: Jane Roe", ["Jane Roe"]),
        ("Driver: Edward Heintze, born 09/01/1945", ["Edward Heintze"]),
        ("Recipient:\nJohn Smith\n12 Main St", ["John Smith"]),
        ('{"full_name": "Rebecca Estrada", "id": 7}', ["Rebecca Estrada"]),
        ('{"fullName": "Rebecca Estrada"}', ["Rebecca Estrada"]),
        ('{"name": "Jane Doe", "email": "j@x.com"}', ["Jane Doe"]),
        ("hi, im Gotthilf Carsten, policy holder", ["Gotthilf Carsten"]),
        ("patient John Doe was admitted", ["John Doe"]),
        ("my colleague Anna Berg said hi", ["Anna Berg"]),
        ("customer Jane Roe called twice", ["Jane Roe"]),
        ("User Julie Morton (julie@x.com) cannot log in", ["Julie Morton"]),
        ("a birthday message: Sandra Montes, born 20.03.1952", ["Sandra Montes"]),
        ("Ana Ruiz (born in Ohio) wrote", ["Ana Ruiz"]),
    ],
)
def test_person_labels_roles_and_born(text: str, expected: list[str]) -> None:
    assert spans(PERSON, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "INSERT INTO customers (full_name, email, phone, ssn, date_of_birth, address)\n"
            "VALUES ('Rebecca Estrada', 'rebecca@x.com', '+1 555', '240-59-2079', "
            "'June 19, 1942' '12 Foo Lakes, Bar, PW 26116');",
            ["Rebecca Estrada"],
            id="sql-missing-comma",
        ),
        pytest.param(
            "INSERT INTO people (name, email) VALUES ('John Kim', 'j@x.com'), "
            "('Ana Ruiz', 'a@x.com');",
            ["John Kim", "Ana Ruiz"],
            id="sql-two-rows",
        ),
        pytest.param(
            "name,email,phone\nRebecca Estrada,rebecca@x.com,555-1234\n"
            '"Doe, John",john@x.com,555-9876\n',
            ["Rebecca Estrada", "Doe, John"],
            id="csv",
        ),
        pytest.param(
            "| Name | Email |\n|---|---|\n| Rebecca Estrada | r@x.com |\n",
            ["Rebecca Estrada"],
            id="markdown",
        ),
        pytest.param("first_name\tlast_name\nAna\tRuiz\n", ["Ana", "Ruiz"], id="tsv"),
    ],
)
def test_person_table_columns(text: str, expected: list[str]) -> None:
    assert spans(PERSON, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Hello Kitty is a brand",
        "Hello Kitty",
        "Hello, Click the button",
        '{"name": "Widget Pro", "price": 3}',
        "products:\n  - name: Widget Pro\n    price: 3",
        "INSERT INTO products (name, price) VALUES ('Widget Pro', 3);",
        "name,price\nWidget Pro,3\n",
        "| Name | Price |\n|---|---|\n| Widget Pro | 3 |\n",
        "The Customer Service Team will reply",
        "Contact Customer Support Today",
        "The user Settings Page is broken",
        "employee ID Badge lost",
        "my colleague Anna said hi",
        "The Roman Empire, born of conquest",
        "Driver: NVIDIA 535",
        "Ship to:\nACME warehouse dock 4",
        "To:\nsee below",
    ],
)
def test_person_new_hard_negatives(text: str) -> None:
    assert spans(PERSON, text) == []


FIRST = st.sampled_from(["John", "Maria", "Priya", "Jean-Luc", "Seán", "Zoë", "Wei", "Amara"])
LAST = st.sampled_from(["Smith", "O'Brien", "Nuñez", "Patel", "García-Márquez", "Okafor", "Lee"])


@settings(deadline=None)
@given(
    first=FIRST,
    last=st.none() | LAST,
    template=st.sampled_from(
        [
            "Dear {},\nThank you.",
            "Hi {}, can you check this?",
            "Best regards,\n{}\nEngineering",
            "Sincerely, {}",
            "Patient name: {}\nDOB: 1980-02-03",
            "Customer: {}\n",
            "Hello Dr. {}, welcome",
            "Mrs. {} called.",
            "Hi, my name is {}.",
        ]
    ),
)
def test_generated_names_are_found_exactly(first: str, last: str | None, template: str) -> None:
    name = first if last is None else f"{first} {last}"
    text = template.format(name)
    start = text.index(name)
    assert [(f.start, f.end, f.entity_type) for f in PERSON.detect(text)] == [
        (start, start + len(name), "PERSON")
    ]


# --------------------------------------------------------------------------- addresses

SHIPPING = """\
Hi, please ship the replacement to 742 Evergreen Terrace, Springfield, IL 62704.
My office is at 1600 Amphitheatre Pkwy, Mountain View, CA 94043-1351 if that is easier.
"""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            SHIPPING,
            [
                "742 Evergreen Terrace, Springfield, IL 62704",
                "1600 Amphitheatre Pkwy, Mountain View, CA 94043-1351",
            ],
            id="shipping-request",
        ),
        pytest.param(
            "Ship to:\nJohn Smith\n123 N. Main St. Apt 4B\nSpringfield, IL 62704\n",
            ["123 N. Main St. Apt 4B\nSpringfield, IL 62704"],
            id="multi-line",
        ),
        pytest.param(
            "Address: 10 Downing Street, London SW1A 2AA",
            ["10 Downing Street, London SW1A 2AA"],
            id="uk",
        ),
        pytest.param(
            "Mailing address: Flat 3, 12 High St, Leeds LS1 4AB\n",
            ["Flat 3, 12 High St, Leeds LS1 4AB"],
            id="labelled-uk",
        ),
        pytest.param(
            "He lives at Studio 05, Luke Summit, Port Callum E32 1SB.",
            ["Studio 05, Luke Summit, Port Callum E32 1SB"],
            id="uk-unit-and-building",
        ),
        pytest.param("Springfield, IL 62704", ["Springfield, IL 62704"], id="city-state-zip"),
        pytest.param(
            "Lieferadresse: Hauptstraße 5, 10115 Berlin",
            ["Hauptstraße 5, 10115 Berlin"],
            id="german",
        ),
        pytest.param("Berliner Straße 12", ["Berliner Straße 12"], id="german-two-words"),
        pytest.param(
            "Envoyez-le au 12 rue de la Paix, 75002 Paris",
            ["12 rue de la Paix, 75002 Paris"],
            id="french",
        ),
        pytest.param("Via Roma 10, 00184 Roma", ["Via Roma 10, 00184 Roma"], id="italian"),
        pytest.param("Calle de Alcalá 42", ["Calle de Alcalá 42"], id="spanish"),
        pytest.param(
            "Keizersgracht 123, 1015 CJ Amsterdam",
            ["Keizersgracht 123, 1015 CJ Amsterdam"],
            id="dutch",
        ),
        pytest.param("She lives at 42 Wallaby Way", ["42 Wallaby Way"], id="lives-at"),
        pytest.param("P.O. Box 1234, Anchorage, AK 99501", ["P.O. Box 1234, Anchorage, AK 99501"]),
        pytest.param("1200 Pacific Coast Highway", ["1200 Pacific Coast Highway"], id="highway"),
        pytest.param("near 350 5th Ave, NY", ["350 5th Ave"], id="ordinal"),
    ],
)
def test_address_positives(text: str, expected: list[str]) -> None:
    assert spans(ADDRESS, text) == expected
    assert all(f.entity_type == "LOCATION" for f in ADDRESS.detect(text))


@pytest.mark.parametrize(
    "text",
    [
        "I have 3 Main points to make",
        "Route 66 is long",
        "we shipped 12 items in 2023",
        "In 2023 Main Street grew",
        "Address: 0x7ffd5e8c",
        "IP address: 10.0.0.1",
        "Python 3.11 on macOS 14",
        "meet at 5 pm",
        "SW1A 1AA",
        "order 12345 shipped",
    ],
)
def test_address_hard_negatives(text: str) -> None:
    assert spans(ADDRESS, text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "Ship to:\nCynthia Porter\n92886 Amanda Lakes, Sanchezburgh, PW 26116\nPhone: 555",
            ["92886 Amanda Lakes, Sanchezburgh, PW 26116"],
            id="next-line-territory",
        ),
        pytest.param(
            "Ship to:\nJane Doe\n7 Quarry Bottom\nPhone: 555",
            ["7 Quarry Bottom"],
            id="next-line-label-only",
        ),
        pytest.param(
            "lives at 3473 Martinez Oval Apt. 370, Rochaville, UT 41902.",
            ["3473 Martinez Oval Apt. 370, Rochaville, UT 41902"],
            id="wide-suffix-unit",
        ),
        pytest.param(
            "'21646 Murphy Lodge, Gibbsfurt, NC 91052'",
            ["21646 Murphy Lodge, Gibbsfurt, NC 91052"],
            id="wide-suffix-tail",
        ),
        pytest.param(
            "Jeffreyburgh, DC 46807\nPhone: 555",
            ["Jeffreyburgh, DC 46807"],
            id="zip-ends-line",
        ),
        pytest.param(
            "Springfield, XY 12345", ["Springfield, XY 12345"], id="any-state-code-with-zip"
        ),
        pytest.param(
            "I live at Gerhild-Faust-Ring 5-5, 68797 Oberviechtach.",
            ["Gerhild-Faust-Ring 5-5, 68797 Oberviechtach"],
            id="german-hyphenated-ring",
        ),
        pytest.param(
            "Potsdamer Chaussee 12/3, 14129 Berlin",
            ["Potsdamer Chaussee 12/3, 14129 Berlin"],
            id="german-chaussee",
        ),
        pytest.param(
            "INSERT INTO t (name, street, city) VALUES ('Ana Ruiz', 'Am Hang 4', 'Ulm');",
            ["Am Hang 4", "Ulm"],
            id="sql-address-columns",
        ),
        pytest.param(
            "id,address\n1,7 Quarry Bottom Unit B\n", ["7 Quarry Bottom Unit B"], id="csv-address"
        ),
    ],
)
def test_address_new_forms(text: str, expected: list[str]) -> None:
    assert spans(ADDRESS, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "I have 3 Green Hills to climb",
        "He scored 3 Points",
        "Chapter 5 Twin Peaks",
        "Order AB 12345",
        "During 5 days",
        "Ship to:\nJane Doe\nPhone: 555 1234",
        "id,address\n1,unknown\n",
        "INSERT INTO hosts (name, address) VALUES ('db', 'localhost');",
    ],
)
def test_address_new_hard_negatives(text: str) -> None:
    assert spans(ADDRESS, text) == []


@settings(deadline=None)
@given(
    number=st.integers(min_value=1, max_value=99999),
    words=st.lists(
        st.sampled_from(["Evergreen", "Oak", "Maple", "Martin Luther King", "Old Mill"]),
        min_size=1,
        max_size=1,
    ),
    suffix=st.sampled_from(["Street", "St", "Ave", "Road", "Blvd", "Lane", "Dr", "Way", "Pkwy"]),
    tail=st.sampled_from(["", ", Springfield, IL 62704", ", Austin, TX 78701-1234", " Apt 5"]),
    left=st.sampled_from(["", "Send it to ", "Address: ", "I live at "]),
)
def test_generated_us_addresses_are_found_whole(
    number: int, words: list[str], suffix: str, tail: str, left: str
) -> None:
    address = f"{number} {words[0]} {suffix}{tail}"
    text = f"{left}{address}; thanks"  # not ". ": the period after "St." is kept, by design
    start = len(left)
    found = [(f.start, f.end) for f in ADDRESS.detect(text)]
    assert found == [(start, start + len(address))]


# --------------------------------------------------------------------------- robustness

NOISY_TEXT = st.lists(
    st.one_of(
        st.sampled_from([*"Aa1 :=@/.-_\n,'\"", "Dear ", "St ", "İ", "ß", "ghp_", "eyJ", "12 "]),
        st.characters(),
    ),
    max_size=200,
).map("".join)


@settings(deadline=None)
@given(text=NOISY_TEXT)
def test_any_text_gives_valid_findings(text: str) -> None:
    for detector in (SECRET, PERSON, ADDRESS):
        for finding in detector.detect(text):
            assert 0 <= finding.start < finding.end <= len(text)
            assert finding.detector == detector.name
            assert 0.0 < finding.score <= 1.0


# --------------------------------------------------------------------------- linear time

ADVERSARIAL: list[Callable[[int], str]] = [
    lambda n: "A" * (5 * n),
    lambda n: "Dear " * n,
    lambda n: "-----BEGIN " * (n // 2),
    lambda n: "a:" * (2 * n),
    lambda n: "eyJ" + "a." * (2 * n),
    lambda n: "1 Main " * n,
    lambda n: "-----BEGIN PRIVATE KEY-----" * (n // 5),
    lambda n: "password=" * (n // 2),
    lambda n: "Dr. " * (n // 2),
    lambda n: "Name: " * (n // 2),
    lambda n: "Hauptstraße 5 " * (n // 4),
    lambda n: "1 " * n,
    lambda n: "a,b\n" * (n // 2),
    lambda n: "INSERT INTO t (name, address) VALUES ('" + "x'" * n,
    lambda n: "| Name | Email |\n" + "| Ana Ruiz | a |\n" * (n // 8),
    lambda n: "patient Ana Ruiz " * (n // 8),
    lambda n: "Ana Ruiz, born 1990 " * (n // 10),
    lambda n: "password is Xy9!abcd " * (n // 10),
    lambda n: "PIN is 1234 " * (n // 6),
    lambda n: "12 Amanda Lakes " * (n // 8),
    lambda n: "Ship to:\n" * (n // 4),
]


@pytest.mark.parametrize("detector", [SECRET, PERSON, ADDRESS], ids=lambda d: d.name)
@pytest.mark.parametrize("make", ADVERSARIAL, ids=[str(i) for i in range(len(ADVERSARIAL))])
def test_adversarial_input_takes_linear_time(
    detector: Detector, make: Callable[[int], str]
) -> None:
    # No absolute limit: a quadratic detector takes ~16x as long for 4x the input.
    n = 25_000
    assert growth(lambda t: list(detector.detect(t)), make(n), make(4 * n)) < 16

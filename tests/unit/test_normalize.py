import pytest
from hypothesis import given
from hypothesis import strategies as st

from hybridchain.core.text.normalize import normalize


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("jo [at] example [dot] com", "jo@example.com"),
        ("jo (at) example (dot) co (dot) uk", "jo@example.co.uk"),
        ("jo{at}example{dot}org", "jo@example.org"),
        ("jo at example dot com", "jo@example.com"),
        ("４１１１　１１１１", "4111 1111"),
        ("41\u200b11\u200c11\u200d11\ufeff", "41111111"),
        ("ex\u00adample", "example"),
        ("src=94[.]169[.]41[.]114", "src=94.169.41.114"),
        ("4 1 1 2 - 9 4 4 2 - 0 2 7 1 - 0 6 4 2", "4112-9442-0271-0642"),
        ("3.5.7.7 6.7.8.6 3.7.5.6 9.5.0.0", "3577 6786 3756 9500"),
        ("ssn 2-4-0 5-9 2-0-7-9", "ssn 240 59 2079"),
        ("D E 4 3 7 0 4 5 0 0 1 2", "DE4370450012"),
        ("IBAN I E 3 8 P Z C M 5 6 1 5 6 3", "IBAN IE38PZCM561563"),
        ("then I 4 1 1 1 2 2 2 2 3", "then I 411122223"),
        ("license W D L V E U L L 5 8 1 M", "license WDLVEULL581M"),
        ("call 9-7-4-5-5-8-4 now", "call 9745584 now"),
        ("license is NJ I-1-7-7-8 4-1-3-7-4 4-0-1-6-3.", "license is NJ I1778 41374 40163."),
        ("is 5 3 7 4 - 8 7 6 1 - 5 4 0 7 - 2 7 9 7 a card", "is 5374-8761-5407-2797 a card"),
    ],
)
def test_rewrites_obfuscations(text: str, expected: str) -> None:
    assert normalize(text).text == expected


@pytest.mark.parametrize(
    "text",
    [
        "look at this",
        "meet at noon",
        "plain ascii",
        "at 5 dot 30",
        "version 1.2.3.4",
        "a b c d e f g h i",
        "4111 1111 1111 1111",
        "2024-01-02 12:30",
        "I saw a b c d e f g h",
        "steps 1 2 3 4 5 now",
    ],
)
def test_leaves_prose_alone(text: str) -> None:
    n = normalize(text)
    assert n.text == text
    assert n.starts is None


def test_maps_offsets_back_to_the_original() -> None:
    original = "mail jo [at] example [dot] com now"
    n = normalize(original)
    start = n.text.index("jo@")
    end = start + len("jo@example.com")
    a, b = n.original_span(start, end)
    assert original[a:b] == "jo [at] example [dot] com"


def test_full_width_offsets() -> None:
    original = "card ４１１１\u200b１１"
    n = normalize(original)
    assert n.text == "card 411111"
    assert n.original_span(5, 11) == (5, len(original))


@given(st.text(max_size=200))
def test_offsets_are_monotonic_and_in_range(text: str) -> None:
    n = normalize(text)
    for i in range(len(n.text)):
        a, b = n.original_span(i, i + 1)
        assert 0 <= a < b <= len(text)
    if n.starts is not None:
        assert list(n.starts) == sorted(n.starts)


def test_spaced_run_offsets_cover_the_original() -> None:
    original = "card 4 1 1 1 - 1 1 1 1 - 1 1 1 1 - 1 1 1 1 ok"
    n = normalize(original)
    start = n.text.index("4111")
    a, b = n.original_span(start, start + len("4111-1111-1111-1111"))
    assert original[a:b] == "4 1 1 1 - 1 1 1 1 - 1 1 1 1 - 1 1 1 1"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (r"note\n4111 1111 1111 1111", "note\n4111 1111 1111 1111"),
        (r"jos\u00e9@example.com", "josé@example.com"),
        (r"say \"hi\"\tnow", 'say "hi"\tnow'),
        (r"\uff14\uff11", "41"),  # full-width digits, escaped: decoded, then NFKC
        (r"a\\nb", "a\\nb"),  # an escaped backslash and a letter, not a line break
        (r"\ud83d\ude00 stays", r"\ud83d\ude00 stays"),  # surrogates stay as written
    ],
)
def test_decodes_string_escapes(text: str, expected: str) -> None:
    assert normalize(text).text == expected


def test_escape_offsets_cover_the_whole_escape() -> None:
    text = r"x\u00e9\n4111"
    n = normalize(text)
    assert n.text == "xé\n4111"
    assert n.original_span(1, 2) == (1, 7)  # é ← \u00e9
    assert n.original_span(3, 7) == (9, 13)  # the digits, after the two-character \n


def test_a_json_tool_result_hides_nothing() -> None:
    import json

    from hybridchain import SensitivityGate

    blob = json.dumps({"note": "call\n4111 1111 1111 1111\nthanks", "to": "josé@example.com"})
    report = SensitivityGate().scan([{"role": "tool", "tool_call_id": "1", "content": blob}])
    assert sorted(f.entity_type for f in report.findings) == ["CREDIT_CARD", "EMAIL_ADDRESS"]

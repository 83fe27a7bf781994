from hypothesis import given
from hypothesis import strategies as st

from hybridchain import Finding, Pseudonymizer


def spans(text: str, data: st.DataObject) -> list[Finding]:
    cuts = sorted(data.draw(st.lists(st.integers(0, len(text)), max_size=8)))
    pairs = list(zip(cuts[::2], cuts[1::2], strict=False))
    kinds = ["EMAIL_ADDRESS", "PERSON", "SECRET"]
    return [Finding(kinds[i % 3], a, b, 0.9) for i, (a, b) in enumerate(pairs) if b > a]


@given(st.text(max_size=300), st.data())
def test_restore_of_replace_is_identity(text: str, data: st.DataObject) -> None:
    p = Pseudonymizer([text])
    masked = p.replace(text, spans(text, data))
    assert p.restore(masked) == text


@given(st.text(max_size=300), st.data(), st.lists(st.integers(1, 20), max_size=10))
def test_streamed_restore_is_identity_whatever_the_chunking(
    text: str, data: st.DataObject, sizes: list[int]
) -> None:
    p = Pseudonymizer([text])
    masked = p.replace(text, spans(text, data))
    restorer = p.stream_restorer()
    out, pos, i = [], 0, 0
    while pos < len(masked):
        size = sizes[i % len(sizes)] if sizes else 3
        out.append(restorer.feed(masked[pos : pos + size]))
        pos += size
        i += 1
    out.append(restorer.flush())
    assert "".join(out) == text


def test_same_value_same_placeholder_and_no_collision() -> None:
    texts = ["mail ann@x.test", "again ann@x.test and <EMAIL_ADDRESS_1>"]
    p = Pseudonymizer(texts)
    a = p.replace(texts[0], [Finding("EMAIL_ADDRESS", 5, 15, 1.0)])
    b = p.replace(texts[1], [Finding("EMAIL_ADDRESS", 6, 16, 1.0)])
    assert a == "mail <EMAIL_ADDRESS_2>"
    assert b == "again <EMAIL_ADDRESS_2> and <EMAIL_ADDRESS_1>"
    assert p.restore(b) == texts[1]


def test_overlapping_findings_keep_the_longest() -> None:
    text = "call +1 415 555 0100 now"
    p = Pseudonymizer([text])
    masked = p.replace(text, [Finding("PHONE_NUMBER", 5, 20, 0.9), Finding("US_SSN", 8, 19, 0.9)])
    assert masked == "call <PHONE_NUMBER_1> now"

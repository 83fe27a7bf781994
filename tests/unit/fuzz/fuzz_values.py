"""Inputs for fuzzing: text made of the characters detectors and the normalizer care about,
and request shapes of every kind (shared with ``benchmarks/reliability.py``)."""

from __future__ import annotations

from hypothesis import strategies as st

__all__ = ["TRICKY", "fuzz_text", "fuzz_unit", "json_like", "message_like"]

TRICKY = (
    "0123456789 aAbBeEiIxXzZ@.:-_/+()[]{}<>#=,;'\"\n\t|*$%!?&"
    "\u200b\u200c\u200d\u2060\u00ad\ufeff"  # invisible characters
    "\uff10\uff11\uff19\uff20\uff0e"  # full-width digits, @ and .
    "éßİı\u0130\u212a"  # letters whose case mapping changes length
)
"""Digits, letters, separators, brackets, invisible and full-width characters."""

_WORDS = st.sampled_from(
    [
        "at",
        "dot",
        "[at]",
        "(dot)",
        "Dear",
        "Name:",
        "SSN",
        "IBAN",
        "DE",
        "passport",
        "born",
        "MRN",
        "password=",
        "-----BEGIN ",
        "PRIVATE KEY-----",
        "ghp_",
        "sk-",
        "eyJ",
        "Street",
        "Ave",
        "CONFIDENTIAL",
        "Project Falcon",
        "Zephyr",
        "EMP-",
        "https://",
        "user:pass@",
        "4111",
        "+1",
        "192.168.",
        "::",
    ]
)

fuzz_text = st.lists(st.one_of(st.text(TRICKY, max_size=12), _WORDS), max_size=40).map(" ".join)
"""Text that looks like values without being them: fragments of every format."""

fuzz_unit = st.lists(
    st.one_of(st.text(TRICKY, min_size=1, max_size=6), _WORDS), min_size=1, max_size=4
).map("".join)
"""A short unit to repeat into an adversarial long text."""

_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), fuzz_text)

json_like = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(
            st.sampled_from(["role", "content", "text", "type", "args", "x"]), inner, max_size=4
        ),
    ),
    max_leaves=20,
)
"""Any JSON-like value, biased toward the keys of chat messages."""

message_like = st.fixed_dictionaries(
    {"role": st.sampled_from(["user", "assistant", "system", "tool", "weird"])},
    optional={
        "content": st.one_of(fuzz_text, st.lists(json_like, max_size=3), json_like),
        "tool_calls": st.lists(
            st.fixed_dictionaries(
                {"function": st.fixed_dictionaries({"name": fuzz_text, "arguments": fuzz_text})}
            ),
            max_size=2,
        ),
        "name": fuzz_text,
    },
)
"""An OpenAI-style message, valid or not."""

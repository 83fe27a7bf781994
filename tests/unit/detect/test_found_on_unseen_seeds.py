"""Values the never-leak corpus found missed on unseen seeds (11, 23, 31), now found whole.

Each case is a general form, not the corpus string: a continental street whose type word is
not a known suffix, an abbreviated ``…str.``, a town with a lower-case tail after its
postcode, a password running on through ``&``, and a surname that is also a common word.
"""

from __future__ import annotations

import pytest

from hybridchain.core.detect.address import AddressDetector
from hybridchain.core.detect.person import PersonDetector
from hybridchain.core.detect.secrets import SecretDetector


def found(detector: AddressDetector | PersonDetector | SecretDetector, text: str) -> list[str]:
    return [text[f.start : f.end] for f in detector.detect(text)]


@pytest.mark.parametrize(
    "address",
    [
        "Jesselring 2, 46912 Flöha",
        "Adlerring 9-9, 58193 Weimar",
        "Wiekstr. 27/87, 11826 Schleiz",
        "Dippelstr. 1, 28180 Meißen",
        "Am Markt 3, 91541 Rothenburg ob der Tauber",
        "Hauptstraße 5, 06108 Halle (Saale)",
        "Kaiserstr. 12, 60311 Frankfurt am Main",
    ],
)
def test_continental_addresses_are_found_whole(address: str) -> None:
    for text in (f"I live at {address}. On Monday", f"Address: {address}\nPhone", address):
        assert found(AddressDetector(), text) == [address]


@pytest.mark.parametrize(
    "text",
    ["Version 3, 2024 Release", "Windows 10, 12345 users", "We met during 2, 10115 Berlin"],
)
def test_numbers_before_a_year_or_a_count_are_not_addresses(text: str) -> None:
    assert found(AddressDetector(), text) == []


@pytest.mark.parametrize("password", ["#CY4G&CWU29iDmxn", "sk&@^!kz5i9@w2c2", "Tr0ub&dor3"])
def test_a_password_runs_on_through_an_ampersand(password: str) -> None:
    assert found(SecretDetector(), f"db:\n  password: {password}\n  port: 5432") == [password]
    assert found(SecretDetector(), f"DB_PASSWORD={password} make run") == [password]


def test_a_query_parameter_after_a_password_is_not_part_of_it() -> None:
    url = "https://example.com/login?password=abcdef12&user=bob"
    assert found(SecretDetector(), url) == ["abcdef12"]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Driver: Jamie Hope, born 3 Jan 1978", "Jamie Hope"),
        ('{"name": "Nicholas Best", "email": "n@example.com"}', "Nicholas Best"),
        ("My name is Shane Hope.", "Shane Hope"),
        ("Dear Anna Best,", "Anna Best"),
    ],
)
def test_a_surname_that_is_also_a_common_word(text: str, name: str) -> None:
    assert found(PersonDetector(), text) == [name]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Dear Anna Best regards", ["Anna"]),
        ("Dear John, Hope you are well", ["John"]),
        ("Thanks,\nAnna\nBest regards", ["Anna"]),
    ],
)
def test_the_same_words_starting_a_phrase_stay_out_of_the_name(text: str, names: list[str]) -> None:
    assert found(PersonDetector(), text) == names


@pytest.mark.parametrize("password", ["Winter1999!", "Summer2019?", "Monkey1997"])
def test_a_password_in_prose_keeps_its_final_mark(password: str) -> None:
    assert found(SecretDetector(), f"My old password is {password} Please reset it.") == [password]
    assert found(SecretDetector(), "my password was Monkey1997.") == ["Monkey1997"]


def test_a_name_cell_whose_particle_comes_last_is_one_name() -> None:
    sql = (
        "INSERT INTO customers (full_name, email) VALUES "
        "('Katrin Dussen van', 'k@example.org'), ('Ana de', 'a@example.org');"
    )
    assert found(PersonDetector(), sql) == ["Katrin Dussen van", "Ana de"]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("User Édith Huet (edith@example.com) cannot log in", "Édith Huet"),
        ("Patient Émile Zola was seen today", "Émile Zola"),
    ],
)
def test_a_name_after_a_role_noun_may_start_with_an_accented_capital(text: str, name: str) -> None:
    assert found(PersonDetector(), text) == [name]

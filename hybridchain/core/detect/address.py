"""Street-address detector (``LOCATION``): US, UK and continental European forms."""

from __future__ import annotations

import re

from hybridchain.core.detect.tables import table_cells
from hybridchain.core.findings import Finding

__all__ = ["AddressDetector"]

# Every form here contains a digit (house number, ZIP or postcode), so the detector walks the digit
# runs and does a bounded amount of anchored matching around each one: linear in the text length.
# Words are single possessive letter runs separated by mandatory blanks, and every repetition is
# bounded, so no pattern backtracks more than a few steps.

_SCORE = 0.85
_FULL_SCORE = 0.9

_UPPER = r"[A-ZÀ-ÖØ-Þ]"
_WORD = _UPPER + r"[^\W\d_]{0,24}+(?:['’\-][^\W\d_]{1,24}+)?"
_ORDINAL = r"\d{1,3}(?:st|nd|rd|th)"
_SUFFIX = (
    # Full words, then abbreviations; only an abbreviation takes a period ("St." but not the
    # sentence's full stop after "Street").
    r"(?:(?:Street|Avenue|Road|Boulevard|Lane|Drive|Court|Way|Place|Terrace|Circle|Highway"
    r"|Parkway|Square|Trail|Crescent|Close|Grove|Gardens|Mews|Alley|Row|Plaza|Loop|Pike|Run"
    r"|Walk|STREET|AVENUE|ROAD|LANE|DRIVE|COURT|WAY|PLACE)"
    r"|(?:St|Ave|Av|Rd|Blvd|Ln|Dr|Ct|Pl|Ter|Cir|Hwy|Pkwy|Sq|Trl|Cres"
    r"|ST|AVE|RD|BLVD|LN|DR|CT|PL|HWY|PKWY)\.?)"
)
# The rest of the USPS street suffixes (Publication 28, appendix C1), plurals included. They are
# ordinary words ("3 Green Hills"), so a street ending in one needs a unit or a city tail too.
_WIDE_SUFFIXES = (
    "Arcade Bend Bluff Bluffs Bottom Branch Bridge Brook Brooks Burg Burgs Bypass Camp Canyon Cape"
    " Causeway Center Centers Circles Cliff Cliffs Club Common Commons Corner Corners Course"
    " Courts Cove Coves Creek Crest Crossing Crossroad Curve Dale Dam Divide Drives Estate"
    " Estates Expressway Extension Extensions Fall Falls Ferry Field Fields Flat Flats Ford Fords"
    " Forest Forge Forges Fork Forks Fort Freeway Garden Gateway Glen Glens Green Greens Groves"
    " Harbor Harbors Haven Heights Hill Hills Hollow Inlet Island Islands Isle Junction Junctions"
    " Key Keys Knoll Knolls Lake Lakes Land Landing Light Lights Loaf Lock Locks Lodge Mall Manor"
    " Manors Meadow Meadows Mill Mills Mission Motorway Mount Mountain Mountains Neck Orchard"
    " Oval Overpass Park Parks Parkways Pass Passage Path Pine Pines Plain Plains Point Points"
    " Port Ports Prairie Radial Ramp Ranch Rapid Rapids Rest Ridge Ridges River Roads Route Rue"
    " Shoal Shoals Shore Shores Skyway Spring Springs Spur Spurs Squares Station Stravenue Stream"
    " Streets Summit Throughway Trace Track Trafficway Tunnel Turnpike Underpass Union Unions"
    " Valley Valleys Via Viaduct View Views Village Villages Ville Vista Walks Wall Ways Well"
    " Wells Wharf Wynd Yard Yards"
).split()


def _literal_trie(words: tuple[str, ...] | list[str]) -> str:
    """Return an alternation of ``words`` grouped by first letter (one branch test per letter)."""
    by_letter: dict[str, list[str]] = {}
    for word in sorted(set(words), key=lambda w: (-len(w), w)):
        by_letter.setdefault(word[0], []).append(re.escape(word[1:]))
    return "(?:" + "|".join(f"{c}(?:{'|'.join(rest)})" for c, rest in by_letter.items()) + ")"


_HOUSE = r"\d{1,6}+[A-Za-z]?(?:-\d{1,5}+)?[ \t]{1,3}"
_US_STREET = re.compile(
    _HOUSE
    + r"(?:[NSEW]\.?[ \t]{1,3})?(?:(?:"
    + _WORD
    + "|"
    + _ORDINAL
    + r")\.?[ \t]{1,3}){1,4}"
    + _SUFFIX
    + r"(?![\w'’\-])"
)
# The same street with a suffix from the wider list; accepted only with a unit or a tail.
_US_STREET_WIDE = re.compile(
    _HOUSE
    + r"(?:[NSEW]\.?[ \t]{1,3})?(?:(?:"
    + _WORD
    + "|"
    + _ORDINAL
    + r")\.?[ \t]{1,3}){1,4}"
    + _literal_trie(_WIDE_SUFFIXES)
    + r"(?![\w'’\-])"
)
_LOWER_STREET = re.compile(
    _HOUSE + r"(?:[a-z][a-z'\-]{1,24}+[ \t]{1,3}){1,2}(?:street|avenue|boulevard|blvd|ave)\b"
)
_FR_STREET = re.compile(
    r"\d{1,4}+(?:[ \t]?(?:bis|ter))?,?[ \t]{1,3}"
    r"(?:[Rr]ue|[Aa]venue|[Bb]oulevard|[Bb]d|[Pp]lace|[Cc]hemin|[Aa]llée|[Ii]mpasse|[Qq]uai"
    r"|[Cc]ours)"
    r"(?:[ \t]{1,3}(?:(?:de|du|des|la|le|les)[ \t]{1,3}|[dl]['’]){0,2}" + _WORD + r"){1,4}"
)
_HOUSE_WORDS = re.compile(_HOUSE + r"(?:" + _WORD + r"[ \t]{1,3}){0,4}" + _WORD)
_PROSE_VERBS = frozenset(
    {
        "live",
        "lives",
        "living",
        "reside",
        "resides",
        "residing",
        "located",
        "ship",
        "shipped",
        "deliver",
        "delivered",
        "send",
        "sent",
        "mail",
        "mailed",
    }
)
_PROSE_OBJECTS = frozenset({"it", "them", "this"})
_PO_BOX_BEFORE = re.compile(r"(?i:p\.?[ \t]?o\.?[ \t]?box)[ \t]{0,3}#?\Z")

_STATES = (
    "AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH"
    "|NJ|NM|NY|NC|ND|OH|OK|OR|PA|PR|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY"
    # Territories, freely associated states and military "states".
    "|AS|GU|MP|VI|FM|MH|PW|AA|AE|AP"
)
_CITY = (
    _UPPER + r"[^\W\d_]{1,24}+(?:(?:[ \t]{1,2}|\.[ \t]{1,2}|-)" + _UPPER + r"[^\W\d_]{1,24}+){0,2}"
)
# A continental town after its postcode: no "Town. Next sentence" ("St. Gallen" excepted).
_EU_CITY = (
    r"(?:St\.[ \t])?"
    + _UPPER
    + r"[^\W\d_]{1,24}+(?:(?:[ \t]{1,2}|-)"
    + _UPPER
    + r"[^\W\d_]{1,24}+){0,2}"
)
# "… am Main", "… ob der Tauber", "… an der Saale", "… (Saale)": a town's lower-case tail.
_CITY_PARTICLE = (
    r"(?:[ \t](?:am|an[ \t]der|ob[ \t]der|im|in|bei|vor[ \t]der|auf|unter|upon|on|sur|en)"
    r"[ \t]" + _UPPER + r"[^\W\d_]{1,24}+|[ \t]\(" + _UPPER + r"[^\W\d_]{1,24}+\))?"
)
_UK_POSTCODE = r"(?:[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?[ \t]?\d[ABD-HJLNP-UW-Z]{2}|GIR[ \t]?0AA)"
_SEP = r"(?:,[ \t]{0,3}(?:\r?\n[ \t]{0,3})?|[ \t]{0,3}\r?\n[ \t]{0,3}|[ \t]{1,3})"
_UNIT = re.compile(
    r",?[ \t]{0,3}(?:Apt|Apartment|Suite|Ste|Unit|Flat|Fl|Floor|Rm|Room|Bldg|#)\.?[ \t]{0,3}#?"
    r"[A-Za-z0-9][A-Za-z0-9\-]{0,7}+(?![\w])"
)
_TAILS = (
    # ", Springfield, IL 62704" (ZIP optional once a street came first; any two capitals make a
    # state code when a ZIP follows).
    re.compile(
        _SEP
        + _CITY
        + r"(?:,[ \t]{0,3}|[ \t]{1,3})(?:(?:"
        + _STATES
        + r")(?:[ \t]{1,3}\d{5}(?:-\d{4})?)?|[A-Z]{2}[ \t]{1,3}\d{5}(?:-\d{4})?)(?![\w\-])"
    ),
    # ", London SW1A 1AA".
    re.compile(_SEP + r"(?:" + _CITY + r",?[ \t]{1,3})?" + _UK_POSTCODE + r"(?![A-Za-z0-9])"),
    # ", 10115 Berlin", "1012 AB Amsterdam" and "91541 Rothenburg ob der Tauber".
    re.compile(
        _SEP + r"(?:[A-Z]{1,2}-)?\d{4,5}(?:[ \t]?[A-Z]{2})?[ \t]{1,3}" + _EU_CITY + _CITY_PARTICLE
    ),
)
# A postcode and town after a street whose type word is not known ("Jesselring 2, 46912 Flöha").
_EU_TAIL = re.compile(r",[ \t]{0,3}(?:[A-Z]{1,2}-)?\d{5}[ \t]{1,3}" + _EU_CITY + _CITY_PARTICLE)
# A capitalized street name right before a house number ("Jesselring ", "Am Markt ").
_STREET_WORD_BEFORE = re.compile(
    r"(?<![\w\-])(?:" + _UPPER + r"[^\W\d_]{1,24}+[ \t])?" + _UPPER + r"[^\W\d_]{2,30}+[ \t]\Z"
)
_STATE_ZIP_BEFORE = re.compile(
    r"(?<![\w\-])" + _CITY + r"(?:,?[ \t]{1,3}(?:" + _STATES + r")|,[ \t]{1,3}[A-Z]{2})[ \t]{1,3}\Z"
)
_ZIP = re.compile(r"\d{5}(?:-\d{4})?(?![\w\-])")
_UK_AT = re.compile(r"(?<![A-Za-z0-9])" + _UK_POSTCODE + r"(?![A-Za-z0-9])")
_TOWN_BEFORE = re.compile(r"(?<![\w\-])" + _CITY + r",?[ \t]{1,3}\Z")
# "Flat 5, Singh Greens, " before "Joannaville M8W 0YE": a UK unit and building or street.
_UK_UNIT_BEFORE = re.compile(
    r"(?<![\w\-])(?:Flat|Studio|Apartment|Apt|Unit|Suite|Room)\.?[ \t]{1,3}[A-Za-z0-9]{1,6}+,"
    r"[ \t]{1,3}(?:" + _UPPER + r"[^\W\d_]{1,24}+[ \t]{1,2}){0,3}" + _UPPER + r"[^\W\d_]{1,24}+,"
    r"[ \t]{1,3}\Z"
)
_BLANK_SEPARATED = re.compile(r"[^ \t]+")
_EU_NUMBER = re.compile(r"\d{1,5}+[a-zA-Z]?(?:[-/]\d{1,5}+[a-zA-Z]?)?(?![\w])")
_GERMANIC = (
    "straße",
    "strasse",
    "str.",
    "weg",
    "platz",
    "gasse",
    "allee",
    "damm",
    "ufer",
    "chaussee",
    "steig",
    "stieg",
    "-ring",
    "laan",
    "straat",
    "gracht",
    "plein",
    "kade",
    "vej",
    "gade",
    "gatan",
    "vägen",
    "veien",
    "gata",
)
_GERMANIC_WORDS = frozenset(
    {"straße", "strasse", "weg", "platz", "gasse", "allee", "damm", "ufer", "ring", "chaussee"}
)
_ROMANCE = frozenset(
    {
        "via",
        "viale",
        "piazza",
        "corso",
        "largo",
        "vicolo",
        "calle",
        "avenida",
        "plaza",
        "paseo",
        "carrer",
        "camino",
        "rua",
        "travessa",
        "praça",
    }
)
_PARTICLES = frozenset(
    {"de", "del", "della", "dei", "di", "da", "do", "dos", "das", "la", "le", "el", "los", "las"}
)
_LABELS = frozenset(
    {
        "address",
        "addr",
        "home address",
        "mailing address",
        "shipping address",
        "billing address",
        "delivery address",
        "street address",
        "postal address",
        "residential address",
        "permanent address",
        "current address",
        "correspondence address",
        "ship to",
        "deliver to",
        "bill to",
        "send to",
        "mail to",
        "anschrift",
        "adresse",
        "dirección",
        "indirizzo",
    }
)
_LABEL_STRIP = " \t*\"'`-•>#_|"
_LABEL_SPLIT = re.compile(r"[,;{(|\[]|[.!?][ \t]")
_LABEL_VALUE = re.compile(r"[ \t]*[*\"'`]{0,2}[ \t]*(?P<v>[^\r\n\"]{4,160}+)")
# A labelled value must look like a place: a house number next to a word, not "0x7ffd" or an IP.
_PLACE_LIKE = re.compile(
    r"(?<![\w.:])\d{1,6}[A-Za-z]?,?[ \t]{1,3}[^\W\d_]{2}|[^\W\d_]{2},?[ \t]{1,3}\d{1,5}(?![\w.:])"
)
# A line after an empty labelled line ("Ship to:") that starts like a street line.
_LINE_PLACE = re.compile(
    r"[ \t]*(?:\d{1,6}+[A-Za-z]?(?:-\d{1,5}+)?,?[ \t]{1,3}[^\W\d_]{2}"
    r"|(?:Flat|Apt|Apartment|Suite|Unit|Studio|Room|P\.?[ \t]?O\.?[ \t]?Box)\.?[ \t]{1,3}\w)"
)
_NEXT_LINES = 3
# Table columns that hold an address (a street line needs a digit) or a town.
_ADDRESS_COLUMNS = frozenset(
    {
        "address",
        "addr",
        "street",
        "street_address",
        "address_line",
        "address_line1",
        "address_line_1",
        "address1",
        "home_address",
        "mailing_address",
        "postal_address",
        "billing_address",
        "shipping_address",
        "delivery_address",
        "residential_address",
        "location",
    }
)
_TOWN_COLUMNS = frozenset({"city", "town"})
_YEAR_WORDS = frozenset({"in", "since", "by", "of", "from", "until", "during", "year", "circa"})
_SENTENCE_END = re.compile(r"[.!?][ \t]")
_ABBREVIATIONS = frozenset(
    {"St", "Ave", "Av", "Rd", "Dr", "Blvd", "Ln", "Ct", "Pl", "Apt", "Mt", "Ft", "N", "S", "E", "W"}
)
_DIGITS = re.compile(r"[0-9]+")
_MAX_LABEL = 40


def _match_end(pattern: re.Pattern[str], text: str, pos: int) -> int:
    """Return the end of ``pattern`` matched at ``pos``, or ``pos`` when it does not match."""
    match = pattern.match(text, pos)
    return pos if match is None else match.end()


def _extend(text: str, end: int) -> tuple[int, bool]:
    """Extend an address ending at ``end`` over a unit and a city/postcode tail.

    Returns:
        The new end, and whether a city/postcode tail was found.
    """
    unit = _UNIT.match(text, end)
    if unit is not None:
        end = unit.end()
    for tail in _TAILS:
        match = tail.match(text, end)
        if match is not None:
            return match.end(), True
    return end, False


def _after_year_word(text: str, start: int) -> bool:
    """Return whether the number at ``start`` is a year after "in", "since"... (not a house)."""
    year = text[start : start + 5]
    if len(year) < 4 or not year[:4].isdigit() or year[:2] not in ("19", "20"):
        return False
    if year[4:].isdigit():
        return False
    word = text[max(0, start - 8) : start].rstrip().rsplit(None, 1)[-1:]
    return bool(word) and word[0].lower() in _YEAR_WORDS


def _after_verb(before: str) -> bool:
    """Return whether ``before`` ends like "lives at " or "ship it to "."""
    words = before.lower().split()[-3:]
    if len(words) >= 2 and words[-2] in _PROSE_OBJECTS:
        words.pop(-2)
    return len(words) >= 2 and words[-2] in _PROSE_VERBS


def _eu_street_start(text: str, number: int) -> int | None:
    """Return where a street name written before its house number starts (``Hauptstraße 5``)."""
    # The words before the number, nearest last; bounded to a short window on the same line.
    window_start = max(0, number - 80, text.rfind("\n", max(0, number - 80), number) + 1)
    window = text[window_start:number]
    stripped = window.rstrip(" \t,")
    if stripped.endswith("str."):  # "Wiekstr. 27"
        stripped = stripped[:-1]
    if not stripped or not stripped[-1].isalpha():
        return None
    low = stripped.lower()
    last = low[max(low.rfind(" "), low.rfind("\t")) + 1 :]
    germanic = last.endswith(_GERMANIC) or last in _GERMANIC_WORDS or last.endswith("str")
    if not germanic and _ROMANCE.isdisjoint(low.split()[-6:]):
        return None
    words = [(m.start() + window_start, m.group()) for m in _BLANK_SEPARATED.finditer(stripped)]
    start, word = words[-1]
    if germanic:
        if not word[0].isupper():
            return None
        if last in _GERMANIC_WORDS and len(words) > 1 and words[-2][1][0].isupper():
            start = words[-2][0]  # "Berliner Straße 12"
        return start
    # Romance: the street type comes first, then capitalized words and particles.
    found: int | None = None
    for start, word in reversed(words[-6:]):
        low_word = word.lower()
        if low_word in _ROMANCE and word[0].isupper():
            found = start
        elif not word[0].isupper() and low_word not in _PARTICLES:
            break
    return found


def _house_number_piece(text: str, start: int, stop: int) -> tuple[int, int, float] | None:
    """Return the address starting with the house number (or ZIP) at ``start``, if any."""
    if _after_year_word(text, start):
        return None
    gap = start if stop - start > 6 else stop
    nxt = text[gap : gap + 5].lstrip(" \t")[:1]
    if nxt.isupper() or nxt.isdigit() or (nxt.isalpha() and text[stop : stop + 1].isalpha()):
        for pattern in (_US_STREET, _FR_STREET):
            match = pattern.match(text, start)
            if match is not None:
                end, full = _extend(text, match.end())
                return start, end, _FULL_SCORE if full else _SCORE
        match = _US_STREET_WIDE.match(text, start)
        if match is not None:
            end, full = _extend(text, match.end())
            if full or _UNIT.match(text, match.end()) is not None:
                return start, end, _FULL_SCORE if full else _SCORE
    if nxt.islower():
        for pattern in (_FR_STREET, _LOWER_STREET):
            match = pattern.match(text, start)
            if match is not None:
                end, full = _extend(text, match.end())
                low_score = pattern is _LOWER_STREET
                return (
                    start,
                    end,
                    (0.75 if full else 0.6) if low_score else (_FULL_SCORE if full else _SCORE),
                )
    before = text[max(0, start - 40) : start]
    if before[-4:].lower().endswith(("at ", "to ", "at\t", "to\t")) and _after_verb(before):
        match = _HOUSE_WORDS.match(text, start)
        if match is not None:
            end, full = _extend(text, match.end())
            return start, end, _SCORE if full else 0.75
    if "box" in before[-8:].lower():
        box = _PO_BOX_BEFORE.search(before)
        if box is not None:
            return start - len(before) + box.start(), stop, 0.8
    return _city_state_zip(text, start, stop)


def _city_state_zip(text: str, start: int, stop: int) -> tuple[int, int, float] | None:
    """Return "Springfield, IL 62704" when the digit run at ``start`` is its ZIP code."""
    code = text[max(0, start - 3) : start - 1]
    if stop - start != 5 or len(code) != 2 or not code.isupper():
        return None
    zip_match = _ZIP.match(text, start)
    city = _STATE_ZIP_BEFORE.search(text, max(0, start - 48), start)
    if zip_match is not None and city is not None:
        return city.start(), zip_match.end(), 0.8
    return None


class AddressDetector:
    """Finds street addresses (``LOCATION``, Presidio's name for places).

    Covers US/UK street lines with an optional unit and city/state/ZIP or postcode tail (reported
    as one finding), labelled address lines, "City, ST 12345" lines, PO boxes, and continental
    forms such as ``Hauptstraße 5, 10115 Berlin`` or ``12 rue de la Paix``.

    >>> text = "Ship it to 742 Evergreen Terrace, Springfield, IL 62704 please."
    >>> [text[f.start : f.end] for f in AddressDetector().detect(text)]
    ['742 Evergreen Terrace, Springfield, IL 62704']
    """

    name: str = "address"
    """Detector name recorded on findings."""

    def detect(self, text: str) -> list[Finding]:
        """Return the street addresses in ``text``."""
        pieces: list[tuple[int, int, float]] = []
        saw_digit = False
        for match in _DIGITS.finditer(text):
            saw_digit = True
            start = match.start()
            prev = text[start - 1] if start else " "
            if prev.isdigit():
                continue
            piece = self._at_number(text, start, match.end(), prev)
            if piece is not None:
                pieces.append(piece)
        if saw_digit and ":" in text:
            self._labels(text, pieces)
        if "\n" in text or ")" in text:
            pieces.extend(_address_cells(text))
        return [
            Finding("LOCATION", start, end, score, detector=self.name)
            for start, end, score in _merge(text, pieces)
        ]

    @staticmethod
    def _at_number(text: str, start: int, stop: int, prev: str) -> tuple[int, int, float] | None:
        """Return the address piece anchored at the digit run ``text[start:stop]``, if any."""
        # Cheap character tests pick the few patterns that can apply before any regex runs.
        after = text[stop : stop + 1]
        if not (prev.isalnum() or prev in "._-/:+$#@"):
            if after in " \t," or after.isalpha():
                piece = _house_number_piece(text, start, stop)
            else:
                piece = _city_state_zip(text, start, stop)  # a ZIP that ends a line
            if piece is not None:
                return piece
        if prev in " \t,":
            street = _eu_street_start(text, start)
            number = _EU_NUMBER.match(text, start)
            if street is not None and number is not None:
                end, full = _extend(text, number.end())
                return street, end, _FULL_SCORE if full else 0.8
            if prev in " \t" and number is not None:
                tail = _EU_TAIL.match(text, number.end())
                word = _STREET_WORD_BEFORE.search(text, max(0, start - 40), start)
                if tail is not None and word is not None:
                    return word.start(), tail.end(), _FULL_SCORE
        if stop - start <= 2 and (
            prev.isupper() or (prev in " \t" and text[start - 2 : start - 1].isupper())
        ):
            # UK postcode: the digit run sits inside it ("SW1A 1AA" or "M1 1AE").
            for back in (1, 2, 3):
                postcode = _UK_AT.match(text, max(0, start - back))
                if postcode is not None and postcode.start() + back == start:
                    town = _TOWN_BEFORE.search(
                        text, max(0, postcode.start() - 40), postcode.start()
                    )
                    if town is not None:
                        unit = _UK_UNIT_BEFORE.search(text, max(0, town.start() - 90), town.start())
                        first = town.start() if unit is None else unit.start()
                        return first, postcode.end(), 0.75
        return None

    @staticmethod
    def _labels(text: str, pieces: list[tuple[int, int, float]]) -> None:
        """Add values of labelled lines such as ``Mailing address: ...`` to ``pieces``."""
        colon = text.find(":")
        while colon != -1:
            window_start = max(0, colon - _MAX_LABEL)
            line_start = text.rfind("\n", window_start, colon) + 1 or window_start
            parts = _LABEL_SPLIT.split(text[line_start:colon])
            label = parts[-1].strip(_LABEL_STRIP).lower()
            bounded = len(parts) > 1 or line_start > window_start or window_start == 0
            if label in _LABELS and bounded:
                value = _LABEL_VALUE.match(text, colon + 1)
                span: tuple[int, int] | None = None
                if value is not None and _PLACE_LIKE.search(value.group("v")):
                    span = value.span("v")
                elif value is None:
                    span = _place_on_next_lines(text, colon + 1)
                if span is not None:
                    start, end = span
                    inside = [p[0] for p in pieces if start <= p[0] < end]
                    # A structured piece inside already ends the address; the label adds only
                    # what precedes it ("Flat 3, "). Otherwise stop at the end of the sentence.
                    end = min(inside) if inside else _sentence_end(text, start, end)
                    while end > start and text[end - 1] in " \t.,;":
                        end -= 1
                    if end > start:
                        pieces.append((start, end, _SCORE))
            colon = text.find(":", colon + 1)


def _place_on_next_lines(text: str, pos: int) -> tuple[int, int] | None:
    """Return the first street-like line among the few after an empty labelled line.

    ``Ship to:`` is often followed by the recipient's name and then the street line.
    """
    line_end = text.find("\n", pos, pos + 80)
    if line_end == -1 or text[pos:line_end].strip():
        return None
    for _ in range(_NEXT_LINES):
        start = line_end + 1
        line_end = text.find("\n", start)
        stop = len(text) if line_end == -1 else line_end
        if not text[start:stop].strip():
            return None
        if _LINE_PLACE.match(text, start, stop):
            while text[start] in " \t":
                start += 1
            return start, stop
        if line_end == -1:
            return None
    return None


def _address_cells(text: str) -> list[tuple[int, int, float]]:
    """Return the cells of address and town columns in tables and SQL ``VALUES`` lists."""
    if not ("ddress" in text or "DDRESS" in text or "treet" in text or "ity" in text):
        return []
    pieces: list[tuple[int, int, float]] = []
    for start, end, column, _ in table_cells(text):
        value = text[start:end]
        if column in _ADDRESS_COLUMNS:
            if any(c.isdigit() for c in value) and any(c.isalpha() for c in value):
                pieces.append((start, end, _SCORE))
        elif column in _TOWN_COLUMNS and value[:1].isupper() and not value.isupper():
            pieces.append((start, end, 0.7))
    return pieces


def _sentence_end(text: str, start: int, end: int) -> int:
    """Return where the first sentence in ``text[start:end]`` ends (not after "St." or "N.")."""
    for match in _SENTENCE_END.finditer(text, start, end):
        word = text[max(start, match.start() - 8) : match.start()].rsplit(None, 1)[-1:]
        if not word or word[0].rstrip(".") not in _ABBREVIATIONS:
            return match.start() + 1
    return end


def _merge(text: str, pieces: list[tuple[int, int, float]]) -> list[tuple[int, int, float]]:
    """Join overlapping pieces and pieces separated only by a comma, blanks or one line break."""
    pieces.sort()
    merged: list[tuple[int, int, float]] = []
    for start, end, score in pieces:
        if merged:
            m_start, m_end, m_score = merged[-1]
            gap = text[m_end:start] if start > m_end else ""
            if start <= m_end or (
                len(gap) <= 6 and gap.count("\n") <= 1 and not gap.strip(" \t\r\n,")
            ):
                merged[-1] = (m_start, max(m_end, end), max(m_score, score))
                continue
        merged.append((start, end, score))
    return merged

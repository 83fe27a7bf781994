"""Confidence-escalation quality: how well each signal predicts a wrong local answer.

Run: ``python benchmarks/escalation.py [--limit N] [--verifier] [--samples N] [--reframe]
[--json PATH]``;
``--write-dataset`` regenerates ``benchmarks/data/factual.jsonl`` (deterministic).

The embedded Gemma 3 270M (a base model) answers ~470 short factual questions. It is
asked through the server's raw ``/v1/completions`` endpoint behind a fixed three-example
prefix (:data:`FEW_SHOT`): through the chat template a base model this small repeats the
question instead of answering it. Each item is isolated: a one-token request for the
prefix alone goes first, so every item reuses exactly that prefix of the server's cache and
its log-probabilities do not depend on the item before it. Raw outputs are cached
(``--cache``), so a re-run re-scores without asking the model again.

Signals: the token log-probabilities of the answer, ``echo`` (the answer only repeats the
question, read from the text: no extra call), and with ``--verifier`` / ``--samples`` /
``--reframe`` the verifier's P(True) and self-consistency (extra calls): agreement with
temperature samples and with the greedy answers under the other framings of
:data:`REFRAMINGS`. "No extra calls" rows combine the
first two kinds.

It prints, per signal and per combination, the AUROC for predicting a WRONG answer and the
share of requests that must be escalated (lowest confidence first, escalated answers
counted as right) to reach 90% and 95% accuracy; beside them random escalation (its
expectation), a perfect scorer, and LangChain's ``with_fallbacks``, which escalates only
when the local call raises. The fitted combination is a logistic regression over the
signals, scored out of sample (5 stratified folds, fixed order). Goals: the combination
reaches AUROC >= 0.85 and 95% accuracy escalating at most 50%; the log-probability signals
alone (no extra model calls) reach AUROC >= 0.80.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
import unicodedata
import urllib.request
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hybridchain.core.complexity.metrics import cpt
from hybridchain.core.confidence import (
    ConfidenceWeights,
    compute_signals,
    p_true,
    parse_logprobs,
)

ROOT = Path(__file__).resolve().parent
DATASET = ROOT / "data" / "factual.jsonl"
CACHE = ROOT / ".cache" / "escalation.json"
FEW_SHOT = (
    "Q: What is the capital of Italy?\nA: Rome\n\n"
    "Q: What is 4+4?\nA: 8\n\n"
    "Q: What colour is snow?\nA: white\n\n"
)
"""Prepended to every prompt so that the base model answers in the ``A: ...`` format."""
VERIFIER = (
    "{question}\nProposed answer: {answer}\nIs the proposed answer correct? Answer Yes or No:"
)
REFRAMINGS: tuple[tuple[str, str, str], ...] = (
    (
        "Q: What is the capital of Spain?\nA: Madrid\n\n"
        "Q: What is 3+5?\nA: 8\n\nQ: What colour is grass?\nA: green\n\n",
        "Q: ",
        "\nA:",
    ),
    (
        "Q: Who wrote Macbeth?\nA: Shakespeare\n\n"
        "Q: How many legs does a cat have?\nA: 4\n\nQ: What is the capital of Japan?\nA: Tokyo\n\n",
        "Q: ",
        "\nA:",
    ),
    (
        "Question: What is the largest ocean?\nAnswer: Pacific\n\n"
        "Question: What is 2+7?\nAnswer: 9\n\n",
        "Question: ",
        "\nAnswer:",
    ),
)
"""Other framings of each question for ``--reframe`` (prefix, question start, answer cue):
other examples, and another format. The raw-completion twin of the escalator's
``reframings`` (``DEFAULT_REFRAMINGS`` rewrite a chat request's last user message)."""
SAMPLE_SEEDS = "crc32(index:prompt)"
"""How sampling seeds are chosen (recorded in the cache; samples drawn otherwise are redrawn)."""
TARGETS = (0.90, 0.95)
LOGPROB_SIGNALS = ("min_prob", "mean_prob", "first_margin", "answer_prob")
TEXT_SIGNALS = ("echo",)
EXTRA_SIGNALS = ("p_true", "consistency")
_WEIGHTS = ConfidenceWeights()


# -- metrics (pure) ------------------------------------------------------------------------


def auroc(scores: Sequence[float], positive: Sequence[bool]) -> float:
    """Area under the ROC curve: P(a positive scores above a negative), ties counting half.

    >>> auroc([0.9, 0.8, 0.1], [True, True, False])
    1.0
    """
    pos = [s for s, p in zip(scores, positive, strict=True) if p]
    neg = [s for s, p in zip(scores, positive, strict=True) if not p]
    if not pos or not neg:
        raise ValueError("AUROC needs at least one positive and one negative")
    ranked = sorted(scores)
    # Mann-Whitney U with mid-ranks for ties.
    first: dict[float, int] = {}
    last: dict[float, int] = {}
    for i, s in enumerate(ranked, start=1):
        first.setdefault(s, i)
        last[s] = i
    rank_sum = sum((first[s] + last[s]) / 2 for s in pos)
    u = rank_sum - len(pos) * (len(pos) + 1) / 2
    return u / (len(pos) * len(neg))


def escalation_rate(confidence: Sequence[float], correct: Sequence[bool], target: float) -> float:
    """Smallest share of requests to escalate, least confident first, to reach ``target`` accuracy.

    Escalated answers count as right. Ties in confidence are escalated in every order
    equally (the expectation), and shares are interpolated between request counts.

    >>> escalation_rate([0.9, 0.2, 0.8, 0.1], [True, False, True, False], 1.0)
    0.5
    """
    n = len(correct)
    accuracy = sum(correct) / n
    if accuracy >= target:
        return 0.0
    weak = [float(c) for c in correct]
    gap_share = (target - accuracy) / (1.0 - accuracy)
    return cpt([-c for c in confidence], weak, [1.0] * n, gap_share)


def random_rate(accuracy: float, target: float) -> float:
    """Expected share random escalation needs: accuracy grows by ``share · error rate``."""
    return 0.0 if accuracy >= target else (target - accuracy) / (1.0 - accuracy)


def perfect_rate(accuracy: float, target: float) -> float:
    """Share a perfect scorer needs: escalate wrong answers only, just enough of them."""
    return max(0.0, target - accuracy)


# -- correctness --------------------------------------------------------------------------

_ARTICLES = ("the", "a", "an")


def normalize(text: str) -> list[str]:
    """Words of ``text``: accents, apostrophes and case dropped, other punctuation spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    plain = re.sub(r"['\u2019`]", "", plain)
    return re.sub(r"[^0-9a-z]+", " ", plain).split()


def is_correct(answer: str, accepted: Sequence[str]) -> bool:
    """Whether the answer's first line starts with (or, for words, contains) an accepted one.

    >>> is_correct(" The Paris.", ["paris"]), is_correct("Lyon", ["paris"])
    (True, False)
    """
    lines = answer.strip().splitlines()
    words = normalize(lines[0]) if lines else []
    stripped = words[1:] if words[:1] and words[0] in _ARTICLES else words
    for option in accepted:
        target = normalize(option)
        if not target:
            continue
        k = len(target)
        if words[:k] == target or stripped[:k] == target:
            return True
        word_like = len(option) >= 3 and not option.isdigit()
        if word_like and any(words[i : i + k] == target for i in range(len(words))):
            return True
    return False


# -- the dataset (generated, deterministic) -----------------------------------------------

_NUMBER_WORDS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty"
).split()


def _number(n: int) -> list[str]:
    return [str(n), _NUMBER_WORDS[n]] if 0 <= n <= 20 else [str(n)]


def _alts(spec: str) -> list[str]:
    return [a.strip() for a in spec.split("|")]


_CAPITALS = """france:paris germany:berlin spain:madrid japan:tokyo china:beijing russia:moscow
egypt:cairo greece:athens portugal:lisbon ireland:dublin austria:vienna belgium:brussels
the_netherlands:amsterdam sweden:stockholm norway:oslo denmark:copenhagen finland:helsinki
poland:warsaw hungary:budapest the_czech_republic:prague switzerland:bern canada:ottawa
australia:canberra brazil:brasilia argentina:buenos_aires mexico:mexico_city peru:lima
chile:santiago colombia:bogota venezuela:caracas cuba:havana india:new_delhi|delhi
pakistan:islamabad bangladesh:dhaka thailand:bangkok vietnam:hanoi indonesia:jakarta
the_philippines:manila south_korea:seoul north_korea:pyongyang mongolia:ulaanbaatar|ulan_bator
kazakhstan:astana uzbekistan:tashkent iran:tehran iraq:baghdad saudi_arabia:riyadh
turkey:ankara jordan:amman syria:damascus lebanon:beirut kenya:nairobi nigeria:abuja
ghana:accra ethiopia:addis_ababa morocco:rabat algeria:algiers tunisia:tunis senegal:dakar
uganda:kampala tanzania:dodoma zimbabwe:harare zambia:lusaka angola:luanda mali:bamako
niger:niamey chad:ndjamena sudan:khartoum libya:tripoli new_zealand:wellington ukraine:kyiv|kiev
romania:bucharest bulgaria:sofia serbia:belgrade croatia:zagreb slovakia:bratislava
slovenia:ljubljana estonia:tallinn latvia:riga lithuania:vilnius iceland:reykjavik
nepal:kathmandu afghanistan:kabul malaysia:kuala_lumpur cambodia:phnom_penh laos:vientiane
ecuador:quito paraguay:asuncion uruguay:montevideo jamaica:kingston qatar:doha oman:muscat
armenia:yerevan georgia:tbilisi azerbaijan:baku belarus:minsk albania:tirana
the_united_kingdom:london the_united_states:washington"""

_OPPOSITES = """hot:cold big:small|little up:down day:night black:white open:closed|shut fast:slow
happy:sad|unhappy tall:short wet:dry light:dark|heavy good:bad|evil old:new|young early:late
full:empty hard:soft|easy rich:poor strong:weak thick:thin loud:quiet|soft high:low win:lose
push:pull left:right inside:outside north:south east:west buy:sell love:hate true:false
friend:enemy|foe alive:dead clean:dirty cheap:expensive ancient:modern|new arrive:depart|leave
accept:reject|refuse|decline victory:defeat maximum:minimum ascend:descend increase:decrease
first:last question:answer remember:forget|forgot always:never above:below|under"""

_COLOURS = """a_banana:yellow grass:green a_clear_sky:blue coal:black milk:white a_ripe_tomato:red
a_carrot:orange an_emerald:green a_ruby:red a_sapphire:blue chocolate:brown a_lemon:yellow
a_lime:green a_crow:black a_flamingo:pink blood:red a_strawberry:red a_plum:purple|violet
an_aubergine:purple|violet a_pumpkin:orange a_cucumber:green a_fire_engine:red a_canary:yellow
chalk:white soot:black a_dandelion:yellow lavender:purple|violet|lilac a_pearl:white
rust:orange|brown|red a_polar_bear:white an_elephant:grey|gray ivory:white|cream
a_cherry:red a_leaf:green a_fox:orange|red|brown an_orange:orange a_raven:black a_swan:white
a_school_bus:yellow a_tangerine:orange spinach:green broccoli:green a_raspberry:red|pink
a_frog:green a_panther:black a_sunflower:yellow a_blueberry:blue|purple|indigo
mustard:yellow a_mouse:grey|gray|brown cocoa:brown a_grizzly_bear:brown butter:yellow
a_pine_tree:green a_goldfish:orange|gold|golden a_pig:pink a_lobster:red|blue|brown
a_bluebell:blue|purple|violet"""

_PLURALS = """cat:cats dog:dogs mouse:mice child:children foot:feet tooth:teeth goose:geese man:men
woman:women person:people|persons ox:oxen sheep:sheep deer:deer box:boxes bus:buses|busses
city:cities baby:babies knife:knives leaf:leaves wolf:wolves half:halves potato:potatoes
tomato:tomatoes cactus:cacti|cactuses fungus:fungi|funguses nucleus:nuclei crisis:crises
analysis:analyses phenomenon:phenomena criterion:criteria index:indices|indexes
appendix:appendices|appendixes louse:lice die:dice church:churches glass:glasses book:books
tree:trees house:houses key:keys hero:heroes echo:echoes wife:wives life:lives thesis:theses
fish:fish|fishes"""

_CHEMICAL = """gold:au silver:ag iron:fe oxygen:o hydrogen:h carbon:c nitrogen:n sodium:na
potassium:k helium:he calcium:ca copper:cu lead:pb tin:sn mercury:hg zinc:zn sulfur:s
chlorine:cl neon:ne uranium:u magnesium:mg silicon:si tungsten:w phosphorus:p
aluminium:al argon:ar fluorine:f lithium:li platinum:pt nickel:ni cobalt:co chromium:cr
manganese:mn titanium:ti iodine:i bromine:br boron:b beryllium:be radon:rn plutonium:pu
barium:ba strontium:sr arsenic:as bismuth:bi"""

_CURRENCIES = """india:rupee|rupees|inr china:yuan|renminbi|rmb|cny
russia:rouble|ruble|roubles|rubles|rub
mexico:peso|pesos|mxn switzerland:franc|francs|chf south_korea:won|krw brazil:real|reais|brl
germany:euro|euros|eur france:euro|euros|eur italy:euro|euros|eur spain:euro|euros|eur
canada:dollar|dollars|cad australia:dollar|dollars|aud sweden:krona|kronor|sek
norway:krone|kroner|nok denmark:krone|kroner|dkk poland:zloty|zlotys|pln turkey:lira|liras
south_africa:rand|rands|zar thailand:baht|thb israel:shekel|shekels|sheqel|ils
egypt:pound|pounds|egp argentina:peso|pesos|ars indonesia:rupiah|idr vietnam:dong|vnd
nigeria:naira|ngn"""

_CONTINENTS = """kenya:africa brazil:south_america france:europe japan:asia canada:north_america
australia:australia|oceania|australasia egypt:africa india:asia argentina:south_america
germany:europe mexico:north_america|central_america china:asia nigeria:africa
peru:south_america italy:europe thailand:asia morocco:africa chile:south_america
norway:europe vietnam:asia ghana:africa colombia:south_america poland:europe mongolia:asia
the_united_states:north_america new_zealand:oceania|australasia"""

_LANGUAGES = """france:french italy:italian spain:spanish portugal:portuguese russia:russian
japan:japanese china:chinese|mandarin greece:greek the_netherlands:dutch poland:polish
sweden:swedish turkey:turkish egypt:arabic saudi_arabia:arabic iran:persian|farsi
israel:hebrew hungary:hungarian finland:finnish norway:norwegian denmark:danish
south_korea:korean thailand:thai vietnam:vietnamese indonesia:indonesian|bahasa
the_united_kingdom:english austria:german"""

_PEOPLE = [
    ("Who wrote Hamlet?", "shakespeare|william shakespeare"),
    ("Who wrote Pride and Prejudice?", "austen|jane austen"),
    ("Who wrote the Harry Potter books?", "rowling|j k rowling"),
    ("Who wrote the Odyssey?", "homer"),
    ("Who wrote Don Quixote?", "cervantes|miguel de cervantes"),
    ("Who wrote War and Peace?", "tolstoy|tolstoi|leo tolstoy"),
    ("Who wrote Oliver Twist?", "dickens|charles dickens"),
    ("Who wrote the novel 1984?", "orwell|george orwell"),
    ("Who wrote On the Origin of Species?", "darwin|charles darwin"),
    ("Who wrote Moby-Dick?", "melville|herman melville"),
    ("Who wrote The Adventures of Tom Sawyer?", "twain|mark twain|clemens"),
    ("Who wrote the Divine Comedy?", "dante|alighieri"),
    ("Who composed the Moonlight Sonata?", "beethoven"),
    ("Who composed The Magic Flute?", "mozart"),
    ("Who painted The Starry Night?", "van gogh|gogh|vincent"),
    ("Who painted the ceiling of the Sistine Chapel?", "michelangelo"),
    ("Who painted The Last Supper?", "leonardo|da vinci|leonardo da vinci"),
    ("Who invented the telephone?", "bell|alexander graham bell"),
    ("Who invented the practical light bulb?", "edison|thomas edison|swan"),
    ("Who invented the World Wide Web?", "berners lee|tim berners lee|berners"),
    ("Who formulated the law of universal gravitation?", "newton|isaac newton"),
    ("Who developed the theory of relativity?", "einstein|albert einstein"),
    ("Who discovered penicillin?", "fleming|alexander fleming"),
    ("Who was the first person to walk on the Moon?", "armstrong|neil armstrong"),
    ("Who discovered radium?", "curie|marie curie|pierre curie"),
    ("Who printed the first book with movable type in Europe?", "gutenberg"),
]


_COUNTS = [
    ("How many legs does a spider have?", 8),
    ("How many legs does an insect have?", 6),
    ("How many legs does a dog have?", 4),
    ("How many legs does a bird have?", 2),
    ("How many days are in a week?", 7),
    ("How many months are in a year?", 12),
    ("How many hours are in a day?", 24),
    ("How many minutes are in an hour?", 60),
    ("How many seconds are in a minute?", 60),
    ("How many sides does a triangle have?", 3),
    ("How many sides does a square have?", 4),
    ("How many sides does a hexagon have?", 6),
    ("How many sides does an octagon have?", 8),
    ("How many sides does a pentagon have?", 5),
    ("How many continents are there?", 7),
    ("How many players are on a football (soccer) team on the pitch?", 11),
    ("How many days are in a leap year?", 366),
    ("How many cents are in a dollar?", 100),
    ("How many wheels does a bicycle have?", 2),
    ("How many planets are in the solar system?", 8),
    ("How many arms does an octopus have?", 8),
    ("How many years are in a century?", 100),
    ("How many days are in a year?", 365),
    ("How many centimetres are in a metre?", 100),
    ("How many strings does a standard guitar have?", 6),
]

_FACTS = [
    ("What do bees make?", "honey"),
    ("What is frozen water called?", "ice"),
    ("What is the largest planet in the solar system?", "jupiter"),
    ("Which planet is known as the Red Planet?", "mars"),
    ("What is the largest ocean on Earth?", "pacific|pacific ocean"),
    ("Who wrote Romeo and Juliet?", "shakespeare|william shakespeare"),
    ("What language is spoken in Brazil?", "portuguese"),
    ("What language is spoken in Mexico?", "spanish"),
    ("What language is spoken in Germany?", "german"),
    ("What is the currency of Japan?", "yen|japanese yen"),
    ("What is the currency of the United Kingdom?", "pound|pounds|pound sterling|sterling|gbp"),
    ("What is the currency of the United States?", "dollar|dollars|us dollar|usd"),
    ("What gas do plants absorb from the air?", "carbon dioxide|co2"),
    ("At what temperature in Celsius does water boil?", "100"),
    ("At what temperature in Celsius does water freeze?", "0|zero"),
    ("What is the tallest animal?", "giraffe"),
    ("What is the largest mammal?", "blue whale|whale"),
    ("What is the fastest land animal?", "cheetah"),
    ("Who painted the Mona Lisa?", "leonardo|da vinci|leonardo da vinci"),
    ("What is the square root of 81?", "9|nine"),
    ("What is the square root of 144?", "12|twelve"),
    ("What is the largest continent?", "asia"),
    ("What is the hardest natural substance?", "diamond|diamonds"),
    ("What fruit is guacamole made from?", "avocado|avocados"),
    ("In which country are the pyramids of Giza?", "egypt"),
    ("Which animal is called the king of the jungle?", "lion"),
    ("What shape has three sides?", "triangle"),
    ("What is the smallest prime number?", "2|two"),
    ("Which organ pumps blood around the body?", "heart"),
    ("What is the chemical formula of water?", "h2o"),
    ("What star is at the centre of the solar system?", "sun"),
    ("What is the closest planet to the Sun?", "mercury"),
    ("Who was the first president of the United States?", "george washington|washington"),
    ("What is the capital city of the state of Texas?", "austin"),
    ("In which city is the Eiffel Tower?", "paris"),
    ("In which city is the Colosseum?", "rome"),
    ("What is the longest river in Africa?", "nile"),
    ("What is the largest country by area?", "russia"),
    ("What is the main language of Argentina?", "spanish"),
    ("Which metal is liquid at room temperature?", "mercury"),
    ("What is the largest bone in the human body?", "femur|thigh bone|thighbone"),
    ("Which planet is famous for its rings?", "saturn"),
    ("What do caterpillars turn into?", "butterfly|butterflies|moth|moths"),
    ("Which animal has black and white stripes?", "zebra|zebras"),
    ("What is the tallest mountain in the world?", "everest|mount everest"),
    ("What is the largest land animal?", "elephant|african elephant"),
    ("Which bird is a symbol of peace?", "dove"),
    ("Which ocean lies between Europe and North America?", "atlantic|atlantic ocean"),
    ("What is the longest river in South America?", "amazon"),
    ("Which gas do humans need to breathe?", "oxygen"),
    ("What is the name of the Earth's natural satellite?", "moon|the moon|luna"),
    ("In which country is the Taj Mahal?", "india"),
    ("In which city is the Statue of Liberty?", "new york|new york city|nyc"),
    ("In which city is Big Ben?", "london"),
    ("What is the smallest planet in the solar system?", "mercury"),
    ("What is the capital city of Scotland?", "edinburgh"),
    ("What is the main ingredient of bread?", "flour|wheat"),
]

_DAYS = "monday tuesday wednesday thursday friday saturday sunday".split()
_MONTHS = (
    "january february march april may june july august september october november december"
).split()


def _pairs(spec: str) -> list[tuple[str, list[str]]]:
    out = []
    for pair in spec.split():
        key, value = pair.split(":")
        out.append((key.replace("_", " "), [v.replace("_", " ") for v in _alts(value)]))
    return out


def build_dataset() -> list[dict[str, Any]]:
    """Return the items of ``factual.jsonl``: the same list on every call.

    Only tasks that the three-example prefix poses well are kept at full size (recall of a
    name, a word, a symbol or a number); word transformations the base model does not
    take from that prefix (opposites, plurals) keep a dozen items each, and tasks it never
    answered in the expected format (first letters, animal sounds and babies, counting on)
    were dropped. Each kind is spread evenly over the list, so ``--limit N`` takes a
    representative slice.
    """
    items: list[tuple[str, str, list[str]]] = []

    def add(kind: str, question: str, answers: list[str]) -> None:
        items.append((kind, f"Q: {question}\nA:", answers))

    def place(name: str) -> str:
        return name.title().replace("The ", "the ")

    capitals = _pairs(_CAPITALS)
    # Every fourth country last, so the first three quarters keep their ids.
    for country, answers in [c for i, c in enumerate(capitals) if i % 4 != 3]:
        add("capital", f"What is the capital of {place(country)}?", answers)
    for country, answers in capitals[3::4]:
        add("capital", f"What is the capital of {place(country)}?", answers)
    rng = random.Random(20240611)
    seen: set[tuple[str, int, int]] = set()
    # (operation, low, high, drawn, kept): all are drawn so that the draws stay the same.
    specs = [("+", 1, 9, 16, 16), ("+", 10, 49, 14, 10), ("+", 50, 99, 10, 5)]
    specs += [("-", 2, 20, 8, 5), ("x", 2, 9, 12, 6)]
    for op, lo, hi, count, keep in specs:
        drawn = 0
        while drawn < count:
            a, b = rng.randint(lo, hi), rng.randint(lo if op != "+" or lo > 9 else 1, hi)
            if op == "-":
                a, b = max(a, b), min(a, b)
            if (op, a, b) in seen or (op, a, b) == ("+", 4, 4):
                continue
            seen.add((op, a, b))
            drawn += 1
            if drawn > keep:
                continue
            if op == "+":
                add("arithmetic", f"What is {a}+{b}?", _number(a + b))
            elif op == "-":
                add("arithmetic", f"What is {a}-{b}?", _number(a - b))
            else:
                add("arithmetic", f"What is {a} times {b}?", _number(a * b))
    for word, answers in _pairs(_OPPOSITES)[:12]:
        add("opposite", f"What is the opposite of {word}?", answers)
    for thing, answers in _pairs(_COLOURS):
        add("colour", f"What colour is {thing}?", answers)
    for word, answers in _pairs(_PLURALS)[:12]:
        add("plural", f"What is the plural of {word}?", answers)
    for i, day in enumerate(_DAYS):
        add("calendar", f"What day comes after {day.title()}?", [_DAYS[(i + 1) % 7]])
    for i, month in enumerate(_MONTHS):
        add("calendar", f"What month comes after {month.title()}?", [_MONTHS[(i + 1) % 12]])
    for element, answers in _pairs(_CHEMICAL):
        add("chemistry", f"What is the chemical symbol for {element}?", answers)
    for question, n in _COUNTS:
        add("count", question, _number(n))
    for question, spec in _FACTS:
        add("fact", question, _alts(spec))
    for country, answers in _pairs(_CURRENCIES):
        add("currency", f"What is the currency of {place(country)}?", answers)
    for country, answers in _pairs(_CONTINENTS):
        add("continent", f"On which continent is {place(country)}?", answers)
    for country, answers in _pairs(_LANGUAGES):
        add("language", f"What is the main language of {place(country)}?", answers)
    for question, spec in _PEOPLE:
        add("person", question, _alts(spec))
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for kind, prompt, answers in items:
        group = by_kind.setdefault(kind, [])
        group.append(
            {
                "id": f"{kind}-{len(group) + 1:03d}",
                "prompt": prompt,
                "answers": [a.lower() for a in answers],
                "kind": kind,
            }
        )
    # Spread each kind evenly over the file (stable on ties), so any prefix mixes them.
    spread = [
        ((i + 0.5) / len(g), k, item)
        for k, g in enumerate(by_kind.values())
        for i, item in enumerate(g)
    ]
    return [item for _, _, item in sorted(spread, key=lambda t: (t[0], t[1]))]


def write_dataset(path: Path = DATASET) -> int:
    """Write the generated items as JSON lines; return how many."""
    items = build_dataset()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(item) + "\n" for item in items), encoding="utf-8")
    return len(items)


def load_dataset(path: Path = DATASET) -> list[dict[str, Any]]:
    """Read ``factual.jsonl``."""
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


# -- asking the model (raw completions, cached) -------------------------------------------


def _content(choice: dict[str, Any]) -> list[dict[str, Any]]:
    """The completion's ``logprobs`` in the chat shape the core functions read."""
    lp = choice.get("logprobs") or {}
    tokens, logprobs = lp.get("tokens") or [], lp.get("token_logprobs") or []
    tops = lp.get("top_logprobs") or [None] * len(tokens)
    return [
        {
            "token": t,
            "logprob": v,
            "top_logprobs": [{"token": k, "logprob": x} for k, x in (top or {}).items()],
        }
        for t, v, top in zip(tokens, logprobs, tops, strict=False)
    ]


class Model:
    """The local server's ``/v1/completions``, one item at a time."""

    def __init__(self, server: Any) -> None:
        self.server = server

    def complete(self, prompt: str, **body: Any) -> dict[str, Any]:
        """Send one completion request; return its first choice."""
        payload = {"model": self.server.model, "prompt": prompt, **body}
        request = urllib.request.Request(
            self.server.base_url + "/completions",
            data=json.dumps(payload).encode(),
            headers={"Content-Type": "application/json", "Authorization": "Bearer local"},
        )
        with urllib.request.urlopen(request, timeout=300) as response:
            choice: dict[str, Any] = json.load(response)["choices"][0]
        return choice

    def warm(self) -> None:
        """Leave exactly the few-shot prefix in the server's cache, whatever came before.

        Like :func:`hybridchain.local.isolate` this fixes how much of the next prompt is
        reused, so log-probabilities do not depend on the previous item; unlike it, the
        reused part is the shared prefix, so each item evaluates only its own question
        (about twice as fast on a busy two-core machine).
        """
        self.complete(FEW_SHOT, max_tokens=1, temperature=0.0)

    def answer(self, prompt: str, max_tokens: int) -> dict[str, Any]:
        """The greedy answer with top-5 log-probabilities, isolated from the previous item."""
        self.warm()
        started = time.perf_counter()
        choice = self.complete(
            FEW_SHOT + prompt, max_tokens=max_tokens, temperature=0.0, logprobs=5, stop=["\n"]
        )
        seconds = time.perf_counter() - started
        return {"text": choice["text"], "logprobs": _content(choice), "seconds": seconds}

    def verify(self, prompt: str, answer: str) -> dict[str, Any]:
        """Ask whether ``answer`` is correct: one token, top-10 log-probabilities."""
        self.server.isolate()
        started = time.perf_counter()
        question = VERIFIER.format(question=prompt.removesuffix("\nA:"), answer=answer.strip())
        choice = self.complete(question, max_tokens=1, temperature=0.0, logprobs=10)
        seconds = time.perf_counter() - started
        return {"text": choice["text"], "logprobs": _content(choice), "seconds": seconds}

    def reframe(self, prompt: str, max_tokens: int) -> dict[str, Any]:
        """The greedy answer under each of :data:`REFRAMINGS`, each isolated like the answer."""
        started = time.perf_counter()
        question = prompt.removeprefix("Q: ").removesuffix("\nA:")
        texts = []
        for prefix, ask, cue in REFRAMINGS:
            self.complete(prefix, max_tokens=1, temperature=0.0)
            texts.append(
                self.complete(
                    prefix + ask + question + cue,
                    max_tokens=max_tokens,
                    temperature=0.0,
                    stop=["\n"],
                )["text"]
            )
        seconds = time.perf_counter() - started
        return {"texts": texts, "framings": len(REFRAMINGS), "seconds": seconds}

    def sample(self, prompt: str, n: int, max_tokens: int) -> dict[str, Any]:
        """``n`` answers at temperature 0.8, for self-consistency.

        Seeds differ per item (a hash of the prompt): with one fixed seed per sample, every
        item draws the same random numbers, and the seed whose first draw lands in the tail
        makes that sample an outlier on nearly every item. Each sample is isolated like the
        answer.
        """
        started = time.perf_counter()
        texts = []
        for i in range(n):
            self.warm()
            texts.append(
                self.complete(
                    FEW_SHOT + prompt,
                    max_tokens=max_tokens,
                    temperature=0.8,
                    seed=zlib.crc32(f"{i}:{prompt}".encode()) & 0x7FFFFFFF,
                    stop=["\n"],
                )["text"]
            )
        return {"texts": texts, "seeds": SAMPLE_SEEDS, "seconds": time.perf_counter() - started}


def _sampled(got: dict[str, Any]) -> int:
    """How many samples the cache holds for an item (0 for ones drawn with other seeds)."""
    samples = got.get("samples", {})
    return len(samples.get("texts", ())) if samples.get("seeds") == SAMPLE_SEEDS else 0


def _reframed(got: dict[str, Any]) -> bool:
    """Whether the cache holds an item's answers under every one of :data:`REFRAMINGS`."""
    return bool(got.get("reframed", {}).get("framings") == len(REFRAMINGS))


def collect(
    items: Sequence[dict[str, Any]],
    cache_path: Path,
    *,
    verifier: bool,
    samples: int,
    max_tokens: int,
    reframe: bool = False,
) -> dict[str, dict[str, Any]]:
    """Raw outputs per item id, from the cache or (for what is missing) the model."""
    cache: dict[str, Any] = {}
    if cache_path.is_file():
        cache = json.loads(cache_path.read_text(encoding="utf-8"))
    header = {"few_shot": FEW_SHOT, "max_tokens": max_tokens, "isolation": "prefix"}
    if any(cache.get(k) != v for k, v in header.items()):
        cache = {**header, "items": {}}
    store: dict[str, dict[str, Any]] = cache["items"]

    def missing(item: dict[str, Any]) -> bool:
        got = store.get(item["id"])
        if got is None or got.get("prompt") != item["prompt"]:
            return True
        unframed = reframe and not _reframed(got)
        return (verifier and "verifier" not in got) or _sampled(got) < samples or unframed

    todo = [item for item in items if missing(item)]
    if not todo:
        return store
    from hybridchain.local import LocalServer

    cache_path.parent.mkdir(parents=True, exist_ok=True)
    print(f"asking the local model about {len(todo)} item(s)...", file=sys.stderr, flush=True)
    with LocalServer(n_ctx=512) as server:
        model = Model(server)
        for done, item in enumerate(todo, start=1):
            got = store.get(item["id"])
            if got is None or got.get("prompt") != item["prompt"]:
                got = {"prompt": item["prompt"], "answer": model.answer(item["prompt"], max_tokens)}
            if verifier and "verifier" not in got:
                got["verifier"] = model.verify(item["prompt"], got["answer"]["text"])
            if _sampled(got) < samples:
                got["samples"] = model.sample(item["prompt"], samples, max_tokens)
            if reframe and not _reframed(got):
                got["reframed"] = model.reframe(item["prompt"], max_tokens)
            store[item["id"]] = got
            if done % 10 == 0 or done == len(todo):
                cache_path.write_text(json.dumps(cache), encoding="utf-8")
                print(f"  {done}/{len(todo)}", file=sys.stderr, flush=True)
    return store


# -- scoring ------------------------------------------------------------------------------


def item_signals(
    raw: dict[str, Any], *, verifier: bool, samples: int, reframe: bool = False
) -> dict[str, float]:
    """The core signals of one item's answer (extra-call signals only when asked for).

    Self-consistency compares the answer with the temperature samples and, with
    ``reframe``, the answers under the other framings.
    """
    truth = None
    if verifier and "verifier" in raw:
        v = raw["verifier"]
        truth = p_true(parse_logprobs(v["logprobs"]), v["text"])
    texts = raw.get("samples", {}).get("texts", [])[:samples] if samples else []
    if reframe:
        texts = [*texts, *raw.get("reframed", {}).get("texts", [])]
    return compute_signals(
        raw["answer"]["text"],
        raw["answer"]["logprobs"],
        samples=texts,
        p_true=truth,
        question=raw["prompt"].removeprefix("Q: ").removesuffix("\nA:"),
    )


def _features(signals: Sequence[dict[str, float]], names: Sequence[str]) -> list[list[float]]:
    return [[s.get(n, 0.0) for n in names] + [s.get("empty", 0.0)] for s in signals]


def fit_logistic(x: Any, y: Any, l2: float = 1.0, steps: int = 50) -> Any:
    """Weights (intercept first) of an L2-penalized logistic regression, by Newton's method."""
    import numpy as np

    xb = np.hstack([np.ones((len(x), 1)), x])
    w = np.zeros(xb.shape[1])
    penalty = np.r_[0.0, np.full(xb.shape[1] - 1, l2)]
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-np.clip(xb @ w, -30, 30)))
        grad = xb.T @ (p - y) + penalty * w
        hess = (xb * (p * (1 - p))[:, None]).T @ xb + np.diag(penalty)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-9:
            break
    return w


def cross_validated(
    signals: Sequence[dict[str, float]],
    correct: Sequence[bool],
    names: Sequence[str],
    folds: int = 5,
) -> list[float]:
    """Held-out P(correct) of a logistic regression over ``names``: stratified, fixed folds."""
    import numpy as np

    x = np.array(_features(signals, names), dtype=float)
    y = np.array(correct, dtype=float)
    order = sorted(range(len(y)), key=lambda i: (y[i], (i * 7919) % len(y)))
    fold = np.empty(len(y), dtype=int)
    fold[order] = np.arange(len(y)) % folds
    out = np.zeros(len(y))
    for k in range(folds):
        train, test = fold != k, fold == k
        mean, std = x[train].mean(axis=0), x[train].std(axis=0) + 1e-9
        w = fit_logistic((x[train] - mean) / std, y[train])
        z = w[0] + ((x[test] - mean) / std) @ w[1:]
        out[test] = 1.0 / (1.0 + np.exp(-z))
    return [float(v) for v in out]


def rows(
    signals: Sequence[dict[str, float]],
    correct: Sequence[bool],
    *,
    extra: Sequence[str],
) -> list[dict[str, Any]]:
    """One result row per scorer: name, AUROC for a wrong answer, escalation rates."""
    wrong = [not c for c in correct]
    accuracy = sum(correct) / len(correct)
    scorers: dict[str, list[float]] = {}
    for name in (*LOGPROB_SIGNALS, *extra):
        scorers[name] = [s.get(name, 0.0) for s in signals]
    for name in TEXT_SIGNALS:  # penalties: higher is worse
        scorers[name] = [-s.get(name, 0.0) for s in signals]
    no_calls = [{k: v for k, v in s.items() if k not in EXTRA_SIGNALS} for s in signals]
    logprob_only = [{k: v for k, v in s.items() if k not in TEXT_SIGNALS} for s in no_calls]
    free = (*LOGPROB_SIGNALS, *TEXT_SIGNALS)
    if extra:
        scorers["default combination (all)"] = [_default(s) for s in signals]
    scorers["default combination (no extra calls)"] = [_default(s) for s in no_calls]
    scorers["default combination (log-probs)"] = [_default(s) for s in logprob_only]
    if extra:
        scorers["fitted CV (all)"] = cross_validated(signals, correct, (*free, *extra))
    scorers["fitted CV (no extra calls)"] = cross_validated(signals, correct, free)
    scorers["fitted CV (log-probs)"] = cross_validated(signals, correct, LOGPROB_SIGNALS)
    out = []
    for name, conf in scorers.items():
        out.append(
            {
                "scorer": name,
                "auroc": auroc([-c for c in conf], wrong),
                **{f"rate@{t:.0%}": escalation_rate(conf, correct, t) for t in TARGETS},
            }
        )
    out.append(
        {"scorer": "random (expected)", "auroc": 0.5}
        | {f"rate@{t:.0%}": random_rate(accuracy, t) for t in TARGETS}
    )
    out.append(
        {"scorer": "perfect", "auroc": 1.0}
        | {f"rate@{t:.0%}": perfect_rate(accuracy, t) for t in TARGETS}
    )
    # with_fallbacks escalates only on exceptions; the local server answered every item,
    # so it escalates 0% and accuracy stays at the local accuracy: no target is reached.
    out.append(
        {"scorer": "with_fallbacks (errors only)", "auroc": None}
        | {f"rate@{t:.0%}": (0.0 if accuracy >= t else None) for t in TARGETS}
    )
    return out


def _default(signals: dict[str, float]) -> float:
    """The shipped weights (what ``assess_answer`` combines) over computed signals."""
    return _WEIGHTS.confidence(signals)


def _fmt(value: float | None) -> str:
    return "   —  " if value is None else f"{value:6.1%}"


def report(result: dict[str, Any], out: Callable[[str], None] = print) -> None:
    """Print the table, the figures and the goals."""
    out(
        f"n = {result['n']}, local accuracy = {result['accuracy']:.1%} "
        f"({result['errors']} local errors raised)"
    )
    out(
        "seconds per item: answer {answer:.2f}, verifier {verifier:.2f}, samples {samples:.2f}, "
        "reframed {reframed:.2f}; "
        "scoring {scoring:.5f}".format(**result["seconds_per_item"])
    )
    out("")
    out(f"{'signal':38} {'AUROC':>6}  {'esc@90%':>7}  {'esc@95%':>7}")
    for row in result["rows"]:
        a = "   —  " if row["auroc"] is None else f"{row['auroc']:6.3f}"
        out(f"{row['scorer']:38} {a}  {_fmt(row['rate@90%']):>7}  {_fmt(row['rate@95%']):>7}")
    out(
        f"with_fallbacks escalates {result['errors'] / result['n']:.1%} (only calls that raise), "
        f"so its accuracy stays at {result['accuracy']:.1%}: — means the target is never reached"
    )
    out("")
    for line in result["goals"]:
        out(line)


def goals(table: list[dict[str, Any]]) -> list[str]:
    by = {r["scorer"]: r for r in table}
    lines = []
    combos = [k for k in ("default combination (all)", "fitted CV (all)") if k in by]
    combos += ["default combination (no extra calls)", "fitted CV (no extra calls)"]
    for name in combos:
        r = by[name]
        ok = r["auroc"] >= 0.85 and r["rate@95%"] <= 0.50
        lines.append(
            f"{'PASS' if ok else 'FAIL'}  {name}: AUROC {r['auroc']:.3f} (goal >= 0.85), "
            f"escalates {r['rate@95%']:.1%} for 95% (goal <= 50%)"
        )
    for name in ("default combination (log-probs)", "fitted CV (log-probs)", *LOGPROB_SIGNALS):
        r = by[name]
        ok = r["auroc"] >= 0.80
        lines.append(f"{'PASS' if ok else 'FAIL'}  {name}: AUROC {r['auroc']:.3f} (goal >= 0.80)")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATASET)
    parser.add_argument("--write-dataset", action="store_true", help="regenerate --data and exit")
    parser.add_argument("--limit", type=int, default=None, help="only the first N items")
    parser.add_argument("--verifier", action="store_true", help="ask for P(True) (slow)")
    parser.add_argument("--samples", type=int, default=0, help="self-consistency samples (slow)")
    parser.add_argument(
        "--reframe", action="store_true", help="consistency across other framings (slow)"
    )
    parser.add_argument("--max-tokens", type=int, default=4)
    parser.add_argument("--cache", type=Path, default=CACHE)
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    args = parser.parse_args(argv)
    if args.write_dataset:
        print(f"wrote {write_dataset(args.data)} items to {args.data}")
        return 0
    items = load_dataset(args.data)[: args.limit]
    raw = collect(
        items,
        args.cache,
        verifier=args.verifier,
        samples=args.samples,
        max_tokens=args.max_tokens,
        reframe=args.reframe,
    )
    started = time.perf_counter()
    texts = [raw[i["id"]]["answer"]["text"] for i in items]
    correct = [is_correct(t, i["answers"]) for t, i in zip(texts, items, strict=True)]
    signals = [
        item_signals(
            raw[i["id"]], verifier=args.verifier, samples=args.samples, reframe=args.reframe
        )
        for i in items
    ]
    scoring = (time.perf_counter() - started) / len(items)
    consistent = args.samples or args.reframe
    extra = [n for n, on in (("p_true", args.verifier), ("consistency", consistent)) if on]
    table = rows(signals, correct, extra=extra)

    def mean_seconds(part: str) -> float:
        values = [float(raw[i["id"]].get(part, {}).get("seconds", 0.0)) for i in items]
        return sum(values) / len(values)

    by_kind = {
        kind: sum(c for c, i in zip(correct, items, strict=True) if i["kind"] == kind)
        / sum(1 for i in items if i["kind"] == kind)
        for kind in dict.fromkeys(i["kind"] for i in items)
    }
    result: dict[str, Any] = {
        "n": len(items),
        "accuracy": sum(correct) / len(items),
        "errors": 0,
        "by_kind": by_kind,
        "seconds_per_item": {
            "answer": mean_seconds("answer"),
            "verifier": mean_seconds("verifier"),
            "samples": mean_seconds("samples"),
            "reframed": mean_seconds("reframed"),
            "scoring": scoring,
        },
        "rows": table,
    }
    result["goals"] = goals(table)
    report(result)
    out = ", ".join(f"{k} {v:.0%}" for k, v in by_kind.items())
    print(f"accuracy by kind: {out}")
    if args.json is not None:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Reading a prompt for the built-in painter: the subjects it names, their colours, the light.

A small fixed vocabulary, not language understanding: a few dozen subjects with their common
synonyms and plurals, colour words (a colour qualifies the subject it comes before, as in "a red
fox"), times of day and weather. A prompt that names no subject is left to the abstract painter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .palette import COLOURS

# canonical subject -> the words that name it (singulars and plurals written out: no stemming,
# so "catalogue" is not a cat)
_SUBJECT_WORDS = {
    "lighthouse": "lighthouse lighthouses beacon",
    "fox": "fox foxes vixen",
    "cat": "cat cats kitten kittens kitty kitties",
    "dog": "dog dogs puppy puppies pup pups hound hounds",
    "horse": "horse horses pony ponies stallion foal",
    "rabbit": "rabbit rabbits bunny bunnies hare hares",
    "bird": "bird birds gull gulls seagull seagulls crow crows sparrow sparrows swallow swallows "
    "dove doves flock",
    "fish": "fish fishes goldfish koi salmon trout",
    "tree": "tree trees oak oaks pine pines birch willow palm palms",
    "flower": "flower flowers roses tulip tulips daisy daisies sunflower sunflowers blossom "
    "blossoms poppy poppies bouquet",
    "house": "house houses cottage cottages cabin cabins hut huts farmhouse barn village",
    "castle": "castle castles palace fortress citadel",
    "bridge": "bridge bridges",
    "boat": "boat boats ship ships sailboat sailboats yacht yachts sailing canoe ferry",
    "car": "car cars automobile taxi van",
    "person": "person people man men woman women child children girl boy hiker traveller "
    "traveler wanderer lady",
    "window": "window windows windowsill windowsills sill",
    "mountain": "mountain mountains peak peaks alps summit volcano",
    "hill": "hill hills meadow meadows field fields valley countryside grass prairie",
    "sea": "sea seas ocean oceans wave waves coast harbour harbor bay seaside surf",
    "beach": "beach beaches shore sand sands seashore",
    "lake": "lake lakes pond ponds lagoon loch",
    "river": "river rivers stream creek brook canal",
    "forest": "forest forests woods woodland jungle grove",
    "city": "city cities skyline skyscraper skyscrapers downtown metropolis town buildings",
    "desert": "desert deserts dune dunes",
    "cliff": "cliff cliffs crag headland",
    "island": "island islands isle",
    "snow": "snow snowy snowfall snowing winter wintry blizzard frozen ice icy snowflakes",
    "rain": "rain rainy raining rainfall drizzle downpour storm stormy thunderstorm thunder "
    "lightning",
    "cloud": "cloud clouds cloudy overcast",
    "star": "star stars starry galaxy constellation constellations",
    "moon": "moon moons crescent moonlit moonlight",
    "sun": "sun suns sunshine sunny sunlit",
}
SUBJECTS = {word: name for name, words in _SUBJECT_WORDS.items() for word in words.split()}
SUBJECT_PHRASES = {"night sky": "star", "milky way": "star", "full moon": "moon"}
# the words of a subject that are not plural although they end like one
_SINGULAR = {"fish", "koi", "salmon", "trout", "grass", "alps", "sands", "dunes"}
_PLURAL = {"people", "men", "women", "children", "flock", "village", "woods"}

# subject words that say their colour ("sunflowers") when the prompt names none
IMPLIED_COLOURS = {
    "sunflower": "yellow",
    "sunflowers": "yellow",
    "roses": "red",
    "rose": "red",
    "poppy": "red",
    "poppies": "red",
    "daisy": "white",
    "daisies": "white",
    "goldfish": "orange",
    "crow": "black",
    "crows": "black",
}

TIMES = {
    "dawn": "dawn sunrise daybreak morning sunup",
    "day": "noon midday day daytime afternoon daylight sunny",
    "sunset": "sunset sundown evening",
    "dusk": "dusk twilight gloaming",
    "night": "night midnight nighttime nocturnal moonlit moonlight",
}
TIME_WORDS = {word: time for time, words in TIMES.items() for word in words.split()}
TIME_PHRASES = {"golden hour": "sunset", "blue hour": "dusk"}
WEATHER = {
    "fog": "fog foggy mist misty haze hazy",
    "rain": "rain rainy raining rainfall drizzle downpour",
    "storm": "storm stormy thunderstorm thunder lightning",
    "snow": "snow snowy snowfall snowing winter wintry blizzard frozen ice icy snowflakes",
}
WEATHER_WORDS = {word: kind for kind, words in WEATHER.items() for word in words.split()}

COLOUR_WORDS = frozenset(COLOURS)  # the colours the painter has paints for
NUMBERS = {
    "one": 1,
    "two": 2,
    "pair": 2,
    "couple": 2,
    "three": 3,
    "few": 3,
    "four": 4,
    "five": 5,
    "several": 4,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "many": 7,
    "flock": 7,
}
# A colour or number stops qualifying at these words: "a fox in red leaves" is not a red fox.
_BREAKS = {"in", "on", "at", "under", "over", "by", "with", "near", "above", "below", "of"}
_REACH = 4  # words between a colour and its subject at most ("a red and white striped lighthouse")
MAX_COUNT = 12


@dataclass(frozen=True)
class Subject:
    """A thing the prompt names, with what it says about it."""

    name: str  # canonical: "fox" for "foxes"
    position: int  # index of its first mention among the prompt's words
    count: int | None  # the number named before it ("three birds"), if any
    plural: bool  # named in the plural or with a number above one
    colours: tuple[str, ...] = ()  # colour words that qualify it, in order
    word: str = ""  # the word that first named it ("palms" for a tree)


@dataclass(frozen=True)
class Reading:
    """What the painter takes from a prompt."""

    subjects: tuple[Subject, ...]  # in order of first mention, one per canonical name
    time: str  # dawn, day, sunset, dusk or night (day when the prompt names none)
    weather: frozenset[str]  # fog, rain, storm, snow
    colours: tuple[str, ...]  # every colour named, in order
    loose_colours: tuple[str, ...]  # colours that qualify no subject: for the palette
    sky_colours: tuple[str, ...]  # colours that qualify the sky ("a purple sky")
    words: tuple[str, ...] = ()  # the prompt's words, lower case

    @property
    def abstract(self) -> bool:
        """Nothing recognisable named: paint the abstract composition."""
        return not self.subjects

    @property
    def names(self) -> tuple[str, ...]:
        """The subjects' canonical names in order of mention."""
        return tuple(subject.name for subject in self.subjects)

    def get(self, name: str) -> Subject | None:
        """The subject of that canonical name, if the prompt names it."""
        return next((s for s in self.subjects if s.name == name), None)


def tokens(prompt: str) -> list[str]:
    """The prompt's words and numbers, lower case, with two-word phrases joined."""
    raw = re.findall(r"[a-z]+|\d+", prompt.lower())
    out: list[str] = []
    for word in raw:
        pair = f"{out[-1]} {word}" if out else ""
        if pair in SUBJECT_PHRASES or pair in TIME_PHRASES:
            out[-1] = pair
        else:
            out.append(word)
    return out


def _subject_at(words: list[str], i: int) -> str | None:
    word = words[i]
    if word == "rose":  # a colour before a subject ("a rose house"), else the flower
        return None if _qualified(words, i) is not None else "flower"
    return SUBJECTS.get(word) or SUBJECT_PHRASES.get(word)


def _qualified(words: list[str], i: int, of: bool = False) -> int | None:
    """Index of the subject (or sky) that the colour or number at `i` comes before, if any;
    `of` lets it reach over an "of" ("a pair of foxes")."""
    for j in range(i + 1, min(len(words), i + 2 + _REACH)):
        if words[j] in _BREAKS and not (of and words[j] == "of"):
            return None
        if words[j] == "sky":
            return j
        if words[j] != "rose" and (words[j] in SUBJECTS or words[j] in SUBJECT_PHRASES):
            return j
    return None


def _count(word: str) -> int | None:
    if word.isdigit():
        return max(1, min(MAX_COUNT, int(word)))
    return NUMBERS.get(word)


def _is_plural(word: str) -> bool:
    if word in _PLURAL:
        return True
    return word.endswith("s") and word not in _SINGULAR and " " not in word


def read_prompt(prompt: str) -> Reading:
    """Read the subjects, colours, time of day and weather a prompt names."""
    words = tokens(prompt)
    found: dict[str, int] = {}  # canonical name -> index of first mention
    plural: dict[str, bool] = {}
    counts: dict[str, int] = {}
    qualifiers: dict[int, list[str]] = {}  # word index -> colours before it
    colours: list[str] = []
    loose: list[str] = []
    for i, word in enumerate(words):
        name = _subject_at(words, i)
        if name is not None:
            found.setdefault(name, i)
            plural[name] = plural.get(name, False) or _is_plural(word)
        if word in COLOUR_WORDS and name is None:
            colours.append(word)
            target = _qualified(words, i)
            if target is None:
                loose.append(word)
            else:
                qualifiers.setdefault(target, []).append(word)
        number = _count(word)
        if number is not None:
            target = _qualified(words, i, of=True)
            if target is not None and words[target] != "sky":
                counts.setdefault(_subject_at(words, target) or "", number)
    subjects = []
    for name, index in sorted(found.items(), key=lambda item: item[1]):
        named_colours = [
            c for i, cs in qualifiers.items() if _subject_at(words, i) == name for c in cs
        ]
        count = counts.get(name)
        is_plural = plural[name] or (count or 0) > 1
        word = words[index]
        if not named_colours and word in IMPLIED_COLOURS:  # sunflowers are yellow
            named_colours = [IMPLIED_COLOURS[word]]
        subjects.append(Subject(name, index, count, is_plural, tuple(named_colours), word))
    sky = [c for i, cs in qualifiers.items() if words[i] == "sky" for c in cs]
    return Reading(
        subjects=tuple(subjects),
        time=_time(words, found),
        weather=frozenset(WEATHER_WORDS[w] for w in words if w in WEATHER_WORDS),
        colours=tuple(colours),
        loose_colours=tuple(loose),
        sky_colours=tuple(sky),
        words=tuple(words),
    )


def _time(words: list[str], found: dict[str, int]) -> str:
    named = next((TIME_WORDS.get(w) or TIME_PHRASES.get(w) for w in words if _is_time(w)), None)
    if named is not None:
        return named
    if "moon" in found or "star" in found:  # "a calm sea under a pale moon" is at night
        return "night"
    return "day"


def _is_time(word: str) -> bool:
    return word in TIME_WORDS or word in TIME_PHRASES

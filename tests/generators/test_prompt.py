"""The built-in painter's prompt reader: subjects, colours, times of day, weather."""

from __future__ import annotations

import pytest

from generators.prompt import read_prompt


@pytest.mark.parametrize(
    ("prompt", "names"),
    [
        ("a lighthouse on a cliff at sunset", ("lighthouse", "cliff")),
        ("a red fox in the snow", ("fox", "snow")),
        ("a cat on a windowsill at night", ("cat", "window")),
        ("a sailing boat on the sea at dawn", ("boat", "sea")),
        ("a city skyline at night under the moon", ("city", "moon")),
        ("three birds over a mountain lake", ("bird", "mountain", "lake")),
        ("Two KITTENS and a puppy by the ocean waves", ("cat", "dog", "sea")),
        ("a cottage in the woods by a stream", ("house", "forest", "river")),
        ("ships in the harbour under a starry night sky", ("boat", "sea", "star")),
        ("a castle, a bridge and a car", ("castle", "bridge", "car")),
        ("tulips in a meadow, rain clouds", ("flower", "hill", "rain", "cloud")),
        ("a horse and a rabbit on the beach", ("horse", "rabbit", "beach")),
        ("goldfish in a pond", ("fish", "lake")),
        ("people on an island in the desert sun", ("person", "island", "desert", "sun")),
        ("pine trees below snowy peaks", ("tree", "snow", "mountain")),
    ],
)
def test_subjects_are_found_in_order_of_mention(prompt: str, names: tuple[str, ...]) -> None:
    assert read_prompt(prompt).names == names


def test_order_follows_the_prompt() -> None:
    assert read_prompt("a cat and a dog").names == ("cat", "dog")
    assert read_prompt("a dog and a cat").names == ("dog", "cat")
    first, second = read_prompt("a dog and a cat").subjects
    assert first.position < second.position


def test_a_subject_named_twice_is_one_subject() -> None:
    assert read_prompt("cats, and more cats, and a kitten").names == ("cat",)


def test_words_inside_other_words_are_not_subjects() -> None:
    reading = read_prompt("a catalogue of foxgloves and carpets")

    assert reading.names == ()
    assert reading.abstract


@pytest.mark.parametrize("prompt", ["quantum entanglement", "", "the meaning of it all"])
def test_unknown_prompts_are_abstract(prompt: str) -> None:
    reading = read_prompt(prompt)

    assert reading.subjects == ()
    assert reading.abstract


def test_numbers_and_plurals() -> None:
    birds, _, _ = read_prompt("three birds over a mountain lake").subjects
    assert (birds.count, birds.plural) == (3, True)
    assert read_prompt("a flock of gulls").subjects[0].count == 7
    assert read_prompt("a pair of foxes").subjects[0].count == 2
    assert read_prompt("12 boats").subjects[0].count == 12
    fox = read_prompt("a fox").subjects[0]
    assert (fox.count, fox.plural) == (None, False)
    trees = read_prompt("trees").subjects[0]
    assert (trees.count, trees.plural) == (None, True)
    assert not read_prompt("a fish").subjects[0].plural


def test_a_colour_qualifies_the_subject_it_comes_before() -> None:
    reading = read_prompt("a red fox in the snow")

    assert reading.get("fox") is not None
    assert reading.get("fox").colours == ("red",)  # type: ignore[union-attr]
    assert reading.get("snow").colours == ()  # type: ignore[union-attr]
    assert reading.colours == ("red",)
    assert reading.loose_colours == ()


def test_several_colours_and_the_sky() -> None:
    reading = read_prompt("a red and white lighthouse, a blue house under a purple sky")

    assert reading.get("lighthouse").colours == ("red", "white")  # type: ignore[union-attr]
    assert reading.get("house").colours == ("blue",)  # type: ignore[union-attr]
    assert reading.sky_colours == ("purple",)
    assert reading.colours == ("red", "white", "blue", "purple")


def test_a_colour_does_not_reach_over_a_preposition() -> None:
    reading = read_prompt("a fox in golden light")

    assert reading.get("fox").colours == ()  # type: ignore[union-attr]
    assert reading.loose_colours == ("golden",)


def test_rose_is_a_colour_before_a_subject_and_a_flower_alone() -> None:
    assert read_prompt("a rose").names == ("flower",)
    house = read_prompt("a rose house")
    assert house.names == ("house",)
    assert house.subjects[0].colours == ("rose",)


@pytest.mark.parametrize(
    ("prompt", "time"),
    [
        ("a fox at dawn", "dawn"),
        ("a fox at sunrise", "dawn"),
        ("a fox in the morning", "dawn"),
        ("a fox at noon", "day"),
        ("a fox", "day"),
        ("a fox at sunset", "sunset"),
        ("a fox at golden hour", "sunset"),
        ("a fox at dusk", "dusk"),
        ("a fox in the twilight", "dusk"),
        ("a fox at night", "night"),
        ("a fox at midnight", "night"),
        ("a calm sea under a pale moon", "night"),  # the moon implies night
        ("stars over a fox", "night"),
        ("the moon at dawn", "dawn"),  # a named time wins
    ],
)
def test_time_of_day(prompt: str, time: str) -> None:
    assert read_prompt(prompt).time == time


@pytest.mark.parametrize(
    ("prompt", "weather"),
    [
        ("a fox in the fog", {"fog"}),
        ("misty mountains", {"fog"}),
        ("a city in the rain", {"rain"}),
        ("a stormy sea", {"storm"}),
        ("a red fox in the snow", {"snow"}),
        ("a frozen lake in winter", {"snow"}),
        ("a foggy winter morning", {"fog", "snow"}),
        ("a lighthouse", set()),
    ],
)
def test_weather(prompt: str, weather: set[str]) -> None:
    assert read_prompt(prompt).weather == weather


def test_some_subject_words_say_their_colour() -> None:
    flowers = read_prompt("a field of sunflowers").get("flower")
    assert flowers is not None
    assert (flowers.name, flowers.colours, flowers.word) == ("flower", ("yellow",), "sunflowers")
    assert read_prompt("a rose").subjects[0].colours == ("red",)
    assert read_prompt("white roses").subjects[0].colours == ("white",)  # a named colour wins
    assert read_prompt("palm trees").subjects[0].word == "palm"

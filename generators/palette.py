"""From a prompt's words to a palette and a scene: colours, time of day, landscape."""

from __future__ import annotations

import colorsys
import hashlib
import re
from dataclasses import dataclass

RGB = tuple[int, int, int]

HUES = {  # colour words -> hue in degrees
    "red": 0,
    "crimson": 350,
    "scarlet": 5,
    "pink": 330,
    "rose": 340,
    "orange": 28,
    "amber": 38,
    "golden": 45,
    "gold": 45,
    "yellow": 55,
    "lime": 85,
    "green": 120,
    "emerald": 145,
    "jade": 150,
    "teal": 178,
    "cyan": 188,
    "turquoise": 174,
    "blue": 220,
    "azure": 210,
    "navy": 230,
    "indigo": 255,
    "violet": 275,
    "purple": 285,
    "magenta": 305,
    "lavender": 270,
    "brown": 25,
    "copper": 22,
    "rust": 15,
}
MOODS = {  # scene words -> (sky hue, sky lightness, land hue, time of day)
    "night": (235, 0.16, 240, "night"),
    "midnight": (240, 0.12, 240, "night"),
    "moon": (230, 0.2, 235, "night"),
    "stars": (235, 0.15, 240, "night"),
    "sunset": (18, 0.62, 290, "dusk"),
    "dusk": (300, 0.45, 260, "dusk"),
    "sunrise": (35, 0.7, 330, "dawn"),
    "dawn": (40, 0.72, 330, "dawn"),
    "forest": (100, 0.7, 130, "day"),
    "jungle": (110, 0.6, 120, "day"),
    "ocean": (200, 0.72, 205, "day"),
    "sea": (200, 0.72, 205, "day"),
    "storm": (220, 0.35, 220, "storm"),
    "rain": (215, 0.45, 215, "storm"),
    "winter": (205, 0.85, 210, "day"),
    "snow": (205, 0.88, 210, "day"),
    "desert": (35, 0.78, 30, "day"),
    "sand": (40, 0.8, 35, "day"),
    "city": (260, 0.4, 250, "dusk"),
    "autumn": (30, 0.7, 20, "day"),
}
# Words that set the light (sky and time of day) rather than the place; they win over place
# words, so "an ocean at night" is dark.
TIME_WORDS = {
    "night",
    "midnight",
    "moon",
    "stars",
    "sunset",
    "dusk",
    "sunrise",
    "dawn",
    "storm",
    "rain",
}
WATER_WORDS = {
    "ocean",
    "sea",
    "lake",
    "river",
    "harbour",
    "harbor",
    "beach",
    "bay",
    "water",
    "whale",
    "boat",
    "lighthouse",
    "island",
}
TOWER_WORDS = {"city", "tower", "towers", "lighthouse", "castle", "skyline", "building"}


@dataclass(frozen=True)
class Scene:
    """What the painter draws."""

    sky_top: RGB
    sky_bottom: RGB
    land: list[RGB]
    sun: RGB
    time: str
    water: bool
    towers: bool
    accent: RGB


def words(prompt: str) -> list[str]:
    """Lower-case words of a prompt."""
    return re.findall(r"[a-z]+", prompt.lower())


def _rgb(hue: float, saturation: float, lightness: float) -> RGB:
    red, green, blue = colorsys.hls_to_rgb((hue % 360) / 360, lightness, saturation)
    return round(red * 255), round(green * 255), round(blue * 255)


def _word_hue(word: str) -> int:
    return int(hashlib.sha256(word.encode()).hexdigest()[:6], 16) % 360


def scene_for(prompt: str, rnd_value: float) -> Scene:
    """Choose the scene and palette from the prompt (rnd_value in [0, 1) varies the rest)."""
    tokens = words(prompt)
    colours = [HUES[w] for w in tokens if w in HUES]
    light = next((MOODS[w] for w in tokens if w in TIME_WORDS), None)
    place = next((MOODS[w] for w in tokens if w in MOODS and w not in TIME_WORDS), None)
    mood = light or place
    if mood is None:
        seed_word = max(tokens, key=len) if tokens else "impasto"
        hue = _word_hue(seed_word)
        mood = (hue, 0.55 + 0.2 * rnd_value, (hue + 150) % 360, "day")
    sky_hue, sky_light, land_hue, time = mood
    if light is not None and place is not None:
        land_hue = place[2]
    if colours:
        land_hue = colours[0]
        if len(colours) > 1:
            sky_hue = colours[1]
    dark = time in ("night", "storm")
    sky_top = _rgb(sky_hue + 10, 0.55, max(0.08, sky_light - 0.25))
    sky_bottom = _rgb(sky_hue - 15, 0.7, min(0.9, sky_light + (0.05 if dark else 0.18)))
    land = [
        _rgb(land_hue + 8 * i, 0.45 - 0.05 * i, (0.18 if dark else 0.55) - 0.09 * i)
        for i in range(4)
    ]
    sun = (235, 235, 215) if dark else _rgb(sky_hue + 30, 0.95, 0.75)
    accent = _rgb(colours[-1] if colours else land_hue + 180, 0.8, 0.55)
    return Scene(
        sky_top,
        sky_bottom,
        land,
        sun,
        time,
        bool(WATER_WORDS & set(tokens)),
        bool(TOWER_WORDS & set(tokens)),
        accent,
    )


COLOURS: dict[str, RGB] = {  # colour words -> the paint a subject of that colour gets
    "red": (200, 40, 35),
    "crimson": (168, 20, 46),
    "scarlet": (222, 46, 30),
    "pink": (238, 132, 172),
    "rose": (228, 100, 132),
    "orange": (240, 122, 30),
    "amber": (240, 166, 40),
    "golden": (228, 180, 52),
    "gold": (228, 180, 52),
    "yellow": (246, 214, 48),
    "lime": (160, 220, 50),
    "green": (50, 160, 62),
    "emerald": (20, 150, 92),
    "jade": (40, 160, 112),
    "teal": (20, 138, 140),
    "cyan": (40, 200, 222),
    "turquoise": (48, 200, 188),
    "blue": (40, 90, 212),
    "azure": (60, 140, 230),
    "navy": (26, 36, 112),
    "indigo": (70, 40, 150),
    "violet": (140, 70, 202),
    "purple": (130, 50, 172),
    "magenta": (210, 40, 172),
    "lavender": (172, 142, 222),
    "brown": (122, 76, 42),
    "copper": (186, 102, 50),
    "rust": (170, 70, 30),
    "white": (246, 246, 240),
    "black": (30, 30, 34),
    "grey": (130, 130, 136),
    "gray": (130, 130, 136),
    "silver": (190, 196, 206),
}


def colour_rgb(word: str) -> RGB:
    """The paint for a colour word (a mid grey for a word that names no colour)."""
    return COLOURS.get(word, (128, 128, 128))

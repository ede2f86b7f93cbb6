"""The media pipeline: every image is bounded, decoded under limits and re-encoded clean.

Covers `fedi.media.process_image` (formats, size, blurhash, metadata stripping, orientation,
XMP provenance, the refusals) and `fedi.media.files` (generated names only).
"""

from __future__ import annotations

import io
import re
import struct
import warnings
import zlib
from pathlib import Path
from xml.etree import ElementTree

import blurhash
import pytest
from PIL import Image, ImageChops, ImageStat, PngImagePlugin

from fedi.media import files as media_store
from fedi.media import pipeline as media
from fedi.media.pipeline import (
    TRAINED_ALGORITHMIC_MEDIA,
    CorruptImage,
    ImageTooLarge,
    ImageTooManyPixels,
    MediaError,
    Provenance,
    UnsupportedImageFormat,
    process_image,
    xmp_packet,
)

NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "Iptc4xmpExt": "http://iptc.org/std/Iptc4xmpExt/2008-02-29/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "impasto": "https://impasto.social/ns/1.0/",
}
PIL_FORMATS = {"image/webp": "WEBP", "image/png": "PNG", "image/jpeg": "JPEG"}
BASE83 = re.compile(r"^[0-9A-Za-z#$%*+,\-.:;=?@\[\]^_{|}~]+$")
OUTPUTS = [
    ("WEBP", "image/webp", "webp"),
    ("PNG", "image/png", "png"),
    ("JPEG", "image/jpeg", "jpg"),
]
EXIF_ORIENTATION, EXIF_MAKE, EXIF_MODEL, EXIF_GPS_IFD = 0x0112, 0x010F, 0x0110, 0x8825


# --- helpers -----------------------------------------------------------------------------------


def encode(image: Image.Image, fmt: str, **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, **options)
    return out.getvalue()


def gradient(width: int, height: int) -> Image.Image:
    """A smooth colour picture (not a flat colour, so encoders have something to do)."""
    red = Image.linear_gradient("L").resize((width, height))
    green = red.transpose(Image.Transpose.ROTATE_90).resize((width, height))
    blue = Image.new("L", (width, height), 140)
    return Image.merge("RGB", (red, green, blue))


def open_output(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def xmp_of(data: bytes) -> ElementTree.Element:
    """The XMP packet of an output file, parsed (fails if absent or not well-formed)."""
    raw = open_output(data).info.get("xmp")
    assert raw, "no XMP packet in the output"
    text = raw.decode() if isinstance(raw, bytes) else raw
    return ElementTree.fromstring(text)


def text_of(root: ElementTree.Element, path: str) -> str | None:
    found = root.find(f".//{path}", NS)
    return None if found is None else found.text


def chunk(kind: bytes, body: bytes) -> bytes:
    crc = zlib.crc32(kind + body) & 0xFFFFFFFF
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)


def png_header_claiming(width: int, height: int) -> bytes:
    """A tiny, valid-looking PNG whose header declares width x height RGB pixels."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


PROVENANCE = Provenance(
    model="impasto-builtin", backend="builtin", prompt="a lighthouse in a storm", seed=42
)


# --- re-encoding -------------------------------------------------------------------------------


@pytest.mark.parametrize("input_format", ["PNG", "JPEG"])
def test_default_output_is_webp_with_true_dimensions(input_format: str) -> None:
    data = encode(gradient(1024, 1024), input_format)

    result = process_image(data, provenance=PROVENANCE)

    assert (result.media_type, result.extension) == ("image/webp", "webp")
    out = open_output(result.data)
    assert out.format == "WEBP"
    assert out.size == (1024, 1024) == (result.width, result.height)


@pytest.mark.parametrize(("output_format", "media_type", "extension"), OUTPUTS)
def test_configured_output_format_is_used(
    output_format: str, media_type: str, extension: str
) -> None:
    data = encode(gradient(640, 384), "PNG")

    result = process_image(data, provenance=PROVENANCE, output_format=output_format.lower())

    assert (result.media_type, result.extension) == (media_type, extension)
    out = open_output(result.data)
    assert out.format == PIL_FORMATS[media_type]
    assert out.size == (640, 384) == (result.width, result.height)
    # the stored picture is still the picture that came in
    difference = ImageStat.Stat(ImageChops.difference(out.convert("RGB"), gradient(640, 384)))
    assert max(difference.mean) < 6


def test_unknown_output_format_is_refused() -> None:
    with pytest.raises(ValueError, match="GIF"):
        process_image(encode(gradient(64, 64), "PNG"), provenance=None, output_format="GIF")


def test_oversized_sides_are_scaled_down_keeping_aspect_ratio() -> None:
    data = encode(gradient(1024, 256), "PNG")

    result = process_image(data, provenance=None, max_side=512)

    assert (result.width, result.height) == (512, 128)
    assert open_output(result.data).size == (512, 128)


def test_transparent_png_keeps_alpha_in_webp() -> None:
    image = Image.new("RGBA", (64, 64), (255, 0, 0, 255))
    image.paste((0, 0, 0, 0), (0, 0, 32, 64))

    out = open_output(process_image(encode(image, "PNG"), provenance=None).data)

    assert out.mode == "RGBA"
    assert out.getpixel((5, 5))[3] == 0
    assert out.getpixel((60, 5))[3] == 255


def test_transparent_png_can_be_stored_as_jpeg() -> None:
    image = Image.new("RGBA", (64, 64), (0, 0, 255, 128))

    result = process_image(encode(image, "PNG"), provenance=None, output_format="JPEG")

    assert open_output(result.data).mode == "RGB"


@pytest.mark.parametrize("mode", ["1", "L", "LA", "P", "I;16", "CMYK"])
def test_unusual_pixel_modes_are_converted(mode: str) -> None:
    fmt = "JPEG" if mode == "CMYK" else "PNG"
    data = encode(Image.new(mode, (48, 32)), fmt)

    result = process_image(data, provenance=None)

    assert open_output(result.data).size == (48, 32)


def test_animated_gif_keeps_its_first_frame_as_a_still() -> None:
    frames = [Image.new("RGB", (40, 30), colour) for colour in ("red", "lime", "blue")]
    data = encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    assert Image.open(io.BytesIO(data)).n_frames == 3

    out = open_output(process_image(data, provenance=None).data)

    assert getattr(out, "n_frames", 1) == 1
    assert not getattr(out, "is_animated", False)
    red, green, blue = out.convert("RGB").getpixel((20, 15))
    assert red > 200 and green < 40 and blue < 40


# --- blurhash ----------------------------------------------------------------------------------


def test_blurhash_is_valid_for_square_image() -> None:
    result = process_image(encode(gradient(1024, 1024), "PNG"), provenance=None)

    assert BASE83.match(result.blurhash)
    assert blurhash.components(result.blurhash) == (4, 4)
    assert len(result.blurhash) == 4 + 2 * 4 * 4
    pixels = blurhash.decode(result.blurhash, 8, 8)
    assert len(pixels) == 8 and len(pixels[0]) == 8


def test_blurhash_follows_the_aspect_ratio() -> None:
    result = process_image(encode(gradient(1024, 512), "PNG"), provenance=None)

    assert blurhash.components(result.blurhash) == (4, 2)


def test_blurhash_shows_the_image_colour() -> None:
    result = process_image(
        encode(Image.new("RGB", (256, 256), (200, 30, 30)), "PNG"), provenance=None
    )

    for row in blurhash.decode(result.blurhash, 4, 4):
        for red, green, blue in (pixel[:3] for pixel in row):
            assert red > 150 and green < 60 and blue < 60


# --- metadata: stripped, oriented, provenance written ----------------------------------------


def exif_with_secrets(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[EXIF_ORIENTATION] = orientation
    exif[EXIF_MAKE] = "SecretCameraMake"
    exif[EXIF_MODEL] = "SecretModel 9000"
    exif[EXIF_GPS_IFD] = {1: "N", 2: (51.0, 30.0, 26.0), 3: "W", 4: (0.0, 7.0, 39.0)}
    return exif


@pytest.mark.parametrize(("output_format", "media_type", "extension"), OUTPUTS)
@pytest.mark.parametrize("input_format", ["JPEG", "PNG", "WEBP"])
def test_exif_is_stripped(
    input_format: str, output_format: str, media_type: str, extension: str
) -> None:
    data = encode(gradient(96, 64), input_format, exif=exif_with_secrets().tobytes())
    assert b"SecretCameraMake" in data  # the input really carries it

    result = process_image(data, provenance=PROVENANCE, output_format=output_format)

    assert b"SecretCameraMake" not in result.data
    assert b"SecretModel" not in result.data
    out = open_output(result.data)
    exif = out.getexif()
    assert EXIF_MAKE not in exif and EXIF_GPS_IFD not in exif
    assert not exif.get_ifd(EXIF_GPS_IFD)


@pytest.mark.parametrize(("output_format", "media_type", "extension"), OUTPUTS)
def test_other_input_metadata_is_not_carried_over(
    output_format: str, media_type: str, extension: str
) -> None:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "SecretTextChunk")
    info.add_itxt("XML:com.adobe.xmp", "<x:xmpmeta xmlns:x='adobe:ns:meta/'>SecretXMP</x:xmpmeta>")
    data = encode(gradient(64, 64), "PNG", pnginfo=info)

    for provenance in (None, PROVENANCE):
        result = process_image(data, provenance=provenance, output_format=output_format)
        assert b"SecretTextChunk" not in result.data
        assert b"SecretXMP" not in result.data


def test_exif_orientation_is_applied() -> None:
    # 200x100, left half blue, right half red; orientation 6 = "rotate 90 clockwise to view"
    image = Image.new("RGB", (200, 100), (255, 0, 0))
    image.paste((0, 0, 255), (0, 0, 100, 100))
    data = encode(image, "PNG", exif=exif_with_secrets(orientation=6).tobytes())

    result = process_image(data, provenance=None)

    assert (result.width, result.height) == (100, 200)
    out = open_output(result.data).convert("RGB")
    assert out.size == (100, 200)
    top, bottom = out.getpixel((50, 20)), out.getpixel((50, 180))
    assert top[2] > 200 and top[0] < 50  # what was on the left is now on top
    assert bottom[0] > 200 and bottom[2] < 50
    assert out.getexif().get(EXIF_ORIENTATION, 1) == 1  # not rotated a second time by viewers


@pytest.mark.parametrize(("output_format", "media_type", "extension"), OUTPUTS)
def test_xmp_provenance_is_written(output_format: str, media_type: str, extension: str) -> None:
    result = process_image(
        encode(gradient(128, 128), "PNG"), provenance=PROVENANCE, output_format=output_format
    )

    assert b"trainedAlgorithmicMedia" in result.data
    root = xmp_of(result.data)
    assert text_of(root, "Iptc4xmpExt:DigitalSourceType") == TRAINED_ALGORITHMIC_MEDIA
    assert text_of(root, "impasto:Prompt") == "a lighthouse in a storm"
    assert text_of(root, "impasto:Model") == "impasto-builtin"
    assert text_of(root, "impasto:Backend") == "builtin"
    assert text_of(root, "impasto:Seed") == "42"
    assert text_of(root, "xmp:CreatorTool") == "Impasto"
    description = text_of(root, "dc:description/rdf:Alt/rdf:li") or ""
    assert "AI-generated" in description and "a lighthouse in a storm" in description


def test_no_provenance_means_no_xmp() -> None:
    result = process_image(encode(gradient(64, 64), "PNG"), provenance=None)

    assert "xmp" not in open_output(result.data).info
    assert b"trainedAlgorithmicMedia" not in result.data


def test_seed_is_omitted_when_unknown() -> None:
    packet = xmp_packet(Provenance(model="m", backend="b", prompt="p", seed=None))

    root = ElementTree.fromstring(packet.decode())
    assert root.find(".//impasto:Seed", NS) is None
    assert text_of(root, "impasto:Prompt") == "p"


@pytest.mark.parametrize(("output_format", "media_type", "extension"), OUTPUTS)
def test_prompt_with_markup_is_escaped_in_xmp(
    output_format: str, media_type: str, extension: str
) -> None:
    prompt = "<script>alert(1)</script> & \"quotes\" 'n' ]]> <!-- --> </impasto:Prompt>"
    provenance = Provenance(model="m<&>", backend="b", prompt=prompt, seed=1)

    result = process_image(
        encode(gradient(64, 64), "PNG"), provenance=provenance, output_format=output_format
    )

    root = xmp_of(result.data)  # well-formed, or this raises
    assert text_of(root, "impasto:Prompt") == prompt
    assert text_of(root, "impasto:Model") == "m<&>"
    assert root.find(".//script") is None


def test_prompt_with_control_character_still_gives_well_formed_xmp() -> None:
    packet = xmp_packet(Provenance(model="m", backend="b", prompt="red\x1b[31m sky\x00", seed=1))

    root = ElementTree.fromstring(packet.decode())
    assert "red" in (text_of(root, "impasto:Prompt") or "")


def test_long_prompt_with_jpeg_output_is_handled() -> None:
    provenance = Provenance(model="m", backend="b", prompt="a very long prompt " * 2000, seed=1)

    try:
        result = process_image(
            encode(gradient(64, 64), "PNG"), provenance=provenance, output_format="JPEG"
        )
    except MediaError:
        return
    assert b"trainedAlgorithmicMedia" in result.data


# --- refusals ----------------------------------------------------------------------------------


def test_too_many_bytes_are_refused_before_decoding(monkeypatch: pytest.MonkeyPatch) -> None:
    data = encode(gradient(64, 64), "PNG")

    def must_not_decode(*args: object, **kwargs: object) -> None:
        raise AssertionError("the image was opened although it is over the byte limit")

    monkeypatch.setattr(media.Image, "open", must_not_decode)
    with pytest.raises(ImageTooLarge) as caught:
        process_image(data, provenance=None, max_bytes=len(data) - 1)
    assert str(len(data) - 1) in caught.value.reason
    assert isinstance(caught.value, MediaError)


def test_byte_limit_is_inclusive() -> None:
    data = encode(gradient(64, 64), "PNG")

    assert process_image(data, provenance=None, max_bytes=len(data)).width == 64


def test_default_byte_limit_applies() -> None:
    with pytest.raises(ImageTooLarge):
        process_image(b"\x89PNG\r\n\x1a\n" + b"\0" * 20_000_001, provenance=None)


@pytest.mark.parametrize("fmt", ["BMP", "TIFF", "ICO", "PPM", "PCX", "TGA", "PDF"])
def test_formats_outside_the_allow_list_are_refused(fmt: str) -> None:
    data = encode(gradient(32, 32), fmt)

    with pytest.raises(UnsupportedImageFormat) as caught:
        process_image(data, provenance=None)
    assert "PNG" in caught.value.reason


@pytest.mark.parametrize(
    "data",
    [
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10"/>',
        b"<html><body><img src=x onerror=alert(1)></body></html>",
        b"just some text, not a picture",
        b"",
        b"GIF89a<script>alert(1)</script>",
    ],
    ids=["svg-script", "svg", "html", "text", "empty", "gif-polyglot"],
)
def test_non_images_are_refused(data: bytes) -> None:
    with pytest.raises(UnsupportedImageFormat):
        process_image(data, provenance=None)


def test_decompression_bomb_is_refused() -> None:
    bomb = png_header_claiming(30_000, 30_000)
    assert len(bomb) < 200

    with pytest.raises(ImageTooManyPixels):
        process_image(bomb, provenance=None, max_pixels=10**12)


def test_bomb_warning_is_an_error_even_when_warnings_are_ignored() -> None:
    # 100 Mpx: above Pillow's warning threshold but below its hard error; our own limit raised
    bomb = png_header_claiming(10_000, 10_000)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ImageTooManyPixels):
            process_image(bomb, provenance=None, max_pixels=10**12)


def test_configured_pixel_limit_is_checked_before_decoding() -> None:
    # The header claims 3000x3000 but the data is a few bytes: decoding would fail as corrupt,
    # so ImageTooManyPixels proves the limit is checked on the header, before decoding.
    with pytest.raises(ImageTooManyPixels) as caught:
        process_image(png_header_claiming(3_000, 3_000), provenance=None, max_pixels=1_000_000)
    assert "3000x3000" in caught.value.reason


def test_pixel_limit_applies_to_real_images() -> None:
    data = encode(gradient(100, 100), "PNG")

    with pytest.raises(ImageTooManyPixels):
        process_image(data, provenance=None, max_pixels=9_999)
    assert process_image(data, provenance=None, max_pixels=10_000).width == 100


def noisy_image(fmt: str) -> bytes:
    noise = Image.merge("RGB", [Image.effect_noise((256, 256), 80) for _ in range(3)])
    return encode(noise, fmt)


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "GIF"])
def test_truncated_image_is_corrupt(fmt: str) -> None:
    data = noisy_image(fmt)

    with pytest.raises(CorruptImage):
        process_image(data[: len(data) // 2], provenance=None)


@pytest.mark.parametrize(
    ("fmt", "kept"),
    [("WEBP", 40), ("WEBP", 5000), ("JPEG", 100)],
    ids=["webp-header", "webp-body", "jpeg-header"],
)
def test_truncated_image_is_refused_with_a_media_error(fmt: str, kept: int) -> None:
    data = noisy_image(fmt)
    assert len(data) > 2 * kept

    with pytest.raises(MediaError):
        process_image(data[:kept], provenance=None)


def test_undecodable_pixel_data_is_corrupt() -> None:
    ihdr = struct.pack(">IIBBBBB", 64, 64, 8, 2, 0, 0, 0)
    data = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", b"this is not zlib data" * 20)
        + chunk(b"IEND", b"")
    )

    with pytest.raises(CorruptImage) as caught:
        process_image(data, provenance=None)
    assert "does not decode" in caught.value.reason


# --- media_store: generated names only --------------------------------------------------------


GENERATED = re.compile(r"^[0-9a-f]{32}\.(webp|png|jpg)$")


@pytest.mark.parametrize(
    ("extension", "expected"),
    [("webp", "webp"), (".png", "png"), ("jpg", "jpg"), ("jpeg", "jpg"), ("WEBP", "webp")],
)
def test_new_file_names_are_generated(extension: str, expected: str) -> None:
    names = {media_store.new_file_name(extension) for _ in range(50)}

    assert len(names) == 50
    for name in names:
        assert GENERATED.match(name) and name.endswith(f".{expected}")


@pytest.mark.parametrize("extension", ["svg", "html", "gif", "../../etc/passwd", "webp/../x", ""])
def test_new_file_name_refuses_other_extensions(extension: str) -> None:
    with pytest.raises(ValueError):
        media_store.new_file_name(extension)


def test_write_file_writes_atomically(tmp_path: Path) -> None:
    name = media_store.new_file_name("webp")

    path = media_store.write_file(tmp_path, name, b"picture")

    assert path == tmp_path / name
    assert path.read_bytes() == b"picture"
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]  # no temporary file left behind


@pytest.mark.parametrize(
    "name",
    [
        "../" + "a" * 32 + ".webp",
        "a" * 32 + ".webp/../../evil.webp",
        "/etc/" + "a" * 32 + ".png",
        "..",
        "evil.webp",
        "a" * 32 + ".svg",
        "a" * 32 + ".html",
        "A" * 32 + ".webp",
        "a" * 32 + ".webp.html",
        "a" * 31 + "/.webp",
    ],
)
def test_write_file_refuses_names_it_did_not_generate(tmp_path: Path, name: str) -> None:
    inner = tmp_path / "media"
    inner.mkdir()

    with pytest.raises(ValueError):
        media_store.write_file(inner, name, b"<script>alert(1)</script>")

    assert list(tmp_path.rglob("*")) == [inner]
    assert media_store.content_type(name) is None


@pytest.mark.parametrize(
    ("extension", "media_type"),
    [("webp", "image/webp"), ("png", "image/png"), ("jpeg", "image/jpeg")],
)
def test_generated_names_are_served_as_images(extension: str, media_type: str) -> None:
    assert media_store.content_type(media_store.new_file_name(extension)) == media_type


def test_name_with_trailing_newline_is_not_a_generated_name(tmp_path: Path) -> None:
    name = "a" * 32 + ".webp\n"

    assert media_store.content_type(name) is None
    with pytest.raises(ValueError):
        media_store.write_file(tmp_path, name, b"x")

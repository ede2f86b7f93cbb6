"""The post's media pipeline: check, bound, re-encode, label provenance, thumbnail, blurhash.

Every image, ours or a remote server's, is decoded under limits and re-encoded, so what we store
and serve is a clean file of an allowed format whose metadata we wrote ourselves.
"""

from __future__ import annotations

import asyncio
import io
import re
import struct
import warnings
from dataclasses import dataclass
from xml.sax.saxutils import escape

import blurhash
from PIL import Image, ImageOps, PngImagePlugin, UnidentifiedImageError

from fedi.core.sections import MediaSettings

ALLOWED_FORMATS = ["PNG", "JPEG", "WEBP", "GIF"]
OUTPUT = {
    "WEBP": ("image/webp", "webp"),
    "PNG": ("image/png", "png"),
    "JPEG": ("image/jpeg", "jpg"),
}
PLACEHOLDER_SIDE = 32  # pixels on the long side of a decoded blurhash
# The box a remote actor's avatar and header are scaled down to fit (Mastodon's sizes).
AVATAR_BOX, HEADER_BOX = (400, 400), (1500, 500)
# IPTC's controlled vocabulary term for media made by a trained model (generative AI).
TRAINED_ALGORITHMIC_MEDIA = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"


class MediaError(Exception):
    """An image is refused; `reason` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ImageTooLarge(MediaError):
    """More bytes than allowed."""


class UnsupportedImageFormat(MediaError):
    """Not one of the allowed formats."""


class ImageTooManyPixels(MediaError):
    """Too many pixels (a decompression bomb or simply too big)."""


class CorruptImage(MediaError):
    """The bytes do not decode."""


@dataclass(frozen=True)
class Provenance:
    """How a machine made an image; written into the file as XMP."""

    model: str
    backend: str
    prompt: str
    seed: int | None
    software: str = "Impasto"


@dataclass(frozen=True)
class Uploaded:
    """A picture a person uploaded: who sent it is known, how it was made is not, so the file
    says only that (no IPTC digital source type, and never the machine-made one)."""

    uploader: str  # the uploading account's URI


Origin = Provenance | Uploaded


@dataclass(frozen=True)
class ProcessedImage:
    """A re-encoded image ready to store."""

    data: bytes
    media_type: str
    extension: str
    width: int
    height: int
    blurhash: str


# Characters XML 1.0 cannot carry at all (C0 controls other than tab, newline and return, lone
# surrogates, U+FFFE/U+FFFF): a prompt pasted from a terminal must not make the packet unreadable.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# JPEG keeps XMP in one 64 KB APP1 segment and the prompt appears twice: keep it well under that.
XMP_PROMPT_CHARS = 4_000


def _xml_text(value: str, limit: int = 1_000) -> str:
    value = _NOT_XML.sub("\ufffd", value)
    if len(value) > limit:
        value = value[: limit - 1] + "…"
    return escape(value)


def xmp_packet(provenance: Provenance) -> bytes:
    """An XMP packet saying the image is trainedAlgorithmicMedia, with model and prompt."""
    seed = "" if provenance.seed is None else f"<impasto:Seed>{provenance.seed}</impasto:Seed>"
    model = _xml_text(provenance.model)
    prompt = _xml_text(provenance.prompt, XMP_PROMPT_CHARS)
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
        'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" '
        'xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/" '
        'xmlns:xmp="http://ns.adobe.com/xap/1.0/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:impasto="https://impasto.social/ns/1.0/">'
        f"<Iptc4xmpExt:DigitalSourceType>{TRAINED_ALGORITHMIC_MEDIA}"
        "</Iptc4xmpExt:DigitalSourceType>"
        f"<xmp:CreatorTool>{_xml_text(provenance.software)}</xmp:CreatorTool>"
        f"<impasto:Model>{model}</impasto:Model>"
        f"<impasto:Backend>{_xml_text(provenance.backend)}</impasto:Backend>"
        f"<impasto:Prompt>{prompt}</impasto:Prompt>{seed}"
        '<dc:description><rdf:Alt><rdf:li xml:lang="x-default">'
        f"AI-generated image ({model}): {prompt}"
        "</rdf:li></rdf:Alt></dc:description>"
        '</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
    ).encode()


def upload_xmp_packet(upload: Uploaded) -> bytes:
    """An XMP packet saying the image was uploaded by a person, and by whom."""
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
        'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:impasto="https://impasto.social/ns/1.0/">'
        "<impasto:Origin>uploaded</impasto:Origin>"
        f"<impasto:UploadedBy>{_xml_text(upload.uploader, 2048)}</impasto:UploadedBy>"
        '</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
    ).encode()


def _xmp(origin: Origin) -> bytes:
    return upload_xmp_packet(origin) if isinstance(origin, Uploaded) else xmp_packet(origin)


def _decode(data: bytes, max_bytes: int, max_pixels: int) -> Image.Image:
    if len(data) > max_bytes:
        raise ImageTooLarge(f"image of {len(data)} bytes is over the limit of {max_bytes}")
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS)
        except UnidentifiedImageError:  # an OSError too: it must come first
            raise UnsupportedImageFormat(
                f"not an image in an allowed format ({', '.join(ALLOWED_FORMATS)})"
            ) from None
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise ImageTooManyPixels("the image declares too many pixels") from None
        except (OSError, SyntaxError, ValueError, EOFError, struct.error) as exc:
            # Pillow reports a header cut short (truncated WebP, JPEG) while opening.
            raise CorruptImage(f"the image does not decode: {exc}") from None
        if image.width * image.height > max_pixels:
            raise ImageTooManyPixels(
                f"{image.width}x{image.height} is over the limit of {max_pixels} pixels"
            )
        try:
            image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise ImageTooManyPixels("the image declares too many pixels") from None
        except (OSError, SyntaxError, ValueError) as exc:
            raise CorruptImage(f"the image does not decode: {exc}") from None
    return image


def _normalise(image: Image.Image, box: tuple[int, int]) -> Image.Image:
    image = ImageOps.exif_transpose(image) or image
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    image = image.convert("RGBA" if has_alpha else "RGB")
    if image.width > box[0] or image.height > box[1]:
        image.thumbnail(box, Image.Resampling.LANCZOS)
    return image


def _blurhash(image: Image.Image) -> str:
    small = image.convert("RGB")
    small.thumbnail((32, 32), Image.Resampling.BILINEAR)
    width, height = small.size
    y_components = max(1, min(9, round(4 * height / width)))
    raw = small.tobytes()  # RGB, row-major
    rows = [
        [tuple(raw[i : i + 3]) for i in range(row * width * 3, (row + 1) * width * 3, 3)]
        for row in range(height)
    ]
    return str(blurhash.encode(rows, components_x=4, components_y=y_components))


def blurhash_png(value: str, width: int | None, height: int | None) -> bytes:
    """What a blurhash stands for, as a PNG of the picture's shape at most 32 pixels a side
    (as Mastodon's web client decodes one; a browser scales it up blurred). MediaError when
    it is not a blurhash."""
    w, h = width or 1, height or 1
    side = PLACEHOLDER_SIDE
    size = (side, max(1, round(side * h / w))) if w >= h else (max(1, round(side * w / h)), side)
    try:
        rows = blurhash.decode(value, size[0], size[1])
    except (ValueError, KeyError) as exc:  # KeyError: a character outside its base 83
        raise MediaError(f"not a blurhash: {exc}") from None
    image = Image.new("RGB", size)
    image.putdata([(int(px[0]), int(px[1]), int(px[2])) for row in rows for px in row])
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def _encode(
    image: Image.Image, output_format: str, quality: int, provenance: Origin | None
) -> bytes:
    out = io.BytesIO()
    options: dict[str, object] = {}
    if output_format == "PNG":
        if provenance is not None:
            info = PngImagePlugin.PngInfo()
            info.add_itxt("XML:com.adobe.xmp", _xmp(provenance).decode())
            options["pnginfo"] = info
        options["compress_level"] = 6
    else:
        options["quality"] = quality
        if provenance is not None:
            options["xmp"] = _xmp(provenance)
        if output_format == "JPEG":
            image = image.convert("RGB")
        else:
            options["method"] = 4
    try:
        image.save(out, format=output_format, **options)
    except (OSError, ValueError) as exc:
        raise MediaError(f"the image could not be encoded as {output_format}: {exc}") from None
    return out.getvalue()


def process_image(
    data: bytes,
    *,
    provenance: Origin | None,
    max_bytes: int = 20_000_000,
    max_pixels: int = 40_000_000,
    max_side: int = 4096,
    max_box: tuple[int, int] | None = None,
    output_format: str = "WEBP",
    quality: int = 85,
) -> ProcessedImage:
    """Check and re-encode an image, scaled down to fit `max_box` (width, height; default a
    square of `max_side`); raise a MediaError saying why if it is refused."""
    output_format = output_format.upper()
    if output_format not in OUTPUT:
        raise ValueError(f"unsupported output format {output_format!r}")
    box = max_box or (max_side, max_side)
    image = _normalise(_decode(data, max_bytes, max_pixels), box)
    encoded = _encode(image, output_format, quality, provenance)
    media_type, extension = OUTPUT[output_format]
    return ProcessedImage(
        encoded, media_type, extension, image.width, image.height, _blurhash(image)
    )


async def process_as_configured(
    data: bytes, settings: MediaSettings, provenance: Origin | None
) -> ProcessedImage:
    """`process_image` under the instance's `[media]` limits and format, off the event loop."""
    return await asyncio.to_thread(
        process_image,
        data,
        provenance=provenance,
        max_bytes=settings.max_bytes,
        max_pixels=settings.max_pixels,
        output_format=settings.format,
    )


async def process_upload(data: bytes, settings: MediaSettings, upload: Uploaded) -> ProcessedImage:
    """`process_image` for a picture a person uploads: the upload limits of `[media]`
    (`upload_bytes`, `upload_pixels`), the instance's format, labelled as uploaded."""
    return await asyncio.to_thread(
        process_image,
        data,
        provenance=upload,
        max_bytes=settings.upload_bytes,
        max_pixels=min(settings.upload_pixels, settings.max_pixels),
        output_format=settings.format,
    )

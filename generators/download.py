"""What the hosted backends share to fetch their output image (their options: `hosted.py`).

The output of a hosted model (Replicate, an OpenAI-compatible API) is often a URL on a CDN host
the API names. We fetch it with our own client that never carries a credential: no
Authorization header, no cookies from elsewhere, no `.netrc` (``trust_env=False``), and no
``user:password@`` in any URL, so the API token stays with the API host.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import httpx

from .base import BackendContext
from .errors import DownloadTimeout, NotAnImage, OutputRejected, OutputTooLarge, RateLimited
from .guard import AddressCheck, AddressNotAllowed, global_only, guarded_transport
from .hosted import positive

DEFAULT_MAX_BYTES = 20_000_000
DEFAULT_DOWNLOAD_TIMEOUT = 60.0
MAX_REDIRECTS = 3
USER_AGENT = "Impasto"
# Content types a server may send for bytes it does not label; we sniff those.
_UNLABELLED = {"", "application/octet-stream", "binary/octet-stream"}


@dataclass(frozen=True)
class Downloaded:
    """An output image fetched from the model's output host."""

    data: bytes
    media_type: str
    url: str


def megabytes(limit: int) -> str:
    """A byte cap as people read it: '20 MB'."""
    return f"{limit / 1_000_000:g} MB"


def too_large(limit: int) -> OutputTooLarge:
    """The error for output over the byte cap."""
    return OutputTooLarge(f"the model's output is larger than {megabytes(limit)}")


def rate_limited(service: str, retry_after: float | None, detail: str = "") -> RateLimited:
    """The error for a 429, saying when to try again if the API told us."""
    when = f"try again in {retry_after:.0f} s" if retry_after is not None else "try again later"
    extra = f" ({detail})" if detail else ""
    return RateLimited(f"{service} is rate limiting us{extra}; {when}", retry_after)


def sniff_image(data: bytes) -> str | None:
    """The media type of an image from its magic bytes, or None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if data[4:8] == b"ftyp" and data[8:12] in {b"avif", b"avis"}:
        return "image/avif"
    return None


def image_type(data: bytes, content_type: str = "") -> str:
    """The media type to record for downloaded bytes; raises NotAnImage."""
    sniffed = sniff_image(data)
    if sniffed:
        return sniffed
    declared = content_type.split(";")[0].strip().lower()
    # SVG is a document that can carry script, not a raster image: never accept it.
    if declared.startswith("image/") and declared != "image/svg+xml":
        return declared
    raise NotAnImage(f"the model's output is not an image ({declared or 'no content type'})")


def _check_url(url: httpx.URL) -> None:
    if url.scheme not in {"http", "https"}:
        raise OutputRejected(f"the model's output is not an http(s) URL ({url.scheme or '?'}:)")
    if url.userinfo:
        # httpx would turn user:password@ into an Authorization header.
        raise OutputRejected("the model's output URL carries credentials; refusing to fetch it")
    if not url.host:
        raise OutputRejected("the model's output URL has no host")


def _check_declared(response: httpx.Response, limit: int) -> None:
    length = response.headers.get("content-length", "")
    if length.isdigit() and int(length) > limit:
        raise too_large(limit)
    declared = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if declared not in _UNLABELLED and (
        not declared.startswith("image/") or declared == "image/svg+xml"
    ):
        raise NotAnImage(f"the model's output is not an image ({declared})")


async def read_capped(response: httpx.Response, limit: int) -> bytes:
    """Read a streamed body, refusing as soon as it passes `limit` bytes (decoded)."""
    chunks: list[bytes] = []
    total = 0
    async for chunk in response.aiter_bytes():
        total += len(chunk)
        if total > limit:
            raise too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


async def _fetch(client: httpx.AsyncClient, url: httpx.URL, limit: int) -> Downloaded:
    for _hop in range(MAX_REDIRECTS + 1):
        _check_url(url)
        async with client.stream("GET", url) as response:
            if response.is_redirect:
                url = url.join(response.headers["location"])
                continue
            if response.status_code != httpx.codes.OK:
                raise OutputRejected(
                    f"the model's output could not be downloaded (HTTP {response.status_code})"
                )
            _check_declared(response, limit)
            data = await read_capped(response, limit)
            media_type = image_type(data, response.headers.get("content-type", ""))
            return Downloaded(data, media_type, str(url))
    raise OutputRejected(f"the model's output URL redirected more than {MAX_REDIRECTS} times")


async def download_image(
    url: str,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    deadline: float = DEFAULT_DOWNLOAD_TIMEOUT,
    transport: httpx.AsyncBaseTransport | None = None,
    address_allowed: AddressCheck = global_only,
) -> Downloaded:
    """Fetch a model's output image: http(s), no credentials, capped, within `deadline` s,
    connecting only to addresses `address_allowed` accepts (unless a transport is given)."""
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL:
        raise OutputRejected("the model's output is not a valid URL") from None
    client = httpx.AsyncClient(
        transport=transport or guarded_transport(address_allowed),
        headers={"User-Agent": USER_AGENT, "Accept": "image/*"},
        follow_redirects=False,  # we follow them ourselves, checking every hop
        trust_env=False,  # no .netrc credentials, no proxy from the environment
        timeout=httpx.Timeout(deadline),
    )
    try:
        async with client, asyncio.timeout(deadline):
            return await _fetch(client, parsed, max_bytes)
    except (TimeoutError, httpx.TimeoutException):
        raise DownloadTimeout(
            f"timed out downloading the model's output (limit {deadline:g} s)"
        ) from None
    except httpx.ConnectError as exc:
        if isinstance(exc.__context__, AddressNotAllowed):
            raise OutputRejected(f"refusing to download the model's output: {exc}") from None
        raise OutputRejected("the model's output could not be downloaded (ConnectError)") from None
    except httpx.HTTPError as exc:
        raise OutputRejected(
            f"the model's output could not be downloaded ({type(exc).__name__})"
        ) from None


@dataclass(frozen=True)
class OutputFetcher:
    """How a hosted backend fetches its model's output: cap, deadline and address rule."""

    max_bytes: int
    deadline: float
    address_allowed: AddressCheck
    transport: httpx.AsyncBaseTransport | None = None  # tests only

    @classmethod
    def configure(
        cls,
        max_output_bytes: object,
        download_timeout: object,
        context: BackendContext | None,
        transport: httpx.AsyncBaseTransport | None,
    ) -> OutputFetcher:
        """From the backend's options, checked; the server's address rule when it lent one."""
        return cls(
            int(positive("max_output_bytes", max_output_bytes)),
            positive("download_timeout", download_timeout),
            context.address_allowed if context else global_only,
            transport,
        )

    async def fetch(self, url: str) -> Downloaded:
        """Download the output image at `url`."""
        return await download_image(
            url,
            max_bytes=self.max_bytes,
            deadline=self.deadline,
            transport=self.transport,
            address_allowed=self.address_allowed,
        )

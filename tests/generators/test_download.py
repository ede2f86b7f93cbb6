"""Downloading a model's output: no credentials, byte caps, deadlines, redirects, image check.

`OutputHost` (tests/support/model_hosts.py) is the output CDN here and in the Replicate and OpenAI
tests: a loopback server on its own address (127.0.0.2) that records every request, so a test can
show no token reached it.
"""

from __future__ import annotations

import asyncio
import gzip
from functools import partial

import httpx
import pytest
from aiohttp import web

from generators.base import GenerationError
from generators.download import download_image, sniff_image
from generators.errors import DownloadTimeout, NotAnImage, OutputRejected, OutputTooLarge
from generators.guard import global_only
from tests.support.model_hosts import PNG, OutputHost, image_bytes, loopback_only

# The fakes live on loopback; the real default (global addresses only) is tested below.
download = partial(download_image, address_allowed=loopback_only)


async def test_downloads_an_image_without_credentials(output_host: OutputHost) -> None:
    url = output_host.serve("/out.png", PNG)
    got = await download(url)
    assert (got.data, got.media_type, got.url) == (PNG, "image/png", url)
    assert output_host.secrets_seen() == []
    assert output_host.requests[0].headers["Accept"] == "image/*"


async def test_unlabelled_bytes_are_sniffed(output_host: OutputHost) -> None:
    webp = image_bytes("WEBP")
    got = await download(output_host.serve("/x", webp, "application/octet-stream"))
    assert got.media_type == "image/webp"


async def test_magic_bytes_win_over_a_wrong_image_label(output_host: OutputHost) -> None:
    jpeg = image_bytes("JPEG")
    got = await download(output_host.serve("/x", jpeg, "image/png"))
    assert got.media_type == "image/jpeg"


async def test_refuses_early_on_content_length(output_host: OutputHost) -> None:
    url = output_host.serve("/big.png", PNG + b"\0" * 5000)
    with pytest.raises(OutputTooLarge, match=r"the model's output is larger than 0\.001 MB"):
        await download(url, max_bytes=1000)


async def test_cap_holds_while_streaming_without_content_length(output_host: OutputHost) -> None:
    async def endless(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "image/png"})
        response.enable_chunked_encoding()
        await response.prepare(request)
        await response.write(PNG)
        for _ in range(1000):  # 64 MB if nobody stops reading
            await response.write(b"\0" * 65536)
        return response

    output_host.routes["/endless"] = endless
    with pytest.raises(OutputTooLarge, match="larger than 1 MB"):
        await download(output_host.url("/endless"), max_bytes=1_000_000)


async def test_cap_applies_to_decompressed_bytes() -> None:
    bomb = gzip.compress(PNG + b"\0" * 5_000_000)

    def handler(request: httpx.Request) -> httpx.Response:
        headers = {"Content-Type": "image/png", "Content-Encoding": "gzip"}
        return httpx.Response(200, content=bomb, headers=headers)

    with pytest.raises(OutputTooLarge):
        await download(
            "https://cdn.test/bomb.png", max_bytes=1_000_000, transport=httpx.MockTransport(handler)
        )


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"<html>nope</html>", "text/html"),
        (b'{"error": "x"}', "application/json"),
        (b"just bytes, no magic", "application/octet-stream"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "image/svg+xml"),
    ],
)
async def test_refuses_what_is_not_an_image(
    output_host: OutputHost, body: bytes, content_type: str
) -> None:
    with pytest.raises(NotAnImage, match="not an image"):
        await download(output_host.serve("/x", body, content_type))


async def test_deadline(output_host: OutputHost) -> None:
    async def slow(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "image/png"})
        await response.prepare(request)
        await response.write(PNG[:10])
        await asyncio.sleep(5)
        return response

    output_host.routes["/slow"] = slow
    with pytest.raises(DownloadTimeout, match="timed out downloading"):
        await download(output_host.url("/slow"), deadline=0.3)


async def test_follows_up_to_three_redirects(output_host: OutputHost) -> None:
    output_host.serve("/final.png", PNG)
    output_host.redirect("/r3", "/final.png")
    output_host.redirect("/r2", output_host.url("/r3"))
    url = output_host.redirect("/r1", "/r2")
    got = await download(url)
    assert got.data == PNG
    assert got.url == output_host.url("/final.png")
    assert output_host.secrets_seen() == []


async def test_refuses_a_fourth_redirect(output_host: OutputHost) -> None:
    output_host.serve("/final.png", PNG)
    for hop in range(1, 5):
        output_host.redirect(f"/r{hop}", f"/r{hop + 1}" if hop < 4 else "/final.png")
    with pytest.raises(OutputRejected, match="redirected more than 3 times"):
        await download(output_host.url("/r1"))
    assert "/final.png" not in [seen.path for seen in output_host.requests]


async def test_refuses_a_redirect_off_http(output_host: OutputHost) -> None:
    url = output_host.redirect("/r", "file:///etc/passwd")
    with pytest.raises(OutputRejected, match=r"not an http\(s\) URL"):
        await download(url)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("file:///etc/passwd", r"not an http\(s\) URL"),
        ("data:image/png;base64,AAAA", r"not an http\(s\) URL"),
        ("https://user:secret@cdn.test/x.png", "carries credentials"),
    ],
)
async def test_refuses_urls_before_connecting(url: str, reason: str) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise AssertionError(f"no request should be made, got {request.url}")

    with pytest.raises(OutputRejected, match=reason):
        await download(url, transport=httpx.MockTransport(handler))


async def test_http_error_status(output_host: OutputHost) -> None:
    with pytest.raises(OutputRejected, match=r"HTTP 404"):
        await download(output_host.url("/missing.png"))


async def test_unreachable_host_is_a_generation_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    with pytest.raises(GenerationError, match="could not be downloaded"):
        await download("https://cdn.test/x.png", transport=httpx.MockTransport(handler))


def test_sniff_image() -> None:
    assert sniff_image(PNG) == "image/png"
    assert sniff_image(image_bytes("GIF")) == "image/gif"
    assert sniff_image(b"<html>") is None


async def test_by_default_only_global_addresses_are_fetched(output_host: OutputHost) -> None:
    url = output_host.serve("/x.png", PNG)
    with pytest.raises(OutputRejected, match=r"127\.0\.0\.2 is not at a public address"):
        await download_image(url)  # no address rule lent: the fallback, global only
    assert output_host.requests == []


async def test_every_redirect_hop_is_checked(output_host: OutputHost) -> None:
    # The output host (127.0.0.2) is allowed; it redirects to 127.0.0.1, which is not.
    elsewhere = output_host.url("/x.png").replace("127.0.0.2", "127.0.0.1")
    url = output_host.redirect("/r", elsewhere)
    with pytest.raises(OutputRejected, match=r"127\.0\.0\.1 is not at a public address"):
        await download_image(url, address_allowed=lambda ip: ip == "127.0.0.2")
    assert [seen.path for seen in output_host.requests] == ["/r"]


@pytest.mark.parametrize(
    ("ip", "allowed"),
    [
        ("8.8.8.8", True),
        ("2606:4700::1111", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("169.254.169.254", False),
        ("192.168.0.1", False),
        ("::1", False),
        ("::ffff:127.0.0.1", False),
        ("fe80::1%eth0", False),
        ("224.0.0.1", False),
        ("not-an-ip", False),
    ],
)
def test_the_fallback_rule_is_global_unicast_only(ip: str, allowed: bool) -> None:
    assert global_only(ip) is allowed

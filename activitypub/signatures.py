"""HTTP signatures (draft-cavage-http-signatures-12) as Mastodon speaks them: verify and sign.

Verification is our own, on `cryptography`: bovine's verifier is not a security boundary (it
ignores a signed Content-Digest when an unsigned Digest is present, drops the query from
(request-target) and does not require `host`).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from urllib.parse import urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from .keys import PublicKey


class SignatureError(Exception):
    """A request's signature is missing or wrong; `reason` says why (sent back with the 401)."""

    status = 401

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class MissingSignature(SignatureError):
    """No Signature header."""


class MalformedSignature(SignatureError):
    """The Signature header cannot be parsed."""


class UnsupportedAlgorithm(SignatureError):
    """An algorithm other than rsa-sha256 / hs2019."""


class HeaderNotSigned(SignatureError):
    """A header we require is not covered by the signature."""


class MissingHeader(SignatureError):
    """A header the signature covers is absent."""


class DigestMismatch(SignatureError):
    """The body does not match its digest."""


class DateOutOfWindow(SignatureError):
    """The Date header is missing, unparsable, or too far from now."""


class HostMismatch(SignatureError):
    """The signed Host is not ours."""


class UnknownKey(SignatureError):
    """The key could not be found."""


class KeyUnavailable(SignatureError):
    """The key could not be fetched for now (its server timed out, failed or was unreachable):
    nothing is known about it either way, so the sender should retry after `retry_after` s."""

    status = 503

    def __init__(self, reason: str, retry_after: int) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class BadSignature(SignatureError):
    """The signature does not verify with the key."""


@dataclass(frozen=True)
class VerifiedRequest:
    """A request whose signature checked out."""

    key_id: str
    owner: str
    algorithm: str
    signed_headers: tuple[str, ...]


# (key id, refresh) -> the key, or None when there is no such key; raises KeyUnavailable when
# that cannot be told for now.
KeyLookup = Callable[[str, bool], Awaitable[PublicKey | None]]

_PARAM = re.compile(r'\s*([a-zA-Z]+)\s*=\s*(?:"([^"]*)"|([^,]*))\s*(?:,|$)')
ALGORITHMS = ("rsa-sha256", "hs2019")


@dataclass(frozen=True)
class _Parsed:
    key_id: str
    algorithm: str
    headers: tuple[str, ...]
    signature: bytes
    created: int | None
    expires: int | None


def _parse_header(value: str) -> _Parsed:
    params: dict[str, str] = {}
    position = 0
    while position < len(value):
        match = _PARAM.match(value, position)
        if match is None or match.end() == position:
            raise MalformedSignature('Signature header is not a list of key="value" pairs')
        params[match.group(1).lower()] = (
            match.group(2) if match.group(2) is not None else (match.group(3).strip())
        )
        position = match.end()
    if not params.get("keyid") or not params.get("signature"):
        raise MalformedSignature("Signature header lacks keyId or signature")
    algorithm = params.get("algorithm", "hs2019").lower()
    if algorithm not in ALGORITHMS:
        raise UnsupportedAlgorithm(f"signature algorithm {algorithm!r} is not supported")
    try:
        signature = base64.b64decode(params["signature"], validate=True)
    except (binascii.Error, ValueError):
        raise MalformedSignature("signature is not valid base64") from None
    # draft-cavage §2.1.6: without `headers`, only (created) — which we never accept.
    names = tuple(params.get("headers", "(created)").lower().split())
    return _Parsed(
        params["keyid"],
        algorithm,
        names,
        signature,
        _int_param(params, "created"),
        _int_param(params, "expires"),
    )


def _int_param(params: Mapping[str, str], name: str) -> int | None:
    raw = params.get(name)
    if raw is None:
        return None
    try:
        return int(raw)
    except ValueError:
        raise MalformedSignature(f"{name} is not an integer") from None


def _signature_value(headers: Mapping[str, str]) -> str:
    if "signature" in headers:
        return headers["signature"]
    # Mastodon also accepts the signature in Authorization: Signature … (draft-cavage §3.1).
    authorization = headers.get("authorization", "")
    if authorization[:10].lower() == "signature ":
        return authorization[10:]
    raise MissingSignature("no Signature header: requests to this inbox must be signed")


def _required(method: str, body: bytes) -> tuple[str, ...]:
    return ("(request-target)", "host", "date") + (("digest",) if method == "POST" or body else ())


def _check_covered(parsed: _Parsed, method: str, body: bytes) -> None:
    covered = set(parsed.headers)
    for name in _required(method, body):
        if name == "digest":
            if not covered & {"digest", "content-digest"}:
                raise HeaderNotSigned("the signature does not cover the body's digest")
        elif name not in covered:
            raise HeaderNotSigned(f"the signature does not cover {name!r}")


def _check_date(headers: Mapping[str, str], now: datetime, max_skew: timedelta) -> None:
    raw = headers.get("date")
    if not raw:
        raise DateOutOfWindow("no Date header")
    try:
        sent = parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        raise DateOutOfWindow(f"Date header {raw!r} is not an HTTP date") from None
    if sent.tzinfo is None:
        sent = sent.replace(tzinfo=UTC)
    if abs(now - sent) > max_skew:
        raise DateOutOfWindow(f"Date {raw!r} is outside the allowed window of {max_skew}")


def _digest_matches(name: str, value: str, body: bytes) -> bool:
    sha256 = hashlib.sha256(body).digest()
    if name == "digest":  # RFC 3230: SHA-256=<b64>[, other=…]
        for part in value.split(","):
            algorithm, _, encoded = part.strip().partition("=")
            if algorithm.lower() == "sha-256":
                return _b64_equals(encoded, sha256)
        raise DigestMismatch("Digest header has no SHA-256 value")
    for part in value.split(","):  # RFC 9530: sha-256=:<b64>:
        algorithm, _, encoded = part.strip().partition("=")
        if algorithm.lower() == "sha-256":
            return _b64_equals(encoded.strip().strip(":"), sha256)
    raise DigestMismatch("Content-Digest header has no sha-256 value")


def _b64_equals(encoded: str, expected: bytes) -> bool:
    try:
        return base64.b64decode(encoded.strip(), validate=True) == expected
    except (binascii.Error, ValueError):
        return False


def _check_digests(parsed: _Parsed, headers: Mapping[str, str], body: bytes) -> None:
    # Only a digest the signature covers says anything about the body; an unsigned one could
    # have been added by anyone (bovine's verifier gets this backwards, checking the unsigned
    # Digest and ignoring a signed Content-Digest).
    for name in ("digest", "content-digest"):
        signed_and_sent = name in parsed.headers and name in headers  # absent: MissingHeader later
        if signed_and_sent and not _digest_matches(name, headers[name], body):
            raise DigestMismatch(f"the body does not match its signed {name} header")


def _signing_string(parsed: _Parsed, method: str, target: str, headers: Mapping[str, str]) -> bytes:
    lines = []
    for name in parsed.headers:
        if name == "(request-target)":
            value = f"{method.lower()} {target}"
        elif name in ("(created)", "(expires)"):
            number = parsed.created if name == "(created)" else parsed.expires
            if number is None:
                raise MalformedSignature(f"{name} is signed but has no parameter")
            value = str(number)
        elif name in headers:
            value = headers[name].strip()
        else:
            raise MissingHeader(f"signed header {name!r} is missing from the request")
        lines.append(f"{name}: {value}")
    return "\n".join(lines).encode()


def _verifies(key: PublicKey, message: bytes, signature: bytes) -> bool:
    try:
        key.rsa.verify(signature, message, padding.PKCS1v15(), hashes.SHA256())
    except (InvalidSignature, ValueError):
        return False
    return True


async def verify_request(
    *,
    method: str,
    target: str,
    headers: Mapping[str, str],
    body: bytes,
    expected_host: str,
    lookup_key: KeyLookup,
    now: datetime | None = None,
    max_skew: timedelta = timedelta(minutes=5),
) -> VerifiedRequest:
    """Check a request's signature; cheap checks first, then at most one key refresh."""
    lower = {name.lower(): value for name, value in headers.items()}
    method = method.upper()
    parsed = _parse_header(_signature_value(lower))
    _check_covered(parsed, method, body)
    _check_date(lower, now or datetime.now(UTC), max_skew)
    if lower.get("host", "").strip().lower() != expected_host.lower():
        raise HostMismatch(f"signed for host {lower.get('host')!r}, not {expected_host!r}")
    _check_digests(parsed, lower, body)
    if parsed.expires is not None and (now or datetime.now(UTC)).timestamp() > parsed.expires:
        raise DateOutOfWindow("the signature has expired")
    message = _signing_string(parsed, method, target, lower)

    key = await lookup_key(parsed.key_id, False)
    refreshed = False
    if key is None:
        key, refreshed = await lookup_key(parsed.key_id, True), True
        if key is None:
            raise UnknownKey(f"key {parsed.key_id!r} could not be found")
    if not _verifies(key, message, parsed.signature):
        fresh = None if refreshed else await lookup_key(parsed.key_id, True)  # rotated key?
        if fresh is None or fresh.pem == key.pem or not _verifies(fresh, message, parsed.signature):
            raise BadSignature("the signature does not verify with the actor's key")
        key = fresh
    return VerifiedRequest(parsed.key_id, key.owner, parsed.algorithm, parsed.headers)


class Signer:
    """Signs outgoing requests with one actor's key (loaded once)."""

    def __init__(self, key_id: str, private_key_pem: str) -> None:
        key = serialization.load_pem_private_key(private_key_pem.encode(), password=None)
        if not isinstance(key, rsa.RSAPrivateKey):
            raise ValueError("only RSA keys are supported for HTTP signatures")
        self.key_id = key_id
        self._key = key

    def sign(
        self, method: str, url: str, body: bytes | None, *, now: datetime | None = None
    ) -> dict[str, str]:
        """Headers to add: Host, Date, Digest (with a body) and Signature."""
        parts = urlsplit(url)
        target = parts.path or "/"
        if parts.query:
            target += f"?{parts.query}"
        headers = {
            "Host": parts.netloc,
            "Date": format_datetime(now or datetime.now(UTC), usegmt=True),
        }
        signed = [
            ("(request-target)", f"{method.lower()} {target}"),
            ("host", headers["Host"]),
            ("date", headers["Date"]),
        ]
        if body is not None:
            digest = base64.b64encode(hashlib.sha256(body).digest()).decode()
            headers["Digest"] = f"SHA-256={digest}"
            signed.append(("digest", headers["Digest"]))
        message = "\n".join(f"{name}: {value}" for name, value in signed).encode()
        signature = self._key.sign(message, padding.PKCS1v15(), hashes.SHA256())
        names = " ".join(name for name, _ in signed)
        headers["Signature"] = (
            f'keyId="{self.key_id}",algorithm="rsa-sha256",headers="{names}",'
            f'signature="{base64.b64encode(signature).decode()}"'
        )
        return headers

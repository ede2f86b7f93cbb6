"""Unit tests for our HTTP-signature verifier and signer (activitypub.signatures).

Every security rule of the inbox signature check has a negative test here. Requests are built
three ways: with bovine's signing helpers (bovine is used to sign only, never to verify), by hand
the way Mastodon builds them, and with our own Signer.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from bovine.crypto.helper import content_digest_sha256, content_digest_sha256_rfc_9530
from bovine.crypto.http_signature import build_signature
from bovine.crypto.types import CryptographicSecret
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa

from activitypub.keys import PublicKey, generate_rsa_keypair
from activitypub.signatures import (
    BadSignature,
    DateOutOfWindow,
    DigestMismatch,
    HeaderNotSigned,
    HostMismatch,
    MalformedSignature,
    MissingHeader,
    MissingSignature,
    SignatureError,
    Signer,
    UnknownKey,
    UnsupportedAlgorithm,
    VerifiedRequest,
    verify_request,
)

HOST = "social.example"
OWNER = "https://remote.example/users/alice"
KEY_ID = f"{OWNER}#main-key"
NOW = datetime(2025, 1, 15, 12, 0, 0, tzinfo=UTC)
DATE = format_datetime(NOW, usegmt=True)
BODY = b'{"type":"Follow","actor":"https://remote.example/users/alice"}'
MASTODON_HEADERS = ("(request-target)", "host", "date", "digest")


# --- building requests --------------------------------------------------------------------------


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def sha256_digest(body: bytes) -> str:
    """An RFC 3230 Digest value, as Mastodon sends it."""
    return f"SHA-256={b64(hashlib.sha256(body).digest())}"


def sha256_content_digest(body: bytes) -> str:
    """An RFC 9530 Content-Digest value."""
    return f"sha-256=:{b64(hashlib.sha256(body).digest())}:"


def rsa_sign(private_pem: str, message: str) -> str:
    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    return b64(key.sign(message.encode(), padding.PKCS1v15(), hashes.SHA256()))


@dataclass(frozen=True)
class Request:
    """One incoming request as the inbox route hands it to the verifier."""

    headers: dict[str, str]
    method: str = "POST"
    target: str = "/inbox"
    body: bytes = BODY


def mastodon_request(
    private_pem: str,
    *,
    method: str = "POST",
    target: str = "/inbox",
    body: bytes = BODY,
    covered: Sequence[str] = MASTODON_HEADERS,
    algorithm: str | None = "rsa-sha256",
    extra: dict[str, str] | None = None,
    extra_params: str = "",
) -> Request:
    """A request signed by hand the way Mastodon signs it: the signing string is built here."""
    headers = {"Host": HOST, "Date": DATE}
    if body or method == "POST":
        headers["Digest"] = sha256_digest(body)
    headers.update(extra or {})
    values = {name.lower(): value for name, value in headers.items()}
    lines = [
        f"{name}: {method.lower()} {target}"
        if name == "(request-target)"
        else f"{name}: {values[name]}"
        for name in covered
    ]
    params = [f'keyId="{KEY_ID}"']
    if algorithm is not None:
        params.append(f'algorithm="{algorithm}"')
    params.append(f'headers="{" ".join(covered)}"')
    params.append(f'signature="{rsa_sign(private_pem, chr(10).join(lines))}"')
    headers["Signature"] = ",".join(params) + extra_params
    return Request(headers, method, target, body)


def with_headers(request: Request, **changes: str | None) -> Request:
    """The same request with headers replaced (None removes one); the signature is kept."""
    headers = dict(request.headers)
    for name, value in changes.items():
        name = name.replace("_", "-").title()
        if value is None:
            headers.pop(name)
        else:
            headers[name] = value
    return replace(request, headers=headers)


@dataclass
class Lookup:
    """A key retriever for the verifier that records every (key id, refresh) call."""

    cached: PublicKey | None
    fresh: PublicKey | None = None
    calls: list[tuple[str, bool]] = field(default_factory=list)

    async def __call__(self, key_id: str, refresh: bool) -> PublicKey | None:
        self.calls.append((key_id, refresh))
        return self.fresh if refresh else self.cached


def public_key(public_pem: str, *, owner: str = OWNER) -> PublicKey:
    return PublicKey(KEY_ID, owner, public_pem)


async def verify(
    request: Request,
    lookup: Lookup,
    *,
    now: datetime = NOW,
    max_skew: timedelta = timedelta(minutes=5),
    expected_host: str = HOST,
) -> VerifiedRequest:
    return await verify_request(
        method=request.method,
        target=request.target,
        headers=request.headers,
        body=request.body,
        expected_host=expected_host,
        lookup_key=lookup,
        now=now,
        max_skew=max_skew,
    )


@dataclass(frozen=True)
class Keys:
    private: str  # the signer's private key; `public` below is what the lookup returns
    public: str
    other_private: str  # an unrelated key pair
    other_public: str


@pytest.fixture(scope="module")
def other_keypair() -> tuple[str, str]:
    return generate_rsa_keypair()


@pytest.fixture
def keys(keypair: tuple[str, str], other_keypair: tuple[str, str]) -> Keys:
    return Keys(keypair[0], keypair[1], other_keypair[0], other_keypair[1])


@pytest.fixture
def lookup(keys: Keys) -> Lookup:
    key = public_key(keys.public)
    return Lookup(cached=key, fresh=key)


# --- requests signed by bovine ------------------------------------------------------------------


def bovine_post(private_pem: str, digest: tuple[str, str], target: str = "/inbox") -> Request:
    """A POST signed exactly as bovine.clients.signed_http_methods.signed_post signs it."""
    helper = (
        build_signature(HOST, "post", target)  # type: ignore[no-untyped-call]
        .with_field("date", DATE)
        .with_field(*digest)
        .with_field("content-type", "application/activity+json")
    )
    signature = helper.sign_for_http_draft(CryptographicSecret.from_pem(KEY_ID, private_pem))
    return Request({**helper.headers, "signature": signature}, "POST", target, BODY)


@pytest.mark.parametrize(
    ("digest", "signed_digest_header"),
    [
        pytest.param(("digest", content_digest_sha256(BODY)), "digest", id="digest-lowercase"),
        pytest.param(
            ("digest", content_digest_sha256(BODY, prefix="SHA-256")), "digest", id="digest-SHA-256"
        ),
        pytest.param(
            content_digest_sha256_rfc_9530(BODY), "content-digest", id="content-digest-rfc9530"
        ),
    ],
)
async def test_bovine_signed_post_verifies(
    keys: Keys, lookup: Lookup, digest: tuple[str, str], signed_digest_header: str
) -> None:
    verified = await verify(bovine_post(keys.private, digest), lookup)

    assert verified == VerifiedRequest(
        KEY_ID,
        OWNER,
        "rsa-sha256",
        ("(request-target)", "host", "date", signed_digest_header, "content-type"),
    )
    assert lookup.calls == [(KEY_ID, False)]


async def test_bovine_signed_get_with_query_verifies(keys: Keys, lookup: Lookup) -> None:
    target = "/users/bob/outbox?page=true"
    helper = (
        build_signature(HOST, "get", target)  # type: ignore[no-untyped-call]
        .with_field("date", DATE)
        .with_field("accept", "application/activity+json")
    )
    signature = helper.sign_for_http_draft(CryptographicSecret.from_pem(KEY_ID, keys.private))
    request = Request({**helper.headers, "signature": signature}, "GET", target, b"")

    verified = await verify(request, lookup)

    assert verified.signed_headers == ("(request-target)", "host", "date", "accept")
    with pytest.raises(BadSignature):
        await verify(replace(request, target="/users/bob/outbox"), lookup)


async def test_bovine_signed_post_with_changed_body_is_refused(keys: Keys, lookup: Lookup) -> None:
    request = bovine_post(keys.private, content_digest_sha256_rfc_9530(BODY))

    with pytest.raises(DigestMismatch):
        await verify(replace(request, body=BODY + b" "), lookup)


# --- requests signed by hand, Mastodon style ----------------------------------------------------


@pytest.mark.parametrize(
    ("algorithm", "reported"),
    [
        pytest.param("rsa-sha256", "rsa-sha256", id="rsa-sha256"),
        pytest.param("hs2019", "hs2019", id="hs2019"),
        pytest.param("RSA-SHA256", "rsa-sha256", id="rsa-sha256-uppercase"),
        pytest.param(None, "hs2019", id="no-algorithm-param"),
    ],
)
async def test_mastodon_style_post_verifies(
    keys: Keys, lookup: Lookup, algorithm: str | None, reported: str
) -> None:
    request = mastodon_request(keys.private, algorithm=algorithm)
    assert f'headers="{" ".join(MASTODON_HEADERS)}"' in request.headers["Signature"]

    verified = await verify(request, lookup)

    assert verified == VerifiedRequest(KEY_ID, OWNER, reported, MASTODON_HEADERS)


async def test_signature_in_authorization_header_verifies(keys: Keys, lookup: Lookup) -> None:
    request = mastodon_request(keys.private)
    headers = dict(request.headers)
    headers["Authorization"] = "Signature " + headers.pop("Signature")

    verified = await verify(replace(request, headers=headers), lookup)

    assert verified.key_id == KEY_ID


async def test_header_names_are_case_insensitive(keys: Keys, lookup: Lookup) -> None:
    request = mastodon_request(keys.private)
    shouting = {name.upper(): value for name, value in request.headers.items()}

    verified = await verify(replace(request, headers=shouting), lookup)

    assert verified.owner == OWNER


async def test_digest_with_several_algorithms_uses_the_sha256_one(
    keys: Keys, lookup: Lookup
) -> None:
    sha512 = b64(hashlib.sha512(BODY).digest())
    digest = f"SHA-512={sha512}, {sha256_digest(BODY)}"
    request = mastodon_request(keys.private, extra={"Digest": digest})

    verified = await verify(request, lookup)

    assert "digest" in verified.signed_headers


@pytest.mark.parametrize(
    "skew",
    [
        pytest.param(timedelta(minutes=-4, seconds=-59), id="almost-5-minutes-old"),
        pytest.param(timedelta(minutes=4, seconds=59), id="almost-5-minutes-ahead"),
    ],
)
async def test_date_inside_window_verifies(keys: Keys, lookup: Lookup, skew: timedelta) -> None:
    request = mastodon_request(
        keys.private, extra={"Date": format_datetime(NOW + skew, usegmt=True)}
    )

    assert (await verify(request, lookup)).key_id == KEY_ID


async def test_max_skew_is_configurable(keys: Keys, lookup: Lookup) -> None:
    request = mastodon_request(
        keys.private, extra={"Date": format_datetime(NOW - timedelta(seconds=90), usegmt=True)}
    )

    assert (await verify(request, lookup, max_skew=timedelta(minutes=2))).owner == OWNER
    with pytest.raises(DateOutOfWindow):
        await verify(request, lookup, max_skew=timedelta(minutes=1))


# --- the query string is part of (request-target) -----------------------------------------------


async def test_query_signed_target_verifies_as_signed(keys: Keys, lookup: Lookup) -> None:
    request = mastodon_request(keys.private, target="/inbox?a=1")

    assert (await verify(request, lookup)).owner == OWNER


@pytest.mark.parametrize(
    "presented",
    [
        pytest.param("/inbox?a=2", id="other-query-value"),
        pytest.param("/inbox", id="query-dropped"),
        pytest.param("/inbox?a=1&b=2", id="query-extended"),
        pytest.param("/inbox?", id="empty-query"),
        pytest.param("/users/alice/inbox?a=1", id="other-path-same-query"),
    ],
)
async def test_query_is_part_of_request_target(keys: Keys, lookup: Lookup, presented: str) -> None:
    request = mastodon_request(keys.private, target="/inbox?a=1")

    with pytest.raises(BadSignature):
        await verify(replace(request, target=presented), lookup)


@pytest.mark.parametrize(
    "presented",
    [
        pytest.param("/inbox?a=2", id="other-query-value"),
        pytest.param("/inbox", id="query-dropped"),
    ],
)
async def test_signer_query_is_part_of_request_target(
    keys: Keys, lookup: Lookup, presented: str
) -> None:
    headers = Signer(KEY_ID, keys.private).sign("POST", f"https://{HOST}/inbox?a=1", BODY, now=NOW)
    request = Request(headers, "POST", "/inbox?a=1", BODY)
    assert (await verify(request, lookup)).owner == OWNER

    with pytest.raises(BadSignature):
        await verify(replace(request, target=presented), lookup)


# --- the refusal table: one negative test per rule ----------------------------------------------


@dataclass(frozen=True)
class Refusal:
    build: Callable[[Keys], Request]
    error: type[SignatureError]


def _no_signature(k: Keys) -> Request:
    return with_headers(mastodon_request(k.private), signature=None)


def _signature_value(value: str) -> Callable[[Keys], Request]:
    return lambda k: with_headers(mastodon_request(k.private), signature=value)


def _valid_signature_minus(param: str) -> Callable[[Keys], Request]:
    def build(k: Keys) -> Request:
        request = mastodon_request(k.private)
        parts = [
            p for p in request.headers["Signature"].split(",") if not p.startswith(param + "=")
        ]
        return with_headers(request, signature=",".join(parts))

    return build


def _covering(
    *covered: str, method: str = "POST", body: bytes = BODY, extra: dict[str, str] | None = None
) -> Callable[[Keys], Request]:
    """A valid request whose signature covers only `covered`."""
    return lambda k: mastodon_request(
        k.private, covered=covered, method=method, body=body, extra=extra
    )


def _headers_param(names: str) -> Callable[[Keys], Request]:
    """Sign a valid Mastodon request, then claim it covers `names` instead."""

    def build(k: Keys) -> Request:
        request = mastodon_request(k.private)
        signature = request.headers["Signature"].replace(
            f'headers="{" ".join(MASTODON_HEADERS)}"', f'headers="{names}"'
        )
        return with_headers(request, signature=signature)

    return build


def _dated(delta: timedelta) -> Callable[[Keys], Request]:
    return lambda k: mastodon_request(
        k.private, extra={"Date": format_datetime(NOW + delta, usegmt=True)}
    )


def _then(
    change: Callable[[Request], Request],
    *,
    covered: Sequence[str] = MASTODON_HEADERS,
    algorithm: str = "rsa-sha256",
    extra: dict[str, str] | None = None,
    extra_params: str = "",
) -> Callable[[Keys], Request]:
    """Sign a request (valid unless the arguments say otherwise), then apply `change` to it."""
    return lambda k: change(
        mastodon_request(
            k.private,
            covered=covered,
            algorithm=algorithm,
            extra=extra,
            extra_params=extra_params,
        )
    )


SHA512_DIGEST = f"SHA-512={b64(hashlib.sha512(BODY).digest())}"
TAMPERED_DATE = format_datetime(NOW - timedelta(seconds=30), usegmt=True)

REFUSALS = {
    # no signature / cannot parse it
    "no-signature-header": Refusal(_no_signature, MissingSignature),
    "authorization-not-signature-scheme": Refusal(
        lambda k: with_headers(_no_signature(k), authorization="Bearer abc"), MissingSignature
    ),
    "garbage-header": Refusal(_signature_value("this is not a signature"), MalformedSignature),
    "empty-header": Refusal(_signature_value(",,"), MalformedSignature),
    "missing-signature-param": Refusal(_valid_signature_minus("signature"), MalformedSignature),
    "missing-keyid-param": Refusal(_valid_signature_minus("keyId"), MalformedSignature),
    "signature-not-base64": Refusal(
        _signature_value(
            f'keyId="{KEY_ID}",headers="(request-target) host date digest",signature="not base64!!"'
        ),
        MalformedSignature,
    ),
    "created-not-an-integer": Refusal(
        _then(lambda r: r, extra_params=',created="soon"'), MalformedSignature
    ),
    "created-signed-without-param": Refusal(
        _headers_param("(request-target) host date digest (created)"), MalformedSignature
    ),
    # algorithms
    "algorithm-hmac-sha256": Refusal(
        _then(lambda r: r, algorithm="hmac-sha256"), UnsupportedAlgorithm
    ),
    "algorithm-rsa-sha512": Refusal(
        _then(lambda r: r, algorithm="rsa-sha512"), UnsupportedAlgorithm
    ),
    "algorithm-ed25519": Refusal(_then(lambda r: r, algorithm="ed25519"), UnsupportedAlgorithm),
    # required headers not covered by the signature
    "request-target-not-signed": Refusal(_covering("host", "date", "digest"), HeaderNotSigned),
    "host-not-signed": Refusal(_covering("(request-target)", "date", "digest"), HeaderNotSigned),
    "date-not-signed": Refusal(_covering("(request-target)", "host", "digest"), HeaderNotSigned),
    "digest-not-signed-post-with-body": Refusal(
        _covering("(request-target)", "host", "date"), HeaderNotSigned
    ),
    "digest-not-signed-post-empty-body": Refusal(
        _covering("(request-target)", "host", "date", body=b""), HeaderNotSigned
    ),
    "digest-not-signed-get-with-body": Refusal(
        _covering("(request-target)", "host", "date", method="GET"), HeaderNotSigned
    ),
    "no-headers-param": Refusal(_valid_signature_minus("headers"), HeaderNotSigned),
    # a covered header is absent
    "signed-digest-header-absent": Refusal(
        _then(lambda r: with_headers(r, digest=None)), MissingHeader
    ),
    "signed-content-type-absent": Refusal(
        _then(
            lambda r: with_headers(r, content_type=None),
            covered=(*MASTODON_HEADERS, "content-type"),
            extra={"Content-Type": "application/activity+json"},
        ),
        MissingHeader,
    ),
    # Date
    "date-header-missing": Refusal(_then(lambda r: with_headers(r, date=None)), DateOutOfWindow),
    "date-not-http-date": Refusal(
        lambda k: mastodon_request(k.private, extra={"Date": "yesterday"}), DateOutOfWindow
    ),
    "date-too-old": Refusal(_dated(timedelta(minutes=-5, seconds=-1)), DateOutOfWindow),
    "date-hours-old": Refusal(_dated(timedelta(hours=-3)), DateOutOfWindow),
    "date-too-far-ahead": Refusal(_dated(timedelta(minutes=5, seconds=1)), DateOutOfWindow),
    "signature-expired": Refusal(
        _then(lambda r: r, extra_params=f',expires="{int(NOW.timestamp()) - 1}"'),
        DateOutOfWindow,
    ),
    # Host
    "host-is-another-server": Refusal(
        lambda k: mastodon_request(k.private, extra={"Host": "evil.example"}), HostMismatch
    ),
    "host-with-other-port": Refusal(
        lambda k: mastodon_request(k.private, extra={"Host": f"{HOST}:8443"}), HostMismatch
    ),
    # digests
    "body-changed-after-signing": Refusal(
        _then(lambda r: replace(r, body=BODY.replace(b"Follow", b"Delete"))), DigestMismatch
    ),
    "body-emptied-after-signing": Refusal(_then(lambda r: replace(r, body=b"")), DigestMismatch),
    "digest-sha512-only": Refusal(
        lambda k: mastodon_request(k.private, extra={"Digest": SHA512_DIGEST}), DigestMismatch
    ),
    "digest-not-base64": Refusal(
        lambda k: mastodon_request(k.private, extra={"Digest": "SHA-256=!!!"}), DigestMismatch
    ),
    "signed-content-digest-wrong": Refusal(
        _covering(
            "(request-target)",
            "host",
            "date",
            "content-digest",
            extra={"Content-Digest": sha256_content_digest(b"another body")},
        ),
        DigestMismatch,
    ),
    "content-digest-sha512-only": Refusal(
        _covering(
            "(request-target)",
            "host",
            "date",
            "content-digest",
            extra={"Content-Digest": f"sha-512=:{b64(hashlib.sha512(BODY).digest())}:"},
        ),
        DigestMismatch,
    ),
    # the signature itself
    "signed-by-another-key": Refusal(lambda k: mastodon_request(k.other_private), BadSignature),
    "date-changed-after-signing": Refusal(
        _then(lambda r: with_headers(r, date=TAMPERED_DATE)), BadSignature
    ),
    "signed-content-type-changed": Refusal(
        _then(
            lambda r: with_headers(r, content_type="text/html"),
            covered=(*MASTODON_HEADERS, "content-type"),
            extra={"Content-Type": "application/activity+json"},
        ),
        BadSignature,
    ),
    "method-changed": Refusal(_then(lambda r: replace(r, method="PUT")), BadSignature),
    "headers-param-reordered": Refusal(
        _headers_param("host (request-target) date digest"), BadSignature
    ),
    "signature-random-bytes": Refusal(
        _signature_value(
            f'keyId="{KEY_ID}",headers="(request-target) host date digest",'
            f'signature="{b64(bytes(256))}"'
        ),
        BadSignature,
    ),
}

# Refusals found before any key lookup: a flood of junk must not make us fetch keys.
NEEDS_KEY = (BadSignature, UnknownKey)


@pytest.mark.parametrize("case", list(REFUSALS.values()), ids=list(REFUSALS))
async def test_request_is_refused(keys: Keys, lookup: Lookup, case: Refusal) -> None:
    request = case.build(keys)

    with pytest.raises(SignatureError) as raised:
        await verify(request, lookup)

    assert type(raised.value) is case.error, raised.value
    assert raised.value.status == 401 and raised.value.reason
    if case.error not in NEEDS_KEY:
        assert lookup.calls == []


# --- Content-Digest vs Digest: the signed one is the one checked --------------------------------

GOOD_DIGEST = sha256_digest(BODY)
BAD_DIGEST = sha256_digest(b"another body")
GOOD_CONTENT_DIGEST = sha256_content_digest(BODY)
BAD_CONTENT_DIGEST = sha256_content_digest(b"another body")


@pytest.mark.parametrize(
    ("signed", "digest", "content_digest", "error"),
    [
        pytest.param(
            "content-digest",
            BAD_DIGEST,
            GOOD_CONTENT_DIGEST,
            None,
            id="signed-content-digest-right-unsigned-digest-wrong",
        ),
        pytest.param(
            "digest",
            GOOD_DIGEST,
            BAD_CONTENT_DIGEST,
            None,
            id="signed-digest-right-unsigned-content-digest-wrong",
        ),
        pytest.param(
            "content-digest",
            GOOD_DIGEST,
            BAD_CONTENT_DIGEST,
            DigestMismatch,
            id="signed-content-digest-wrong-unsigned-digest-right",
        ),
        pytest.param(
            "digest",
            BAD_DIGEST,
            GOOD_CONTENT_DIGEST,
            DigestMismatch,
            id="signed-digest-wrong-unsigned-content-digest-right",
        ),
        pytest.param(
            "content-digest",
            GOOD_DIGEST,
            GOOD_CONTENT_DIGEST,
            None,
            id="signed-content-digest-both-right",
        ),
        pytest.param(
            "digest", GOOD_DIGEST, GOOD_CONTENT_DIGEST, None, id="signed-digest-both-right"
        ),
        pytest.param(
            "digest content-digest",
            GOOD_DIGEST,
            BAD_CONTENT_DIGEST,
            DigestMismatch,
            id="both-signed-content-digest-wrong",
        ),
        pytest.param(
            "digest content-digest",
            BAD_DIGEST,
            GOOD_CONTENT_DIGEST,
            DigestMismatch,
            id="both-signed-digest-wrong",
        ),
        pytest.param(
            "digest content-digest",
            GOOD_DIGEST,
            GOOD_CONTENT_DIGEST,
            None,
            id="both-signed-both-right",
        ),
    ],
)
async def test_the_signed_digest_is_the_one_checked(
    keys: Keys,
    lookup: Lookup,
    signed: str,
    digest: str,
    content_digest: str,
    error: type[SignatureError] | None,
) -> None:
    request = mastodon_request(
        keys.private,
        covered=("(request-target)", "host", "date", *signed.split()),
        extra={"Digest": digest, "Content-Digest": content_digest},
    )

    if error is None:
        verified = await verify(request, lookup)
        assert set(signed.split()) <= set(verified.signed_headers)
    else:
        with pytest.raises(error):
            await verify(request, lookup)


# --- keys: unknown, wrong, rotated --------------------------------------------------------------


async def test_unknown_key_is_refused_after_one_refresh(keys: Keys) -> None:
    lookup = Lookup(cached=None, fresh=None)

    with pytest.raises(UnknownKey):
        await verify(mastodon_request(keys.private), lookup)

    assert lookup.calls == [(KEY_ID, False), (KEY_ID, True)]


async def test_uncached_key_is_fetched_once_and_verifies(keys: Keys) -> None:
    lookup = Lookup(cached=None, fresh=public_key(keys.public))

    verified = await verify(mastodon_request(keys.private), lookup)

    assert verified.owner == OWNER
    assert lookup.calls == [(KEY_ID, False), (KEY_ID, True)]


async def test_cached_key_that_verifies_is_not_refreshed(keys: Keys, lookup: Lookup) -> None:
    await verify(mastodon_request(keys.private), lookup)

    assert lookup.calls == [(KEY_ID, False)]


async def test_rotated_key_verifies_after_one_refresh(keys: Keys) -> None:
    new_owner = "https://remote.example/users/alice-rotated"
    lookup = Lookup(
        cached=public_key(keys.other_public), fresh=public_key(keys.public, owner=new_owner)
    )

    verified = await verify(mastodon_request(keys.private), lookup)

    assert verified.owner == new_owner  # the owner of the key that verified
    assert lookup.calls == [(KEY_ID, False), (KEY_ID, True)]


@pytest.mark.parametrize(
    ("cached", "fresh"),
    [
        pytest.param("other", "other", id="refresh-returns-same-wrong-key"),
        pytest.param("other", "none", id="refresh-finds-nothing"),
        pytest.param("none", "other", id="uncached-then-wrong-key"),
        pytest.param("other", "third", id="refresh-returns-another-wrong-key"),
    ],
)
async def test_bad_signature_refreshes_the_key_at_most_once(
    keys: Keys, cached: str, fresh: str
) -> None:
    third = public_key(generate_rsa_keypair(1024)[1]) if "third" in (cached, fresh) else None
    choices = {"other": public_key(keys.other_public), "none": None, "third": third}
    lookup = Lookup(cached=choices[cached], fresh=choices[fresh])

    with pytest.raises(BadSignature):
        await verify(mastodon_request(keys.private), lookup)

    assert lookup.calls == [(KEY_ID, False), (KEY_ID, True)]


@pytest.mark.parametrize(
    "pem",
    [
        pytest.param("not a pem", id="garbage"),
        pytest.param(
            ed25519.Ed25519PrivateKey.generate()
            .public_key()
            .public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            .decode(),
            id="ed25519-key",
        ),
    ],
)
async def test_unusable_stored_key_is_a_bad_signature(keys: Keys, pem: str) -> None:
    lookup = Lookup(cached=public_key(pem), fresh=public_key(pem))

    with pytest.raises(BadSignature):
        await verify(mastodon_request(keys.private), lookup)


# --- our Signer, round trip ---------------------------------------------------------------------


async def test_signer_post_round_trip(keys: Keys, lookup: Lookup) -> None:
    headers = Signer(KEY_ID, keys.private).sign("POST", f"https://{HOST}/inbox", BODY, now=NOW)

    verified = await verify(Request(headers, "POST", "/inbox", BODY), lookup)

    assert set(headers) == {"Host", "Date", "Digest", "Signature"}
    assert headers["Host"] == HOST and headers["Date"] == DATE
    assert headers["Digest"] == sha256_digest(BODY)
    assert verified == VerifiedRequest(KEY_ID, OWNER, "rsa-sha256", MASTODON_HEADERS)


async def test_signer_post_with_empty_body_signs_digest(keys: Keys, lookup: Lookup) -> None:
    headers = Signer(KEY_ID, keys.private).sign("POST", f"https://{HOST}/inbox", b"", now=NOW)

    verified = await verify(Request(headers, "POST", "/inbox", b""), lookup)

    assert verified.signed_headers == MASTODON_HEADERS


async def test_signer_get_round_trip(keys: Keys, lookup: Lookup) -> None:
    url = f"https://{HOST}/users/bob/outbox?page=2"
    headers = Signer(KEY_ID, keys.private).sign("GET", url, None, now=NOW)

    verified = await verify(Request(headers, "GET", "/users/bob/outbox?page=2", b""), lookup)

    assert "Digest" not in headers
    assert verified.signed_headers == ("(request-target)", "host", "date")


async def test_signer_get_refused_when_a_body_appears(keys: Keys, lookup: Lookup) -> None:
    headers = Signer(KEY_ID, keys.private).sign("GET", f"https://{HOST}/users/bob", None, now=NOW)

    with pytest.raises(HeaderNotSigned):
        await verify(Request(headers, "GET", "/users/bob", BODY), lookup)


async def test_signer_host_keeps_the_port(keys: Keys, lookup: Lookup) -> None:
    headers = Signer(KEY_ID, keys.private).sign(
        "POST", "http://127.0.0.1:8080/inbox", BODY, now=NOW
    )

    assert headers["Host"] == "127.0.0.1:8080"
    verified = await verify(
        Request(headers, "POST", "/inbox", BODY), lookup, expected_host="127.0.0.1:8080"
    )
    assert verified.owner == OWNER
    with pytest.raises(HostMismatch):
        await verify(Request(headers, "POST", "/inbox", BODY), lookup, expected_host="127.0.0.1")


async def test_signer_output_checked_against_the_clock(keys: Keys, lookup: Lookup) -> None:
    headers = Signer(KEY_ID, keys.private).sign("POST", f"https://{HOST}/inbox", BODY)

    assert (await verify(Request(headers), lookup, now=datetime.now(UTC))).owner == OWNER
    with pytest.raises(DateOutOfWindow):
        await verify(Request(headers), lookup, now=datetime.now(UTC) + timedelta(minutes=10))


def test_signer_refuses_a_non_rsa_key() -> None:
    pem = (
        ed25519.Ed25519PrivateKey.generate()
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode()
    )

    with pytest.raises(ValueError, match="RSA"):
        Signer(KEY_ID, pem)

"""C2PA Content Credentials: signed offline with the instance key, readable, and optional."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import select

from fedi.core.services import Services
from fedi.domain.accounts import create_user
from fedi.domain.posting import Draft, PostError, make_post
from fedi.media.c2pa import (
    GENERATION_ASSERTION,
    C2paSigningError,
    carries_credentials,
    certificate_chain,
    offline_context,
    sign_image,
)
from fedi.media.pipeline import TRAINED_ALGORITHMIC_MEDIA, Provenance, process_image
from storage.models import Generation, MediaAttachment, Post

c2pa = pytest.importorskip("c2pa")

PROVENANCE = Provenance(model="painter-9000", backend="builtin", prompt="a red fox", seed=7)
HOST = "impasto.example"


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (48, 32), (200, 60, 20)).save(out, format="PNG")
    return out.getvalue()


def _read(data: bytes, media_type: str) -> Any:
    return c2pa.Reader(media_type, io.BytesIO(data), None, offline_context())


def _xmp(image: Image.Image) -> str:
    raw = image.info.get("xmp") or image.info.get("XML:com.adobe.xmp") or b""
    return raw.decode() if isinstance(raw, bytes) else str(raw)


def _assertion(manifest: dict[str, Any], prefix: str) -> dict[str, Any]:
    found = [a for a in manifest["assertions"] if a["label"].startswith(prefix)]
    assert found, f"no {prefix} assertion in {manifest['assertions']}"
    data: dict[str, Any] = found[0]["data"]
    return data


@pytest.mark.parametrize("output_format", ["WEBP", "PNG", "JPEG"])
def test_signed_image_carries_a_valid_manifest(
    output_format: str, keypair: tuple[str, str]
) -> None:
    processed = process_image(_png(), provenance=PROVENANCE, output_format=output_format)
    signed = sign_image(processed.data, processed.media_type, PROVENANCE, keypair[0], HOST)

    reader = _read(signed, processed.media_type)
    # Valid: signature, claim and hashes check; only the self-issued signer is not trusted.
    assert reader.get_validation_state() == "Valid"
    results = reader.get_validation_results()["activeManifest"]
    failures = {item["code"] for item in results["failure"]}
    assert failures <= {"signingCredential.untrusted"}
    successes = {item["code"] for item in results["success"]}
    assert {"claimSignature.validated", "assertion.dataHash.match"} <= successes

    manifest = reader.get_active_manifest()
    assert manifest["claim_generator_info"][0]["name"] == "Impasto"
    assert manifest["signature_info"]["alg"].upper() == "PS256"
    assert manifest["signature_info"]["common_name"] == HOST
    (action,) = _assertion(manifest, "c2pa.actions")["actions"]
    assert action["action"] == "c2pa.created"
    assert action["digitalSourceType"] == TRAINED_ALGORITHMIC_MEDIA
    assert action["softwareAgent"]["name"] == "painter-9000"
    generation = _assertion(manifest, GENERATION_ASSERTION)
    assert generation["model"] == "painter-9000"
    assert generation["backend"] == "builtin"
    assert generation["prompt"] == "a red fox"
    assert generation["seed"] == 7

    image = Image.open(io.BytesIO(signed))
    image.load()
    assert image.format == output_format
    assert image.size == (48, 32)
    assert TRAINED_ALGORITHMIC_MEDIA in _xmp(image)
    assert "painter-9000" in _xmp(image)


@pytest.mark.parametrize("output_format", ["WEBP", "PNG", "JPEG"])
def test_a_signed_file_is_seen_to_carry_credentials_and_an_unsigned_one_not(
    output_format: str, keypair: tuple[str, str], tmp_path: Path
) -> None:
    processed = process_image(_png(), provenance=PROVENANCE, output_format=output_format)
    signed = sign_image(processed.data, processed.media_type, PROVENANCE, keypair[0], HOST)
    (tmp_path / "signed").write_bytes(signed)
    (tmp_path / "plain").write_bytes(processed.data)  # XMP provenance, but no manifest
    assert carries_credentials(str(tmp_path / "signed"))
    assert not carries_credentials(str(tmp_path / "plain"))


def test_certificate_is_made_once_per_process_for_the_instance_key(
    keypair: tuple[str, str],
) -> None:
    first = certificate_chain(keypair[0], HOST)
    assert certificate_chain(keypair[0], HOST) is first
    assert first[0].count(b"BEGIN CERTIFICATE") == 2


def test_a_key_that_is_not_rsa_is_refused() -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519

    pem = (
        ed25519.Ed25519PrivateKey.generate()
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode()
    )
    processed = process_image(_png(), provenance=PROVENANCE)
    with pytest.raises(C2paSigningError, match="RSA"):
        sign_image(processed.data, processed.media_type, PROVENANCE, pem, HOST)


def test_a_missing_package_names_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    real_import = builtins.__import__

    def no_c2pa(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "c2pa":
            raise ImportError("No module named 'c2pa'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_c2pa)
    with pytest.raises(C2paSigningError, match=r"\[media\] c2pa = true needs the c2pa-python"):
        sign_image(b"", "image/webp", PROVENANCE, "", HOST)


async def _stored_image(svc: Services, post_id: int) -> tuple[bytes, str]:
    async with svc.reads() as session:
        media = (
            await session.execute(select(MediaAttachment).where(MediaAttachment.post_id == post_id))
        ).scalar_one()
    assert media.file_name is not None
    data = (Path(svc.media_dir) / media.file_name).read_bytes()
    assert media.file_size == len(data)
    return data, media.media_type


async def test_post_with_c2pa_on_stores_a_signed_image(svc: Services) -> None:
    svc.settings.media.c2pa = True
    await create_user(svc, "alice")
    post = await make_post(svc, Draft(username="alice", prompt="a lighthouse at dusk"))
    data, media_type = await _stored_image(svc, post.id)

    reader = _read(data, media_type)
    assert reader.get_validation_state() == "Valid"
    manifest = reader.get_active_manifest()
    (action,) = _assertion(manifest, "c2pa.actions")["actions"]
    assert action["digitalSourceType"] == TRAINED_ALGORITHMIC_MEDIA
    assert _assertion(manifest, GENERATION_ASSERTION)["model"] == post.generator_model
    assert manifest["signature_info"]["common_name"] == svc.settings.instance.host
    image = Image.open(io.BytesIO(data))
    image.load()
    assert TRAINED_ALGORITHMIC_MEDIA in _xmp(image)


async def test_post_with_c2pa_off_has_no_manifest(svc: Services) -> None:
    assert svc.settings.media.c2pa is False
    await create_user(svc, "alice")
    post = await make_post(svc, Draft(username="alice", prompt="a lighthouse at dusk"))
    data, media_type = await _stored_image(svc, post.id)
    with pytest.raises(c2pa.C2paError):
        _read(data, media_type)


async def test_post_fails_when_signing_fails(
    svc: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object) -> bytes:
        raise C2paSigningError("C2PA signing failed: the certificate is invalid")

    monkeypatch.setattr("fedi.domain.posting.sign_image", broken)
    svc.settings.media.c2pa = True
    await create_user(svc, "alice")
    before = _files(svc)
    with pytest.raises(PostError, match=r"\[media\] c2pa = true.*certificate is invalid"):
        await make_post(svc, Draft(username="alice", prompt="a lighthouse at dusk"))
    assert _files(svc) == before  # nothing unsigned was stored
    async with svc.reads() as session:
        assert (await session.execute(select(Post))).first() is None
        (generation,) = (await session.execute(select(Generation))).scalars()
    assert generation.state == "failed"
    assert "certificate is invalid" in (generation.reason or "")


def _files(svc: Services) -> set[Path]:
    return set(Path(svc.media_dir).rglob("*"))

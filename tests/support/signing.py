"""Hand-built draft-cavage signatures, for requests our own Signer would never make."""

from __future__ import annotations

import base64
from collections.abc import Sequence

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa


def signature_header(
    private_pem: str, key_id: str, signed: Sequence[tuple[str, str]], algorithm: str = "rsa-sha256"
) -> str:
    """A Signature header over (name, value) pairs, built the way Mastodon builds it."""
    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    text = "\n".join(f"{name}: {value}" for name, value in signed)
    signature = key.sign(text.encode(), padding.PKCS1v15(), hashes.SHA256())
    names = " ".join(name for name, _ in signed)
    return (
        f'keyId="{key_id}",algorithm="{algorithm}",headers="{names}",'
        f'signature="{base64.b64encode(signature).decode()}"'
    )

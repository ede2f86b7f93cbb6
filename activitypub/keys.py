"""RSA key pairs for actors and the public-key record used to verify signatures."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa


def generate_rsa_keypair(bits: int = 2048) -> tuple[str, str]:
    """Generate a new RSA key pair and return (private PEM, public PEM)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    private_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public_pem = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private_pem, public_pem


@dataclass(frozen=True)
class PublicKey:
    """A remote or local actor's public key as published in its actor document."""

    key_id: str
    owner: str
    pem: str = field(repr=False)

    @cached_property
    def rsa(self) -> rsa.RSAPublicKey:
        """The loaded RSA public key; raises ValueError for a non-RSA or malformed key."""
        loaded = serialization.load_pem_public_key(self.pem.encode())
        if not isinstance(loaded, rsa.RSAPublicKey):
            raise ValueError("public key is not an RSA key")
        return loaded

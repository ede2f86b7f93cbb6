"""Impasto's entities in the API extension: the Generation (/api/v1/impasto/generations), a
request to paint, where it is, why it failed, and once done the MediaAttachment a status can
carry; and the Model people may choose (/api/v1/impasto/models)."""

from __future__ import annotations

from typing import Any

from fedi.core.services import Services
from fedi.domain.entities.formats import timestamp
from fedi.domain.entities.statuses import media_attachment
from fedi.domain.image_models import Offered
from storage.models import Generation, MediaAttachment


def generation(svc: Services, row: Generation, picture: MediaAttachment | None) -> dict[str, Any]:
    """The Generation entity (described in /api/v1/impasto/openapi.json)."""
    return {
        "id": str(row.id),
        "state": row.state,
        "prompt": row.prompt,
        "negative_prompt": row.negative_prompt,
        "aspect_ratio": row.aspect_ratio,
        "seed": row.seed,
        "backend": row.backend,
        "model": row.model,
        "error": row.reason if row.state == "failed" else None,
        "created_at": timestamp(row.created_at),
        "finished_at": timestamp(row.finished_at) if row.finished_at else None,
        "media_attachment": media_attachment(svc, picture) if picture is not None else None,
    }


def model(offered: Offered) -> dict[str, Any]:
    """The Model entity: a key `model` takes, its label, and whether it is the default."""
    return {"key": offered.key, "label": offered.label, "default": offered.default}

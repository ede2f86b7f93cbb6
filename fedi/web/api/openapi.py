"""GET /api/v1/impasto/openapi.json: the OpenAPI 3.1 document of Impasto's own API extension
(the generations, and the models one may choose). Written by hand rather than generated
(quart-schema would need its own decorators and models on the routes, for four operations):
tests check it is a valid OpenAPI document, that every path it names answers, and that the
answers match its schemas."""

from __future__ import annotations

from typing import Any

from quart import Blueprint, Response

from fedi.domain.generation_jobs import ASPECT_RATIOS
from fedi.web.helpers import json_response

bp = Blueprint("api_openapi", __name__)
PATH = "/api/v1/impasto/openapi.json"
STATES = ["queued", "generating", "processing", "done", "failed"]


def _nullable(kind: str, **more: Any) -> dict[str, Any]:
    return {"type": [kind, "null"], **more}


GENERATION = {
    "type": "object",
    "required": [
        "id",
        "state",
        "prompt",
        "negative_prompt",
        "aspect_ratio",
        "seed",
        "backend",
        "model",
        "error",
        "created_at",
        "finished_at",
        "media_attachment",
    ],
    "properties": {
        "id": {"type": "string", "description": "The generation's id."},
        "state": {"type": "string", "enum": STATES},
        "prompt": {"type": "string"},
        "negative_prompt": _nullable("string"),
        "aspect_ratio": {"type": "string", "enum": list(ASPECT_RATIOS)},
        "seed": _nullable("integer", description="Asked for, or the model's once done."),
        "backend": {"type": "string", "description": "The image model's backend."},
        "model": _nullable("string", description="The model that painted it, once known."),
        "error": _nullable("string", description="Why it failed (state `failed`)."),
        "created_at": {"type": "string", "format": "date-time"},
        "finished_at": _nullable("string", format="date-time"),
        "media_attachment": {
            "oneOf": [{"$ref": "#/components/schemas/MediaAttachment"}, {"type": "null"}],
            "description": "Once done: the picture, whose id a status takes in `media_ids[]`.",
        },
    },
}
MEDIA_ATTACHMENT = {
    "type": "object",
    "description": "Mastodon's MediaAttachment (docs.joinmastodon.org/entities/MediaAttachment).",
    "required": [
        "id",
        "type",
        "url",
        "preview_url",
        "remote_url",
        "meta",
        "description",
        "blurhash",
    ],
    "properties": {
        "id": {"type": "string"},
        "type": {"type": "string", "enum": ["image"]},
        "url": _nullable("string"),
        "preview_url": _nullable("string"),
        "remote_url": _nullable("string"),
        "meta": {"type": "object"},
        "description": _nullable("string"),
        "blurhash": _nullable("string"),
    },
}
MODEL = {
    "type": "object",
    "required": ["key", "label", "default"],
    "properties": {
        "key": {"type": "string", "description": "What `model` takes when asking for a picture."},
        "label": {"type": "string", "description": "What the instance calls the model."},
        "default": {"type": "boolean", "description": "It paints when no model is chosen."},
    },
}
ERROR = {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}}


def _answer(text: str, schema: str = "Error") -> dict[str, Any]:
    content = {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}
    return {"description": text, "content": content}


ASK_FIELDS = {
    "type": "object",
    "required": ["prompt"],
    "properties": {
        "prompt": {"type": "string", "description": "What to paint."},
        "negative_prompt": {"type": "string", "description": "What to keep out of it."},
        "aspect_ratio": {"type": "string", "enum": list(ASPECT_RATIOS), "default": "1:1"},
        "seed": {"type": "integer", "minimum": 0, "description": "For a repeatable picture."},
        "model": {
            "type": "string",
            "description": "The key of one of GET /api/v1/impasto/models; left out: the default.",
        },
    },
}
SECURITY = [{"OAuth2": ["write:media"]}]
COMMON = {
    "401": _answer("No token, or not a valid one."),
    "403": _answer("The token lacks the `write:media` (or `write`) scope."),
}

DOCUMENT: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {
        "title": "Impasto API extension: generations",
        "version": "1.0.0",
        "description": (
            "Pictures painted by the instance's image models, for Mastodon apps that want them. "
            "GET /api/v1/impasto/models lists the models offered; ask with a prompt (and, "
            "optionally, a model's key); the answer comes at once with a generation in state "
            "`queued`. "
            "Poll it until `done` (its `media_attachment` is then yours, unattached: post it "
            "with `media_ids[]` on POST /api/v1/statuses, and the status carries the prompt and "
            "the model; a picture no status took within a day may be removed, as Mastodon "
            "removes unused uploads) or `failed` (see `error`). A server that stops mid-way "
            "fails those it had not finished. The instance's quotas and rate limits apply "
            "(429 says when)."
        ),
    },
    "paths": {
        "/api/v1/impasto/generations": {
            "post": {
                "operationId": "createGeneration",
                "summary": "Ask for a picture",
                "security": SECURITY,
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {"schema": ASK_FIELDS},
                        "application/x-www-form-urlencoded": {"schema": ASK_FIELDS},
                        "multipart/form-data": {"schema": ASK_FIELDS},
                    },
                },
                "responses": {
                    "202": _answer("Queued; paint begins when a slot is free.", "Generation"),
                    **COMMON,
                    "422": _answer(
                        "An empty or long prompt, unknown aspect ratio or model, bad seed."
                    ),
                    "429": _answer("Over the hourly or daily quota; the error says when."),
                },
            }
        },
        "/api/v1/impasto/generations/{id}": {
            "get": {
                "operationId": "getGeneration",
                "summary": "Where a generation is",
                "security": [{"OAuth2": ["read"]}, *SECURITY],
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "responses": {
                    "200": _answer("The generation.", "Generation"),
                    **COMMON,
                    "404": _answer("No such generation of yours."),
                },
            }
        },
        "/api/v1/impasto/models": {
            "get": {
                "operationId": "listModels",
                "summary": "The image models one may choose",
                "security": [],
                "responses": {
                    "200": {
                        "description": "Every model offered (at least one), the default marked.",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "array",
                                    "items": {"$ref": "#/components/schemas/Model"},
                                }
                            }
                        },
                    }
                },
            }
        },
        PATH: {
            "get": {
                "operationId": "getOpenApi",
                "summary": "This document",
                "security": [],
                "responses": {
                    "200": {"description": "OpenAPI 3.1", "content": {"application/json": {}}}
                },
            }
        },
    },
    "components": {
        "schemas": {
            "Generation": GENERATION,
            "MediaAttachment": MEDIA_ATTACHMENT,
            "Model": MODEL,
            "Error": ERROR,
        },
        "securitySchemes": {
            "OAuth2": {
                "type": "oauth2",
                "description": "Mastodon's OAuth 2 (POST /api/v1/apps, then /oauth/authorize).",
                "flows": {
                    "authorizationCode": {
                        "authorizationUrl": "/oauth/authorize",
                        "tokenUrl": "/oauth/token",
                        "scopes": {"read": "read", "write:media": "upload and paint pictures"},
                    }
                },
            }
        },
    },
}


@bp.get(PATH)
async def document() -> Response:
    """The OpenAPI document (public, as the API it describes is documented)."""
    return json_response(DOCUMENT)

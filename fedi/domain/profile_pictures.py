"""An avatar or header painted by the instance's model from a prompt, for a person's profile
page: the generation counts against their quota like any other, and the picture then goes
through `profile.update_profile` as an uploaded one would."""

from __future__ import annotations

from dataclasses import dataclass

from fedi.core.errors import UserError
from fedi.core.services import Services
from fedi.domain import generation
from fedi.domain.accounts import acting_user
from fedi.media.pipeline import Provenance
from generators.base import GenerationError, GenerationRequest
from storage import generations

PROMPT_CHARS = 500  # a profile picture's prompt; a post's caption has its own limit


class PaintError(UserError):
    """The picture could not be painted; the message says why."""


@dataclass(frozen=True)
class Painted:
    """A picture the model painted, and how (for the label written into the file)."""

    data: bytes
    provenance: Provenance


async def paint(svc: Services, username: str, prompt: str, *, header: bool = False) -> Painted:
    """The picture the model paints for `prompt` (wide for a header)."""
    prompt = prompt.strip()
    if not prompt:
        raise PaintError("a picture to paint needs a prompt")
    if len(prompt) > PROMPT_CHARS:
        raise PaintError(f"the prompt has {len(prompt)} characters; at most {PROMPT_CHARS}")
    async with svc.reads() as session:
        account = await acting_user(session, username)
    width, height = (1536, 1024) if header else (1024, 1024)  # sizes hosted models take
    request = GenerationRequest(prompt=prompt, width=width, height=height)
    try:
        async with generation.generating(svc, account.id, request) as (generation_id, image):
            async with svc.sessions.begin() as session:
                await generations.set_state(session, generation_id, generations.DONE)
    except generation.LimitReached as exc:
        raise PaintError(str(exc)) from None
    except GenerationError as exc:
        raise PaintError(f"the model could not paint it: {exc.reason}") from None
    meta = image.metadata
    return Painted(image.data, Provenance(meta.model, meta.backend, prompt, meta.seed))

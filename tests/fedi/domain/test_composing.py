"""What a remix starts from: the prompt of a post, ours or another Impasto's "Prompt:" line."""

from __future__ import annotations

from fedi.domain.composing import prompt_of
from storage.models import Post


def test_the_prompt_of_a_remote_impasto_post() -> None:
    remote = Post(content_html="<p>Evening</p><p>Prompt: a fox &amp; a hare<br>at night</p>")
    assert prompt_of(remote) == "a fox & a hare\nat night"
    assert prompt_of(Post(content_html="<p>no prompt here</p>")) is None
    assert prompt_of(Post(prompt="ours", content_html="<p>Prompt: theirs</p>")) == "ours"

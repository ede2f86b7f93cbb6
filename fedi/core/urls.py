"""The URL layout of local objects (Mastodon-like, so people recognise it)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Urls:
    """Builds the public URLs of local actors, posts and media from the instance base URL."""

    base: str

    def actor(self, username: str) -> str:
        """Actor id."""
        return f"{self.base}/users/{username}"

    def key_id(self, username: str) -> str:
        """Public key id (a fragment of the actor document, as Mastodon does)."""
        return f"{self.actor(username)}#main-key"

    def profile(self, username: str) -> str:
        """HTML profile page."""
        return f"{self.base}/@{username}"

    def inbox(self, username: str) -> str:
        """Personal inbox."""
        return f"{self.actor(username)}/inbox"

    @property
    def shared_inbox(self) -> str:
        """Shared inbox."""
        return f"{self.base}/inbox"

    def collection(self, username: str, name: str) -> str:
        """outbox, followers, following or collections/featured."""
        return f"{self.actor(username)}/{name}"

    def post(self, username: str, post_id: int) -> str:
        """A post's Note id."""
        return f"{self.actor(username)}/statuses/{post_id}"

    def post_activity(self, username: str, post_id: int) -> str:
        """The id of the Create that published a post."""
        return f"{self.post(username, post_id)}/activity"

    def post_page(self, username: str, post_id: int) -> str:
        """A post's HTML page."""
        return f"{self.profile(username)}/{post_id}"

    def static(self, file_name: str) -> str:
        """A file shipped with Impasto (fedi/web/static), such as the server's thumbnail."""
        return f"{self.base}/static/{file_name}"

    def media(self, file_name: str) -> str:
        """A stored media file."""
        return f"{self.base}/media/{file_name}"

    def activity(self, username: str, kind: str, activity_id: int) -> str:
        """Id of another activity we send (Follow, Accept, Undo, …); dereferenceable."""
        return f"{self.actor(username)}/activities/{kind.lower()}/{activity_id}"

    @property
    def instance_actor(self) -> str:
        """The instance actor that signs fetches made on the server's own behalf."""
        return f"{self.base}/actor"

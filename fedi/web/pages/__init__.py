"""Pages for people, one module per topic: the post page and acting on posts."""

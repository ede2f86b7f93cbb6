"""Background work on durable rows: delivery, inbox processing (by the table of handlers),
remote image copies (posts' pictures, actors' avatars and headers)."""

"""HTTP blueprints: discovery, ActivityPub objects and collections, inbox, web pages, media."""

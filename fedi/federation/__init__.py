"""ActivityPub glue: fetching actors and keys, receiving, queueing, AS2 conversion."""

"""What people do: accounts, posting, follows, reactions, blocks, pins, edits, deletes, reading."""

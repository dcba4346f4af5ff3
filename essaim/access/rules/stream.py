"""Rules for posts, comments and reactions (filled in with the stream app)."""

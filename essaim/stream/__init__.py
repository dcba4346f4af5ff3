"""The activity stream: posts, comments, reactions, mentions, tags and feeds."""

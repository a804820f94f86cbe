"""Moderation: a comment's life from intake to decision, through the one gate."""

"""Accounts: sites and their keys, moderators and their tokens, and who a caller is."""

"""Review: what moderators read and do: the review queue, its filters and counts, decisions one by
one or in bulk, undo, threads and authors.
"""

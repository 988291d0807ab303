"""What every domain package uses: errors for people, periods, CSV checks.

Nothing here imports another saferplan package, so crime, geography, youth justice and
plans can all depend on it without depending on each other.
"""

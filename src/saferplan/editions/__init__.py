"""Editions: every document saferplan builds, kept as files that never change.

An edition is one build of one document (the Strategic Assessment today; the plans and the
board report later) for one partnership: its files (HTML, Word, PDF, figures), each with its
SHA-256, stored read-only under the data directory's ``editions/``, with what it was built
from (the imports and their hashes, the parameters), who built it and when, its check
result and its state on the approval route. Reading a file checks its hash first.
"""

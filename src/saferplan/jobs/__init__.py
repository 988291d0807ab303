"""Background jobs: long work (imports, document builds) run by a worker, not a request.

The queue itself is django-tasks' database backend (ADR 0005). This app adds what it does
not do: a :class:`~saferplan.jobs.models.Job` record per piece of work (whose it is, who
asked, its state, progress, log and result), work functions registered by name
(``registry``, ``kinds``), progress reports that notice a cancellation (``context``),
heartbeats so a job whose worker died is found and marked failed (``monitor``; on SQLite
also a live progress file, ``live``), and the worker process that ``saferplan worker`` and
``saferplan serve`` run (``worker``, ``supervisor``).
Callers use ``saferplan.jobs.queue``: ``enqueue``, ``cancel``, ``status``.
"""

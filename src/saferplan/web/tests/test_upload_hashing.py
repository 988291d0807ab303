"""An upload is read in large pieces and hashed as it arrives; its import job uses that
SHA-256 while the kept file is unchanged, and hashes a file changed since."""

from __future__ import annotations

import hashlib
import threading
import time
from pathlib import Path

import pytest
from django.core.files.uploadhandler import load_handler
from django.test import override_settings

from saferplan.datastore import sources
from saferplan.datastore.models import ImportRecord
from saferplan.web.tests.test_imports import (  # noqa: F401 (data is a fixture)
    HARROW,
    client_for,
    data,
    only_job,
    run_queued_jobs,
    upload,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("data")]


def large_file(settings) -> bytes:  # type: ignore[no-untyped-def]
    """A police.uk file past Django's in-memory size, so it arrives in a temporary file."""
    header, body = HARROW.read_bytes().split(b"\n", 1)
    content = header + b"\n" + body * 15
    assert len(content) > settings.FILE_UPLOAD_MAX_MEMORY_SIZE
    return content


def test_every_upload_handler_reads_the_request_in_large_pieces(settings) -> None:
    # Django reads in the smallest handler's pieces; its own 64 KiB made a 450 MB upload
    # take four times as long to parse.
    handlers = [load_handler(path) for path in settings.FILE_UPLOAD_HANDLERS]
    assert min(h.chunk_size for h in handlers) >= 1 << 20


def test_the_job_uses_the_digest_computed_as_the_file_arrived(settings, monkeypatch) -> None:
    content = large_file(settings)
    expected = hashlib.sha256(content).hexdigest()
    upload(client_for("analyst"), "police-uk", ("large-street.csv", content))
    job = only_job()
    (kept,) = job.arguments["paths"]
    assert job.arguments["digests"][kept]["sha256"] == expected
    hashed: list[int] = []
    real = hashlib.sha256

    def counting(given: bytes = b"", **kwargs):  # type: ignore[no-untyped-def]
        hashed.append(len(given))
        return real(given, **kwargs)

    monkeypatch.setattr(sources.hashlib, "sha256", counting)
    run_queued_jobs()
    assert ImportRecord.objects.get().sha256 == expected
    assert len(content) not in hashed  # the import did not read the whole file to hash it


def test_a_file_changed_since_it_was_uploaded_is_hashed_again(settings) -> None:
    content = large_file(settings)
    upload(client_for("analyst"), "police-uk", ("large-street.csv", content))
    (kept,) = only_job().arguments["paths"]
    changed = content[: content.rindex(b"\n", 0, len(content) - 1) + 1]  # one row fewer
    Path(kept).write_bytes(changed)
    run_queued_jobs()
    assert ImportRecord.objects.get().sha256 == hashlib.sha256(changed).hexdigest()


def _hashing_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "upload-sha256"]


def test_an_upload_stopped_at_its_limit_leaves_no_hashing_behind(settings) -> None:
    content = large_file(settings)
    with override_settings(UPLOAD_MAX_FILE_BYTES=len(content) - 1000):
        response = upload(client_for("analyst"), "police-uk", ("large-street.csv", content))
    assert response.status_code == 400 and "the most one file may be" in response.content.decode()
    deadline = time.monotonic() + 5
    while _hashing_threads() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _hashing_threads()

"""Keeping editions: files copied read-only with their SHA-256, all or nothing, and every
read refused once a file has changed."""

from __future__ import annotations

import hashlib
import stat
from pathlib import Path

import pytest

from saferplan.accounts.models import AuditEvent, Partnership
from saferplan.accounts.tenancy import partnership_scope
from saferplan.core.errors import SaferplanError
from saferplan.editions import store
from saferplan.editions.models import Edition, EditionFile
from saferplan.editions.tests.samples import NAMES, keep_sample, write_documents

pytestmark = pytest.mark.django_db


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _alter(path: Path, data: bytes = b"<p>Burglary fell 40%.</p>") -> None:
    """As someone with the service's account would: make it writable, then change it."""
    path.chmod(0o600)
    path.write_bytes(data)


def test_an_edition_keeps_its_files_read_only_with_their_hashes(
    partnership, data_dir: Path, tmp_path: Path
) -> None:
    sources = write_documents(tmp_path / "out", "Harrow")
    expected = {p.name: _sha(p.read_bytes()) for p in sources}
    edition = keep_sample(tmp_path / "out", "Harrow")
    folder = data_dir / "editions" / str(partnership.pk) / str(edition.pk)
    assert sorted(p.name for p in folder.iterdir()) == sorted(NAMES)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o500
    for name, sha in expected.items():
        assert stat.S_IMODE((folder / name).stat().st_mode) == 0o400
        assert _sha((folder / name).read_bytes()) == sha
    recorded = {f.name: (f.sha256, f.size_bytes) for f in edition.files.all()}
    assert recorded == {p.name: (expected[p.name], p.stat().st_size) for p in sources}
    pdf = edition.files.get(name="strategic-assessment.pdf")
    assert pdf.content_type == "application/pdf"
    assert store.read_file(pdf) == (tmp_path / "out" / pdf.name).read_bytes()
    assert (edition.state, edition.edition, edition.check_passed) == ("draft", "public", True)
    assert edition.built_by is None and edition.built_by_name.endswith("(cli)")
    assert edition.imports[0]["sha256"] == "ab" * 32
    event = AuditEvent.objects.get(model="editions.Edition", action="created")
    assert event.partnership == partnership and event.object_id == str(edition.pk)
    assert store.verify(edition) == []


def test_a_changed_file_is_refused_naming_it_and_both_hashes(
    partnership, data_dir: Path, tmp_path: Path
) -> None:
    edition = keep_sample(tmp_path / "out", "Harrow")
    html = edition.files.get(name="strategic-assessment.html")
    path = store.folder_of(edition) / html.name
    original = _sha(path.read_bytes())
    _alter(path)
    with pytest.raises(store.AlteredFileError) as caught:
        store.read_file(html)
    message = str(caught.value)
    assert "strategic-assessment.html" in message
    assert original in message and _sha(b"<p>Burglary fell 40%.</p>") in message
    assert [a.name for a in store.verify(edition)] == ["strategic-assessment.html"]


def test_missing_and_added_files_are_found_by_verify(
    partnership, data_dir: Path, tmp_path: Path
) -> None:
    edition = keep_sample(tmp_path / "out", "Harrow")
    folder = store.folder_of(edition)
    folder.chmod(0o700)
    (folder / "figures.json").unlink()
    (folder / "extra.html").write_text("<p>planted</p>")
    problems = {a.name: a for a in store.verify(edition)}
    assert set(problems) == {"figures.json", "extra.html"}
    missing = problems["figures.json"]
    assert missing.found is None and "missing" in missing.describe()
    assert problems["extra.html"].expected is None
    with pytest.raises(store.AlteredFileError, match=r"figures\.json is missing"):
        store.read_file(edition.files.get(name="figures.json"))


def _nothing_kept(data_dir: Path, partnership: Partnership) -> None:
    assert not Edition.objects.exists() and not EditionFile.objects.exists()
    parent = data_dir / "editions" / str(partnership.pk)
    assert not parent.exists() or list(parent.iterdir()) == []
    assert not AuditEvent.objects.filter(model="editions.Edition").exists()


def test_a_copy_that_fails_leaves_no_edition_and_no_files(
    partnership, data_dir: Path, tmp_path: Path, monkeypatch
) -> None:
    real = store.shutil.copyfile
    copied = []

    def fail_on_the_third(source, target):  # type: ignore[no-untyped-def]
        copied.append(source)
        if len(copied) == 3:
            raise OSError(28, "No space left on device")
        return real(source, target)

    monkeypatch.setattr(store.shutil, "copyfile", fail_on_the_third)
    with pytest.raises(OSError, match="No space left"):
        keep_sample(tmp_path / "out", "Harrow")
    _nothing_kept(data_dir, partnership)


def test_a_record_that_fails_leaves_no_edition_and_no_files(
    partnership, data_dir: Path, tmp_path: Path, monkeypatch
) -> None:
    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("the database went away")

    monkeypatch.setattr(store.audit, "record", broken)
    with pytest.raises(RuntimeError, match="went away"):
        keep_sample(tmp_path / "out", "Harrow")
    _nothing_kept(data_dir, partnership)


def test_a_failure_after_the_files_are_in_place_removes_them(
    partnership, data_dir: Path, tmp_path: Path, monkeypatch
) -> None:
    def broken(callback):  # type: ignore[no-untyped-def]
        raise RuntimeError("commit failed")

    monkeypatch.setattr(store.transaction, "on_commit", broken)
    with pytest.raises(RuntimeError, match="commit failed"):
        keep_sample(tmp_path / "out", "Harrow")
    _nothing_kept(data_dir, partnership)


def test_a_folder_left_by_an_interrupted_build_is_set_aside(
    partnership, data_dir: Path, tmp_path: Path
) -> None:
    first = keep_sample(tmp_path / "one", "Harrow")
    parent = store.folder_of(first).parent
    left = parent / str(first.pk + 1)
    left.mkdir()
    (left / "strategic-assessment.html").write_text("from a build that never committed")
    second = keep_sample(tmp_path / "two", "Harrow")
    assert second.pk == first.pk + 1
    assert store.verify(second) == []
    aside = [p for p in parent.iterdir() if p.name.startswith(f".set-aside-{second.pk}-")]
    assert len(aside) == 1
    left_text = (aside[0] / "strategic-assessment.html").read_text()
    assert left_text == "from a build that never committed"


def test_an_edition_needs_a_partnership_and_stays_in_it(data_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(SaferplanError, match="needs a partnership"):
        keep_sample(tmp_path / "out", "Harrow")
    mine = Partnership.objects.create(name="Mine", areas=["Harrow"])
    theirs = Partnership.objects.create(name="Theirs", areas=["Brent"])
    with partnership_scope(mine):
        edition = keep_sample(tmp_path / "out", "Harrow")
    with partnership_scope(theirs):
        assert not Edition.objects.filter(pk=edition.pk).exists()
        assert not EditionFile.objects.filter(edition_id=edition.pk).exists()
    with partnership_scope(mine):
        assert Edition.objects.get(pk=edition.pk).files.count() == len(NAMES)


def test_files_and_their_records_never_change(partnership, data_dir, tmp_path: Path) -> None:
    edition = keep_sample(tmp_path / "out", "Harrow")
    record = edition.files.first()
    assert record is not None
    record.sha256 = "0" * 64
    with pytest.raises(ValueError, match="never change"):
        record.save()


def test_bad_builds_are_refused_before_anything_is_kept(partnership, data_dir, tmp_path) -> None:
    files = write_documents(tmp_path / "out", "Harrow")
    good = store.Build(document="strategic-assessment", period="2018", edition="public", title="x")
    for build, paths, message in [
        (store.Build("leaflet", "2018", "public", "x"), files, "unknown document 'leaflet'"),
        (store.Build("strategic-assessment", "2018", "secret", "x"), files, "unknown edition"),
        (good, [], "at least one file"),
        (good, [files[0], files[0]], "same name"),
        (good, [tmp_path / "out"], "not a file"),
    ]:
        with pytest.raises(SaferplanError, match=message):
            store.keep_edition(build, paths)
    _nothing_kept(data_dir, partnership)

"""`parindex backup` / `parindex restore`: the demo (published rounds, evidence files, the change
log) goes into one archive and comes back identical into an empty database; a tampered archive,
a database holding data, or a failure half-way leave nothing written."""

import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client

from parindex.history.models import Change
from parindex.ops import archive, services
from parindex.results.selectors import published_rounds
from tests import cast

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def demo(transactional_db, media):
    call_command("demo", stdout=io.StringIO())


def figures() -> dict:
    """What the public sees: every published round's results, through the API."""
    client = Client()
    rounds = [r.code for r in published_rounds()]
    assert rounds
    return {code: json.loads(client.get(f"/api/rounds/{code}/results").content)
            for code in rounds}


def change_log() -> list[tuple]:
    return [(c.pk, c.at, c.actor.username if c.actor else None, c.action,
             c.object_type.natural_key(), c.object_id, c.object_repr, c.part,
             c.scope_type.natural_key() if c.scope_type else None, c.scope_id,
             c.before, c.after, c.reason, c.request_id)
            for c in Change.objects.select_related("actor", "object_type", "scope_type")
            .order_by("pk")]


def files() -> dict[str, bytes]:
    found = {}
    for name in archive.stored_files(default_storage):
        with default_storage.open(name, "rb") as stored:
            found[name] = stored.read()
    return found


def empty(media):
    """An empty database (migrated, as `migrate` leaves it) and an empty file storage."""
    call_command("flush", interactive=False, verbosity=0)
    for path in sorted(media.rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    assert services.has_data() == [] and files() == {}


def test_round_trip_into_an_empty_database(demo, media, tmp_path):
    before = figures(), change_log(), files()
    assert len(before[1]) > 100 and any(n.startswith("evidence/") for n in before[2])
    backup = tmp_path / "backup.tar.gz"
    out = io.StringIO()
    call_command("backup", str(backup), stdout=out)
    assert "files" in out.getvalue()
    manifest = json.loads(tarfile.open(backup).extractfile("manifest.json").read())
    assert manifest["engine"] == connection.vendor
    assert {m["model"]: m["count"] for m in manifest["models"]}["history.change"] == len(before[1])
    assert sorted(m["name"] for m in manifest["media"]) == sorted(before[2])

    # Into a non-empty database: refused, nothing changed.
    with pytest.raises(CommandError, match="not empty") as refused:
        call_command("restore", str(backup))
    assert refused.value.returncode == 2

    empty(media)
    call_command("restore", str(backup), stdout=io.StringIO())
    after = figures(), change_log(), files()
    assert after[0] == before[0]  # published figures
    assert after[1] == before[1]  # the change log, row for row
    assert after[2] == before[2]  # every file, byte for byte

    # A second restore over it needs --force, and gives the same again.
    call_command("restore", str(backup), "--force", stdout=io.StringIO())
    assert (figures(), change_log(), files()) == before


def rewrite(source: Path, target: Path, change):
    """A copy of an archive with `change(name, data) -> data` applied to every member."""
    with tarfile.open(source) as old, tarfile.open(target, "w:gz") as new:
        for member in old:
            data = change(member.name, old.extractfile(member).read())
            member.size = len(data)
            new.addfile(member, io.BytesIO(data))


@pytest.fixture
def small_backup(transactional_db, media, tmp_path):
    """The archive of a person and two stored files, and an empty database to restore it into."""
    cast.administrator()
    default_storage.save("evidence/a.pdf", ContentFile(b"%PDF-1.4 a"))
    default_storage.save("evidence/b/b.pdf", ContentFile(b"%PDF-1.4 b"))
    backup = tmp_path / "backup.tar.gz"
    archive.write(backup)
    empty(media)
    return backup


def test_a_tampered_archive_is_refused_before_anything_is_written(small_backup, tmp_path):
    tampered = tmp_path / "tampered.tar.gz"
    rewrite(small_backup, tampered,
            lambda name, data: data + b" " if name.startswith("media/") else data)
    with pytest.raises(CommandError, match="does not match its checksum"):
        call_command("restore", str(tampered))
    assert services.has_data() == [] and files() == {}

    not_an_archive = tmp_path / "x.tar.gz"
    not_an_archive.write_bytes(b"hello")
    with pytest.raises(CommandError, match="not a .tar.gz"):
        call_command("restore", str(not_an_archive))
    with pytest.raises(CommandError, match="no such file"):
        call_command("restore", str(tmp_path / "missing.tar.gz"))


def test_an_archive_naming_paths_outside_is_refused(small_backup, tmp_path):
    evil = tmp_path / "evil.tar.gz"
    with tarfile.open(small_backup) as old, tarfile.open(evil, "w:gz") as new:
        for member in old:
            new.addfile(member, old.extractfile(member))
        extra = tarfile.TarInfo("../../etc/evil")
        extra.size = 1
        new.addfile(extra, io.BytesIO(b"x"))
    with pytest.raises(CommandError, match="unexpected member"):
        call_command("restore", str(evil))
    assert services.has_data() == [] and not (tmp_path.parent.parent / "etc" / "evil").exists()


def test_a_failure_half_way_leaves_nothing(small_backup, monkeypatch):
    saves = []
    real_save = default_storage.save

    def second_fails(name, content, *args, **kwargs):
        saves.append(name)
        if len(saves) == 2:
            raise OSError("disk full")
        return real_save(name, content, *args, **kwargs)

    monkeypatch.setattr(default_storage, "save", second_fails)
    with pytest.raises(OSError, match="disk full"):
        call_command("restore", str(small_backup))
    assert len(saves) == 2
    assert services.has_data() == [] and files() == {}  # rows rolled back, first file removed


def test_an_archive_of_other_migrations_is_refused(small_backup, tmp_path):
    older = tmp_path / "older.tar.gz"

    def drop_a_migration(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["migrations"]["assessments"] = manifest["migrations"]["assessments"][:-1]
        return json.dumps(manifest).encode()

    rewrite(small_backup, older, drop_a_migration)
    with pytest.raises(CommandError, match="not at the migrations of the backup .apps: assessments"):
        call_command("restore", str(older))
    assert services.has_data() == []


# --------------------------------------------------------------------------- another engine

def _postgres_reachable() -> bool:
    try:
        import psycopg

        psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", connect_timeout=2).close()
        return True
    except Exception:
        return False


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def members(path: Path) -> dict:
    """An archive's rows (parsed, by model) and files (by storage name)."""
    with tarfile.open(path) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
        rows = {m["model"]: json.loads(tar.extractfile(m["file"]).read())
                for m in manifest["models"]}
        media = {m["name"]: m["sha256"] for m in manifest["media"]}
    return {"rows": rows, "media": media}


@pytest.mark.skipif(not _postgres_reachable(), reason="PostgreSQL not reachable on 127.0.0.1")
@pytest.mark.skipif(os.environ.get("DATABASE_URL", "").startswith("postgres"),
                    reason="the suite runs on PostgreSQL already: the round trip above is its test")
def test_a_sqlite_backup_restores_into_postgresql(demo, media, tmp_path):
    """Cross-engine, through the command line: the archive of this test database restores into
    a new PostgreSQL database, whose own backup holds the same rows and files."""
    import psycopg

    backup = tmp_path / "backup.tar.gz"
    archive.write(backup)
    name = f"parindex_restore_{uuid.uuid4().hex[:10]}"
    admin = psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True)
    admin.execute(f'CREATE DATABASE "{name}"')
    env = {**os.environ, "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{name}",
           "DJANGO_SETTINGS_MODULE": "parindex.settings.dev", "PARINDEX_VAR": str(tmp_path / "pg"),
           "MEDIA_ROOT": str(tmp_path / "pg-media"), "PYTHONPATH": str(ROOT / "src")}

    def parindex(*args):
        done = subprocess.run([sys.executable, "-m", "parindex.cli", *args], env=env,
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout

    try:
        parindex("migrate", "-v0")
        assert "restored" in parindex("restore", str(backup))
        again = tmp_path / "again.tar.gz"
        parindex("backup", str(again))
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
    assert json.loads(tarfile.open(again).extractfile("manifest.json").read())["engine"] == \
        "postgresql"
    # Same rows (PostgreSQL keeps JSON objects' keys in its own order: compared parsed) and files.
    first, second = members(backup), members(again)
    assert second["media"] == first["media"]
    assert second["rows"] == first["rows"]

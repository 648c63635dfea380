"""Restoring a backup: the one write of the operations app.

`restore` puts an archive written by `parindex.ops.archive.write` back: the database rows as they
were (same primary keys, the change log included, nothing recorded about the restore itself:
the database it fills has no people yet) and every stored file under its own name.
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

from django.core import serializers
from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.core.management.color import no_style
from django.db import connection, transaction

from .archive import ArchiveError, applied_migrations, saved_models, unpack

KEPT_TABLES = {"django_migrations", "django_content_type", "auth_permission"}
# Reference data that a migration writes (the law on awards): a fresh database holds it, and a
# restore replaces it with the backup's rows.
SEEDED = {"awards.awardingpower", "awards.legalbasis"}


def has_data() -> list[str]:
    """The models holding rows that a restore would replace (empty: a fresh database)."""
    return [m._meta.label_lower for m in saved_models()
            if m._meta.label_lower not in SEEDED and m._base_manager.exists()]


def _same_file(storage: Storage, name: str, sha256: str) -> bool:
    digest = hashlib.sha256()
    with storage.open(name, "rb") as stored:
        while chunk := stored.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest() == sha256


def restore(path: Path, *, force: bool = False, storage: Storage = default_storage) -> dict:
    """Check the archive, then put back its rows and files, all or nothing; return the manifest.

    Refused (ArchiveError, nothing written) when a checksum fails, when the database was not
    migrated to the same migrations as the one backed up, when the database already holds data
    or a stored file differs from the archive's — unless `force`, which first empties every
    table (the change log too) and overwrites the files.
    """
    with tempfile.TemporaryDirectory(prefix="parindex-restore-") as unpacked:
        unpacked = Path(unpacked)
        manifest = unpack(path, unpacked)
        _check_migrations(manifest)
        by_label = {m._meta.label_lower: m for m in saved_models()}
        unknown = [e["model"] for e in manifest["models"] if e["model"] not in by_label]
        if unknown:
            raise ArchiveError(f"models unknown here: {', '.join(unknown)}")
        occupied = has_data()
        if occupied and not force:
            raise ArchiveError(
                "the database is not empty (" + ", ".join(occupied[:5])
                + "): restore into an empty database, or pass --force to replace everything")
        clashes = [e["name"] for e in manifest["media"] if storage.exists(e["name"])
                   and not _same_file(storage, e["name"], e["sha256"])]
        if clashes and not force:
            raise ArchiveError(
                "stored files differ from the archive's (" + ", ".join(clashes[:5])
                + "): pass --force to overwrite them")

        written: list[str] = []
        try:
            with transaction.atomic():
                if force:
                    _empty_tables()
                for label in SEEDED & set(by_label):
                    by_label[label]._base_manager.all().delete()
                _load(manifest, unpacked, by_label)
                for entry in manifest["media"]:
                    name = entry["name"]
                    if storage.exists(name):
                        if name not in clashes:
                            continue  # already there, byte for byte
                        storage.delete(name)
                    with open(unpacked / entry["file"], "rb") as content:
                        saved = storage.save(name, File(content, name=name))
                    written.append(saved)
                    if saved != name:
                        raise ArchiveError(f"the storage renamed {name} to {saved}")
        except BaseException:
            for name in written:  # the database rolled back: take back the files too
                storage.delete(name)
            raise
    return manifest


def _check_migrations(manifest: dict) -> None:
    here, there = applied_migrations(), manifest["migrations"]
    if not here:
        raise ArchiveError("the database has no tables: run `parindex migrate` first")
    if here != there:
        differ = sorted(a for a in set(here) | set(there) if here.get(a) != there.get(a))
        raise ArchiveError(
            "the database is not at the migrations of the backup (apps: " + ", ".join(differ)
            + "): restore with the parindex version that made it, then upgrade")


def _empty_tables() -> None:
    tables = [t for t in connection.introspection.django_table_names(only_existing=True)
              if t not in KEPT_TABLES]
    for sql in connection.ops.sql_flush(no_style(), tables, reset_sequences=False,
                                        allow_cascade=False):
        with connection.cursor() as cursor:
            cursor.execute(sql)


def _load(manifest: dict, unpacked: Path, by_label: dict) -> None:
    loaded = []
    with connection.constraint_checks_disabled():
        for entry in manifest["models"]:
            deferred = []
            count = 0
            with open(unpacked / entry["file"], encoding="utf-8") as rows:
                for obj in serializers.deserialize("json", rows, handle_forward_references=True):
                    obj.save()
                    count += 1
                    if obj.deferred_fields:
                        deferred.append(obj)
            for obj in deferred:
                obj.save_deferred_fields()
            if count != entry["count"]:
                raise ArchiveError(f"{entry['model']}: {count} rows read, {entry['count']} listed")
            loaded.append(by_label[entry["model"]])
    tables = [m._meta.db_table for m in loaded]
    tables += [f.remote_field.through._meta.db_table for m in loaded
               for f in m._meta.local_many_to_many if f.remote_field.through._meta.auto_created]
    connection.check_constraints(table_names=tables)
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), loaded):
            cursor.execute(sql)


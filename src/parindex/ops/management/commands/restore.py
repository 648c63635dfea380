from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from parindex.ops import archive, services


class Command(BaseCommand):
    help = ("Restore a `parindex backup` archive into an empty, migrated database (and the file "
            "storage), all or nothing. --force replaces whatever the database holds.")

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the archive, e.g. backup.tar.gz")
        parser.add_argument("--force", action="store_true",
                            help="empty every table first and overwrite stored files")

    def handle(self, *args, file: Path, force: bool, **options):
        if not file.is_file():
            raise CommandError(f"{file}: no such file", returncode=2)
        try:
            manifest = services.restore(file, force=force)
        except archive.ArchiveError as error:
            raise CommandError(str(error), returncode=2) from error
        rows = sum(m["count"] for m in manifest["models"])
        self.stdout.write(f"{file}: restored {rows} rows and {len(manifest['media'])} files "
                          f"(backed up {manifest['created']} from {manifest['engine']}).")

from django.core.management.base import BaseCommand

from parindex.surveys.services import process_pending_imports


class Command(BaseCommand):
    help = ("Run the waiting survey imports uploaded on the web (for deployments that set "
            "SURVEY_IMPORTS_IN_THREAD = False; run it from cron or a systemd timer).")

    def handle(self, *args, **options):
        for job in process_pending_imports():
            self.stdout.write(f"{job.filename}: {job.status} ({job.imported} imported)")

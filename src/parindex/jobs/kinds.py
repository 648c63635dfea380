"""The kinds of job: what each runs, whether it may be retried, its name for people.

A handler is `f(job, progress) -> (file, name) | None`: it does the work through its app's
services as `job.started_by`, calls `progress(done, total)` now and then (which is also the job's
heartbeat), and returns the result file (an open binary file and its download name) or None.
It raises `ValidationError`, `PermissionDenied` or `JobRefused` with a message for the person.

`attempts` > 1 only for idempotent work: the runner retries it after a transient error.
`on_fail` (optional) is told of a failure the handler could not report itself (a worker that
died, an unexpected error), to mirror it on the app's own record.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Kind:
    label: str
    handler: str
    attempts: int = 1
    on_fail: str = ""

    def run(self, job, progress):
        return import_string(self.handler)(job, progress)

    def failed(self, job, message: str) -> None:
        if self.on_fail:
            import_string(self.on_fail)(job, message)


KINDS: dict[str, Kind] = {
    # Not retried: an import that died after its commit must not be imported twice.
    "survey_import": Kind(_("Survey import"), "parindex.surveys.services.imports.run_import_job",
                          on_fail="parindex.surveys.services.imports.import_job_failed"),
    # Idempotent: a file is built again; drafts are replaced by the same computation.
    "results_annex": Kind(_("Excel annex"), "parindex.results.services.build_annex", attempts=3),
    # Idempotent: the package is built again from the stored files.
    "evidence_package": Kind(_("Evidence package"),
                             "parindex.assessments.services.national.build_evidence_package",
                             attempts=3),
    "results_compute": Kind(_("Computing results"), "parindex.results.services.compute_job",
                            attempts=3),
    # Idempotent: it only computes and caches how sure a published ranking is.
    "results_robustness": Kind(_("How sure the ranks are"),
                               "parindex.results.services.robustness_job", attempts=3),
}


def get(name: str) -> Kind:
    return KINDS[name]


def label(name: str) -> str:
    kind = KINDS.get(name)
    return str(kind.label) if kind else name

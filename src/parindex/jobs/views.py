"""My jobs: the list, one job (its progress polled with htmx while it runs), its file."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from parindex import web

from . import selectors

CONTENT_TYPES = {".xlsx": web.XLSX, ".csv": web.CSV, ".pdf": web.PDF, ".docx": web.DOCX}


@login_required
def index(request):
    jobs = selectors.my_jobs(request.user)
    template = "jobs/_list.html" if request.headers.get("HX-Request") else "jobs/index.html"
    return render(request, template, {"jobs": jobs,
                                      "polling": any(job.active for job in jobs)})


@login_required
def detail(request, pk: int):
    job = selectors.my_job(request.user, pk)
    template = "jobs/_job.html" if request.headers.get("HX-Request") else "jobs/detail.html"
    return render(request, template, {"job": job})


@login_required
def download(request, pk: int):
    job = selectors.my_job(request.user, pk)
    if job.state != job.State.DONE or not job.result:
        raise Http404("No file")
    name = job.result_name or job.result.name
    suffix = name[name.rfind("."):].lower() if "." in name else ""
    return web.attachment(job.result.open("rb"),
                          CONTENT_TYPES.get(suffix, "application/octet-stream"), name)

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from . import selectors


@login_required
def my_work(request):
    """What waits for the signed-in person, in each role they hold, with links to do it."""
    return render(request, "work/my_work.html", {"work": selectors.my_work(request.user)})

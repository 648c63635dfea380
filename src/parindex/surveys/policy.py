"""Who may do what in the survey. One place, so it can move into the project-wide policy module
when roles arrive: until then every manager page requires a logged-in staff user."""

from __future__ import annotations


def can_manage_survey(user) -> bool:
    """Define questionnaires, type in paper forms, import, export, review, see scores."""
    return bool(user.is_authenticated and user.is_active and user.is_staff)

"""What the header shows a logged-in person: only the areas the policy lets them into."""

from parindex import policy


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav": {
            "survey": policy.can_manage_survey(user),
            "results": policy.can_see_results_management(user),
            "admin": policy.can_use_admin(user),
            "units": policy.can_manage_units(user),
        }
    }

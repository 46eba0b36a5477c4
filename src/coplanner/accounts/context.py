from django.http import HttpRequest

from coplanner.accounts.roles import get_role


def role(request: HttpRequest) -> dict[str, object]:
    """Put the signed-in person's role in every template."""
    return {"role": get_role(request.user)}

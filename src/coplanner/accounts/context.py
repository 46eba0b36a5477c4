from django.http import HttpRequest
from django.urls import reverse

from coplanner.accounts.roles import get_role
from coplanner.accounts.sessions import get_shared_device_token


def role(request: HttpRequest) -> dict[str, object]:
    """Put the signed-in person's role in every template.

    On a class tablet it also gives the class's tiles page, where signing
    out leads, so the next child can tap their own tile.
    """
    token = get_shared_device_token(request)
    shared_device_url = (
        reverse("accounts:picture_login", kwargs={"token": token}) if token else ""
    )
    return {"role": get_role(request.user), "shared_device_url": shared_device_url}

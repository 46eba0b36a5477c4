"""What a school leader does for the adults of the school: new passwords, unlocks.

A leader never sees anyone's password. They set a temporary one, read it
out or hand it over once, and the person must choose their own at the next
sign-in. A lockout after repeated wrong passwords (django-axes) ends by
itself after the cool-off time, or at once when the leader lifts it.
"""

import logging
import secrets
from collections.abc import Iterable

from axes.models import AccessAttempt
from axes.utils import reset as reset_axes_attempts
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from coplanner.accounts.models import AccountState

logger = logging.getLogger(__name__)

# Letters and digits that cannot be mistaken for one another when read out.
PLAIN_CHARACTERS = "abcdefghjkmnpqrstuvwxyz23456789"


def build_temporary_password() -> str:
    """Return a random password that is easy to read out: three groups of four."""
    groups = (
        "".join(secrets.choice(PLAIN_CHARACTERS) for _index in range(4))
        for _group in range(3)
    )
    return "-".join(groups)


@transaction.atomic
def record_temporary_password(
    leader: AbstractBaseUser, person: AbstractBaseUser
) -> str:
    """Give ``person`` a new temporary password and return it, once.

    Their open sessions end (the password hash changes), any lockout is
    lifted, and they must choose their own password at the next sign-in.
    """
    password = build_temporary_password()
    person.set_password(password)
    person.save(update_fields=["password"])
    AccountState.objects.update_or_create(
        user=person,
        defaults={
            "must_change_password": True,
            "password_reset_by": leader,
            "password_reset_at": timezone.now(),
        },
    )
    lift_lockout(person)
    logger.info("User %s set a temporary password for user %s", leader.pk, person.pk)
    return password


def lift_lockout(person: AbstractBaseUser) -> int:
    """End a password lockout of ``person`` now; return the records cleared."""
    cleared = reset_axes_attempts(username=person.get_username())
    if cleared:
        logger.info("Lifted the sign-in lockout of user %s", person.pk)
    return int(cleared)


def get_locked_usernames(usernames: Iterable[str]) -> set[str]:
    """Return which of ``usernames`` are locked out of password sign-in now."""
    attempts = AccessAttempt.objects.filter(
        username__in=list(usernames),
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
    )
    cooloff = settings.AXES_COOLOFF_TIME
    if cooloff is not None:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - cooloff)
    return set(attempts.values_list("username", flat=True))


def get_must_change_user_ids(user_ids: Iterable[int]) -> set[int]:
    """Return which of ``user_ids`` still have to choose a new password."""
    return set(
        AccountState.objects.filter(
            user_id__in=list(user_ids), must_change_password=True
        ).values_list("user_id", flat=True)
    )

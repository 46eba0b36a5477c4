"""Writes and reads of integration tokens: create, revoke, authenticate.

A secret is ``cpl_`` followed by 43 random URL-safe characters (256 bits).
With that much randomness a plain SHA-256 is enough to store it safely, and
it lets a request's token be found by its hash in one indexed query.
Neither the secret nor a token's name is ever written to a log: logs carry
the token's id and the school's id.
"""

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from coplanner.api.models import IntegrationToken
from coplanner.roster.models import School

logger = logging.getLogger(__name__)

SECRET_START = "cpl_"
# How much of the secret the token list shows, to tell tokens apart.
PREFIX_LENGTH = len(SECRET_START) + 6
NAME_MAX_LENGTH = IntegrationToken._meta.get_field("name").max_length or 64
# last_used_at is refreshed at most this often, so that a busy integration
# does not turn every read into a write.
USE_RECORDED_EVERY = timedelta(minutes=1)


class TokenNameInvalid(ValueError):
    """The name of a new token is empty or too long; the message says which."""


@dataclass(frozen=True)
class CreatedToken:
    """A new token and its secret, which exists only here and is shown once."""

    token: IntegrationToken
    secret: str


def hash_secret(secret: str) -> str:
    """Return the hex SHA-256 of a secret, as stored."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def build_secret() -> str:
    """Return a new random secret."""
    return SECRET_START + secrets.token_urlsafe(32)


def record_token(
    school: School, name: str, created_by: AbstractBaseUser | None
) -> CreatedToken:
    """Create an integration token for a school and return it with its secret."""
    name = " ".join(name.split())
    if not name:
        raise TokenNameInvalid(
            "Give the token a name that says what it is for, such as the "
            "system that will use it."
        )
    if len(name) > NAME_MAX_LENGTH:
        raise TokenNameInvalid(
            f"The name is longer than {NAME_MAX_LENGTH} characters. Shorten it."
        )
    secret = build_secret()
    token = IntegrationToken.objects.create(
        school=school,
        name=name,
        prefix=secret[:PREFIX_LENGTH],
        secret_hash=hash_secret(secret),
        created_by=created_by if created_by and created_by.is_authenticated else None,
    )
    logger.info(
        "Created integration token %s for school %s by user %s",
        token.pk,
        school.pk,
        created_by.pk if created_by else None,
    )
    return CreatedToken(token=token, secret=secret)


def revoke_token(token: IntegrationToken, by: AbstractBaseUser | None) -> bool:
    """Revoke a token; return False when it was already revoked."""
    if token.revoked_at is not None:
        return False
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    logger.info(
        "Revoked integration token %s of school %s by user %s",
        token.pk,
        token.school_id,
        by.pk if by else None,
    )
    return True


def get_token_for_secret(secret: str) -> IntegrationToken | None:
    """Return the token (revoked or not) a secret belongs to, or None."""
    if not secret.startswith(SECRET_START):
        return None
    return (
        IntegrationToken.objects.select_related("school")
        .filter(secret_hash=hash_secret(secret))
        .first()
    )


def record_token_use(token: IntegrationToken) -> None:
    """Note that a token was just used, at most once per ``USE_RECORDED_EVERY``."""
    now = timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < USE_RECORDED_EVERY:
        return
    token.last_used_at = now
    IntegrationToken.objects.filter(pk=token.pk).update(last_used_at=now)

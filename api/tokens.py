"""Creating, revoking and checking personal API tokens."""

import hashlib
import secrets
from datetime import timedelta

from django.utils import timezone

from api.models import ApiToken

PREFIX_LENGTH = 8
# last_used_at is written at most this often per token: a client reading pages in a loop would
# otherwise turn every read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def key_hash(key):
    return hashlib.sha256(key.encode()).hexdigest()


def create_token(user, name, expires_at=None):
    """(token, key): the key exists only in this return value."""
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, key_hash=key_hash(key), prefix=key[:PREFIX_LENGTH],
                                    expires_at=expires_at)
    return token, key


def revoke_token(token):
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])


def find_token(key):
    """The token of a key, whatever its state (None when no token has that key)."""
    return ApiToken.objects.select_related("user").filter(key_hash=key_hash(key)).first()


def is_expired(token, now=None):
    return token.expires_at is not None and token.expires_at <= (now or timezone.now())


def mark_used(token, now=None):
    now = now or timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now

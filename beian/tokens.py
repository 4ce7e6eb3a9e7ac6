"""SEC-04: API tokens (django-rest-knox) die with the things that should end them.

Every token of a user is deleted when the user logs out of the web session, when the password changes
(the change page, the reset-confirm page, the admin, `changepassword`, any `set_password` + `save`) and
when the account is deactivated. The receivers below are the one place that says so: a new path that
logs out, sets a password or deactivates goes through Django's `logout` or `User.save`, and so through
them. Expiry itself (idle and absolute) is knox's, configured in settings.REST_KNOX.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.signals import user_logged_out
from django.db.models.signals import post_save
from django.dispatch import receiver
from knox.models import get_token_model


def tokens_revoke_all(*, user) -> int:
    """Delete every API token of `user`; returns how many there were."""
    deleted, _ = get_token_model().objects.filter(user=user).delete()
    return deleted


@receiver(user_logged_out, dispatch_uid="sec04-tokens-die-at-logout")
def _revoke_at_logout(sender, request, user, **kwargs) -> None:
    # Sent by django.contrib.auth.logout (the web session). The API's own logout views do not send it:
    # logging out one token must leave the others alone.
    if user is not None:
        tokens_revoke_all(user=user)


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="sec04-tokens-die-with-password")
def _revoke_at_password_change_or_deactivation(sender, instance, created, raw=False, **kwargs) -> None:
    if created or raw:  # a new user has no token yet
        return
    # `_password` holds the new raw password from set_password() until save() has run the password
    # validators' password_changed hooks, which is after post_save; Django leaves it None when it only
    # rehashes an unchanged password at login. It is how Django itself tells a password change apart.
    if getattr(instance, "_password", None) is not None or not instance.is_active:
        tokens_revoke_all(user=instance)

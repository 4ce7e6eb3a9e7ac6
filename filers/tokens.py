"""One-time links (SEC-01): activation and password reset each have their own token generator, so a token
made for one can never be used as the other, and a link stops working once it has done its job."""

from __future__ import annotations

from django.contrib.auth.tokens import PasswordResetTokenGenerator


class ActivationTokenGenerator(PasswordResetTokenGenerator):
    """An activation token is valid while the account is inactive and its password unchanged: the
    account's state is part of the hash, so a used link (the account now active) no longer matches, and
    a token for one account never matches another. It expires after PASSWORD_RESET_TIMEOUT."""

    key_salt = "beian.filers.tokens.ActivationTokenGenerator"

    def _make_hash_value(self, user, timestamp: int) -> str:
        return f"{user.pk}{user.password}{user.is_active}{timestamp}{user.email}"


activation_token_generator = ActivationTokenGenerator()

"""Password policy (ACC-04): length (settings), several character classes, not the login name."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CLASSES = (r"[a-z]", r"[A-Z]", r"\d", r"[^A-Za-z0-9]")


class CharacterClassesValidator:
    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password: str, user=None) -> None:
        if sum(bool(re.search(pattern, password)) for pattern in CLASSES) < self.min_classes:
            raise ValidationError(
                _("密码须至少包含大写字母、小写字母、数字、符号中的%(n)s类。") % {"n": self.min_classes},
                code="password_classes",
            )

    def get_help_text(self) -> str:
        return _("至少包含大写字母、小写字母、数字、符号中的%(n)s类。") % {"n": self.min_classes}


class NotLoginNameValidator:
    def validate(self, password: str, user=None) -> None:
        username = getattr(user, "username", "") or ""
        if username and username.lower() in password.lower():
            raise ValidationError(_("密码不能包含登录名。"), code="password_contains_username")

    def get_help_text(self) -> str:
        return _("不能包含登录名。")

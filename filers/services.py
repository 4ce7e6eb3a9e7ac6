"""Account and entity services (ACC, ENT rules)."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Role, User
from .regions import province_code as normalise_province


@transaction.atomic
def reviewer_create(*, username: str, password: str, province: str | None = None, email: str = "") -> User:
    """Create a reviewer, scoped to a province (GB/T 2260 code) or, with none, national."""
    code = ""
    if province:
        code = normalise_province(province) or ""
        if not code:
            raise ValidationError(_("“%(code)s”不是有效的省级行政区划代码。") % {"code": province})
    if User.objects.filter(username=username).exists():
        raise ValidationError(_("用户名“%(name)s”已存在。") % {"name": username})
    user = User(username=username, email=email, role=Role.REVIEWER, province_code=code, is_staff=False)
    validate_password(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    return user

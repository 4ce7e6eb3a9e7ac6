from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from beian.portal_origin import portal_link

from .models import User
from .tokens import activation_token_generator


@shared_task(
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
    time_limit=60,
    soft_time_limit=50,
)
def activation_email_send(user_id: int, origin: str | None = None) -> int:
    """ACC-01: e-mail the activation link (on `origin`, the address the filer registered at, when
    known); nothing to do for an account already active."""
    user = User.objects.select_related("entity").filter(pk=user_id, is_active=False).first()
    if user is None:
        return 0
    path = reverse(
        "filers:activate",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": activation_token_generator.make_token(user),
        },
    )
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("【算法备案】请激活您的填报账号")
        body = _(
            "您好：\n\n备案主体“%(entity)s”的填报账号“%(username)s”已注册。"
            "请在24小时内打开以下链接激活账号：\n\n%(url)s\n\n如非本人操作，请忽略本邮件。\n\n互联网信息服务算法备案系统"
        ) % {
            "entity": user.entity.name if user.entity else "",
            "username": user.username,
            "url": portal_link(path, origin),
        }
    return send_mail(subject, body, None, [user.email])

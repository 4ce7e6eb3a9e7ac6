from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FilersConfig(AppConfig):
    name = "filers"
    verbose_name = _("备案主体与账号")

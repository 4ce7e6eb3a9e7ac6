from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlgorithmsConfig(AppConfig):
    name = "algorithms"
    verbose_name = _("备案信息")

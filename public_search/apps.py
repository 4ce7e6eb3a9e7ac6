from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicSearchConfig(AppConfig):
    name = "public_search"
    verbose_name = _("公众查询")

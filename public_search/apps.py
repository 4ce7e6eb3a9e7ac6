from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicSearchConfig(AppConfig):
    name = "public_search"
    verbose_name = _("公众查询")

    def ready(self) -> None:
        from review.signals import number_issued, transitioned

        from .receivers import on_number_issued, on_transitioned

        transitioned.connect(on_transitioned, dispatch_uid="public_search.on_transitioned")
        number_issued.connect(on_number_issued, dispatch_uid="public_search.on_number_issued")

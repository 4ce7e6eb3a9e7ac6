from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FilersConfig(AppConfig):
    name = "filers"
    verbose_name = _("备案主体与账号")

    def ready(self) -> None:
        from review import outbox
        from review.registry import ReviewKind, register

        from .models import Entity
        from .selectors import entity_field_label, entity_review_context
        from .tasks import activation_email_send

        register(
            ReviewKind(
                key="entity",
                model=Entity,
                label=_("主体信息"),
                entity_lookup="id",
                field_label=entity_field_label,
                describe=entity_review_context,
                detail_template="review/detail_entity.html",
                select_related=(),
            )
        )
        outbox.register("activation_email", activation_email_send)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlgorithmsConfig(AppConfig):
    name = "algorithms"
    verbose_name = _("备案信息")

    def ready(self) -> None:
        from review import outbox
        from review.registry import ReviewKind, register

        from .models import Filing
        from .selectors import filing_field_label, filing_review_context
        from .services import filing_launch_deadlines_open, filing_number_issue, filing_numbers_repair

        register(
            ReviewKind(
                key="filing",
                model=Filing,
                label=_("算法备案"),
                entity_lookup="entity_id",
                field_label=filing_field_label,
                describe=filing_review_context,
                detail_template="review/detail_filing.html",
                select_related=("entity",),
            )
        )
        outbox.register("filing_number", filing_number_issue)
        outbox.register_repair("numbers", filing_numbers_repair)
        outbox.register_repair("launch_deadlines", filing_launch_deadlines_open)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("问题报告")

    def ready(self) -> None:
        from review import outbox
        from review.registry import QueueTab, register_queue_tab

        from . import selectors, services, tasks

        outbox.register("report_confirm_email", tasks.report_confirm_email_send)
        outbox.register_repair("reports_unconfirmed_expire", services.report_unconfirmed_expire)
        # RPT-01: the reviewers' queue shows a tab of the reports in their scope (review knows it only here).
        register_queue_tab(
            QueueTab(
                key="reports",
                label=_("问题报告"),
                url_name="reports:queue",
                count=lambda reviewer: selectors.report_open_count(reviewer=reviewer),
            )
        )

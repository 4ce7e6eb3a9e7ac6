from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    name = "review"
    verbose_name = _("审核")

    def ready(self) -> None:
        from . import outbox, tasks

        outbox.register("transition_notify", tasks.transition_notify)
        outbox.register("notification_email", tasks.notification_email_send)
        outbox.register("deadline_compute", tasks.deadline_compute_owed)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    name = "review"
    verbose_name = _("审核")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from . import outbox, tasks
        from .deadlines import calendar_edited
        from .models_calendar import CalendarDay, CalendarYear

        outbox.register("transition_notify", tasks.transition_notify)
        outbox.register("notification_email", tasks.notification_email_send)
        outbox.register("deadline_compute", tasks.deadline_compute_owed)
        # DL-05: entering or correcting a year's schedule recomputes every open deadline on commit.
        for model in (CalendarDay, CalendarYear):
            post_save.connect(
                calendar_edited, sender=model, dispatch_uid=f"calendar_edited_save_{model.__name__}"
            )
            post_delete.connect(
                calendar_edited, sender=model, dispatch_uid=f"calendar_edited_delete_{model.__name__}"
            )

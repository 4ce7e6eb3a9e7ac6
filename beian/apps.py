from django.apps import AppConfig


class BeianConfig(AppConfig):
    """Project-level commands (seed_demo) and tasks (ping, heartbeat)."""

    name = "beian"
    verbose_name = "beian"

    def ready(self) -> None:
        from django.urls import register_converter

        from .input_fields import IdConverter

        register_converter(IdConverter, "id")  # SEC-05: object ids in URLs

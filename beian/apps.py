from django.apps import AppConfig


class BeianConfig(AppConfig):
    """Project-level commands (seed_demo), tasks (ping, heartbeat), the rate-limit counter (SEC-03)
    and the API tokens' revocation (SEC-04)."""

    name = "beian"
    verbose_name = "beian"

    def ready(self) -> None:
        from django.urls import register_converter

        from . import tokens  # noqa: F401  (connects the receivers)
        from .input_fields import IdConverter

        register_converter(IdConverter, "id")  # SEC-05: object ids in URLs

from django.apps import AppConfig


class BeianConfig(AppConfig):
    """Project-level commands (seed_demo) and tasks (ping, heartbeat)."""

    name = "beian"
    verbose_name = "beian"

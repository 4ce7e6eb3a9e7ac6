from . import admin_announcements  # noqa: F401

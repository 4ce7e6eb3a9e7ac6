from . import admin_announcements, admin_lists  # noqa: F401

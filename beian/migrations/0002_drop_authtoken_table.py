from django.db import migrations


class Migration(migrations.Migration):
    """SEC-04: API tokens moved from DRF's authtoken (tokens that never expired) to django-rest-knox.
    The app is gone from INSTALLED_APPS, so nothing drops its table for us; left behind, its foreign key
    to the user would block deleting a user who once had a token. Its tokens are void either way."""

    dependencies = [("beian", "0001_rate_counter")]

    operations = [migrations.RunSQL("DROP TABLE IF EXISTS authtoken_token", migrations.RunSQL.noop)]

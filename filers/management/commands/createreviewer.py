import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from beian.regions import region_name
from filers.services import reviewer_create


class Command(BaseCommand):
    help = "Create a reviewer scoped to a province (--province CODE) or national (--national)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        scope = parser.add_mutually_exclusive_group(required=True)
        scope.add_argument("--province", help="GB/T 2260 province code, e.g. 11 or 110000 (北京市)")
        scope.add_argument("--national", action="store_true", help="国家网信办: sees every province")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--supervisor", action="store_true", help="审核组长: may release or reassign others' claims"
        )
        parser.add_argument("--password-stdin", action="store_true", help="read the password from stdin")

    def handle(self, *args, username, province, national, email, supervisor, password_stdin, **options):
        if not password_stdin:
            raise CommandError("Pass --password-stdin and the password on standard input.")
        password = sys.stdin.readline().rstrip("\n")
        try:
            user = reviewer_create(
                username=username,
                password=password,
                province=None if national else province,
                email=email,
                supervisor=supervisor,
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        scope = region_name(user.province_code) if user.province_code else "national"
        role = ", supervisor" if user.supervisor else ""
        self.stdout.write(self.style.SUCCESS(f"Created reviewer {user.username} ({scope}{role})."))

"""Load demo data, idempotently: running it twice changes nothing the second time.

Every state change goes through the review core's transition service, so the
demo history is real history. Later parts of the portal add their demo data here.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction
from stdnum.cn import uscc

from filers.models import Entity, Role, User
from review.services import transition_perform
from review.transitions import Action, State

DEMO_FILER = ("demo", "Demo#2026beian")
DEMO_REVIEWER = ("reviewer", "Review#2026beian")
DEMO_PROVINCIAL = ("reviewer_bj", "Review#2026beian")
DEMO_ADMIN = ("admin", "Admin#2026beian")

# Invented entities: the first 17 characters of their USCC (the check character
# is computed, GB 32100-2015), their county, and the state each is brought to.
ENTITIES = [
    ("北京星河智联科技有限公司", "91110108592366200", "110108", State.APPROVED),
    ("上海云帆数据服务有限公司", "91310115MA1K3T800", "310115", State.UNDER_REVIEW),
    ("杭州青禾网络技术有限公司", "91330106MA2H1W500", "330106", State.SUBMITTED),
    ("深圳墨言智能科技有限公司", "91440300MA5G7P200", "440305", State.REJECTED),
    ("成都蜀锦互动传媒有限公司", "91510107MA6C9D400", "510107", State.DRAFT),
]

PATHS = {
    State.DRAFT: [],
    State.SUBMITTED: [Action.SUBMIT],
    State.UNDER_REVIEW: [Action.SUBMIT, Action.CLAIM],
    State.APPROVED: [Action.SUBMIT, Action.CLAIM, Action.APPROVE],
    State.REJECTED: [Action.SUBMIT, Action.CLAIM, Action.REJECT],
}


def _uscc(first17: str) -> str:
    return first17 + uscc.calc_check_digit(first17)


class Command(BaseCommand):
    help = "Load idempotent demo data: entities in several states, a filer `demo` and a reviewer `reviewer`."

    @transaction.atomic
    def handle(self, *args, **options):
        reviewer = self._user(DEMO_REVIEWER, role=Role.REVIEWER, email="reviewer@cac.example.cn")
        self._user(
            DEMO_PROVINCIAL, role=Role.REVIEWER, email="reviewer_bj@cac.example.cn", province_code="110000"
        )
        admin = self._user(DEMO_ADMIN, role=Role.ADMIN, email="admin@cac.example.cn")
        if not admin.is_superuser:
            admin.is_superuser = admin.is_staff = True
            admin.save(update_fields=["is_superuser", "is_staff"])

        for index, (name, first17, region, target) in enumerate(ENTITIES):
            entity, created = Entity.objects.get_or_create(
                uscc=_uscc(first17), defaults={"name": name, "region_code": region}
            )
            username, password = DEMO_FILER if index == 0 else (f"demo{index + 1}", DEMO_FILER[1])
            account = self._user(
                (username, password), role=Role.FILER, email=f"{username}@example.cn", entity=entity
            )
            if created:
                for action in PATHS[target]:
                    side_actor = account if action == Action.SUBMIT else reviewer
                    reason = "请补充营业执照彩色扫描件。" if action == Action.REJECT else ""
                    transition_perform(obj=entity, action=action, actor=side_actor, reason=reason)

        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        for label, (username, password) in (
            ("filer (北京星河智联科技有限公司)", DEMO_FILER),
            ("national reviewer", DEMO_REVIEWER),
            ("Beijing reviewer", DEMO_PROVINCIAL),
            ("administrator", DEMO_ADMIN),
        ):
            self.stdout.write(f"  {label:32} login {username:12} password {password}")

    def _user(self, credentials, *, role, email, entity=None, province_code=""):
        username, password = credentials
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, role=role, email=email, entity=entity, province_code=province_code)
            user.set_password(password)
            user.save()
        return user

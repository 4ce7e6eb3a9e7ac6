from __future__ import annotations

import factory
from stdnum.cn import uscc as uscc_std

from filers.models import Entity, Role, User


def valid_uscc(n: int) -> str:
    """A USCC with a correct GB 32100-2015 check character, distinct for each n."""
    first17 = f"91110108{n:09d}"  # registry 9, type 1, region 110108, then the organisation code
    return first17 + uscc_std.calc_check_digit(first17)


PASSWORD = "Beian#2026pass"  # every factory-made user's


class EntityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Entity

    name = factory.Sequence(lambda n: f"北京示例科技有限公司{n}")
    uscc = factory.Sequence(valid_uscc)
    region_code = "110108"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.cn")
    password = factory.django.Password(PASSWORD)


class FilerFactory(UserFactory):
    role = Role.FILER
    entity = factory.SubFactory(EntityFactory)


class ReviewerFactory(UserFactory):
    role = Role.REVIEWER
    province_code = ""  # national

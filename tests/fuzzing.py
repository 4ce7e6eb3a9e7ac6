"""What the fuzzing tests (SEC-05, SEC-06) share: a WSGI entry to the app that keeps the test's database
transaction, the data they run against, and Hypothesis settings that make every run the same run."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.test.client import ClientHandler
from hypothesis import HealthCheck, Phase, settings
from knox.models import get_token_model

from .builders import approve_item, complete_entity, complete_filing, complete_product, upload
from .factories import FilerFactory, ReviewerFactory

# Derandomized, no example database, no shrinking: CI runs the same requests every time, a 5xx is
# reported as found (with its request) rather than minimised, and nothing is written to .hypothesis/.
FUZZ_SETTINGS = settings(
    derandomize=True,
    database=None,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
    print_blob=False,
)


class TestClientWsgi:
    """The portal as a WSGI application, served the way Django's test client serves it: in this thread,
    on the test's database connection (a bare WSGIHandler would close it at the end of each request),
    with CSRF checks off as in the test client. Unhandled exceptions become 500 responses, as in
    production, so that a fuzzer counts them instead of stopping at the first."""

    __test__ = False  # not a test class, whatever its name

    def __init__(self) -> None:
        self.handler = ClientHandler(enforce_csrf_checks=False)

    def __call__(self, environ, start_response):
        response = self.handler(environ)
        headers = list(response.items())
        headers += [("Set-Cookie", morsel.OutputString()) for morsel in response.cookies.values()]
        start_response(f"{response.status_code} {response.reason_phrase}", headers)
        return response


@dataclass
class World:
    """A filer whose entity, product and filings exist in every state the API shows, a second filer
    (entity B) with an attachment of its own, a national reviewer, and a published filing."""

    filer: object
    other_filer: object
    reviewer: object
    ids: dict[str, list[int]] = field(default_factory=dict)

    def token(self, user) -> str:
        """An API token (SEC-04, django-rest-knox), sent as `Authorization: Token <token>`."""
        _instance, token = get_token_model().objects.create(user=user)
        return token


def build_world() -> World:
    filer = FilerFactory(entity__name="北京星河智联科技有限公司")
    complete_entity(filer, approve=True)
    approved_product = complete_product(filer, approve=True)
    submitted_product = complete_product(filer, name="星河搜索")
    draft_product = complete_product(filer, name="星河地图", submit=False)
    published = approve_item(complete_filing(filer, approved_product))
    submitted = complete_filing(filer, submitted_product)
    draft = complete_filing(filer, draft_product, submit=False)
    other_filer = FilerFactory(entity__name="上海示例信息技术有限公司")
    complete_entity(other_filer, region_code="310104")
    foreign_attachment = upload(other_filer.entity, "self_assessment", other_filer)
    own_attachment = upload(filer.entity, "disclosure", filer)
    products = [approved_product, submitted_product, draft_product]
    paths = [path for product in products for path in product.paths.all()]
    functions = [function for path in paths for function in path.functions.all()]
    return World(
        filer=filer,
        other_filer=other_filer,
        reviewer=ReviewerFactory(),
        ids={
            "product": [p.pk for p in products],
            "path": [p.pk for p in paths],
            "function": [f.pk for f in functions],
            "filing": [published.pk, submitted.pk, draft.pk],
            "attachment": [own_attachment.pk, foreign_attachment.pk],
            "entity": [filer.entity_id, other_filer.entity_id],
        },
    )

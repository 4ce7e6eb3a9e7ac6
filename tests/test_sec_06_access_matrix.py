"""SEC-06: every route is covered by an access test, generated from the URL configuration and the OpenAPI
schema, so that a new route fails the suite until someone says who may use it.

The matrix
----------
`MATRIX` holds one `Row` per route and HTTP method: a read (GET) for every route, and a write for each
POST/PATCH/PUT/DELETE the route takes (a route with several targets or bodies worth telling apart, such as
the public page of a published and of a draft filing, or the reviewer's approve, reject and release, has a
row for each, named by `variant`). A row says, for each of the eight roles, what must happen:

- anonymous — nobody signed in;
- filer_a — the account of entity A (北京, 110108, approved), which owns every object the paths name;
- filer_b — the account of another entity (also in 北京, so only ownership keeps it out);
- reviewer_in — a 北京 reviewer who did not claim the item under review;
- reviewer_claimant — the 北京 reviewer who claimed it;
- reviewer_out — a 上海 reviewer;
- supervisor — a 北京 reviewer with `supervisor=True`, who did not claim the item;
- administrator — `createsuperuser`'s account (national, a supervisor by role, staff).

Path ids come from objects built through the real services (tests/builders.py): A's entity, its product,
path and function, a published filing with a number, a draft filing, a submitted filing claimed by
reviewer_claimant, an uploaded attachment, a published and a draft announcement, a list export.

Each (row, role) is its own case, so a failure names the route, the method and the role. Pages are
requested with a session (`force_login`), the API with an API token, both through Django's test client
with CSRF checks off (test_sec_06_a_post_without_a_csrf_token_is_refused checks CSRF on its own).

What the outcomes mean
----------------------
The point of a write is WHO gets through, not what the harmless (often empty) body does:

- ALLOWED — past every access check: a 2xx, a redirect to anything but a login page, a 400 for a body
  the route refuses, or a 409 of the route's own rules (a product still covered by a filing) — but not a
  409 that refuses the user (`claimed_by_another`, `not_permitted`).
- DONE — allowed, and the write changed something (a reviewer's move, deleting a draft).
- ok(200), ok(302), … — exactly that status (a redirect not to a login page).
- LOGIN — anonymous: a page redirects to the login page, the API answers 401.
- FORBIDDEN — 403: the wrong kind of account, before any object is looked up (a reviewer on a filer's
  page, a filer on a reviewer's), so the answer is the same for every id.
- NOT_FOUND — 404: an object that is not the user's to see is not found, exactly like one that does not
  exist, so ids cannot be probed (test_sec_06_an_object_that_is_not_yours_answers_like_a_missing_one).
- CLAIMED — a reviewer in scope acting on an item another reviewer claimed: the API answers 409
  `claimed_by_another`; the page redirects back to the item with the refusal as an error message.
- METHOD — 405: the route does not take that method.

Every refused write (LOGIN, FORBIDDEN, NOT_FOUND, CLAIMED, METHOD) is checked to have changed nothing:
every row of the portal's own tables is the same after it as before. Public pages that answer 200 are
checked to show none of entity A's private data (PUB-06).

Coverage
--------
test_sec_06_every_route_is_in_the_matrix walks the URL configuration (with namespaces) and fails, naming
them, for routes the matrix does not list and rows whose route no longer exists; only what `EXCLUDED`
names is left out. test_sec_06_every_api_operation_is_in_the_matrix does the same for the (path, method)
operations of the OpenAPI schema, and test_sec_06_every_api_method_is_in_the_matrix for every method a
class-based view (Django's or DRF's) implements, in the schema or not.

A new route: add its rows to MATRIX with `rows(route, read, {method: write, …})`, the expectations made by
the helpers that say who the route is for (`everyone`, `signed_in`, `filers_own`, `filer_object`,
`reviewers`, `review_item`, `in_scope_readers`) and, when its path names an object, `ids` saying which.
"""

from __future__ import annotations

import json
import logging
import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from fnmatch import fnmatch
from functools import cache

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.messages import ERROR, get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client, TestCase, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from knox.models import get_token_model

from algorithms import documents as algorithms_documents
from algorithms.services import filing_create
from beian.celery import app as celery_app
from filers import documents as filers_documents
from filers.models import User
from public_search.models_announcements import Announcement
from public_search.models_lists import ListExport
from reports.models import ReportSource
from reports.services import report_confirm_token, report_create
from review.models import Notification
from review.services import transition_perform
from review.transitions import Action, State

from .builders import DETAILS, ENTITY_DATA, approve_item, complete_entity, complete_filing, complete_product
from .factories import PASSWORD, FilerFactory, ReviewerFactory

ROLES = (
    "anonymous",
    "filer_a",
    "filer_b",
    "reviewer_in",
    "reviewer_claimant",
    "reviewer_out",
    "supervisor",
    "administrator",
)
READ, WRITES = "GET", ("POST", "PATCH", "PUT", "DELETE")
MISSING_ID = 2_000_000_000  # no object has it
OBJECT_ID = r"<int:(\w*pk)>"  # a path argument that names an object (`step` is a number, not an object)
ACCESS_CODES = {"claimed_by_another", "not_permitted"}  # a 409 with one of these refuses the user

# Routes that are not ours to guard, each with the reason. A pattern matches a route's key (its
# `namespace:name`, or `namespace:pattern` when it has no name) or its path pattern.
EXCLUDED: tuple[tuple[str, str], ...] = (
    (
        "admin:*",
        "Django's admin site: is_staff and the model permissions guard it; the row 'admin:index' checks "
        "that only the administrator gets in",
    ),
    ("set_language", "i18n's set_language: sets the visitor's own language cookie, names no object"),
    (f"{settings.STATIC_URL.lstrip('/')}*", "static files (served by whitenoise, public by design)"),
)

# What entity A typed that must never reach a public URL (PUB-06).
PRIVATE = (
    ENTITY_DATA["legal_rep_id_number"],
    ENTITY_DATA["legal_rep_mobile"],
    ENTITY_DATA["legal_rep_email"],
    ENTITY_DATA["officer_id_number"],
    ENTITY_DATA["officer_mobile"],
    ENTITY_DATA["officer_email"],
    DETAILS["strategy"],
    DETAILS["model"]["architecture"],
    DETAILS["model"]["principle"],
)


# --- Outcomes -------------------------------------------------------------------------------------


def _location(response) -> str:
    return response.get("Location", "")


def _to_login(response, *, pages: tuple[str, ...] = ("filers:login", "admin:login")) -> bool:
    return response.status_code in (301, 302, 303) and _location(response).startswith(
        tuple(reverse(page) for page in pages)
    )


def _api_code(response) -> str:
    try:
        return json.loads(response.content).get("code", "")
    except (ValueError, AttributeError):
        return ""


def _error_messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request) if m.level == ERROR]


def _allowed(response, api: bool) -> bool:
    status = response.status_code
    if 200 <= status < 300 or status == 400:
        return True
    if status in (301, 302, 303):
        return not _to_login(response)
    if status == 409:
        return _api_code(response) not in ACCESS_CODES
    return False


def _claimed(response, api: bool) -> bool:
    if api:
        return response.status_code == 409 and _api_code(response) == "claimed_by_another"
    # Post/redirect/get: back to the item, with the refusal (who holds the claim) as an error message.
    back = _location(response).startswith("/review/") and not _location(response).endswith("/act/")
    return response.status_code == 302 and back and "只有认领人" in " ".join(_error_messages(response))


@dataclass(frozen=True)
class Outcome:
    label: str
    refused: bool
    test: Callable[[object, bool], bool]
    must_change: bool = False

    def __str__(self) -> str:
        return self.label


def ok(*statuses: int) -> Outcome:
    return Outcome(
        "/".join(map(str, statuses)),
        False,
        lambda r, api: r.status_code in statuses and not _to_login(r),
    )


ALLOWED = Outcome("ALLOWED", False, _allowed)
DONE = Outcome("DONE", False, _allowed, must_change=True)
LOGIN = Outcome(
    "LOGIN",
    True,
    lambda r, api: (
        r.status_code == 401 if api else _to_login(r, pages=("filers:login",)) and "next=" in _location(r)
    ),
)
ADMIN_LOGIN = Outcome("ADMIN_LOGIN", True, lambda r, api: _to_login(r, pages=("admin:login",)))
FORBIDDEN = Outcome("FORBIDDEN", True, lambda r, api: r.status_code == 403)
NOT_FOUND = Outcome("NOT_FOUND", True, lambda r, api: r.status_code == 404)
CLAIMED = Outcome("CLAIMED", True, _claimed)
METHOD = Outcome("METHOD", True, lambda r, api: r.status_code == 405)


# --- Who gets what: the shapes the rows take ---------------------------------------------------------

Expect = Mapping[str, Outcome]
IN_SCOPE = ("reviewer_in", "reviewer_claimant", "supervisor", "administrator")


def everyone(outcome: Outcome, **overrides: Outcome) -> Expect:
    return {**dict.fromkeys(ROLES, outcome), **overrides}


def signed_in(outcome: Outcome, **overrides: Outcome) -> Expect:
    return everyone(outcome, anonymous=LOGIN, **overrides)


def filers_own(outcome: Outcome, **overrides: Outcome) -> Expect:
    """A filer's page or API call about its own entity, without an object id: both filers, each for its
    own entity; every reviewer and the administrator are the wrong kind of account."""
    return {**everyone(FORBIDDEN, anonymous=LOGIN, filer_a=outcome, filer_b=outcome), **overrides}


def filer_object(outcome: Outcome) -> Expect:
    """A route naming one of entity A's objects: A gets `outcome`, B does not find it."""
    return filers_own(outcome, filer_b=NOT_FOUND)


def reviewers(outcome: Outcome, **overrides: Outcome) -> Expect:
    """A reviewer's route without an object: every reviewer and the administrator; filers are refused."""
    return everyone(outcome, anonymous=LOGIN, filer_a=FORBIDDEN, filer_b=FORBIDDEN, **overrides)


def review_item(outcome: Outcome, **overrides: Outcome) -> Expect:
    """A reviewer's route naming an item of 北京: 上海's reviewer does not find it."""
    return reviewers(outcome, reviewer_out=NOT_FOUND, **overrides)


def in_scope_readers(outcome: Outcome) -> Expect:
    """An upload: the entity's own account and the reviewers in scope; any other account does not find
    it (anonymous is sent to sign in first, whatever the id)."""
    return everyone(NOT_FOUND, anonymous=LOGIN, filer_a=outcome, **dict.fromkeys(IN_SCOPE, outcome))


# --- The matrix -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    route: str  # `namespace:name`, or the pattern of a route without a name (`admin/login/`)
    method: str
    expect: Expect
    ids: Mapping[str, str] = field(default_factory=dict)  # URL argument → fixture object
    args: Mapping[str, object] = field(default_factory=dict)  # other URL arguments (callables get the world)
    body: Mapping[str, object] | None = None
    query: Mapping[str, str] = field(default_factory=dict)
    variant: str = ""
    multipart: bool = False  # an API route that parses forms, not JSON

    @property
    def api(self) -> bool:
        return self.route.startswith("api:")

    @property
    def name(self) -> str:
        return f"{self.route} {self.method}" + (f" [{self.variant}]" if self.variant else "")


def _uid(world) -> str:
    return urlsafe_base64_encode(force_bytes(world.users["filer_a"].pk))


def rows(
    route: str,
    read: Expect,
    writes: Mapping[str, Expect] | None = None,
    *,
    body: Mapping[str, object] | None = None,
    **options,
) -> list[Row]:
    """The read row of a route and one row for each write method it takes."""
    made = [Row(route, READ, read, **options)]
    for method, expect in (writes or {}).items():
        made.append(Row(route, method, expect, body=body if body is not None else {}, **options))
    return made


# Django's form views (FormView) take PUT as they take POST.
FORM_WRITES = ("POST", "PUT")
A_PRODUCT, A_PATH, A_FUNCTION = {"pk": "product"}, {"pk": "path"}, {"pk": "function"}
PUBLISHED, DRAFT, CLAIMED_FILING = {"pk": "published"}, {"pk": "draft"}, {"pk": "claimed"}
MOVES = {
    "approve": {"action": "approve"},
    "reject": {"action": "reject", "reason": "材料不实"},
    "release": {"action": "release"},
}


def _review_moves(route: str) -> list[Row]:
    """SEC-02: approve and reject belong to the claimant; release to the claimant or a supervisor."""
    made = []
    for move, body in MOVES.items():
        others = CLAIMED if move != "release" else None
        made.append(
            Row(
                route,
                "POST",
                review_item(
                    CLAIMED,
                    reviewer_claimant=DONE,
                    supervisor=others or DONE,
                    administrator=others or DONE,
                ),
                ids=CLAIMED_FILING,
                args={"key": "filing"},
                body=body,
                variant=move,
            )
        )
    return made


def _public_filing(route: str) -> list[Row]:
    """PUB-03, PUB-06: a published filing is public; a draft or a filing under review is not there."""
    return [
        Row(route, READ, everyone(ok(200)), ids=PUBLISHED, variant="published"),
        Row(route, READ, everyone(NOT_FOUND), ids=DRAFT, variant="draft"),
        Row(route, READ, everyone(NOT_FOUND), ids=CLAIMED_FILING, variant="under review"),
    ]


def _review_items(route: str) -> list[Row]:
    """A reviewer's view of one item of each kind: a claimed filing, the entity, the product."""
    kinds = {"filing": CLAIMED_FILING, "entity": {"pk": "entity"}, "product": {"pk": "product"}}
    return [
        Row(route, READ, review_item(ok(200)), ids=ids, args={"key": key}, variant=key)
        for key, ids in kinds.items()
    ]


MATRIX: list[Row] = [
    # --- The public side and the tools around it -------------------------------------------------
    *rows("healthz", everyone(ok(200))),
    *rows("public_search:home", everyone(ok(200))),
    *rows("public_search:search", everyone(ok(200)), query={"q": "星河"}),
    *rows(
        "public_search:number_check", everyone(ok(200)), query={"number": "网信算备110108823483902220017号"}
    ),
    *rows(
        "public_search:selfcheck",
        everyone(ok(200)),
        query={"public_in_china": "yes", "forms_offered": "forum", "techniques": "02", "synthesis": "no"},
    ),
    *rows(
        "public_search:selfcheck_start",
        filers_own(METHOD),
        {"POST": filers_own(DONE)},
        body={"algo_type": "02", "role": "provider"},
    ),
    *rows("public_search:stats", everyone(ok(200))),
    *rows("public_search:stats_chart", everyone(ok(200)), args={"chart": "province"}),
    *rows("public_search:stats_csv", everyone(ok(200)), args={"chart": "approved"}),
    *_public_filing("public_search:filing"),
    *_public_filing("public_search:badge"),
    *_public_filing("public_search:qr"),
    *_public_filing("api:public-filing"),
    *rows("api:public-filings", everyone(ok(200)), query={"q": "星河"}),
    *rows("api:public-lists", everyone(ok(200)), query={"period": "2026"}),
    *rows("api:number-check", everyone(ok(200)), query={"number": "网信算备110108823483902220017号"}),
    *rows("announcements:list", everyone(ok(200))),
    Row("announcements:detail", READ, everyone(ok(200)), ids={"pk": "announcement"}, variant="published"),
    Row("announcements:detail", READ, everyone(NOT_FOUND), ids={"pk": "announcement_draft"}, variant="draft"),
    *rows("announcements:feed", everyone(ok(200))),
    *rows("lists:page", everyone(ok(200))),
    *rows(
        "lists:download",
        everyone(ok(200)),
        {"POST": everyone(ALLOWED)},  # issue 14: a long list's export is started by a POST
        args={"fmt": "csv"},
        query={"period": "2026"},
    ),
    *rows("lists:export", everyone(ok(200)), ids={"pk": "export"}),
    *rows("lists:export_file", everyone(ok(302)), ids={"pk": "export"}),  # not finished: its progress page
    *rows("schema", everyone(ok(200))),
    *rows("schema-docs", everyone(ok(200))),
    *rows("schema-redoc", everyone(ok(200))),
    # --- Accounts ----------------------------------------------------------------------------------
    *rows(
        "filers:register",
        everyone(ok(302), anonymous=ok(200)),  # a signed-in user is sent to the workspace
        {"POST": everyone(ALLOWED)},
    ),
    *rows("filers:register_done", everyone(ok(200))),
    *rows("filers:activate", everyone(ok(400)), args={"uidb64": _uid, "token": "bad-token"}),
    # 重新发送激活邮件: anyone may ask; the answer is the same whoever asks and whatever exists.
    *rows("filers:activation_resend", everyone(ok(200)), {"POST": everyone(ALLOWED)}),
    *rows("filers:login", everyone(ok(200)), dict.fromkeys(FORM_WRITES, everyone(ALLOWED))),
    *rows("filers:logout", everyone(METHOD), {"POST": everyone(ALLOWED)}),
    *rows("filers:password_change", signed_in(ok(200)), dict.fromkeys(FORM_WRITES, signed_in(ALLOWED))),
    *rows("filers:password_change_done", signed_in(ok(200))),
    *rows("filers:password_reset", everyone(ok(200)), dict.fromkeys(FORM_WRITES, everyone(ALLOWED))),
    *rows("filers:password_reset_done", everyone(ok(200))),
    *rows(
        "filers:password_reset_confirm",
        everyone(ok(200)),  # the page that says the link is not valid
        dict.fromkeys(FORM_WRITES, everyone(ALLOWED)),
        args={"uidb64": _uid, "token": "bad-token"},
    ),
    *rows("filers:password_reset_complete", everyone(ok(200))),
    *rows("filers:regions", everyone(ok(200))),
    *rows("filers:workspace", signed_in(ok(200))),
    *rows("notifications", signed_in(ok(200))),
    # Issue 14: messages are marked read by POST, each user only its own.
    *rows("notifications_read", signed_in(METHOD), {"POST": signed_in(ALLOWED, filer_a=DONE)}),
    *rows(
        "notification_read",
        signed_in(METHOD),
        {"POST": everyone(NOT_FOUND, anonymous=LOGIN, filer_a=DONE)},
        ids={"pk": "notification"},
    ),
    # The admin's own sign-in page (wrapped in the login rate limit, so it is a route of ours): a
    # signed-in administrator is sent on to the admin.
    *rows("admin/login/", everyone(ok(200), administrator=ok(302)), {"POST": everyone(ALLOWED)}),
    # The one row of the admin site (see EXCLUDED): only the administrator gets in.
    *rows("admin:index", everyone(ADMIN_LOGIN, administrator=ok(200))),
    # PUB-05 (issue 15): publishing the next batch of a published list is the administrator's alone
    # (an admin page of ours, so it has rows although the admin site is excluded).
    *rows(
        "admin:public_search_listbatch_publish",
        everyone(ADMIN_LOGIN, administrator=ok(200)),
        {"POST": everyone(ADMIN_LOGIN, administrator=DONE)},
        body={"kind": "all"},
    ),
    *rows("api:me", signed_in(ok(200))),
    *rows("api:token", everyone(METHOD), {"POST": everyone(ALLOWED)}),
    *rows("api:token-logout", signed_in(METHOD), {"POST": signed_in(ALLOWED)}),
    *rows("api:token-logout-all", signed_in(METHOD), {"POST": signed_in(ALLOWED)}),
    *rows("api:register", everyone(METHOD), {"POST": everyone(ALLOWED)}),
    # --- 主体信息: each filer its own entity ------------------------------------------------------------
    *rows("filers:entity", filers_own(ok(200))),
    *rows("filers:entity_edit", filers_own(ok(200)), {"POST": filers_own(ALLOWED)}),
    *rows("filers:entity_submit", filers_own(METHOD), {"POST": filers_own(ALLOWED)}),
    *rows("filers:entity_document", filers_own(ok(200)), args={"kind": "commitment_letter"}),
    *rows("filers:attachment", in_scope_readers(ok(200)), ids={"pk": "attachment"}),
    *rows("api:entity", filers_own(ok(200)), {"PATCH": filers_own(ALLOWED)}),
    *rows("api:entity-submit", filers_own(METHOD), {"POST": filers_own(ALLOWED)}),
    *rows("api:entity-withdraw", filers_own(METHOD), {"POST": filers_own(ALLOWED)}),  # issue 16: 撤回
    *rows("api:entity-attachments", filers_own(METHOD), {"POST": filers_own(ALLOWED)}, multipart=True),
    *rows("api:attachment", in_scope_readers(ok(200)), ids={"pk": "attachment"}),
    # REL-04: 导出我的数据 — the signed-in filer's own entity, no id to guess.
    *rows("filers:entity_export", filers_own(ok(200))),
    *rows("api:entity-export", filers_own(ok(200))),
    # --- Products, paths, functions (PRD) ------------------------------------------------------------
    *rows("products:list", filers_own(ok(200))),
    *rows("products:create", filers_own(ok(200)), {"POST": filers_own(ALLOWED)}),
    *rows("products:edit", filer_object(ok(200)), {"POST": filer_object(ALLOWED)}, ids=A_PRODUCT),
    *rows("products:delete", filer_object(ok(200)), {"POST": filer_object(ALLOWED)}, ids=A_PRODUCT),
    *rows("products:submit", filers_own(METHOD), {"POST": filer_object(ALLOWED)}, ids=A_PRODUCT),
    *rows(
        "products:path_create",
        filer_object(ok(200)),
        {"POST": filer_object(ALLOWED)},
        ids={"product_pk": "product"},
    ),
    *rows("products:path_edit", filer_object(ok(200)), {"POST": filer_object(ALLOWED)}, ids=A_PATH),
    *rows("products:path_delete", filer_object(ok(200)), {"POST": filer_object(ALLOWED)}, ids=A_PATH),
    *rows(
        "products:function_create",
        filer_object(ok(200)),
        {"POST": filer_object(ALLOWED)},
        ids={"path_pk": "path"},
    ),
    *rows("products:function_edit", filer_object(ok(200)), {"POST": filer_object(ALLOWED)}, ids=A_FUNCTION),
    *rows("products:function_delete", filer_object(ok(200)), {"POST": filer_object(ALLOWED)}, ids=A_FUNCTION),
    *rows("api:products", filers_own(ok(200)), {"POST": filers_own(ALLOWED)}),
    *rows(
        "api:product",
        filer_object(ok(200)),
        {"PATCH": filer_object(ALLOWED), "DELETE": filer_object(ALLOWED)},
        ids=A_PRODUCT,
    ),
    *rows("api:product-submit", filers_own(METHOD), {"POST": filer_object(ALLOWED)}, ids=A_PRODUCT),
    *rows("api:product-withdraw", filers_own(METHOD), {"POST": filer_object(ALLOWED)}, ids=A_PRODUCT),
    *rows("api:product-paths", filers_own(METHOD), {"POST": filer_object(ALLOWED)}, ids=A_PRODUCT),
    *rows(
        "api:path",
        filers_own(METHOD),
        {"PATCH": filer_object(ALLOWED), "DELETE": filer_object(ALLOWED)},
        ids=A_PATH,
    ),
    *rows("api:path-functions", filers_own(METHOD), {"POST": filer_object(ALLOWED)}, ids=A_PATH),
    *rows(
        "api:function",
        filers_own(METHOD),
        {"PATCH": filer_object(ALLOWED), "DELETE": filer_object(ALLOWED)},
        ids=A_FUNCTION,
    ),
    # --- Filings (ALG) -----------------------------------------------------------------------------
    *rows("algorithms:list", filers_own(ok(200))),
    *rows("algorithms:create", filers_own(METHOD), {"POST": filers_own(DONE)}),
    *rows("algorithms:drafts", filers_own(ok(200))),
    *rows("algorithms:draft_delete", filers_own(METHOD), {"POST": filer_object(DONE)}, ids=DRAFT),
    *rows("algorithms:detail", filer_object(ok(200)), ids=PUBLISHED),
    *rows(
        "algorithms:step", filer_object(ok(200)), {"POST": filer_object(ALLOWED)}, ids=DRAFT, args={"step": 1}
    ),
    *rows("algorithms:document", filer_object(ok(200)), ids=DRAFT, args={"kind": "self_assessment"}),
    *rows("algorithms:cancel", filers_own(METHOD), {"POST": filer_object(ALLOWED)}, ids=PUBLISHED),
    *rows("api:filings", filers_own(ok(200)), {"POST": filers_own(DONE)}),
    *rows("api:filing-drafts", filers_own(ok(200))),
    *rows(
        "api:filing",
        filer_object(ok(200)),
        {"PATCH": filer_object(ALLOWED), "DELETE": filer_object(DONE)},
        ids=DRAFT,
    ),
    *rows("api:filing-submit", filers_own(METHOD), {"POST": filer_object(ALLOWED)}, ids=DRAFT),
    *rows("api:filing-withdraw", filers_own(METHOD), {"POST": filer_object(ALLOWED)}, ids=CLAIMED_FILING),
    *rows("api:filing-cancel", filers_own(METHOD), {"POST": filer_object(ALLOWED)}, ids=PUBLISHED),
    # --- Review (REV, SEC-02) ---------------------------------------------------------------------
    *rows("review:queue", reviewers(ok(200))),
    *rows("review:stats", reviewers(ok(200))),
    *rows("api:review-queue", reviewers(ok(200))),
    *_review_items("review:item"),
    Row("review:act", READ, reviewers(METHOD), ids=CLAIMED_FILING, args={"key": "filing"}),
    *_review_moves("review:act"),
    # Issue 16: 撤回 — the owning filer's move on its own item (the claimed filing: the table refuses it,
    # with a message back on the filer's page); another entity does not find it; reviewers are refused.
    *rows(
        "review:withdraw",
        signed_in(METHOD),
        {"POST": filer_object(ALLOWED)},
        ids=CLAIMED_FILING,
        args={"key": "filing"},
    ),
    *_review_items("api:review-item"),
    Row("api:review-act", READ, reviewers(METHOD), ids=CLAIMED_FILING, args={"key": "filing"}),
    *_review_moves("api:review-act"),
    # --- Problem reports (RPT-01): anyone reports and follows a report by its code; the reviewers of the
    # filing's province (北京 here) see and move it, 上海's do not find it ---------------------------------
    *rows("reports:lookup", everyone(ok(200))),
    *rows("api:public-report-counts", everyone(ok(200))),  # counts only
    *rows("reports:filing", everyone(ok(200)), {"POST": everyone(ALLOWED)}, ids=PUBLISHED),
    Row("reports:filing", READ, everyone(NOT_FOUND), ids=DRAFT, variant="draft"),
    *rows("reports:number", everyone(ok(200)), {"POST": everyone(ALLOWED)}),
    *rows("reports:submitted", everyone(ok(302))),  # nothing submitted in this session: to the look-up
    *rows(
        "reports:confirm",
        everyone(ok(200)),
        {"POST": everyone(DONE)},
        args={"token": lambda world: report_confirm_token(world.objects["report_unconfirmed"])},
    ),
    Row("reports:confirm", READ, everyone(NOT_FOUND), args={"token": "forged"}, variant="forged"),
    *rows("reports:status", everyone(ok(200)), args={"code": lambda world: world.objects["report"].code}),
    Row("reports:status", READ, everyone(NOT_FOUND), args={"code": "ZZZZ-ZZZZ-ZZZZ-ZZZZ"}, variant="forged"),
    *rows("reports:queue", reviewers(ok(200))),
    *rows("reports:detail", review_item(ok(200)), ids={"pk": "report"}),
    *rows("reports:screenshot", review_item(ok(200)), ids={"pk": "report"}),
    Row("reports:act", READ, reviewers(METHOD), ids={"pk": "report"}),
    Row("reports:act", "POST", review_item(DONE), ids={"pk": "report"}, body={"action": "take"}),
]


CASES = [pytest.param(row, role, id=f"{row.name} {role}") for row in MATRIX for role in ROLES]


# --- The URL configuration and the schema ----------------------------------------------------------


@dataclass(frozen=True)
class Route:
    key: str  # `namespace:name`, or `namespace:pattern` when the route has no name
    pattern: str
    callback: Callable


def _walk(resolver: URLResolver, prefix: str = "", namespace: str = "") -> list[Route]:
    found = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            found += _walk(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            pattern = prefix + str(entry.pattern)
            key = f"{namespace}{entry.name or pattern}"
            found.append(Route(key, pattern, entry.callback))
    return found


def url_routes() -> dict[str, Route]:
    """Every route of the URL configuration, by key."""
    return {route.key: route for route in _walk(get_resolver())}


def exclusion_of(route: Route) -> str | None:
    """Why `route` is not in the matrix (EXCLUDED), or None."""
    for pattern, reason in EXCLUDED:
        if fnmatch(route.key, pattern) or fnmatch(route.pattern, pattern):
            return reason
    return None


def _path_shape(path: str) -> str:
    """/api/v1/products/<int:pk>/ and /api/v1/products/{id}/ alike: /api/v1/products/{}/."""
    return re.sub(r"<[^>]+>|\{[^}]+\}", "{}", "/" + path.lstrip("/"))


def _view_class(callback: Callable):
    """The class behind a class-based view (Django's and DRF's), or None for a function."""
    return getattr(callback, "view_class", None) or getattr(callback, "cls", None)


# --- The world the paths name ---------------------------------------------------------------------


@dataclass
class World:
    users: dict[str, User]
    objects: dict[str, object]
    media_root: str
    sessions: dict[str, str]  # role → session key (pages)
    tokens: dict[str, str]  # role → API token


@pytest.fixture(scope="module")
def world_once(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once for the module, through the real services, inside a transaction rolled back at the
    end. Each case runs in a savepoint of it (the `db` fixture), so no case sees another's writes."""
    media_root = str(tmp_path_factory.mktemp("sec06-media"))
    hashers = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    eager = celery_app.conf.task_always_eager
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media_root, PASSWORD_HASHERS=hashers):
        atomic = transaction.atomic()
        atomic.__enter__()
        celery_app.conf.task_always_eager = True
        try:
            world = _build(media_root)
        except BaseException:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            raise
        finally:
            celery_app.conf.task_always_eager = eager
    yield world
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


def _build(media_root: str) -> World:
    filer_a = FilerFactory(entity__name="北京星河智联科技有限公司")
    complete_entity(filer_a, approve=True, region_code="110108")
    product = complete_product(filer_a, approve=True)
    with TestCase.captureOnCommitCallbacks(execute=True):  # the number is issued on commit
        published = approve_item(complete_filing(filer_a, product))
    published.refresh_from_db()
    assert published.state == State.APPROVED and published.number
    draft = complete_filing(filer_a, product, submit=False, basic={"name": "星河热榜算法"})
    claimed = complete_filing(filer_a, product, basic={"name": "星河搜索排序算法"})

    users = {
        "filer_a": filer_a,
        "filer_b": FilerFactory(entity__name="北京另一家科技有限公司"),
        "reviewer_in": ReviewerFactory(province_code="110000"),
        "reviewer_claimant": ReviewerFactory(province_code="110000"),
        "reviewer_out": ReviewerFactory(province_code="310000"),
        "supervisor": ReviewerFactory(province_code="110000", supervisor=True),
        "administrator": User.objects.create_superuser("matrix-admin", "admin@example.cn", PASSWORD),
    }
    transition_perform(obj=claimed, action=Action.CLAIM, actor=users["reviewer_claimant"])
    claimed.refresh_from_db()
    assert claimed.state == State.UNDER_REVIEW

    entity = filer_a.entity
    entity.refresh_from_db()
    path = product.paths.get()
    now = timezone.now()
    objects = {
        "entity": entity,
        "product": product,
        "path": path,
        "function": path.functions.get(),
        "published": published,
        "draft": draft,
        "claimed": claimed,
        "attachment": entity.commitment_letter,
        "announcement": Announcement.objects.create(
            title="关于算法备案的公告", body="公告正文。", published_at=now - timezone.timedelta(days=1)
        ),
        "announcement_draft": Announcement.objects.create(title="尚未发布的公告", body="草稿。"),
        "export": ListExport.objects.create(period="2026", fmt="csv"),
        "notification": Notification.objects.create(
            user=filer_a, title="您的备案已通过审核", url="/filings/"
        ),
        "report": report_create(
            source=ReportSource.NUMBER_CHECK,
            category="",
            number_text=published.number,
            seen_where="某某App",
            screenshot=SimpleUploadedFile("s.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32),
        ),
        "report_unconfirmed": report_create(
            source=ReportSource.FILING_PAGE,
            category="other",
            description="待确认邮箱的报告",
            filing=published,
            email="reporter@example.cn",
        ),
    }
    # One session and one API token per role, made once: a case that logs out is rolled back.
    sessions, tokens = {}, {}
    for role, user in users.items():
        client = Client()
        client.force_login(user)
        sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
        tokens[role] = get_token_model().objects.create(user=user)[1]
    return World(users=users, objects=objects, media_root=media_root, sessions=sessions, tokens=tokens)


@pytest.fixture
def world(world_once, db, settings) -> World:
    settings.MEDIA_ROOT = world_once.media_root  # where the uploads were stored
    return world_once


@pytest.fixture(autouse=True, scope="module")
def _quiet_refusals():
    """Django logs every 4xx with its traceback; here thousands of them are the point."""
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.ERROR)
    yield
    logger.setLevel(level)


@pytest.fixture(autouse=True)
def _pdfs_made_cheaply(monkeypatch):
    """The pre-filled PDF templates take WeasyPrint seconds each; who may download them is decided before
    they are made, and their content is tested in test_entity_documents and test_filing_documents."""
    for module, names in (
        (filers_documents, ("commitment_letter_pdf", "responsibility_statement_pdf")),
        (algorithms_documents, ("self_assessment_template_pdf", "disclosure_template_pdf")),
    ):
        for name in names:
            monkeypatch.setattr(module, name, lambda **_: b"%PDF-1.4\n%%EOF\n")


def _url(row: Row, world: World, *, missing: bool = False) -> str:
    if ":" not in row.route and "/" in row.route:  # a route without a name: its pattern is its path
        return "/" + row.route
    kwargs = {name: MISSING_ID if missing else world.objects[obj].pk for name, obj in row.ids.items()}
    kwargs.update({name: value(world) if callable(value) else value for name, value in row.args.items()})
    return reverse(row.route, kwargs=kwargs)


def _client(row: Row, role: str, world: World, *, enforce_csrf_checks: bool = False) -> Client:
    if role != "anonymous" and row.api:
        return Client(enforce_csrf_checks, headers={"Authorization": f"Token {world.tokens[role]}"})
    client = Client(enforce_csrf_checks)
    if role != "anonymous":
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    return client


def _send(client: Client, row: Row, url: str):
    if row.method == READ:
        return client.get(url, row.query)
    if row.api and not row.multipart:
        send = getattr(client, row.method.lower())
        return send(url, json.dumps(row.body), content_type="application/json")
    if row.method == "POST":
        return client.post(url, row.body)
    return getattr(client, row.method.lower())(url)


OUR_APPS = ("filers", "products", "algorithms", "review", "public_search", "reports")


@cache
def _our_tables() -> list[str]:
    return [
        model._meta.db_table
        for app in OUR_APPS
        for model in apps.get_app_config(app).get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    ]


def _snapshot() -> dict[str, object]:
    """Every row of the portal's own tables (sessions, API tokens, rate counters and the login
    lockout's records aside), read with plain SQL: a refused write must leave all of them as they were.
    PostgreSQL answers with a digest of each table in one round trip; SQLite (in the process) with rows."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                " UNION ALL ".join(
                    f"SELECT '{table}', md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) "  # noqa: S608
                    f"FROM {quote(table)} t"
                    for table in _our_tables()
                )
            )
            return dict(cursor.fetchall())
        taken = {}
        for table in _our_tables():
            cursor.execute(f"SELECT * FROM {quote(table)}")  # noqa: S608 — our own table names
            taken[table] = sorted(cursor.fetchall(), key=repr)
        return taken


def _changes(before: dict, after: dict) -> list[str]:
    return [table for table in before if before[table] != after[table]]


def _describe(response) -> str:
    where = f" → {_location(response)}" if _location(response) else ""
    body = "<stream>" if response.streaming else response.content[:300].decode(errors="replace")
    return f"{response.status_code}{where} {_error_messages(response) or ''} {body!r}"


# --- The matrix -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("row", "role"), CASES)
def test_sec_06_access_matrix(world, row: Row, role: str):
    """SEC-06: each role gets what its row says, and a refused write changes nothing."""
    expected = row.expect[role]
    client = _client(row, role, world)
    watch = row.method != READ
    before = _snapshot() if watch else {}
    response = _send(client, row, _url(row, world))
    changed = _changes(before, _snapshot()) if watch else []

    assert expected.test(response, row.api), (
        f"{row.name} as {role}: expected {expected}, got {_describe(response)}"
    )
    if expected.refused:
        assert not changed, f"{row.name} as {role} was refused ({expected}) but changed {changed}"
    if expected.must_change:
        assert changed, f"{row.name} as {role} got through but changed nothing: {_describe(response)}"


PROBED = [
    pytest.param(row, id=row.name)
    for row in MATRIX
    if row.ids and any(row.expect[role].refused and row.expect[role] is not CLAIMED for role in ROLES)
]


@pytest.mark.parametrize("row", PROBED)
def test_sec_06_an_object_that_is_not_yours_answers_like_a_missing_one(world, row: Row):
    """SEC-06: whoever is refused an object gets the same answer for an id that does not exist, so ids
    cannot be probed: 404 for another entity's object or another province's item, and a refusal by role
    (403, the login page) before any object is looked up."""
    different = []
    for role in ROLES:
        expected = row.expect[role]
        if not expected.refused or expected is CLAIMED:
            continue
        response = _send(_client(row, role, world), row, _url(row, world, missing=True))
        if not expected.test(response, row.api):
            different.append(f"{role}: {expected} for the real id, {_describe(response)} for a missing one")
    assert not different, f"{row.name}: " + "; ".join(different)


def test_sec_06_an_upload_named_in_a_body_answers_like_a_missing_one(world):
    """SEC-06: filer B naming entity A's upload in its own 主体信息 or draft is told the id does not
    exist, word for word as for an id nobody has, so A's upload ids cannot be probed either; A names
    its own."""
    attachment = world.objects["attachment"]
    b_draft = filing_create(entity=world.users["filer_b"].entity, actor=world.users["filer_b"])
    targets = [
        ("/api/v1/entity/", "commitment_letter", {}),
        (f"/api/v1/filings/{b_draft.pk}/", "self_assessment", {"step": 1}),
    ]
    api_b = Client(headers={"Authorization": f"Token {world.tokens['filer_b']}"})
    for url, name, extra in targets:
        answers = []
        for pk in (attachment.pk, MISSING_ID):
            response = api_b.patch(url, json.dumps({**extra, name: pk}), content_type="application/json")
            answers.append((response.status_code, response.content.decode().replace(str(pk), "<id>")))
        assert answers[0] == answers[1] and answers[0][0] == 400, (url, answers)

    api_a = Client(headers={"Authorization": f"Token {world.tokens['filer_a']}"})
    own = api_a.patch(
        "/api/v1/entity/", json.dumps({"commitment_letter": attachment.pk}), content_type="application/json"
    )
    assert own.status_code == 200, own.content
    self_assessment = world.objects["draft"].self_assessment_id
    own = api_a.patch(
        f"/api/v1/filings/{world.objects['draft'].pk}/",
        json.dumps({"step": 1, "self_assessment": self_assessment}),
        content_type="application/json",
    )
    assert own.status_code == 200, own.content


# ALG-12 (issue 15) closed the leak this matrix found: the 公示内容 is now the text the filer wrote for the
# public, never the 核心原理 or the 算法策略 (the strict xfail that marked it is gone).
PUBLIC_ROWS = [
    pytest.param(row, id=row.name)
    for row in MATRIX
    if row.method == READ
    and all(row.expect[role] is row.expect["anonymous"] for role in ROLES)
    and not row.expect["anonymous"].refused
]


@pytest.mark.parametrize("row", PUBLIC_ROWS)
def test_sec_06_a_public_url_shows_nothing_private(world, row: Row):
    """PUB-06, ALG-12: what anyone may read shows none of what the filer typed for the office alone:
    ID numbers, phones, e-mails, the 算法策略, the model."""
    response = _send(_client(row, "anonymous", world), row, _url(row, world))
    text = "" if response.streaming else response.content.decode(errors="replace")
    leaked = [private for private in PRIVATE if private in text]
    assert not leaked, f"{row.name} shows private data to anyone: {leaked}"


def test_sec_06_a_post_without_a_csrf_token_is_refused(world):
    """SEC-06: a signed-in filer's page POST (and an API write on the session) without the CSRF token is
    refused with 403 and changes nothing; the same POST with the token gets through."""
    create = next(r for r in MATRIX if r.route == "products:create" and r.method == "POST")
    client = _client(create, "filer_a", world, enforce_csrf_checks=True)
    before = _snapshot()
    assert client.post(reverse("products:create"), {"name": "无令牌产品"}).status_code == 403
    session_api = Client(enforce_csrf_checks=True)
    session_api.cookies[settings.SESSION_COOKIE_NAME] = world.sessions["filer_a"]
    patched = session_api.patch(
        "/api/v1/entity/", json.dumps({"address": "x"}), content_type="application/json"
    )
    assert patched.status_code == 403
    assert not _changes(before, _snapshot())

    client.get(reverse("products:create"))  # the form page sets the CSRF cookie
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    # Past the CSRF check: the empty form is shown again with what is missing.
    assert client.post(reverse("products:create"), {"csrfmiddlewaretoken": token}).status_code == 200


# --- Coverage: a new route, operation or method fails until the matrix says who may use it ------------


def test_sec_06_every_route_is_in_the_matrix():
    routes = url_routes()
    listed = {row.route for row in MATRIX}
    missing = sorted(k for k, route in routes.items() if k not in listed and exclusion_of(route) is None)
    gone = sorted(listed - routes.keys())
    assert not missing, f"routes not in the SEC-06 matrix (add a row saying who may use them): {missing}"
    assert not gone, f"rows of the SEC-06 matrix whose route no longer exists: {gone}"


def test_sec_06_every_api_operation_is_in_the_matrix():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = {
        (_path_shape(path), method.upper())
        for path, item in schema["paths"].items()
        for method in item
        if method.upper() in (READ, *WRITES)
    }
    routes = url_routes()
    covered = {(_path_shape(routes[r.route].pattern), r.method) for r in MATRIX if r.route in routes}
    missing = sorted(operations - covered)
    assert operations and not missing, f"API operations not in the SEC-06 matrix: {missing}"


def test_sec_06_every_api_method_is_in_the_matrix():
    """Every write method a class-based view implements has a row, whether or not the schema shows it."""
    declared: dict[str, set[str]] = {}
    for row in MATRIX:
        declared.setdefault(row.route, set()).add(row.method)
    missing = []
    for key, route in url_routes().items():
        view = _view_class(route.callback)
        if view is None or exclusion_of(route) is not None:
            continue
        implemented = {m.upper() for m in view.http_method_names if hasattr(view, m)} & {READ, *WRITES}
        missing += [f"{key} {m}" for m in sorted(implemented - declared.get(key, set()))]
    assert not missing, f"methods not in the SEC-06 matrix: {missing}"


def test_sec_06_every_object_route_names_its_object():
    """A route whose path takes an object id has the id filled from a fixture object on every row, so the
    probing test covers it."""
    routes = url_routes()
    unnamed = []
    for row in MATRIX:
        ids = set(re.findall(OBJECT_ID, routes[row.route].pattern)) if row.route in routes else set()
        if ids - set(row.ids):
            unnamed.append(f"{row.name}: {sorted(ids - set(row.ids))}")
    assert not unnamed, f"rows that do not say which object fills the path: {unnamed}"


def test_sec_06_the_matrix_counts():
    """Every row names every role; the counts, printed for the record (pytest -s)."""
    assert all(set(row.expect) == set(ROLES) for row in MATRIX)
    assert len({(row.route, row.method, row.variant) for row in MATRIX}) == len(MATRIX)
    routes = url_routes()
    excluded = [k for k, r in routes.items() if exclusion_of(r) is not None]
    listed = {row.route for row in MATRIX}
    reads = sum(row.method == READ for row in MATRIX)
    with_ids = {row.route for row in MATRIX if re.search(OBJECT_ID, routes[row.route].pattern)}
    outcomes = Counter(str(row.expect[role]) for row in MATRIX for role in ROLES)
    print(
        f"\nSEC-06: {len(routes)} routes in the URL configuration, {len(excluded)} excluded, "
        f"{len(listed)} in the matrix ({len(with_ids)} take an object id); "
        f"{len(MATRIX)} rows ({reads} reads, {len(MATRIX) - reads} writes) × {len(ROLES)} roles = "
        f"{len(CASES)} cases; outcomes {dict(sorted(outcomes.items()))}"
    )
    assert len(CASES) == len(MATRIX) * len(ROLES)

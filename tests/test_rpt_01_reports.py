"""RPT-01: problem reports from the public — their own state table, routing to the filing's province (the
national office for an unknown number), the e-mail confirmation, the honeypot, the rate limit, privacy, the
screenshot checked by content, and who may reach the reviewers' pages."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reports.models import Report, ReportCategory, ReportEvent, ReportOutcome, ReportSource
from reports.selectors import report_list, report_open_count
from reports.services import (
    ReportError,
    ReportOutOfScope,
    report_code_normalise,
    report_confirm,
    report_confirm_token,
    report_create,
    report_move,
)
from reports.transitions import REPORT_TRANSITIONS, ReportAction, ReportState, report_transition_find
from review.models import Notification
from review.numbers import check_digit

from .builders import published_filings
from .factories import ReviewerFactory

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
UNKNOWN = "11010899999990126001"
UNKNOWN_NUMBER = UNKNOWN + check_digit(UNKNOWN)


@pytest.fixture
def filing(django_capture_on_commit_callbacks):
    """A published 北京 (110108) filing with its number."""
    with django_capture_on_commit_callbacks(execute=True):
        (filing,) = published_filings()
    filing.refresh_from_db()
    assert filing.number
    return filing


@pytest.fixture
def beijing():
    return ReviewerFactory(province_code="110000")


@pytest.fixture
def shanghai():
    return ReviewerFactory(province_code="310000")


def _filing_report(filing, **kwargs) -> Report:
    values = {
        "source": ReportSource.FILING_PAGE,
        "category": ReportCategory.FALSE_INFO,
        "description": "公示的应用场景与实际不符。",
        "filing": filing,
    }
    return report_create(**{**values, **kwargs})


def _number_report(number: str, **kwargs) -> Report:
    values = {
        "source": ReportSource.NUMBER_CHECK,
        "category": "",
        "number_text": number,
        "seen_where": "某某App",
    }
    return report_create(**{**values, **kwargs})


# --- the state table ---------------------------------------------------------------------------------

ALL_PAIRS = [(s, a) for s in ReportState.values for a in ReportAction.values]


@pytest.mark.parametrize(("state", "action"), ALL_PAIRS)
def test_rpt_01_table_allows_exactly_its_moves(state, action):
    """RPT-01: each (state, action) pair is either in the report's own table or refused."""
    listed = {(t.source, t.action) for t in REPORT_TRANSITIONS}
    assert (report_transition_find(state, action) is not None) == ((state, action) in listed)


def test_rpt_01_reports_are_not_in_the_filings_table():
    """RPT-01: the review core's table for filings knows no report state or action."""
    from review.transitions import TRANSITIONS, Action, State

    assert not {t.value for t in ReportAction} - {"submit", "close", "release"} & set(Action.values)
    assert "in_progress" not in State.values and "closed" not in State.values
    assert all(t.source in State.values for t in TRANSITIONS)


REFUSED = [
    (ReportState.NEW, ReportAction.CLOSE),
    (ReportState.NEW, ReportAction.RELEASE),
    (ReportState.IN_PROGRESS, ReportAction.TAKE),
    (ReportState.CLOSED, ReportAction.TAKE),
    (ReportState.CLOSED, ReportAction.CLOSE),
    (ReportState.CLOSED, ReportAction.RELEASE),
    (ReportState.UNCONFIRMED, ReportAction.TAKE),
]


@pytest.mark.parametrize(("state", "action"), REFUSED)
def test_rpt_01_a_refused_move_says_why_and_changes_nothing(filing, beijing, state, action):
    """RPT-01: a move the table does not list is refused with a clear error; state and history stay."""
    report = _filing_report(filing)
    Report.objects.filter(pk=report.pk).update(state=state, taken_by=beijing)
    events = ReportEvent.objects.count()
    with pytest.raises(ReportError) as refused:
        report_move(report=report, action=action, actor=beijing, outcome=ReportOutcome.VERIFIED)
    assert str(ReportState(state).label) in str(refused.value)
    assert str(ReportAction(action).label) in str(refused.value)
    report.refresh_from_db()
    assert report.state == state and ReportEvent.objects.count() == events


def test_rpt_01_take_and_close_write_history(filing, beijing):
    """RPT-01: new → in_progress → closed, each move a history row (who, when, from, to, note)."""
    report = _filing_report(filing)
    assert report.state == ReportState.NEW
    report_move(report=report, action=ReportAction.TAKE, actor=beijing)
    with pytest.raises(ValidationError) as missing:
        report_move(report=report, action=ReportAction.CLOSE, actor=beijing)
    assert "outcome" in missing.value.message_dict
    report_move(
        report=report,
        action=ReportAction.CLOSE,
        actor=beijing,
        outcome=ReportOutcome.VERIFIED,
        public_outcome="已责令整改。",
        note="电话核实",
    )
    report.refresh_from_db()
    assert report.state == ReportState.CLOSED and report.outcome == ReportOutcome.VERIFIED
    rows = list(report.events.values_list("action", "from_state", "to_state", "actor", "note"))
    assert rows == [
        ("submit", "", "new", None, ""),
        ("take", "new", "in_progress", beijing.pk, ""),
        ("close", "in_progress", "closed", beijing.pk, "电话核实"),
    ]
    with pytest.raises(PermissionError):
        report.events.first().delete()


def test_rpt_01_a_taken_report_is_closed_by_its_taker(filing, beijing):
    """RPT-01 (SEC-02): another reviewer of the province cannot close a report someone took."""
    report = _filing_report(filing)
    report_move(report=report, action=ReportAction.TAKE, actor=beijing)
    colleague = ReviewerFactory(province_code="110000")
    with pytest.raises(ReportError):
        report_move(report=report, action=ReportAction.CLOSE, actor=colleague, outcome="no_problem")
    supervisor = ReviewerFactory(province_code="110000", supervisor=True)
    report_move(report=report, action=ReportAction.RELEASE, actor=supervisor)
    report.refresh_from_db()
    assert report.state == ReportState.NEW and report.taken_by is None


def test_rpt_01_a_longer_text_is_refused_not_cut(filing, beijing):
    """RPT-01 (ALG-13): past a limit the service refuses and names the field."""
    with pytest.raises(ValidationError) as long:
        _filing_report(filing, description="字" * 1001)
    assert "1000" in long.value.message_dict["description"][0]
    report = _filing_report(filing)
    report_move(report=report, action=ReportAction.TAKE, actor=beijing)
    with pytest.raises(ValidationError) as long_outcome:
        report_move(
            report=report,
            action=ReportAction.CLOSE,
            actor=beijing,
            outcome="verified",
            public_outcome="字" * 501,
        )
    assert "public_outcome" in long_outcome.value.message_dict


# --- routing ---------------------------------------------------------------------------------------


def test_rpt_01_a_report_reaches_the_filings_province(filing, beijing, shanghai):
    """RPT-01: a report on a 北京 filing is in the 北京 and national lists, not in 上海's; 上海 cannot act."""
    report = _filing_report(filing)
    national = ReviewerFactory()
    assert list(report_list(reviewer=beijing)) == [report]
    assert list(report_list(reviewer=national)) == [report]
    assert list(report_list(reviewer=shanghai)) == []
    assert report_open_count(reviewer=beijing) == 1 and report_open_count(reviewer=shanghai) == 0
    with pytest.raises(ReportOutOfScope):
        report_move(report=report, action=ReportAction.TAKE, actor=shanghai)


def test_rpt_01_an_unknown_number_goes_to_the_national_office(beijing):
    """RPT-01: a number the portal does not know is the national office's; no provincial reviewer sees it."""
    report = _number_report(UNKNOWN_NUMBER)
    assert report.category == ReportCategory.NUMBER_MISUSE and report.filing is None
    assert report.number == UNKNOWN_NUMBER
    assert list(report_list(reviewer=ReviewerFactory())) == [report]
    assert list(report_list(reviewer=beijing)) == []
    with pytest.raises(ReportOutOfScope):
        report_move(report=report, action=ReportAction.TAKE, actor=beijing)


def test_rpt_01_a_known_number_is_routed_as_its_filing(filing, beijing):
    """RPT-01: a number the portal knows (e.g. revoked) goes to the province of its filing."""
    report = _number_report(f"网信算备{filing.number}号")
    assert report.filing == filing and report.category == ReportCategory.NUMBER_MISUSE
    assert list(report_list(reviewer=beijing)) == [report]


def test_rpt_01_a_number_report_needs_where_it_was_seen():
    """RPT-01: 您在哪里看到这个编号？ — an app or site name, or a URL; a malformed number is named."""
    with pytest.raises(ValidationError) as missing:
        _number_report(UNKNOWN_NUMBER, seen_where="")
    assert "seen_where" in missing.value.message_dict
    with pytest.raises(ValidationError) as bad:
        _number_report("网信算备123号", seen_url="javascript:alert(1)")
    assert {"number", "seen_url"} <= set(bad.value.message_dict)
    assert _number_report(UNKNOWN_NUMBER, seen_where="", seen_url="https://app.example.cn/about")


# --- e-mail confirmation, honeypot, screenshot ------------------------------------------------------


def test_rpt_01_with_an_email_the_report_waits_for_its_confirmation(
    filing, beijing, django_capture_on_commit_callbacks
):
    """RPT-01: a report with an e-mail is kept only once the link sent there is opened; the mail carries
    the code; a forged or second link changes nothing."""
    with django_capture_on_commit_callbacks(execute=True):
        report = _filing_report(filing, email="citizen@example.cn")
    assert report.state == ReportState.UNCONFIRMED
    assert report_list(reviewer=beijing).count() == 0
    (sent,) = [m for m in mail.outbox if "citizen@example.cn" in m.to]
    assert report.code in sent.body
    token = report_confirm_token(report)
    assert reverse("reports:confirm", args=[token]) in sent.body
    with pytest.raises(ReportError):
        report_confirm(token=token + "x")
    report_confirm(token=token)
    report_confirm(token=token)  # a second click changes nothing
    report.refresh_from_db()
    assert report.state == ReportState.NEW and report.received_at is not None
    assert list(report.events.values_list("action", flat=True)) == ["submit", "confirm"]
    assert list(report_list(reviewer=beijing)) == [report]


def test_rpt_01_without_an_email_the_report_is_kept_at_once(filing):
    """RPT-01: no e-mail, no wait: the report is kept and no mail is sent."""
    sent = len(mail.outbox)
    report = _filing_report(filing)
    assert report.state == ReportState.NEW and len(mail.outbox) == sent


def test_rpt_01_the_honeypot_keeps_nothing(filing):
    """RPT-01: a filled honeypot (a robot) keeps nothing."""
    assert _filing_report(filing, honeypot="http://spam.example") is None
    assert Report.objects.count() == 0


def test_rpt_01_a_screenshot_is_checked_by_its_content():
    """RPT-01: the screenshot is checked as every upload is — by content, not name — and must be an image."""
    fake = SimpleUploadedFile("screen.png", b"MZ\x90\x00 not an image")
    with pytest.raises(ValidationError) as refused:
        _number_report(UNKNOWN_NUMBER, screenshot=fake)
    assert "screenshot" in refused.value.message_dict
    pdf = SimpleUploadedFile("screen.png", b"%PDF-1.4 a document")
    with pytest.raises(ValidationError):
        _number_report(UNKNOWN_NUMBER, screenshot=pdf)
    empty = SimpleUploadedFile("screen.png", b"")
    with pytest.raises(ValidationError):
        _number_report(UNKNOWN_NUMBER, screenshot=empty)
    report = _number_report(UNKNOWN_NUMBER, screenshot=SimpleUploadedFile("x.jpg", PNG))
    assert report.screenshot_type == "image/png" and report.screenshot.name.endswith(".png")


def test_rpt_01_a_screenshot_over_the_limit_is_refused(settings, monkeypatch):
    """RPT-01: the size limit of every upload (20 MB) holds for screenshots."""
    big = SimpleUploadedFile("big.png", PNG)
    monkeypatch.setattr(type(big), "size", property(lambda self: 21 * 1024 * 1024))
    with pytest.raises(ValidationError) as refused:
        _number_report(UNKNOWN_NUMBER, screenshot=big)
    assert "20 MB" in refused.value.message_dict["screenshot"][0]


def test_rpt_01_codes_are_unguessable_and_forgiving_to_type():
    """RPT-01: codes are random (16 of 31 characters); typed in lower case or without dashes they match."""
    codes = {_number_report(UNKNOWN_NUMBER).code for _ in range(5)}
    assert len(codes) == 5
    code = codes.pop()
    assert report_code_normalise(code.lower().replace("-", " ")) == code
    assert report_code_normalise("0000-0000-0000-0000") == ""
    assert report_code_normalise("x" * 500) == ""


# --- the filer is told only what the office writes ---------------------------------------------------


def test_rpt_01_the_filer_is_told_only_what_the_reviewer_writes(
    filing, beijing, django_capture_on_commit_callbacks
):
    """RPT-01: closing with a message to the filer tells the filer that message (not the description, not
    the reporter); closing without one tells the filer nothing."""
    account = filing.entity.account
    quiet = _filing_report(filing, email="")
    report_move(report=quiet, action=ReportAction.TAKE, actor=beijing)
    report_move(report=quiet, action=ReportAction.CLOSE, actor=beijing, outcome="no_problem")
    assert not Notification.objects.filter(user=account, title__contains="问题报告").exists()
    told = _filing_report(filing, description="秘密的描述")
    report_move(report=told, action=ReportAction.TAKE, actor=beijing)
    with django_capture_on_commit_callbacks(execute=True):
        report_move(
            report=told,
            action=ReportAction.CLOSE,
            actor=beijing,
            outcome="verified",
            filer_message="请核对公示内容中的应用场景。",
        )
    (note,) = Notification.objects.filter(user=account, title__contains="问题报告")
    assert note.body == "请核对公示内容中的应用场景。"
    assert "秘密的描述" not in note.title + note.body


# --- pages: privacy, rate limit, access ----------------------------------------------------------------


def test_rpt_01_the_code_page_shows_state_and_public_outcome_only(client, filing, beijing):
    """RPT-01: the code page shows the state and the public outcome — never the description, where it was
    seen, the screenshot or the contact; the public filing page neither."""
    report = _filing_report(filing, description="描述中的秘密ABC", email="secret-person@example.cn")
    report_confirm(token=report_confirm_token(report))
    report_move(report=report, action=ReportAction.TAKE, actor=beijing)
    report_move(
        report=report,
        action=ReportAction.CLOSE,
        actor=beijing,
        outcome="verified",
        public_outcome="已责令备案主体更正。",
        filer_message="告知主体的话XYZ",
        note="内部备注QQQ",
    )
    page = client.get(reverse("reports:status", args=[report.code])).content.decode()
    assert "已核实并处理" in page and "已责令备案主体更正。" in page
    for secret in (
        "描述中的秘密ABC",
        "secret-person@example.cn",
        "告知主体的话XYZ",
        "内部备注QQQ",
        beijing.username,
    ):
        assert secret not in page
    public = client.get(reverse("public_search:filing", args=[filing.pk])).content.decode()
    assert reverse("reports:filing", args=[filing.pk]) in public
    for secret in ("描述中的秘密ABC", "secret-person@example.cn", "已责令备案主体更正。"):
        assert secret not in public


def test_rpt_01_a_number_report_from_the_page(client):
    """RPT-01: the number page files a 编号被冒用 report with a screenshot; the code is shown once."""
    response = client.post(
        reverse("reports:number"),
        {
            "number": f"网信算备{UNKNOWN_NUMBER}号",
            "seen_where": "某某短视频App",
            "seen_url": "",
            "description": "",
            "email": "",
            "website": "",
            "screenshot": SimpleUploadedFile("s.png", PNG, content_type="image/png"),
        },
    )
    assert response.status_code == 302
    report = Report.objects.get()
    shown = client.get(reverse("reports:submitted")).content.decode()
    assert report.code in shown
    again = client.get(reverse("reports:submitted"))
    assert again.status_code == 302  # shown once


def test_rpt_01_the_report_form_is_rate_limited(client, settings, filing):
    """RPT-01 (SEC-03): reports are limited per client address with the portal's throttling."""
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "report": "2/h"}
    url = reverse("reports:filing", args=[filing.pk])
    data = {"category": "other", "description": "内容", "email": "", "website": ""}
    codes = [client.post(url, data).status_code for _ in range(3)]
    assert codes == [302, 302, 429]
    assert Report.objects.count() == 2
    assert client.get(url).status_code == 200  # reading the form is not counted


def test_rpt_01_the_honeypot_on_the_page(client, filing):
    """RPT-01: a robot filling the hidden field gets the same thanks and nothing is kept."""
    url = reverse("reports:filing", args=[filing.pk])
    response = client.post(url, {"category": "other", "description": "x", "website": "http://spam"})
    assert response.status_code == 302 and Report.objects.count() == 0


def test_rpt_01_another_province_gets_404_and_an_empty_list(client, filing, beijing, shanghai):
    """RPT-01: a reviewer of another province gets 404 for the report and never sees it in the list."""
    report = _filing_report(filing, description="北京的报告")
    client.force_login(shanghai)
    assert client.get(reverse("reports:detail", args=[report.pk])).status_code == 404
    assert client.post(reverse("reports:act", args=[report.pk]), {"action": "take"}).status_code == 404
    listing = client.get(reverse("reports:queue")).content.decode()
    assert reverse("reports:detail", args=[report.pk]) not in listing
    report.refresh_from_db()
    assert report.state == ReportState.NEW
    client.force_login(beijing)
    listing = client.get(reverse("reports:queue")).content.decode()
    assert reverse("reports:detail", args=[report.pk]) in listing
    queue = client.get(reverse("review:queue")).content.decode()
    assert reverse("reports:queue") in queue  # the tab, with its count
    assert client.get(reverse("reports:detail", args=[report.pk])).status_code == 200


@pytest.mark.parametrize("who", ["anonymous", "filer"])
def test_rpt_01_filers_and_anonymous_cannot_reach_reviewer_pages(client, filing, who):
    """RPT-01: the reviewers' pages are for reviewers: anonymous users are sent to log in, filers get 403."""
    report = _filing_report(filing)
    if who == "filer":
        client.force_login(filing.entity.account)
    urls = [
        reverse("reports:queue"),
        reverse("reports:detail", args=[report.pk]),
        reverse("reports:screenshot", args=[report.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == (302 if who == "anonymous" else 403), url
    response = client.post(reverse("reports:act", args=[report.pk]), {"action": "take"})
    assert response.status_code == (302 if who == "anonymous" else 403)
    report.refresh_from_db()
    assert report.state == ReportState.NEW


def test_rpt_01_reviewer_closes_through_the_page(client, filing, beijing):
    """RPT-01: take, then close with an outcome and a public text, through the reviewer's page."""
    report = _filing_report(filing)
    client.force_login(beijing)
    act = reverse("reports:act", args=[report.pk])
    assert client.post(act, {"action": "take"}).status_code == 302
    bad = client.post(act, {"action": "close", "outcome": ""})
    assert bad.status_code == 400
    done = client.post(act, {"action": "close", "outcome": "referred", "public_outcome": "已转交公安机关。"})
    assert done.status_code == 302
    report.refresh_from_db()
    assert report.state == ReportState.CLOSED and report.outcome == "referred"


BAD_INPUTS = [
    ("get", "reports:status", ["0000"], None),
    ("get", "reports:status", ["ZZZZ-ZZZZ-ZZZZ-ZZZZ"], None),
    ("get", "reports:status", ["%00%ff" * 20], None),
    ("get", "reports:confirm", ["forged"], None),
    ("post", "reports:confirm", ["forged.token:abc"], {}),
    ("get", "reports:lookup", [], {"code": "\x00" * 50}),
    ("get", "reports:number", [], {"number": "x" * 5000}),
    ("post", "reports:number", [], {"number": "\x00", "seen_url": "ftp://x", "website": ""}),
    ("post", "reports:number", [], {"number": "1" * 100, "seen_where": "y" * 30000}),
    ("post", "reports:number", [], {"number": UNKNOWN_NUMBER, "seen_where": "a", "screenshot": "notafile"}),
]


@pytest.mark.parametrize(("method", "name", "args", "data"), BAD_INPUTS)
def test_rpt_01_no_input_gives_a_5xx(client, quiet_request_log, method, name, args, data):
    """RPT-01 (SEC-05): malformed values and forged codes are 4xx (or a page), never 5xx."""
    url = reverse(name, args=args)
    response = getattr(client, method)(url, data or {})
    assert response.status_code < 500


def test_rpt_01_reviewer_pages_refuse_malformed_input(client, quiet_request_log, filing, beijing):
    """RPT-01 (SEC-05): a reviewer's malformed move or filter is a 4xx; a missing id is 404."""
    report = _filing_report(filing)
    client.force_login(beijing)
    bogus = client.get(reverse("reports:queue"), {"state": "bogus"})
    assert bogus.status_code == 400 and "请选择列表中的状态" in bogus.content.decode()
    assert client.get(reverse("reports:queue"), {"page": "x"}).status_code == 200
    assert client.get(reverse("reports:detail", args=[2_000_000_000])).status_code == 404
    act = reverse("reports:act", args=[report.pk])
    assert client.post(act, {"action": "nonsense"}).status_code == 400
    assert client.post(act, {"action": "close", "outcome": "verified"}).status_code == 302  # refused: message
    report.refresh_from_db()
    assert report.state == ReportState.NEW
    assert client.get(reverse("reports:screenshot", args=[report.pk])).status_code == 404


def test_rpt_01_a_filing_page_report_of_a_missing_filing_is_404(client):
    """RPT-01: only a published filing can be reported from its page."""
    assert client.get(reverse("reports:filing", args=[2_000_000_000])).status_code == 404


def test_rpt_01_the_reports_tab_makes_a_fixed_number_of_queries(
    client, filing, beijing, django_assert_num_queries
):
    """RPT-01: the reviewers' list of reports costs the same with 3 reports as with 30."""
    client.force_login(beijing)
    for size in (3, 30):
        while Report.objects.count() < size:
            report = _filing_report(filing)
            report_move(report=report, action=ReportAction.TAKE, actor=beijing)
        with django_assert_num_queries(9, info=f"{size} reports"):
            response = client.get(reverse("reports:queue"))
        assert response.status_code == 200


def test_rpt_01_the_confirmation_link_asks_before_it_confirms(client, filing):
    """RPT-01: the e-mail's link shows a button (a mail scanner's GET confirms nothing); pressing it keeps
    the report; a forged link is not found."""
    report = _filing_report(filing, email="citizen@example.cn")
    url = reverse("reports:confirm", args=[report_confirm_token(report)])
    page = client.get(url)
    assert page.status_code == 200 and "确认并提交报告" in page.content.decode()
    report.refresh_from_db()
    assert report.state == ReportState.UNCONFIRMED
    assert client.post(url).status_code == 200
    report.refresh_from_db()
    assert report.state == ReportState.NEW
    from django.core import signing

    # Signed for something else (a flipped last character may fall in base64's unused bits).
    forged = reverse("reports:confirm", args=[signing.dumps({"r": report.pk}, salt="another-purpose")])
    assert client.get(forged).status_code == 404 and client.post(forged).status_code == 404


@pytest.mark.parametrize("state", ["approved", "revoked", "unknown"])
def test_rpt_01_the_number_check_offers_a_report_when_the_number_is_not_valid(client, filing, state):
    """RPT-01: "where did you see it?" comes with a number unknown, revoked or cancelled, not a valid one."""
    from review.services import transition_perform
    from review.transitions import Action

    number = filing.number
    if state == "revoked":
        transition_perform(obj=filing, action=Action.REVOKE, actor=ReviewerFactory(), reason="材料不实")
    if state == "unknown":
        number = UNKNOWN_NUMBER
    page = client.get(reverse("public_search:number_check"), {"number": number}).content.decode()
    assert (reverse("reports:number") in page) == (state != "approved")
    assert "{#" not in page and "RPT-01" not in page


def test_rpt_01_reports_in_the_admin(admin_client, filing):
    """RPT-01: the admin lists and shows reports (read-only: moves go through the service)."""
    report = _filing_report(filing)
    assert admin_client.get(reverse("admin:reports_report_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:reports_report_change", args=[report.pk])).status_code == 200
    assert admin_client.get(reverse("admin:reports_report_add")).status_code == 403


def test_rpt_01_the_pages_speak_english(client, filing):
    """RPT-01: the report pages are translated."""
    client.cookies["django_language"] = "en"
    page = client.get(reverse("reports:filing", args=[filing.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Report a problem" in page and "Inaccurate information" in page


def test_rpt_01_the_open_data_carries_counts_only(client, filing, beijing):
    """RPT-01: the open data says how many reports there are, by category and outcome — nothing written."""
    _filing_report(filing, description="不公开的描述")
    _filing_report(filing, email="waiting@example.cn")  # unconfirmed: reached nobody, not counted
    closed = _number_report(filing.number, seen_where="不公开的应用名")
    report_move(report=closed, action=ReportAction.TAKE, actor=beijing)
    report_move(
        report=closed, action=ReportAction.CLOSE, actor=beijing, outcome="verified", public_outcome="公开"
    )
    response = client.get(reverse("api:public-report-counts"))
    assert response.status_code == 200
    data = response.json()
    assert data["received"] == 2 and data["open"] == 1 and data["closed"] == 1
    assert data["by_category"]["number_misuse"] == 1 and data["by_category"]["false_info"] == 1
    assert data["by_outcome"]["verified"] == 1
    text = response.content.decode()
    for secret in ("不公开的描述", "不公开的应用名", "waiting@example.cn", closed.code):
        assert secret not in text


def test_rpt_01_an_unconfirmed_report_expires_after_the_links_week(filing):
    """RPT-01: the sweep deletes reports whose e-mail was never confirmed within the link's week, with
    their screenshots; confirmed ones stay."""
    from datetime import timedelta

    from django.utils import timezone

    from review.outbox import repairs_run

    old = _number_report(UNKNOWN_NUMBER, email="x@example.cn", screenshot=SimpleUploadedFile("s.png", PNG))
    fresh = _filing_report(filing, email="y@example.cn")
    kept = _filing_report(filing)
    Report.objects.filter(pk__in=[old.pk, kept.pk]).update(created_at=timezone.now() - timedelta(days=8))
    storage, name = old.screenshot.storage, old.screenshot.name
    assert storage.exists(name)
    assert repairs_run()["reports_unconfirmed_expire"] == 1
    assert set(Report.objects.values_list("pk", flat=True)) == {fresh.pk, kept.pk}
    assert not storage.exists(name)

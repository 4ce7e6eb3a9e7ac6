"""Every page a citizen, a filer and a reviewer can reach, on a portal with something on each (issue 16).

The phone-width test and the accessibility test walk the same list, so a page added here is checked by
both. Data is built through the real services (tests/builders.py), as the people would have made it."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone

from algorithms.services import filing_save_step, filing_submit
from public_search.models import Announcement
from reports.models import ReportSource
from reports.services import report_create
from tests.builders import BASIC, approve_item, complete_entity, complete_filing, complete_product
from tests.factories import FilerFactory, ReviewerFactory

ENTITY_NAME = "北京星河智联科技有限公司"
# A long, unbroken name: the kind that widened the filer's table on a phone.
LONG_NAME = "星河个性化资讯与短视频内容推荐及热点话题排序综合算法"
CHANGED_USE = "应用于短视频推荐场景，根据用户的观看记录、关注领域和兴趣标签，推荐用户可能感兴趣的短视频内容。"


@dataclass
class Site:
    """The people, and the pages each can open: (name, path) in the order a person would meet them."""

    filer: object
    reviewer: object
    draft: object = None
    citizen_pages: list[tuple[str, str]] = field(default_factory=list)
    filer_pages: list[tuple[str, str]] = field(default_factory=list)
    reviewer_pages: list[tuple[str, str]] = field(default_factory=list)


def site_build() -> Site:
    """A filer with a published filing, one in review, a draft and an unsubmitted product; a reviewer with
    the filing in the queue; an announcement. Returns every page of the three people."""
    filer = FilerFactory(entity__name=ENTITY_NAME)
    entity = complete_entity(filer, approve=True)
    product = complete_product(filer, approve=True)
    published = approve_item(complete_filing(filer, product, basic={"name": LONG_NAME}))
    pending = complete_filing(filer, product, basic={"name": "星河热榜排序算法", "algo_type": "03"})
    draft = complete_filing(filer, product, submit=False, basic={"name": "星河搜索结果排序算法"})
    # An approved filing whose change waits for review: the reviewer's page shows the diff.
    changed = approve_item(complete_filing(filer, product, basic={"name": "星河短视频推荐算法"}))
    change = {**BASIC, "name": "星河短视频推荐算法", "main_use": CHANGED_USE}
    filing_save_step(filing=changed, actor=filer, step=1, basic=change)
    filing_submit(filing=changed, actor=filer, commitment=True)
    unsent = complete_product(filer, name="星河短视频", submit=False)
    path = unsent.paths.first()
    function = path.functions.first()
    reviewer = ReviewerFactory()
    announcement = Announcement.objects.create(
        title="关于开展2026年度算法备案信息更新工作的通知",
        body="各算法推荐服务提供者：\n\n请于2026年12月31日前登录本系统核对备案信息。",
        published_at=timezone.now(),
        pinned=True,
    )
    number = published.display_number
    # RPT-01: a report on the published filing (the reviewer is national: it is in their tab).
    report = report_create(
        source=ReportSource.NUMBER_CHECK,
        category="",
        number_text=number,
        seen_where="某某短视频App",
        seen_url="https://app.example.cn/a/very/long/path/that/must/wrap/on/a/phone/" + "x" * 60,
        description="该应用展示的备案编号与公示信息不符。",
    )

    site = Site(filer=filer, reviewer=reviewer, draft=draft)
    site.citizen_pages = [
        ("首页", "/"),
        ("备案查询", "/search/"),
        ("备案查询结果", "/search/?q=星河"),
        ("无结果的查询", "/search/?q=不存在的主体名称"),
        ("公示页面", f"/public/filing/{published.pk}/"),
        ("备案编号核验", "/number-check/"),
        ("备案编号核验结果", f"/number-check/?number={number}"),
        ("备案清单", "/lists/"),
        ("统计", "/stats/"),  # STAT-01
        ("是否需要备案", "/self-check/"),  # CHK-01
        (
            "是否需要备案：结果",
            "/self-check/?public_in_china=yes&forms_offered=short_video&techniques=02&synthesis=no",
        ),
        ("报告问题", f"/reports/filing/{published.pk}/"),  # RPT-01
        ("您在哪里看到这个编号", f"/reports/number/?number={number}"),
        ("问题报告查询", "/reports/"),
        ("问题报告处理进度", f"/reports/{report.code}/"),
        ("信息公告", "/announcements/"),
        ("公告详情", f"/announcements/{announcement.pk}/"),
        ("登录", "/account/login/"),
        ("注册", "/account/register/"),
        ("找回密码", "/account/password-reset/"),
        ("重新发送激活邮件", "/account/activate/resend/"),
        ("页面不存在", "/no-such-page/"),
    ]
    site.filer_pages = [
        ("首页（已登录）", "/"),
        ("工作台", "/account/"),
        ("主体信息", "/account/entity/"),
        ("主体信息表单", "/account/entity/edit/"),
        ("产品及功能信息", "/products/"),
        ("新增产品", "/products/new/"),
        ("修改产品", f"/products/{unsent.pk}/edit/"),
        ("删除产品", f"/products/{unsent.pk}/delete/"),
        ("新增访问路径", f"/products/{unsent.pk}/paths/new/"),
        ("修改访问路径", f"/products/paths/{path.pk}/edit/"),
        ("新增功能", f"/products/paths/{path.pk}/functions/new/"),
        ("修改功能", f"/products/functions/{function.pk}/edit/"),
        ("备案信息", "/filings/"),
        ("草稿箱", "/filings/drafts/"),
        ("填报第一步", f"/filings/{draft.pk}/step/1/"),
        ("填报第二步", f"/filings/{draft.pk}/step/2/"),
        ("填报第三步", f"/filings/{draft.pk}/step/3/"),
        ("填报第四步", f"/filings/{draft.pk}/step/4/"),
        ("备案详情（已通过）", f"/filings/{published.pk}/"),
        ("备案详情（审核中）", f"/filings/{pending.pk}/"),
        ("备案详情（变更审核中）", f"/filings/{changed.pk}/"),
        ("消息", "/messages/"),
        ("修改密码", "/account/password/"),
    ]
    site.reviewer_pages = [
        ("审核工作台", "/review/"),
        ("审核：备案", f"/review/filing/{pending.pk}/"),
        ("审核：已通过的备案", f"/review/filing/{published.pk}/"),
        ("审核：变更", f"/review/filing/{changed.pk}/"),
        ("审核：主体", f"/review/entity/{entity.pk}/"),
        ("审核：产品", f"/review/product/{product.pk}/"),
        ("问题报告", "/review/reports/"),  # RPT-01
        ("问题报告详情", f"/review/reports/{report.pk}/"),
        ("消息（审核人员）", "/messages/"),
    ]
    return site

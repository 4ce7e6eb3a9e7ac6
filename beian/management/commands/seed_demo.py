"""Load demo data, idempotently: an entity that exists already is left as it is.

Everything is built through the services a filer and a reviewer use, so the demo's history,
revisions, deadlines, numbers and public records are real. Names are invented.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.db import transaction
from stdnum.cn import uscc

from algorithms.numbers import number_issue
from algorithms.services import filing_create, filing_save_step, filing_submit
from filers.models import Entity, Role, User
from filers.services import attachment_store, entity_save, entity_submit
from products.services import function_create, path_create, product_create, product_submit
from review.services import transition_perform
from review.transitions import Action

DEMO_FILER = ("demo", "Demo#2026beian")
DEMO_REVIEWER = ("reviewer", "Review#2026beian")
DEMO_PROVINCIAL = ("reviewer_bj", "Review#2026beian")
DEMO_ADMIN = ("admin", "Admin#2026beian")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _homepage_png() -> bytes:
    """A stand-in 网站首页截图: a page's header, a banner and a grid of cards, drawn with Pillow."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (640, 400), "#f4f6f9")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 640, 48), fill="#1f4e8c")
    draw.rectangle((24, 64, 616, 160), fill="#d8e4f3")
    for row in range(2):
        for col in range(3):
            x, y = 24 + col * 200, 180 + row * 105
            draw.rectangle((x, y, x + 184, y + 90), fill="#ffffff", outline="#c9d3df")
            draw.rectangle((x + 10, y + 12, x + 120, y + 22), fill="#9aa8b8")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


PEOPLE = {
    "legal_rep_id_type": "resident_id",
    "legal_rep_id_number": "11010519491231002X",
    "legal_rep_mobile": "13812345678",
    "officer_id_type": "resident_id",
    "officer_id_number": "110101199003071233",
    "officer_mobile": "13912345678",
}

# name, first 17 characters of the USCC, county, legal representative, officer, what to do with the entity
ENTITIES = [
    ("北京星河智联科技有限公司", "91110108592366200", "110108", "王明", "李华", "approve"),
    ("上海云帆数据服务有限公司", "91310115MA1K3T800", "310115", "陈静", "赵磊", "approve"),
    ("杭州青禾网络技术有限公司", "91330106MA2H1W500", "330106", "周婷", "吴昊", "submit"),
    ("深圳墨言智能科技有限公司", "91440300MA5G7P200", "440305", "郑凯", "孙悦", "reject"),
    ("成都蜀锦互动传媒有限公司", "91510107MA6C9D400", "510107", "刘洋", "黄蕾", "draft"),
]

PRODUCTS = {
    "北京星河智联科技有限公司": [
        (
            "星河资讯",
            ["app", "website"],
            "https://news.xinghe.example.cn",
            [
                (["首页", "推荐"], ["首页推荐", "相关推荐"]),
                (["视频", "短视频"], ["短视频推荐"]),
            ],
        ),
        (
            "星河搜索",
            ["website", "mini_program"],
            "https://so.xinghe.example.cn",
            [
                (["首页", "搜索"], ["搜索结果排序"]),
            ],
        ),
    ],
    "上海云帆数据服务有限公司": [
        (
            "云帆同城配送",
            ["app", "mini_program"],
            "https://peisong.yunfan.example.cn",
            [
                (["接单", "派单"], ["智能派单"]),
            ],
        ),
    ],
}

DETAILS = {
    "intro": "基于用户兴趣建模的推荐算法。",
    "scenarios": "应用于资讯与短视频信息流。",
    "input_modality": "用户行为数据、文本",
    "input_formats": "JSON",
    "output_modality": "排序后的内容列表",
    "output_formats": "JSON",
    "data_sources": [
        {
            "name": "用户行为日志",
            "type": "行为数据",
            "collection": "经用户同意的客户端埋点",
            "volume": "日均约2亿条",
            "labelling": "无需人工标注",
        }
    ],
    "model": {
        "framework": "PyTorch",
        "architecture": "双塔召回 + 深度排序模型",
        "principle": "根据用户历史行为学习兴趣向量，召回相似内容后按预估点击率排序。",
        "training_sets": "近90天脱敏行为日志",
    },
    "strategy": "召回、粗排、精排三级流程；多样性打散；热点内容经人工审核后加权。",
    "risks": [
        {"risk": "信息茧房", "countermeasures": "多样性打散；提供关闭个性化推荐的选项。"},
        {"risk": "不良信息传播", "countermeasures": "内容安全审核与举报处置机制。"},
    ],
}

# entity, name, type, role, product (or None), what happens to the filing
FILINGS = [
    ("北京星河智联科技有限公司", "星河资讯个性化推荐算法", "02", "provider", "星河资讯", "approve"),
    ("北京星河智联科技有限公司", "星河搜索排序算法", "04", "provider", "星河搜索", "change"),
    ("北京星河智联科技有限公司", "星河智能写作生成合成算法", "01", "provider", "星河资讯", "submit"),
    ("北京星河智联科技有限公司", "星河内容安全过滤算法", "04", "provider", "星河资讯", "reject"),
    ("北京星河智联科技有限公司", "星河旧版热榜精选算法", "03", "provider", "星河资讯", "cancel"),
    ("北京星河智联科技有限公司", "星河短视频精选算法", "03", "provider", "星河资讯", "draft"),
    ("上海云帆数据服务有限公司", "云帆配送调度决策算法", "06", "provider", "云帆同城配送", "claim"),
    ("上海云帆数据服务有限公司", "云帆大模型生成合成算法", "01", "supporter", None, "approve"),
    ("上海云帆数据服务有限公司", "云帆违规骑手账号识别算法", "04", "provider", "云帆同城配送", "revoke"),
]


class Command(BaseCommand):
    help = "Load idempotent demo data: entities, products, filings in every state, a filer and a reviewer."

    @transaction.atomic
    def handle(self, *args, **options):
        self.reviewer = self._user(DEMO_REVIEWER, role=Role.REVIEWER, email="reviewer@cac.example.cn")
        if not self.reviewer.supervisor:  # 审核组长: may release, reassign (SEC-02)
            self.reviewer.supervisor = True
            self.reviewer.save(update_fields=["supervisor"])
        self._user(
            DEMO_PROVINCIAL, role=Role.REVIEWER, email="reviewer_bj@cac.example.cn", province_code="110000"
        )
        admin = self._user(DEMO_ADMIN, role=Role.ADMIN, email="admin@cac.example.cn")
        if not admin.is_superuser:
            admin.is_superuser = admin.is_staff = True
            admin.save(update_fields=["is_superuser", "is_staff"])

        created_entities = {}
        for index, (name, first17, region, legal_rep, officer, plan) in enumerate(ENTITIES):
            code = first17 + uscc.calc_check_digit(first17)
            entity, created = Entity.objects.get_or_create(uscc=code, defaults={"name": name})
            username = DEMO_FILER[0] if index == 0 else f"demo{index + 1}"
            account = self._user(
                (username, DEMO_FILER[1]), role=Role.FILER, email=f"{username}@example.cn", entity=entity
            )
            if created:
                self._entity(entity, account, region, legal_rep, officer, plan)
                created_entities[name] = (entity, account)

        products = {}
        for entity_name, items in PRODUCTS.items():
            if entity_name not in created_entities:
                continue
            entity, account = created_entities[entity_name]
            for product_name, forms, url, paths in items:
                products[product_name] = self._product(entity, account, product_name, forms, url, paths)

        for entity_name, name, algo_type, role, product_name, plan in FILINGS:
            if entity_name in created_entities:
                entity, account = created_entities[entity_name]
                self._filing(entity, account, name, algo_type, role, products.get(product_name), plan)

        self._announcements()
        self._reports()
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        logins = "".join(
            f"  {label:32} login {username:12} password {password}\n"
            for label, (username, password) in (
                ("filer (北京星河智联科技有限公司)", DEMO_FILER),
                ("national reviewer", DEMO_REVIEWER),
                ("Beijing reviewer", DEMO_PROVINCIAL),
                ("administrator (/admin/)", DEMO_ADMIN),
            )
        )
        self.stdout.write(logins, ending="")
        # scripts/run.sh prints them again once the portal answers, below the worker's banner (issue 16).
        (settings.VAR_DIR / "demo_logins.txt").write_text(logins, encoding="utf-8")

    # --- pieces ---------------------------------------------------------------------------

    def _user(self, credentials, *, role, email, entity=None, province_code=""):
        username, password = credentials
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                username=username,
                role=role,
                email=email,
                entity=entity,
                province_code=province_code,
                mobile="13700000000" if role == Role.FILER else "",
            )
            user.set_password(password)
            user.save()
        return user

    def _upload(self, entity, kind, account):
        return attachment_store(
            entity=entity, kind=kind, uploaded=SimpleUploadedFile(f"{kind}.pdf", PDF), actor=account
        )

    def _site_uploads(self, entity, account) -> dict:
        return {
            "site_screenshot": attachment_store(
                entity=entity,
                kind="site_screenshot",
                uploaded=SimpleUploadedFile("首页截图.png", _homepage_png()),
                actor=account,
            ),
            "site_map": self._upload(entity, "site_map", account),
        }

    def _reports(self):
        """RPT-01: two problem reports from the public, so that the reviewers' 问题报告 tab is not empty: a
        revoked number seen in an app (from the number check) and a Beijing filing's public page."""
        from algorithms.models import Filing
        from reports.models import Report, ReportCategory, ReportSource
        from reports.services import report_create

        if Report.objects.exists():
            return
        revoked = Filing.objects.filter(state="revoked").exclude(number="").first()
        if revoked is not None:
            report_create(
                source=ReportSource.NUMBER_CHECK,
                category=ReportCategory.NUMBER_MISUSE,
                number_text=revoked.display_number,
                seen_where="某某同城跑腿App（关于页面）",
                seen_url="https://app.example.cn/about",
            )
        approved = Filing.objects.filter(state="approved", entity__region_code__startswith="11").first()
        if approved is not None:
            report_create(
                source=ReportSource.FILING_PAGE,
                category=ReportCategory.FALSE_INFO,
                filing=approved,
                description="公示的应用场景与该应用实际的首页推荐不一致，首页还有公示未提及的热榜。",
            )

    def _act(self, obj, *actions, reason=""):
        for action in actions:
            transition_perform(obj=obj, action=action, actor=self.reviewer, reason=reason)

    def _entity(self, entity, account, region, legal_rep, officer, plan):
        if plan == "draft":
            entity_save(
                entity=entity, actor=account, data={"region_code": region, "legal_rep_name": legal_rep}
            )
            return
        data = {
            "entity_type": "enterprise",
            "region_code": region,
            "address": "示例路1号",
            "industry": "I",
            "certificate_type": "business_licence",
            "certificate_valid_from": date(2016, 5, 1),
            "legal_rep_name": legal_rep,
            "legal_rep_email": f"legal@{account.username}.example.cn",
            "officer_name": officer,
            "officer_position": "算法安全负责人",
            "officer_email": f"officer@{account.username}.example.cn",
            "website": f"https://www.{account.username}.example.cn",
            "contact_name": "陈静",
            "contact_mobile": "13700001234",
            "contact_email": f"contact@{account.username}.example.cn",
            "icp_kind": "filing",
            "icp_number": "京ICP备20201234号-1",
            **PEOPLE,
        }
        attachments = {name: self._upload(entity, name, account) for name in Entity.ATTACHMENT_FIELDS}
        entity_save(entity=entity, actor=account, data=data, attachments=attachments)
        entity_submit(entity=entity, actor=account)
        if plan == "approve":
            self._act(entity, Action.CLAIM, Action.APPROVE)
        elif plan == "reject":
            self._act(entity, Action.CLAIM)
            self._act(entity, Action.REJECT, reason="营业执照扫描件不清晰，请上传彩色原件扫描件。")

    def _product(self, entity, account, name, forms, url, paths):
        product = product_create(
            entity=entity,
            actor=account,
            data={
                "name": name,
                "service_forms": forms,
                "url": url,
                "app_store": "华为应用市场" if "app" in forms else "",
                "app_package": f"cn.example.e{entity.pk}.p{len(name)}" if "app" in forms else "",
                "download_url": f"https://appgallery.huawei.com/app/C{entity.pk:09d}"
                if "app" in forms
                else "",
                **(self._site_uploads(entity, account) if "website" in forms else {}),
                "positioning": f"{name}：面向公众的互联网信息服务。",
                "features": "个性化推荐、搜索、评论互动。",
                "user_groups": "成年用户为主，提供青少年模式。",
                "service_status": "operating",
                "start_date": date(2021, 6, 1),
                "audience": "individuals",
                "registered_users": 12_000_000,
                "monthly_active_users": 3_500_000,
            },
        )
        for steps, functions in paths:
            path = path_create(product=product, actor=account, steps=steps)
            for function in functions:
                function_create(
                    path=path,
                    actor=account,
                    data={
                        "name": function,
                        "applied_where": f"{'→'.join(steps)}页面的内容排序",
                        "implementation": "根据用户兴趣召回并排序内容",
                        "business_effect": "决定用户看到的内容及其顺序",
                    },
                )
        product_submit(product=product, actor=account)
        self._act(product, Action.CLAIM, Action.APPROVE)
        return product

    def _filing(self, entity, account, name, algo_type, role, product, plan):
        filing = filing_create(entity=entity, actor=account)
        basic = {
            "name": name,
            "algo_type": algo_type,
            "domain": "新闻资讯",
            "launch_date": "2024-03-01",
            "main_use": f"应用于{product.name if product else '客户的生成合成服务'}场景，"
            "根据用户需求，推荐或生成相关内容。",
            "role": role,
            "tech_service_mode": "以API接口方式向服务提供者提供模型能力。" if role == "supporter" else "",
            # ALG-12: written for the public, and the only text of the filing the public reads.
            "public_principle": f"“{name}”根据用户主动提供的信息和使用记录，计算内容与用户需求的相关程度。",
            "public_mechanism": "先召回候选内容，再按相关程度排序，经内容安全审核后展示；"
            "用户可以关闭个性化推荐。",
            "public_scenarios": f"应用于{product.name if product else '服务提供者的生成合成服务'}。",
            "public_purpose": "帮助用户更高效地获取所需信息，坚持主流价值导向，保护用户合法权益。",
        }
        filing_save_step(
            filing=filing,
            actor=account,
            step=1,
            basic=basic,
            attachments={
                "self_assessment": self._upload(entity, "self_assessment", account),
                "disclosure": self._upload(entity, "disclosure", account),
            },
        )
        filing_save_step(filing=filing, actor=account, step=2, details=DETAILS)
        if plan == "draft":
            return
        coverage = {"products": [product.pk] if product else [], "paths": [], "functions": []}
        filing_save_step(filing=filing, actor=account, step=3, coverage=coverage)
        filing_submit(filing=filing, actor=account, commitment=True)
        if plan == "submit":
            return
        self._act(filing, Action.CLAIM)
        if plan == "claim":
            return
        if plan == "reject":
            self._act(
                filing, Action.REJECT, reason="自评估报告缺少对未成年人保护的风险评估，请补充后重新提交。"
            )
            return
        self._act(filing, Action.APPROVE)
        number_issue(filing=filing)
        if plan == "change":
            filing_save_step(
                filing=filing,
                actor=account,
                step=1,
                basic={**basic, "main_use": basic["main_use"] + "新增小程序端搜索结果排序。"},
            )
            filing_submit(filing=filing, actor=account, commitment=True)
        elif plan == "cancel":
            from algorithms.services import filing_cancel

            filing_cancel(filing=filing, actor=account, terminated_on=date(2025, 12, 31))
            self._act(filing, Action.CONFIRM_CANCEL)  # ALG-10: the office confirms the 申请注销
        elif plan == "revoke":
            self._act(filing, Action.REVOKE, reason="经核查，该主体以提供虚假材料方式取得备案。")

    def _announcements(self):
        try:
            from public_search.models import Announcement
        except ImportError:
            return
        from django.utils import timezone

        items = [
            (
                "关于发布2026年第四批深度合成服务算法备案信息的公告",
                "根据《互联网信息服务深度合成管理规定》，现公开发布第四批深度合成服务算法备案信息。\n\n"
                "- 备案信息可在本系统**备案查询**中检索；\n- 备案清单可下载CSV和PDF格式。",
            ),
            (
                "算法备案系统使用说明（2026年修订）",
                "## 填报流程\n\n1. 注册账号并登录；\n2. 填报主体信息；\n"
                "3. 填报产品及功能信息；\n4. 分四步填报算法信息。",
            ),
            (
                "关于做好算法备案信息变更和注销工作的提示",
                "算法功能、应用领域等发生变更的，应当在变更之日起10个工作日内办理变更手续；"
                "终止服务的，应当在终止服务之日起20个工作日内办理注销手续。",
            ),
        ]
        for title, body in items:
            Announcement.objects.get_or_create(
                title=title, defaults={"body": body, "published_at": timezone.now()}
            )

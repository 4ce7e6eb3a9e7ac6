"""Complete objects built through the real services, as a filer would build them."""

from __future__ import annotations

from collections import deque
from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile

from algorithms.models import Filing
from algorithms.services import filing_create, filing_save_step, filing_submit
from filers.models import Entity
from filers.services import attachment_store, entity_save, entity_submit
from products.models import Product
from products.services import function_create, path_create, product_create, product_submit
from review.services import transition_perform
from review.transitions import TRANSITIONS, Action, State

from .factories import FilerFactory, ReviewerFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# A 1×1 PNG: what a screenshot upload must be (content, not name).
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)

ENTITY_DATA = {
    "entity_type": "enterprise",
    "region_code": "110108",
    "address": "北京市海淀区中关村大街1号",
    "industry": "I",
    "certificate_type": "business_licence",
    "certificate_valid_from": date(2015, 3, 1),
    "legal_rep_name": "王明",
    "legal_rep_id_type": "resident_id",
    "legal_rep_id_number": "11010519491231002X",
    "legal_rep_mobile": "13812345678",
    "legal_rep_email": "wangming@example.cn",
    "officer_name": "李华",
    "officer_position": "首席安全官",
    "officer_id_type": "resident_id",
    "officer_id_number": "110101199003071233",
    "officer_mobile": "13912345678",
    "officer_email": "lihua@example.cn",
    "website": "https://www.xinghe.example.cn",
    "contact_name": "赵敏",
    "contact_mobile": "13712345678",
    "contact_email": "zhaomin@example.cn",
    "icp_kind": "licence",
    "icp_number": "京B2-20201234",
}

# APP/网站情况说明 and the download link a product needs at submission.
PRODUCT_MATERIALS = {
    "download_url": "https://appgallery.huawei.com/app/C100000001",
    "positioning": "面向大众的资讯聚合APP。",
    "features": "按兴趣推荐资讯，支持关注、评论和收藏。",
    "user_groups": "18岁以上的资讯读者；提供青少年模式。",
}

BASIC = {
    "name": "星河个性化推荐算法",
    "algo_type": "02",
    "domain": "新闻资讯",
    "launch_date": "2024-03-01",
    "main_use": "应用于资讯推荐场景，根据用户的浏览行为和兴趣标签，推荐用户可能感兴趣的资讯内容。",
    "role": "provider",
    "tech_service_mode": "",
    # ALG-12: what the public will read, written for the public.
    "public_principle": "根据用户主动选择的兴趣标签和浏览记录，计算资讯与用户兴趣的相关程度。",
    "public_mechanism": "先按兴趣召回候选资讯，再按相关程度排序，经内容安全审核后展示。"
    "用户可关闭个性化推荐。",
    "public_scenarios": "星河资讯APP首页推荐信息流。",
    "public_purpose": "帮助用户更快获取感兴趣的资讯，同时坚持主流价值导向。",
}
DETAILS = {
    "intro": "基于用户兴趣建模的资讯推荐算法。",
    "scenarios": "星河资讯APP首页推荐信息流。",
    "input_modality": "用户行为数据、文本",
    "input_formats": "JSON",
    "output_modality": "排序后的资讯列表",
    "output_formats": "JSON",
    "data_sources": [
        {
            "name": "用户行为日志",
            "type": "行为数据",
            "collection": "APP埋点，经用户同意",
            "volume": "日均2亿条",
            "labelling": "无需标注",
        },
    ],
    "model": {
        "framework": "PyTorch",
        "architecture": "双塔召回 + DeepFM排序",
        "principle": "根据兴趣相似度召回并排序。",
        "training_sets": "近90天脱敏行为日志",
    },
    "strategy": "召回、粗排、精排、多样性打散、人工审核的热点干预。",
    "risks": [{"risk": "信息茧房", "countermeasures": "多样性打散，提供关闭个性化推荐的选项。"}],
}


def upload(entity: Entity, kind: str, actor, name: str = "scan.pdf"):
    content = PNG if name.endswith(".png") else PDF
    return attachment_store(entity=entity, kind=kind, uploaded=SimpleUploadedFile(name, content), actor=actor)


def site_uploads(entity: Entity, actor) -> dict:
    """A website's homepage screenshot and site map (PRD-02, seed 001), as a product's data takes them."""
    return {
        "site_screenshot": upload(entity, "site_screenshot", actor, name="home.png"),
        "site_map": upload(entity, "site_map", actor, name="sitemap.pdf"),
    }


def complete_entity(
    filer, *, submit: bool = True, approve: bool = False, region_code: str = "110108"
) -> Entity:
    entity = filer.entity
    attachments = {name: upload(entity, name, filer) for name in Entity.ATTACHMENT_FIELDS}
    entity_save(
        entity=entity, actor=filer, data={**ENTITY_DATA, "region_code": region_code}, attachments=attachments
    )
    if submit:
        entity_submit(entity=entity, actor=filer)
    if approve:
        approve_item(entity)
    return entity


def complete_product(filer, *, name: str = "星河资讯", submit: bool = True, approve: bool = False) -> Product:
    product = product_create(
        entity=filer.entity,
        actor=filer,
        data={
            "name": name,
            "service_forms": ["app"],
            "app_store": "华为应用市场",
            "app_package": "cn.example.xinghe",
            **PRODUCT_MATERIALS,
            "service_status": "operating",
            "start_date": date(2021, 6, 1),
            "audience": "individuals",
        },
    )
    path = path_create(product=product, actor=filer, steps=["首页", "推荐"])
    function_create(
        path=path,
        actor=filer,
        data={
            "name": "首页推荐",
            "applied_where": "首页信息流",
            "implementation": "兴趣召回与排序",
            "business_effect": "决定展示顺序",
        },
    )
    if submit:
        product_submit(product=product, actor=filer)
    if approve:
        approve_item(product)
    return product


def complete_filing(
    filer,
    product: Product | None = None,
    *,
    submit: bool = True,
    basic: dict | None = None,
) -> Filing:
    filing = filing_create(entity=filer.entity, actor=filer)
    filing_save_step(
        filing=filing,
        actor=filer,
        step=1,
        basic={**BASIC, **(basic or {})},
        attachments={
            "self_assessment": upload(filer.entity, "self_assessment", filer),
            "disclosure": upload(filer.entity, "disclosure", filer),
        },
    )
    filing_save_step(filing=filing, actor=filer, step=2, details=DETAILS)
    coverage = {"products": [product.pk] if product else [], "paths": [], "functions": []}
    filing_save_step(filing=filing, actor=filer, step=3, coverage=coverage)
    filing.refresh_from_db()
    if submit:
        filing_submit(filing=filing, actor=filer, commitment=True)
    return filing


def approve_item(obj, reviewer=None):
    reviewer = reviewer or ReviewerFactory()
    transition_perform(obj=obj, action=Action.CLAIM, actor=reviewer)
    transition_perform(obj=obj, action=Action.APPROVE, actor=reviewer)
    obj.refresh_from_db()
    return obj


def published_filings(
    entity_name: str = "北京星河智联科技有限公司", *, product: str = "星河资讯", filings=(None,)
) -> list[Filing]:
    """An entity whose product passed review and whose filings (`basic` overrides, one per filing) were
    approved: published, numbers issued on commit."""
    filer = FilerFactory(entity__name=entity_name)
    complete_entity(filer, approve=True)
    covered = complete_product(filer, name=product, approve=True)
    return [approve_item(complete_filing(filer, covered, basic=basic)) for basic in filings]


def transition_path(source: State, target: State) -> list | None:
    """The shortest list of moves from `source` to `target` through the review table, or None."""
    queue, seen = deque([(source, [])]), {source}
    while queue:
        state, path = queue.popleft()
        if state == target:
            return path
        for t in TRANSITIONS:
            if t.source == state and t.target not in seen:
                seen.add(t.target)
                queue.append((t.target, [*path, t]))
    return None

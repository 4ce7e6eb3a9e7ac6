"""The two downloadable templates of an algorithm filing (ALG-02): 《算法安全自评估报告》 and
《拟公示内容》.

Each is pre-filled with what the filer has typed in the wizard so far (`filing.data`, saved
as typed and possibly partial, ALG-04) and leaves the rest as guided blanks: a muted note
saying what to write, then ruled lines. The filer completes, signs and stamps it, and uploads
the scan at step ①. Official Chinese papers: rendered in Chinese whatever the user's language.

Same machinery as the entity documents (filers.documents): Django templates extending
templates/filers/pdf/base_pdf.html, laid out by WeasyPrint on A4 with the embedded Noto CJK
fonts, local resources only.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from numbers import Number

from django.core.exceptions import ObjectDoesNotExist
from django.utils import translation

from filers.documents import _entity_context, _render

from .models import AlgorithmType, Role


@dataclass(frozen=True)
class DisclosureSection:
    """One of the four parts of 拟公示内容, as shown on the public filing page (PUB-03)."""

    key: str
    number: str
    title: str
    guidance: str
    source: tuple[str, ...]  # where the wizard keeps the text the filer wrote for the public (ALG-12)
    lines: int  # ruled lines when the wizard has nothing yet

    @property
    def heading(self) -> str:
        return f"{self.number}、{self.title}"


DISCLOSURE_SECTIONS: tuple[DisclosureSection, ...] = (
    DisclosureSection(
        "principle",
        "一",
        "算法基本原理",
        "用通俗易懂的语言说明算法依据哪些信息、采用何种方法、得出什么结果，例如“根据用户主动选择的兴趣标签和浏览记录，"
        "计算内容与用户兴趣的相关程度”。避免公式和术语堆砌，"
        "无需披露模型参数、源代码等商业秘密。",
        ("basic", "public_principle"),
        6,
    ),
    DisclosureSection(
        "mechanism",
        "二",
        "算法运行机制",
        "说明算法从输入到输出的主要环节（如数据收集、特征处理、召回、排序、过滤、人工干预、结果展示），"
        "以及内容安全审核、用户关闭个性化推荐或者删除用户标签等机制如何发挥作用。",
        ("basic", "public_mechanism"),
        6,
    ),
    DisclosureSection(
        "scenarios",
        "三",
        "算法应用场景",
        "说明算法应用于哪些产品、功能和业务场景（如 App 首页信息流、搜索结果排序），面向哪些用户群体。",
        ("basic", "public_scenarios"),
        5,
    ),
    DisclosureSection(
        "purpose",
        "四",
        "算法目的意图",
        "说明使用算法要实现的目的，如提升信息获取效率、满足用户个性化需求等，以及坚持主流价值导向、"
        "保护用户合法权益的考虑。",
        ("basic", "public_purpose"),
        4,
    ),
)


@dataclass(frozen=True)
class CheckItem:
    """A row of the self-assessment's checklist of specific risks (第五部分（二）)."""

    topic: str
    points: str  # what the assessment looks at; the articles are those of 《互联网信息服务算法推荐管理规定》


RISK_CHECKLIST: tuple[CheckItem, ...] = (
    CheckItem(
        "信息内容安全",
        "坚持主流价值导向；建立健全违法和不良信息特征库和识别机制，发现违法信息立即停止传输并处置；"
        "加强首页首屏、热搜、精选、榜单、弹窗等重点环节的生态管理（第六条、第九条、第十一条）。",
    ),
    CheckItem(
        "舆论属性与社会动员能力",
        "评估算法是否具有舆论属性或者社会动员能力；不得利用算法虚假注册账号、操纵用户账号或者虚假点赞、评论、转发，"
        "不得屏蔽信息、过度推荐、操纵榜单或者检索结果排序、控制热搜或者精选（第十四条）。",
    ),
    CheckItem(
        "用户知情权与选择权",
        "以显著方式告知用户提供算法推荐服务的情况；提供不针对个人特征的选项或者便捷的关闭算法推荐服务的选项，"
        "支持用户选择、删除用户标签（第十六条、第十七条）。",
    ),
    CheckItem(
        "未成年人权益保护",
        "提供适合未成年人特点的模式和服务；不得推送可能引发未成年人模仿不安全行为、违反社会公德或者诱导不良嗜好的信息，"
        "不得诱导未成年人沉迷网络（第十八条）。",
    ),
    CheckItem(
        "老年人权益保护",
        "保障老年人依法享受智能化服务，提供智能化适老服务；依法开展涉电信网络诈骗信息的监测、识别和处置（第十九条）。",
    ),
    CheckItem(
        "劳动者权益保护",
        "提供工作调度服务的，保护劳动者取得劳动报酬、休息休假等合法权益，完善订单分配、报酬构成及支付、工作时间、"
        "奖惩等相关算法（第二十条）。",
    ),
    CheckItem(
        "消费者权益保护",
        "向消费者销售商品或者提供服务的，保护消费者公平交易的权利，不得诱导用户过度消费（第八条、第二十一条）。",
    ),
    CheckItem(
        "防沉迷",
        "不得设置诱导用户沉迷的算法模型；说明使用时长提醒、推荐内容多样化、打散等防沉迷措施（第八条、第十二条）。",
    ),
    CheckItem(
        "算法歧视",
        "用户标签不得包含违法和不良信息关键词；不得基于民族、性别、地域、宗教信仰等特征实施不合理的差别对待；"
        "自动化决策保证透明度和结果公平、公正（第十条，《个人信息保护法》第二十四条）。",
    ),
    CheckItem(
        "大数据杀熟",
        "不得根据消费者的偏好、交易习惯等特征，利用算法在交易价格等交易条件上实施不合理的差别待遇"
        "（第二十一条，《个人信息保护法》第二十四条）。",
    ),
)

DATA_SOURCE_KEYS = ("name", "type", "collection", "volume", "labelling", "collection_time", "usage")
RISK_KEYS = ("risk", "countermeasures")


# ---------------------------------------------------------------------------------------------
# Reading the wizard's working copy: anything may be missing, or not a string.


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _dig(data: dict, path: tuple[str, ...]):
    for key in path:
        data = _dict(data).get(key)
    return data


def _paragraphs(value) -> list[str]:
    """The non-blank lines of a value as printed; never "None"."""
    if value is None:
        return []
    if isinstance(value, bool):
        return ["是" if value else "否"]
    if isinstance(value, str):
        return [line.strip() for line in value.splitlines() if line.strip()]
    if isinstance(value, Number):
        return [str(value)]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list | tuple):
        return [line for item in value for line in _paragraphs(item)]
    return _paragraphs(str(value))


def _line(value) -> str:
    """A value on one line: the items of a list joined with 、, the lines of a text with a space."""
    if isinstance(value, list | tuple):
        return "、".join(filter(None, (_line(item) for item in value)))
    return " ".join(_paragraphs(value))


def _cell(value) -> str:
    """A table cell: its lines kept (the template prints them with linebreaksbr)."""
    return "\n".join(_paragraphs(value))


def _rows(value, keys: tuple[str, ...]) -> list[dict[str, str]]:
    """The rows of a list of dicts (data sources, risks); a bare string counts as the first column."""
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list | tuple):
        value = [value] if _paragraphs(value) else []
    rows = []
    for item in value:
        row = (
            {key: _cell(item.get(key)) for key in keys} if isinstance(item, dict) else {keys[0]: _cell(item)}
        )
        row = {key: row.get(key, "") for key in keys}
        if any(row.values()):
            rows.append(row)
    return rows


def _choice_label(choices, value) -> str:
    code = _line(value)
    return str(choices(code).label) if code in choices.values else code


def _date(value) -> str:
    """An ISO date as 2024年3月1日; anything else as typed."""
    if isinstance(value, datetime.date):
        day = value
    else:
        text = _line(value)
        try:
            day = datetime.date.fromisoformat(text[:10])
        except ValueError:
            return text
    return f"{day.year}年{day.month}月{day.day}日"


def _with_formats(modality, formats) -> str:
    modality, formats = _line(modality), _line(formats)
    if modality and formats:
        return f"{modality}（{formats}）"
    return modality or formats


def _entity(filing) -> dict[str, str]:
    try:
        entity = filing.entity
    except ObjectDoesNotExist:  # a filing not yet attached to its entity: blanks
        return {}
    return _entity_context(entity)


def _filing_context(filing) -> dict:
    data = _dict(filing.data)
    basic, details = _dict(data.get("basic")), _dict(data.get("details"))
    model = _dict(details.get("model"))
    role = _line(basic.get("role")) or filing.role or ""
    return {
        "e": _entity(filing),
        "a": {
            # The wizard's copy first; the columns derived from it (ALG-09) otherwise.
            "name": _line(basic.get("name")) or _line(filing.name),
            "algo_type": _choice_label(AlgorithmType, basic.get("algo_type") or filing.algo_type),
            "domain": _line(basic.get("domain")),
            "launch_date": _date(basic.get("launch_date")),
            "main_use": _paragraphs(basic.get("main_use")),
            "role": _choice_label(Role, role),
            "is_supporter": role == Role.SUPPORTER,
            "tech_service_mode": _paragraphs(basic.get("tech_service_mode")),
            "intro": _paragraphs(details.get("intro")),
            "scenarios": _paragraphs(details.get("scenarios")),
            "input": _with_formats(details.get("input_modality"), details.get("input_formats")),
            "output": _with_formats(details.get("output_modality"), details.get("output_formats")),
            "data_sources": _rows(details.get("data_sources"), DATA_SOURCE_KEYS),
            "framework": _cell(model.get("framework")),
            "architecture": _cell(model.get("architecture")),
            "training_sets": _cell(model.get("training_sets")),
            "principle": _paragraphs(model.get("principle")),
            "strategy": _paragraphs(details.get("strategy")),
            "risks": _rows(details.get("risks"), RISK_KEYS),
        },
        "algorithm_types": [str(label) for label in AlgorithmType.labels],
        "roles": [str(label) for label in Role.labels],
    }


def self_assessment_template_pdf(*, filing) -> bytes:
    """《算法安全自评估报告》 pre-filled with the filing's draft (ALG-02, ALG-03)."""
    with translation.override("zh-hans"):  # choice labels too, whatever the user's language
        context = _filing_context(filing)
        context["checklist"] = RISK_CHECKLIST
        return _render("algorithms/pdf/self_assessment.html", context)


def disclosure_template_pdf(*, filing) -> bytes:
    """《拟公示内容》 pre-filled with the filing's draft (ALG-02; published on the public page, PUB-03)."""
    with translation.override("zh-hans"):
        context = _filing_context(filing)
        data = _dict(filing.data)
        context["sections"] = [
            {"section": s, "paragraphs": _paragraphs(_dig(data, s.source)), "lines": range(s.lines)}
            for s in DISCLOSURE_SECTIONS
        ]
        return _render("algorithms/pdf/disclosure.html", context)

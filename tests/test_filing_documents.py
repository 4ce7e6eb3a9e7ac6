"""ALG-02: the downloadable, pre-filled PDF templates of an algorithm filing,
《算法安全自评估报告》 and 《拟公示内容》 (the text published on the public page, PUB-03).

The PDFs are read back with poppler-utils, as a filer's viewer would read them. Text is taken
with `pdftotext -raw` (content-stream order: a table reads cell after cell, row after row)
and compared without whitespace: CJK lines wrap anywhere and letter-spacing splits titles.
"""

from __future__ import annotations

import copy

import pytest
from django.utils import translation

from algorithms.documents import (
    DISCLOSURE_SECTIONS,
    RISK_CHECKLIST,
    disclosure_template_pdf,
    self_assessment_template_pdf,
)
from algorithms.models import AlgorithmType, Filing

from .factories import EntityFactory
from .pdf_tools import POPPLER, pdf_fonts, pdf_pages, poppler

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not POPPLER, reason="needs poppler-utils (pdftotext, pdffonts)"),
]

DOCUMENTS = {
    "self_assessment": self_assessment_template_pdf,
    "disclosure": disclosure_template_pdf,
}

SELF_ASSESSMENT_HEADINGS = [
    "一、评估概述",
    "二、算法基本情况",
    "三、算法数据安全评估",
    "四、算法模型与策略评估",
    "五、算法安全风险识别与防范",
    "六、安全管理制度与应急处置",
    "七、评估结论",
]

# PUB-03 names the four parts: basic principle, operating mechanism, application scenarios, purpose.
DISCLOSURE_HEADINGS = ["一、算法基本原理", "二、算法运行机制", "三、算法应用场景", "四、算法目的意图"]

PRINCIPLE = "根据用户的历史行为和兴趣标签计算用户向量，与内容向量进行相似度匹配召回候选内容。"
STRATEGY = "召回阶段多路召回；排序阶段预估点击率和阅读时长；重排阶段进行内容去重和同类打散。"
STRATEGY_2 = "用户可在“设置-个性化推荐”中关闭个性化推荐。"
SCENARIOS = "星河资讯App首页“推荐”频道信息流；视频频道“猜你喜欢”模块。"
MAIN_USE = "应用于星河资讯App首页信息流场景，根据用户的浏览行为，推荐用户可能感兴趣的资讯和短视频。"
INTRO = "星河个性化推荐算法由召回、粗排、精排和重排四个阶段组成。"

SAMPLE = {
    "basic": {
        "name": "星河个性化推荐算法",
        "algo_type": "02",
        "domain": "资讯、短视频",
        "launch_date": "2023-06-18",
        "main_use": MAIN_USE,
        "role": "provider",
        # ALG-12: the 拟公示内容, written for the public; the template is made from these alone.
        "public_principle": PRINCIPLE,
        "public_mechanism": STRATEGY + "\n" + STRATEGY_2,
        "public_scenarios": SCENARIOS,
        "public_purpose": MAIN_USE,
    },
    "details": {
        "intro": INTRO,
        "scenarios": SCENARIOS,
        "input_modality": "文本",
        "input_formats": ["JSON", "UTF-8文本"],
        "output_modality": "文本",
        "output_formats": "内容ID排序列表",
        "data_sources": [
            {
                "name": "用户行为日志",
                "type": "用户行为数据",
                "collection": "App埋点采集",
                "volume": "日均约2亿条",
                "labelling": "不涉及标注",
            },
            {
                "name": "内容库",
                "type": "图文元数据",
                "collection": "合作方授权",
                "volume": 12000000,
                "labelling": "人工标注",
            },
        ],
        "model": {
            "framework": "TensorFlow 2.12",
            "architecture": "双塔召回模型+DeepFM",
            "principle": PRINCIPLE,
            "training_sets": "近90天脱敏行为样本",
        },
        "strategy": f"{STRATEGY}\n{STRATEGY_2}",
        "risks": [
            {"risk": "信息茧房", "countermeasures": "多样性打散"},
            {"risk": "违法和不良信息传播", "countermeasures": "特征库过滤+人工审核"},
            {"risk": "未成年人沉迷", "countermeasures": "青少年模式"},
        ],
    },
}


@pytest.fixture
def filing():
    entity = EntityFactory(name="北京星河算法科技有限公司")
    return Filing.objects.create(entity=entity, data=copy.deepcopy(SAMPLE))


@pytest.fixture
def empty_filing():
    """An unsaved filing whose wizard has nothing yet."""
    return Filing(entity=EntityFactory(name="上海草稿示例有限公司"), data={})


def _text(data: bytes, tmp_path) -> str:
    return "".join(poppler("pdftotext", data, tmp_path, "-raw").split())


def _flat(value: str) -> str:
    return "".join(value.split())


def _in_order(text: str, parts: list[str]) -> bool:
    positions = [text.find(_flat(part)) for part in parts]
    return -1 not in positions and positions == sorted(positions)


# --- 《算法安全自评估报告》 -----------------------------------------------------------------------


def test_alg_02_self_assessment_is_a_pdf_with_a_prefilled_cover(filing, tmp_path):
    data = self_assessment_template_pdf(filing=filing)

    assert data.startswith(b"%PDF-")
    text = _text(data, tmp_path)
    assert text.startswith("算法安全自评估报告")
    assert "算法名称：星河个性化推荐算法" in text
    assert "算法类型：个性化推送类" in text
    assert "备案主体：北京星河算法科技有限公司" in text
    assert f"统一社会信用代码：{filing.entity.uscc}" in text
    assert "评估日期：年月日" in text  # left for the entity to date
    # The cover is a page of its own: section 一 starts on page 2.
    assert text.index("第1页共") < text.index("一、评估概述")


def test_alg_02_self_assessment_has_the_seven_parts_in_order(filing, tmp_path):
    text = _text(self_assessment_template_pdf(filing=filing), tmp_path)

    assert _in_order(text, SELF_ASSESSMENT_HEADINGS), [h for h in SELF_ASSESSMENT_HEADINGS if h not in text]
    # 一: purpose, scope, legal basis, method, team (internal or third party).
    assert _in_order(text, ["评估目的", "评估范围", "评估依据", "评估方法", "评估团队"])
    assert "《互联网信息服务算法推荐管理规定》" in text
    assert "《中华人民共和国个人信息保护法》" in text
    assert "本单位内部评估" in text and "委托第三方机构评估" in text
    # 三 and 四: the points the assessment must cover.
    assert _in_order(text, ["（二）数据来源合法合规性", "（三）个人信息保护", "（四）数据标注质量", "四、"])
    assert _in_order(text, ["四、", "（四）可解释性", "（五）公平性", "（六）稳定性与鲁棒性", "五、"])
    # 六: management systems and incident response.
    assert "应急预案" in text


def test_alg_02_self_assessment_checks_the_specific_risks(filing, tmp_path):
    text = _text(self_assessment_template_pdf(filing=filing), tmp_path)
    part_5 = text[text.index("五、算法安全风险识别与防范") : text.index("六、安全管理制度与应急处置")]

    for topic in (
        "信息内容安全",
        "舆论属性与社会动员能力",
        "未成年人",
        "老年人",
        "劳动者",
        "消费者",
        "防沉迷",
        "算法歧视",
        "大数据杀熟",
    ):
        assert topic in part_5, topic
    for item in RISK_CHECKLIST:
        assert _flat(item.points) in part_5
    assert part_5.count("已落实") == len(RISK_CHECKLIST)  # one verdict per row


def test_alg_02_self_assessment_prefills_the_basic_attributes(filing, tmp_path):
    text = _text(self_assessment_template_pdf(filing=filing), tmp_path)
    part_2 = text[text.index("二、算法基本情况") : text.index("三、算法数据安全评估")]

    assert "算法名称星河个性化推荐算法" in part_2
    assert "算法类型个性化推送类" in part_2
    assert "应用领域资讯、短视频" in part_2
    assert "上线时间2023年6月18日" in part_2
    assert "主体角色服务提供者" in part_2
    assert "输入模态（格式）文本（JSON、UTF-8文本）" in part_2
    assert "输出模态（格式）文本（内容ID排序列表）" in part_2
    assert f"主要用途{_flat(MAIN_USE)}" in part_2
    assert _flat(INTRO) in part_2
    assert _flat(SCENARIOS) in part_2
    assert "技术服务方式" not in part_2  # a service provider's filing


def test_alg_02_self_assessment_prefills_data_model_strategy_and_risks(filing, tmp_path):
    text = _text(self_assessment_template_pdf(filing=filing), tmp_path)
    part_3 = text[text.index("三、算法数据安全评估") : text.index("四、算法模型与策略评估")]
    part_4 = text[text.index("四、算法模型与策略评估") : text.index("五、算法安全风险识别与防范")]
    part_5 = text[text.index("五、算法安全风险识别与防范") : text.index("六、安全管理制度与应急处置")]

    assert "序号数据源名称数据类型采集方式数据量标注情况采集时间数据使用情况" in part_3
    assert "1用户行为日志用户行为数据App埋点采集日均约2亿条不涉及标注" in part_3
    assert "2内容库图文元数据合作方授权12000000人工标注" in part_3
    assert "技术框架TensorFlow2.12" in part_4
    assert "模型架构双塔召回模型+DeepFM" in part_4
    assert "训练数据集近90天脱敏行为样本" in part_4
    assert _flat(PRINCIPLE) in part_4
    assert _flat(STRATEGY) in part_4 and _flat(STRATEGY_2) in part_4
    assert "1信息茧房多样性打散" in part_5
    assert "2违法和不良信息传播特征库过滤+人工审核" in part_5
    assert "3未成年人沉迷青少年模式" in part_5
    # What the wizard already has replaces the guidance and the blank lines.
    assert "简要介绍算法的功能" not in text
    assert "说明模型的输入、主要计算过程和输出" not in text


def test_alg_02_self_assessment_is_signed_stamped_and_numbered(filing, tmp_path):
    data = self_assessment_template_pdf(filing=filing)
    text = _text(data, tmp_path)
    pages = pdf_pages(data, tmp_path)

    conclusion = text[text.index("七、评估结论") :]
    assert "主体名称（加盖公章）：北京星河算法科技有限公司" in conclusion
    assert "评估负责人（签字）：" in conclusion
    assert "算法安全责任人（签字）：" in conclusion
    assert "年月日" in conclusion
    assert pages >= 3
    for page in range(1, pages + 1):
        assert f"第{page}页共{pages}页" in text


def test_alg_02_technical_supporter_describes_its_service_mode(tmp_path):
    data = {
        "basic": {
            "name": "云帆调度决策算法",
            "algo_type": "06",
            "role": "supporter",
            "tech_service_mode": "以API接口方式向客户提供调度决策能力",
        }
    }
    filing = Filing.objects.create(entity=EntityFactory(), data=data)

    text = _text(self_assessment_template_pdf(filing=filing), tmp_path)
    assert "主体角色服务技术支持者" in text
    assert "技术服务方式以API接口方式向客户提供调度决策能力" in text
    assert "算法类型：调度决策类" in text
    # SPEC ALG-02: a technical supporter links no products; its 应用产品 is "--".
    assert "应用产品--" in _text(disclosure_template_pdf(filing=filing), tmp_path)


# --- 《拟公示内容》 ---------------------------------------------------------------------------------


def test_alg_02_disclosure_is_a_pdf_with_a_prefilled_header(filing, tmp_path):
    data = disclosure_template_pdf(filing=filing)

    assert data.startswith(b"%PDF-")
    text = _text(data, tmp_path)
    assert text.startswith("拟公示内容")
    assert "算法名称星河个性化推荐算法" in text
    assert "算法类型个性化推送类" in text
    assert "备案主体北京星河算法科技有限公司" in text
    assert "应用产品填写说明" in text  # 应用产品: a blank cell, then the instructions under the table


def test_alg_02_disclosure_has_exactly_the_four_parts_of_the_public_page(filing, tmp_path):
    text = _text(disclosure_template_pdf(filing=filing), tmp_path)

    assert [s.heading for s in DISCLOSURE_SECTIONS] == DISCLOSURE_HEADINGS
    assert _in_order(text, DISCLOSURE_HEADINGS)
    for name in ("算法基本原理", "算法运行机制", "算法应用场景", "目的意图"):  # as PUB-03 names them
        assert name in text
    assert "五、" not in text


def test_alg_02_disclosure_prefills_each_part_from_the_draft(filing, tmp_path):
    text = _text(disclosure_template_pdf(filing=filing), tmp_path)
    starts = [text.index(heading) for heading in DISCLOSURE_HEADINGS] + [len(text)]
    parts = [text[a:b] for a, b in zip(starts, starts[1:], strict=False)]

    assert _flat(PRINCIPLE) in parts[0]  # basic.public_principle (ALG-12; was details.model.principle)
    assert _flat(STRATEGY) in parts[1] and _flat(STRATEGY_2) in parts[1]  # basic.public_mechanism
    assert _flat(SCENARIOS) in parts[2]  # basic.public_scenarios
    assert _flat(MAIN_USE) in parts[3]  # basic.public_purpose
    # Each part says what to write, for the public.
    for section, part in zip(DISCLOSURE_SECTIONS, parts, strict=True):
        assert _flat(section.guidance) in part


def test_alg_02_disclosure_guides_towards_plain_public_text(filing, tmp_path):
    text = _text(disclosure_template_pdf(filing=filing), tmp_path)
    instructions = text[: text.index(DISCLOSURE_HEADINGS[0])]

    assert "公示页面" in instructions
    assert "通俗" in instructions
    assert "商业秘密" in instructions
    assert "个人信息" in instructions


# --- Both: drafts, robustness, fonts --------------------------------------------------------------


@pytest.mark.parametrize("document", DOCUMENTS)
def test_alg_02_empty_draft_prints_guided_blanks_not_none(document, empty_filing, tmp_path):
    data = DOCUMENTS[document](filing=empty_filing)

    assert data.startswith(b"%PDF-")
    text = _text(data, tmp_path)
    assert "上海草稿示例有限公司" in text
    assert empty_filing.entity.uscc in text or document == "disclosure"
    assert "None" not in text
    headings = SELF_ASSESSMENT_HEADINGS if document == "self_assessment" else DISCLOSURE_HEADINGS
    assert _in_order(text, headings)
    # No type chosen yet: every type is offered with a box to tick.
    for label in AlgorithmType.labels:
        assert f"□{label}" in text


def test_alg_02_empty_draft_shows_the_guidance_instead_of_values(empty_filing, tmp_path):
    text = _text(self_assessment_template_pdf(filing=empty_filing), tmp_path)

    assert "简要介绍算法的功能" in text
    assert "说明模型的输入、主要计算过程和输出" in text
    assert "□服务提供者□服务技术支持者" in text
    assert "序号风险防范机制123" in text  # three numbered blank rows


@pytest.mark.parametrize("document", DOCUMENTS)
def test_alg_02_filing_without_an_entity_still_renders(document, tmp_path):
    text = _text(DOCUMENTS[document](filing=Filing(data={"basic": {"name": "孤立草稿算法"}})), tmp_path)

    assert "孤立草稿算法" in text
    assert "None" not in text


@pytest.mark.parametrize("document", DOCUMENTS)
def test_alg_02_values_of_unexpected_types_never_print_none(document, tmp_path):
    """The wizard saves what was typed, valid or not (ALG-04): anything may be missing or not a string."""
    data = {
        "basic": {
            "name": 2024,
            "algo_type": None,
            "launch_date": "下个月",
            "main_use": ["推荐资讯", None],
            "role": None,
            "public_scenarios": {"a": "首页", "b": None},
            "public_mechanism": ["第一步", ["第二步", None]],
        },
        "details": {
            "intro": None,
            "scenarios": {"a": "首页", "b": None},
            "input_modality": None,
            "input_formats": [None, "JSON"],
            "data_sources": [None, "公开语料", {"name": None, "volume": 3.5, "labelling": True}, {}],
            "model": "not a dict",
            "strategy": ["第一步", ["第二步", None]],
            "risks": "单个风险描述",
        },
    }
    filing = Filing(entity=EntityFactory(), data=data)
    text = _text(DOCUMENTS[document](filing=filing), tmp_path)

    assert "None" not in text
    assert "2024" in text
    if document == "self_assessment":
        assert "上线时间下个月" in text  # not a date: as typed
        assert "1公开语料" in text and "23.5是" in text
        assert "1单个风险描述" in text
    assert "首页" in text
    assert "第一步" in text and "第二步" in text


@pytest.mark.parametrize("document", DOCUMENTS)
def test_alg_02_data_that_is_not_a_dict_is_an_empty_draft(document, tmp_path):
    filing = Filing(entity=EntityFactory(), data=["not", "a", "dict"])
    text = _text(DOCUMENTS[document](filing=filing), tmp_path)

    assert "None" not in text
    assert "□个性化推送类" in text


@pytest.mark.parametrize("document", DOCUMENTS)
def test_alg_02_cjk_fonts_are_embedded(document, filing, tmp_path):
    fonts = [(name, emb) for name, emb, _sub in pdf_fonts(DOCUMENTS[document](filing=filing), tmp_path)]

    assert fonts, "the PDF lists no font"
    assert all(emb == "yes" for _, emb in fonts), fonts
    assert any("Serif-CJK-SC" in name for name, _ in fonts), fonts  # the body text
    assert any("Sans-CJK-SC" in name for name, _ in fonts), fonts  # the headings


@pytest.mark.parametrize("document", DOCUMENTS)
def test_alg_02_filer_input_is_printed_as_text_not_markup(document, tmp_path):
    data = copy.deepcopy(SAMPLE)
    data["basic"]["name"] = '恶意<img src="http://192.0.2.1/x.png">算法'
    data["basic"]["main_use"] = "<b>用途</b>"
    data["basic"]["public_purpose"] = "<b>用途</b>"
    filing = Filing(entity=EntityFactory(), data=data)
    text = _text(DOCUMENTS[document](filing=filing), tmp_path)

    assert '恶意<imgsrc="http://192.0.2.1/x.png">算法' in text
    assert "<b>用途</b>" in text


@pytest.mark.parametrize("document", DOCUMENTS)
def test_alg_02_documents_are_in_chinese_whatever_the_user_language(document, filing, tmp_path):
    with translation.override("en"):
        text = _text(DOCUMENTS[document](filing=filing), tmp_path)

    assert "个性化推送类" in text
    assert "None" not in text
    if document == "self_assessment":
        assert "主体角色服务提供者" in text

"""ENT-02 / ENT-03: the downloadable, pre-filled PDF templates 《算法备案承诺书》 and
《落实算法安全主体责任基本情况》.

The PDFs are read back with poppler-utils (pdftotext, pdfinfo, pdffonts), as a filer's
viewer would read them: what matters is the text on the page and the embedded fonts.
"""

from __future__ import annotations

import pytest
from django.utils import translation

from filers.documents import RESPONSIBILITY_SECTIONS, commitment_letter_pdf, responsibility_statement_pdf
from filers.models import Entity

from .factories import EntityFactory
from .pdf_tools import POPPLER, pdf_fonts, pdf_pages, poppler

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not POPPLER, reason="needs poppler-utils (pdftotext, pdffonts)"),
]

DOCUMENTS = {
    "commitment_letter": commitment_letter_pdf,
    "responsibility_statement": responsibility_statement_pdf,
}

SECTION_HEADINGS = [
    "一、算法安全管理制度总体情况",
    "二、算法安全自评估制度",
    "三、算法安全检测制度",
    "四、算法安全事件应急处置制度",
    "五、算法违法违规处置制度",
    "六、算法安全专职人员配备情况",
    "七、其他需要说明的情况",
]


@pytest.fixture
def full_entity():
    return EntityFactory(
        name="北京星河算法科技有限公司",
        entity_type="enterprise",
        region_code="110108",
        address="中关村大街27号10层1001室",
        industry="I",
        legal_rep_name="王建国",
        officer_name="李安全",
        officer_position="首席信息安全官",
        officer_mobile="13812345678",
        officer_email="security@xinghe.example.cn",
    )


def _text(data: bytes, tmp_path) -> str:
    """The PDF's text in layout mode (a table row reads as one line: "主体名称北京…"), without
    whitespace: CJK lines wrap anywhere, and letter-spacing splits titles."""
    return "".join(poppler("pdftotext", data, tmp_path, "-layout").split())


def test_ent_02_commitment_letter_is_a_pdf_prefilled_with_name_and_uscc(full_entity, tmp_path):
    data = commitment_letter_pdf(entity=full_entity)

    assert data.startswith(b"%PDF-")
    text = _text(data, tmp_path)
    assert "算法备案承诺书" in text
    assert "北京星河算法科技有限公司" in text
    assert full_entity.uscc in text
    assert f"统一社会信用代码：{full_entity.uscc}" in text
    # Addressed to the national office and the one of the province of registration.
    assert "国家互联网信息办公室、北京市互联网信息办公室：" in text


def test_ent_02_commitment_letter_states_the_commitments(full_entity, tmp_path):
    text = _text(commitment_letter_pdf(entity=full_entity), tmp_path)

    assert "互联网信息服务算法备案系统" in text
    assert "真实、准确、完整" in text
    assert "《互联网信息服务算法推荐管理规定》" in text
    assert "算法安全主体责任" in text
    assert "变更之日起10个工作日内办理变更手续" in text
    assert "终止服务之日起20个工作日内办理注销备案手续" in text
    assert "监督检查" in text
    assert "法律责任" in text


def test_ent_02_commitment_letter_has_signature_stamp_and_date_on_one_page(full_entity, tmp_path):
    data = commitment_letter_pdf(entity=full_entity)
    text = _text(data, tmp_path)

    assert "法定代表人（签字）：" in text
    assert "主体名称（加盖公章）：北京星河算法科技有限公司" in text
    assert "年月日" in text
    assert text.count("（加盖公章）") == 2  # the signature line and the stamp area
    assert pdf_pages(data, tmp_path) == 1
    assert "第1页共1页" in text


def test_ent_02_commitment_letter_stays_on_one_page_with_a_long_name(tmp_path):
    entity = EntityFactory(name="内蒙古自治区鄂尔多斯市某某互联网信息技术服务集团股份有限公司第一分公司")
    data = commitment_letter_pdf(entity=entity)

    assert pdf_pages(data, tmp_path) == 1
    assert entity.name in _text(data, tmp_path)


def test_ent_03_responsibility_statement_header_is_prefilled(full_entity, tmp_path):
    data = responsibility_statement_pdf(entity=full_entity)

    assert data.startswith(b"%PDF-")
    text = _text(data, tmp_path)
    assert "落实算法安全主体责任基本情况" in text
    assert "主体名称北京星河算法科技有限公司" in text
    assert f"统一社会信用代码{full_entity.uscc}" in text
    assert "主体类型企业" in text
    assert "注册地北京市海淀区中关村大街27号10层1001室" in text
    assert "法定代表人王建国" in text
    assert "所属行业信息传输、软件和信息技术服务业" in text
    assert "算法安全责任人李安全" in text
    assert "职务首席信息安全官" in text
    # The entity's own document: the officer's contacts are shown as given, not masked.
    assert "责任人手机号码13812345678" in text
    assert "电子邮箱security@xinghe.example.cn" in text


def test_ent_03_responsibility_statement_covers_the_algorithm_security_systems(full_entity, tmp_path):
    """ENT-03: self-assessment, security testing, incident response, handling of violations, staffing."""
    text = _text(responsibility_statement_pdf(entity=full_entity), tmp_path)

    positions = [text.find(heading) for heading in SECTION_HEADINGS]
    assert -1 not in positions, [h for h, p in zip(SECTION_HEADINGS, positions, strict=True) if p < 0]
    assert positions == sorted(positions)
    assert [s.heading for s in RESPONSIBILITY_SECTIONS] == SECTION_HEADINGS
    # Each section tells the entity what to describe.
    for section in RESPONSIBILITY_SECTIONS:
        assert "".join(section.guidance.split()) in text
    for topic in ("自评估", "安全检测", "应急预案", "违法违规行为", "专职人员"):
        assert topic in text


def test_ent_03_responsibility_statement_is_signed_stamped_and_numbered(full_entity, tmp_path):
    data = responsibility_statement_pdf(entity=full_entity)
    text = _text(data, tmp_path)
    pages = pdf_pages(data, tmp_path)

    assert "算法安全责任人（签字）：" in text
    assert "法定代表人（签字）：" in text
    assert "主体名称（加盖公章）：北京星河算法科技有限公司" in text
    assert "年月日" in text
    assert pages >= 2
    for page in range(1, pages + 1):
        assert f"第{page}页共{pages}页" in text


@pytest.mark.parametrize("document", DOCUMENTS)
def test_ent_02_blank_fields_of_a_draft_are_left_to_fill_not_none(document, tmp_path):
    """A draft has only a name and a USCC; the rest prints as blanks to write on by hand."""
    entity = EntityFactory(name="上海草稿示例有限公司", region_code="")
    text = _text(DOCUMENTS[document](entity=entity), tmp_path)

    assert "上海草稿示例有限公司" in text
    assert entity.uscc in text
    assert "None" not in text
    assert "法定代表人" in text


@pytest.mark.parametrize("document", DOCUMENTS)
def test_ent_02_none_attributes_print_as_blanks(document, tmp_path):
    """Unsaved, half-built instances (a form's cleaned data) may carry None: still no "None"."""
    entity = Entity(
        name="深圳未保存示例有限公司",
        uscc="91440300MA5F000000",
        region_code=None,
        address=None,
        entity_type=None,
        industry=None,
        legal_rep_name=None,
        officer_name=None,
        officer_position=None,
        officer_mobile=None,
        officer_email=None,
    )
    text = _text(DOCUMENTS[document](entity=entity), tmp_path)

    assert "深圳未保存示例有限公司" in text
    assert "None" not in text


@pytest.mark.parametrize("document", DOCUMENTS)
def test_ent_02_cjk_fonts_are_embedded(document, full_entity, tmp_path):
    fonts = [(name, emb) for name, emb, _sub in pdf_fonts(DOCUMENTS[document](entity=full_entity), tmp_path)]

    assert fonts, "the PDF lists no font"
    assert all(emb == "yes" for _, emb in fonts), fonts  # nothing left to the viewer's fonts
    assert any("CJK" in name and emb == "yes" for name, emb in fonts), fonts
    assert any("Serif-CJK-SC" in name for name, _ in fonts), fonts  # the body text face


@pytest.mark.parametrize("document", DOCUMENTS)
def test_ent_02_entity_data_is_printed_as_text_not_markup(document, tmp_path):
    """The entity's data is the filer's input: markup in it is escaped, never laid out or fetched."""
    entity = EntityFactory(name='恶意示例<img src="http://192.0.2.1/x.png">有限公司')
    text = _text(DOCUMENTS[document](entity=entity), tmp_path)

    assert '恶意示例<imgsrc="http://192.0.2.1/x.png">有限公司' in text


@pytest.mark.parametrize("document", DOCUMENTS)
def test_ent_02_documents_are_in_chinese_whatever_the_user_language(document, full_entity, tmp_path):
    with translation.override("en"):
        text = _text(DOCUMENTS[document](entity=full_entity), tmp_path)

    assert "法定代表人" in text
    assert "None" not in text
    if document == "responsibility_statement":
        assert "主体类型企业" in text

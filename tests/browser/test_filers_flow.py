"""The filer's way in, in the browser: registration, activation, 主体信息 and its attachments.

ACC-01…03, ACC-05 and ENT-01, ENT-02, ENT-04 as a person meets them: clicking from the home
page, reading the activation e-mail, choosing the place of registration in cascading selects,
downloading the pre-filled template, uploading scans, submitting; bad input answered at the field.
"""

from __future__ import annotations

import re
import subprocess

import pytest
from playwright.sync_api import expect

from filers.models import Entity, User
from tests.factories import FilerFactory, valid_uscc

from .conftest import PHONE
from .helpers import label as _label
from .helpers import login as _login
from .helpers import shot as _shot

pytestmark = pytest.mark.django_db(transaction=True)

NEW_PASSWORD = "Beian#2026secure"
LEGAL_REP_ID = "11010519491231002X"
OFFICER_ID = "110101199003071233"
ATTACHMENTS = (  # the five uploads, in the order of the form
    "算法安全责任人工作证明",
    "算法备案承诺书",
    "落实算法安全主体责任基本情况",
    "营业执照彩色扫描件",
    "ICP备案证明或ICP经营许可证",
)


def _pdf(text: str = "scan") -> bytes:
    """A small but well-formed one-page PDF (what a scanner would hand over, minus the picture)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _scans(tmp_path) -> dict[str, str]:
    """One scanned PDF per attachment, named as a person would name them."""
    files = {}
    for number, label in enumerate(ATTACHMENTS, start=1):
        path = tmp_path / f"scan-{number}.pdf"
        path.write_bytes(_pdf(f"scan {number}"))
        files[label] = str(path)
    return files


def _field(page, name: str):
    """The block that holds one form field: its label, input, help and error messages."""
    return page.locator(f"#field-{name}")


def _fill_registration(page, *, uscc: str, username: str = "xinghe") -> dict[str, str]:
    typed = {
        "主体名称": "北京星河智联科技有限公司",
        "统一社会信用代码": uscc,
        "注册地址": "北京市海淀区中关村大街1号",
        "法定代表人": "王明",
        "登录名": username,
        "联系邮箱": "beian@xinghe.example.cn",
        "联系手机": "13812345678",
    }
    for label, value in typed.items():
        _label(page, label).fill(value)
    _label(page, "密码").fill(NEW_PASSWORD)
    _label(page, "确认密码").fill(NEW_PASSWORD)
    return typed


def _fill_entity_form(page) -> None:
    """Everything a filer types into 主体信息 (ENT-01), the place of registration through the cascade."""
    _label(page, "主体类型").select_option(label="企业")
    _label(page, "注册地（省）").select_option(label="北京市")
    city = _label(page, "注册地（市）")
    expect(city.locator("option", has_text="市辖区")).to_be_attached(timeout=15_000)
    city.select_option(label="市辖区")
    district = _label(page, "注册地（区县）")
    expect(district.locator("option", has_text="海淀区")).to_be_attached(timeout=15_000)
    district.select_option(label="海淀区")
    _label(page, "注册地址").fill("北京市海淀区中关村大街1号")
    _label(page, "所属行业").select_option(label="信息传输、软件和信息技术服务业")
    _label(page, "主体网站").fill("https://www.xinghe.example.cn")

    _label(page, "证件类型").select_option(label="营业执照")
    _label(page, "证件有效期起").fill("2015-03-01")

    _label(page, "法定代表人姓名").fill("王明")
    _label(page, "法定代表人证件类型").select_option(label="居民身份证")
    _label(page, "法定代表人证件号码").fill(LEGAL_REP_ID)
    _label(page, "法定代表人手机号码").fill("13812345678")
    _label(page, "法定代表人电子邮箱").fill("wangming@xinghe.example.cn")

    _label(page, "算法安全责任人姓名").fill("李华")
    _label(page, "算法安全责任人职务").fill("首席安全官")
    _label(page, "算法安全责任人证件类型").select_option(label="居民身份证")
    _label(page, "算法安全责任人证件号码").fill(OFFICER_ID)
    _label(page, "算法安全责任人手机号码").fill("13912345678")
    _label(page, "算法安全责任人电子邮箱").fill("lihua@xinghe.example.cn")

    _label(page, "联系人姓名").fill("赵敏")
    _label(page, "联系人手机号码").fill("13712345678")
    _label(page, "联系人电子邮箱").fill("zhaomin@xinghe.example.cn")
    _label(page, "ICP证明类型").select_option(label="ICP经营许可证")
    _label(page, "ICP备案号或许可证编号").fill("京B2-20201234")


def _accept_dialogs(page) -> list[str]:
    """Leaving a form with unsaved changes asks first (unsaved.js); a person who leaves says yes.

    Returns the list of the dialogs' types, for a test that expects none.
    """
    seen: list[str] = []

    def accept(dialog):
        seen.append(dialog.type)
        dialog.accept()

    page.on("dialog", accept)
    return seen


def test_acc_01_ent_02_a_new_filer_registers_activates_fills_and_submits_entity_information(
    page, live_server, mailoutbox, tmp_path, screenshot_dir
):
    """ACC-01, ENT-01, ENT-02, ENT-04: from the home page to 主体信息 已提交, as a person does it."""
    dialogs = _accept_dialogs(page)
    uscc = valid_uscc(424242)

    # ACC-01: 填报人员入口 on the home page → login → 注册新账号.
    page.goto("/")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="填报人员入口 / 登录").click()
    page.get_by_role("link", name="注册新账号").click()
    expect(page.get_by_role("heading", name="填报人员注册")).to_be_visible()
    _fill_registration(page, uscc=uscc)
    _shot(page, "register-filled", screenshot_dir)
    page.get_by_role("button", name="注册").click()
    page.wait_for_url("**/account/register/done/")
    expect(page.get_by_role("main")).to_contain_text("beian@xinghe.example.cn")
    _shot(page, "register-done", screenshot_dir)

    # The activation e-mail names the entity and carries the link.
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["beian@xinghe.example.cn"]
    body = mailoutbox[0].body
    assert "北京星河智联科技有限公司" in body
    link = re.search(r"https?://\S+/account/activate/\S+/", body).group(0)
    assert link.startswith(live_server.url)  # the address the portal serves, not PORTAL_BASE_URL's default
    page.goto(re.sub(r"^https?://[^/]+", live_server.url, link))

    # Activated and signed in: 主体信息, still a draft.
    page.wait_for_url("**/account/entity/")
    expect(page.get_by_role("status")).to_contain_text("账号已激活")
    assert User.objects.get(username="xinghe").is_active
    page.get_by_role("link", name="填报主体信息").click()
    page.wait_for_url("**/account/entity/edit/")
    for section in ("主体基本信息", "证件信息", "法定代表人信息", "算法安全责任人信息", "附件"):
        expect(page.get_by_role("group", name=section)).to_be_visible()
    # What registration captured is already there.
    expect(_label(page, "主体名称")).to_have_value("北京星河智联科技有限公司")
    expect(_label(page, "统一社会信用代码")).to_have_value(uscc)
    expect(_label(page, "统一社会信用代码")).to_be_disabled()

    _fill_entity_form(page)

    # ENT-02: the commitment letter comes as a PDF pre-filled with the entity's name.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="《算法备案承诺书》模板").click()
    download = download_info.value
    assert download.suggested_filename == "算法备案承诺书.pdf"
    letter = tmp_path / "commitment_letter.pdf"
    download.save_as(letter)
    assert letter.read_bytes().startswith(b"%PDF-")
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(letter), "-"], capture_output=True, check=True)
    assert "北京星河智联科技有限公司" in text.stdout.decode()
    # Downloading is not leaving: no unsaved-changes warning, nothing typed is lost.
    assert dialogs == [] and page.url.endswith("/account/entity/edit/")
    expect(_label(page, "法定代表人证件号码")).to_have_value(LEGAL_REP_ID)

    for label, path in _scans(tmp_path).items():
        _label(page, label).set_input_files(path)
    _shot(page, "entity-form", screenshot_dir)

    page.get_by_role("button", name="保存并提交审核").click()
    page.wait_for_url("**/account/entity/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("已提交")
    expect(page.get_by_role("status")).to_contain_text("主体信息已提交审核")
    _shot(page, "entity-submitted", screenshot_dir)
    assert dialogs == [], "saving asked whether to leave the page"

    entity = Entity.objects.get(uscc=uscc)
    assert entity.state == "submitted"
    assert entity.region_code == "110108"
    assert entity.legal_rep_id_number == LEGAL_REP_ID and entity.officer_id_number == OFFICER_ID
    for name in Entity.ATTACHMENT_FIELDS:
        assert getattr(entity, name) is not None, name
    attachments = page.get_by_role("region", name="附件")
    for number in range(1, len(ATTACHMENTS) + 1):
        expect(attachments.get_by_role("link", name=f"scan-{number}.pdf")).to_be_visible()


def test_ent_01_a_province_chosen_before_the_region_list_arrives_still_gets_its_cities(page):
    """ENT-01: on a slow connection the cascade catches up with a choice made before its data came."""
    _login(page, FilerFactory())  # registered in 北京市: the page comes with Beijing's cities
    held = []
    page.route("**/regions.json", lambda route: held.append(route))
    page.goto("/account/entity/edit/")
    for _ in range(50):  # the route handler runs when Playwright next hears from the browser
        if held:
            break
        page.wait_for_timeout(100)
    assert len(held) == 1, "the page did not ask for the region list"
    _label(page, "注册地（省）").select_option(label="广东省")
    held[0].continue_()  # the list arrives after the choice
    city = _label(page, "注册地（市）")
    expect(city.locator("option", has_text="广州市")).to_be_attached()
    expect(city.locator("option", has_text="市辖区")).to_have_count(0)
    expect(city).to_have_value("")
    city.select_option(label="深圳市")
    district = _label(page, "注册地（区县）")
    expect(district.locator("option", has_text="南山区")).to_be_attached(timeout=15_000)
    expect(district.locator("option", has_text="海淀区")).to_have_count(0)


def test_acc_03_a_bad_uscc_is_explained_at_its_field_and_the_rest_is_kept(page, screenshot_dir):
    """ACC-03: a wrong check character is named at the USCC field; everything else typed stays."""
    good = valid_uscc(777)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    page.goto("/account/register/")
    typed = _fill_registration(page, uscc=bad)
    page.get_by_role("button", name="注册").click()
    summary = page.locator(".form-errors")
    expect(summary).to_contain_text("有内容填写不正确")
    expect(summary.get_by_role("link")).to_have_text(["统一社会信用代码"])

    uscc = _label(page, "统一社会信用代码")
    expect(_field(page, "uscc").get_by_role("alert")).to_contain_text("校验位")
    expect(uscc).to_have_accessible_description(re.compile("校验位"))
    for label, value in typed.items():
        expect(_label(page, label)).to_have_value(value)
    # Only the USCC is wrong: no other field carries a message.
    expect(page.locator(".field-error")).to_have_count(1)
    _shot(page, "register-error", screenshot_dir)
    assert not User.objects.filter(username="xinghe").exists()


def test_acc_02_a_second_account_for_the_same_uscc_is_refused_at_the_field(page):
    """ACC-02: one account per entity; the USCC field says it is already registered."""
    existing = FilerFactory()
    page.goto("/account/register/")
    typed = _fill_registration(page, uscc=existing.entity.uscc, username="another")
    page.get_by_role("button", name="注册").click()

    expect(_field(page, "uscc").get_by_role("alert")).to_contain_text("已注册账号")
    expect(_label(page, "统一社会信用代码")).to_have_accessible_description(re.compile("已注册账号"))
    for label, value in typed.items():
        expect(_label(page, label)).to_have_value(value)
    assert Entity.objects.filter(uscc=existing.entity.uscc).count() == 1
    assert not User.objects.filter(username="another").exists()


def test_acc_03_ent_01_a_bad_resident_id_is_explained_at_its_field_and_uploads_are_kept(
    page, tmp_path, screenshot_dir
):
    """ACC-03, ENT-01: a bad 法定代表人证件号码 gets its message there; typed fields and uploads stay."""
    _accept_dialogs(page)
    filer = FilerFactory()
    _login(page, filer)
    page.goto("/account/entity/edit/")
    _fill_entity_form(page)
    bad_id = LEGAL_REP_ID[:-1] + "3"  # wrong check digit
    _label(page, "法定代表人证件号码").fill(bad_id)
    scans = _scans(tmp_path)
    _label(page, "算法备案承诺书").set_input_files(scans["算法备案承诺书"])
    _label(page, "营业执照彩色扫描件").set_input_files(scans["营业执照彩色扫描件"])
    page.get_by_role("button", name="保存", exact=True).click()

    id_number = _label(page, "法定代表人证件号码")
    expect(_field(page, "legal_rep_id_number").get_by_role("alert")).to_contain_text("法定代表人证件号码")
    expect(_field(page, "legal_rep_id_number").get_by_role("alert")).to_contain_text("校验位")
    expect(id_number).to_have_accessible_description(re.compile("校验位"))
    expect(id_number).to_have_value(bad_id)  # kept, to correct rather than retype
    expect(page.locator(".messages").get_by_role("alert")).to_contain_text("已按您填写的原样保留为草稿")
    expect(page.locator(".messages").get_by_role("alert")).to_contain_text("法定代表人证件号码")
    expect(page.locator(".field-error")).to_have_count(1)
    # The form is long: the summary at the top leads to the field.
    page.evaluate("window.scrollTo(0, 0)")
    page.locator(".form-errors").get_by_role("link", name="法定代表人证件号码").click()
    expect(id_number).to_be_in_viewport()

    # The rest of the form is as typed, the cascade included.
    expect(_label(page, "注册地（省）")).to_have_value("110000")
    expect(_label(page, "注册地（市）")).to_have_value("110100")
    expect(_label(page, "注册地（区县）")).to_have_value("110108")
    expect(_label(page, "算法安全责任人证件号码")).to_have_value(OFFICER_ID)
    expect(_label(page, "法定代表人电子邮箱")).to_have_value("wangming@xinghe.example.cn")
    # The files uploaded in the rejected submit are still attached.
    expect(_field(page, "commitment_letter")).to_contain_text("已上传：scan-2.pdf")
    expect(_field(page, "business_licence_scan")).to_contain_text("已上传：scan-4.pdf")
    expect(_field(page, "icp_proof")).not_to_contain_text("已上传")
    _shot(page, "entity-error-id", screenshot_dir)

    # REL-03: leaving the page loses nothing — coming back shows everything, the bad field as typed.
    page.goto("/account/entity/")
    page.goto("/account/entity/edit/")
    id_number = _label(page, "法定代表人证件号码")
    expect(id_number).to_have_value(bad_id)
    expect(_field(page, "legal_rep_id_number").get_by_role("alert")).to_contain_text("校验位")
    expect(_label(page, "注册地（区县）")).to_have_value("110108")
    expect(_label(page, "算法安全责任人证件号码")).to_have_value(OFFICER_ID)
    expect(_field(page, "commitment_letter")).to_contain_text("scan-2.pdf")
    expect(_field(page, "business_licence_scan")).to_contain_text("scan-4.pdf")

    # Corrected and saved: the earlier uploads were not lost on the way.
    id_number.fill(LEGAL_REP_ID)
    page.get_by_role("button", name="保存", exact=True).click()
    page.wait_for_url("**/account/entity/")  # not …/#field-…: the summary's link is not carried along
    entity = Entity.objects.get(pk=filer.entity_id)
    assert entity.legal_rep_id_number == LEGAL_REP_ID and entity.region_code == "110108"
    assert entity.commitment_letter.original_name == "scan-2.pdf"
    assert entity.business_licence_scan.original_name == "scan-4.pdf"


def test_ent_02_a_program_renamed_pdf_is_refused_at_its_field(page, tmp_path, screenshot_dir):
    """ENT-02: the upload's content decides, not its name; the message is at the field."""
    _accept_dialogs(page)
    filer = FilerFactory()
    _login(page, filer)
    page.goto("/account/entity/edit/")
    _label(page, "法定代表人姓名").fill("王明")
    _label(page, "法定代表人证件号码").fill(LEGAL_REP_ID)
    fake = tmp_path / "承诺书.pdf"
    fake.write_bytes(b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64)
    scans = _scans(tmp_path)
    _label(page, "算法备案承诺书").set_input_files(str(fake))
    _label(page, "ICP备案证明或ICP经营许可证").set_input_files(scans["ICP备案证明或ICP经营许可证"])
    page.get_by_role("button", name="保存", exact=True).click()

    message = _field(page, "commitment_letter").get_by_role("alert")
    expect(message).to_contain_text("只能上传PDF、JPG或PNG文件")
    expect(message).to_contain_text("承诺书.pdf")
    expect(_label(page, "算法备案承诺书")).to_have_accessible_description(
        re.compile("只能上传PDF、JPG或PNG文件")
    )
    expect(_field(page, "commitment_letter")).not_to_contain_text("已上传")
    expect(page.locator(".field-error")).to_have_count(1)
    expect(_label(page, "法定代表人姓名")).to_have_value("王明")
    expect(_label(page, "法定代表人证件号码")).to_have_value(LEGAL_REP_ID)
    expect(_field(page, "icp_proof")).to_contain_text("已上传：scan-5.pdf")
    _shot(page, "entity-error-upload", screenshot_dir)
    assert Entity.objects.get(pk=filer.entity_id).commitment_letter is None


def test_acc_05_the_nickname_menu_holds_entity_password_and_logout(page, screenshot_dir):
    """ACC-05: the menu at the top right opens on the nickname (主体信息, 草稿箱, 修改密码, 退出)."""
    filer = FilerFactory()
    _login(page, filer)
    menu = page.locator("header details.user-menu")
    expect(menu.get_by_role("link", name="主体信息")).to_be_hidden()
    menu.get_by_text(filer.entity.name).click()
    for name in ("主体信息", "草稿箱", "修改密码"):
        expect(menu.get_by_role("link", name=name)).to_be_visible()
    expect(menu.get_by_role("button", name="退出")).to_be_visible()
    _shot(page, "user-menu", screenshot_dir)

    menu.get_by_role("link", name="主体信息").click()
    page.wait_for_url("**/account/entity/")
    menu.get_by_text(filer.entity.name).click()
    menu.get_by_role("link", name="修改密码").click()
    page.wait_for_url("**/account/password/")
    menu.get_by_text(filer.entity.name).click()
    menu.get_by_role("button", name="退出").click()
    expect(page.locator("details.user-menu")).to_have_count(0)
    expect(page.get_by_role("link", name="填报人员入口 / 登录")).to_be_visible()
    page.goto("/account/entity/")
    page.wait_for_url(re.compile(r"/account/login/\?next="))


def test_ent_01_personal_numbers_are_masked_on_the_page_and_whole_in_the_form(page, screenshot_dir):
    """ENT-01 (ACC-03): ID and mobile numbers show masked on 主体信息, whole only where they are edited."""
    filer = FilerFactory(
        entity__legal_rep_name="王明",
        entity__legal_rep_id_number=LEGAL_REP_ID,
        entity__legal_rep_mobile="13812345678",
        entity__officer_id_number=OFFICER_ID,
    )
    _login(page, filer)
    page.goto("/account/entity/")
    main = page.get_by_role("main")
    expect(main).to_contain_text("1101**********002X")
    expect(main).to_contain_text("1101**********1233")
    expect(main).to_contain_text("138****5678")
    for whole in (LEGAL_REP_ID, OFFICER_ID, "13812345678"):
        expect(main).not_to_contain_text(whole)
    _shot(page, "entity-detail-masked", screenshot_dir)

    page.get_by_role("link", name="填报主体信息").click()
    page.wait_for_url("**/account/entity/edit/")
    expect(_label(page, "法定代表人证件号码")).to_have_value(LEGAL_REP_ID)
    expect(_label(page, "算法安全责任人证件号码")).to_have_value(OFFICER_ID)
    expect(_label(page, "法定代表人手机号码")).to_have_value("13812345678")


def test_ent_01_the_entity_form_fits_a_phone(page, screenshot_dir):
    """ENT-01: the whole 主体信息 form is usable on a phone, with no sideways scrolling."""
    filer = FilerFactory(entity__name="中国互联网络信息服务示范科技股份有限公司北京海淀分公司")  # a long name
    page.set_viewport_size(PHONE)
    _login(page, filer)
    page.goto("/account/entity/edit/")
    expect(page.get_by_role("group", name="附件")).to_be_visible()
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= PHONE["width"], f"the entity form scrolls sideways on a phone ({scroll_width}px)"
    expect(page.get_by_role("button", name="保存并提交审核")).to_be_visible()
    _shot(page, "entity-form-phone", screenshot_dir)
    page.goto("/account/entity/")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    _shot(page, "entity-detail-phone", screenshot_dir)


def test_ent_01_contact_website_icp_and_licence_validity_on_a_phone(page, screenshot_dir):
    """ENT-01: the 联系人, website and ICP number are filled on a phone; a licence whose validity has
    ended is refused at its field, in Chinese, and the rest is kept."""
    filer = FilerFactory()
    page.set_viewport_size(PHONE)
    _login(page, filer)
    page.goto("/account/entity/edit/")
    contact = page.get_by_role("group", name="联系人信息")
    expect(contact).to_be_visible()
    _label(page, "主体网站").fill("https://www.xinghe.example.cn")
    _label(page, "联系人姓名").fill("赵敏")
    _label(page, "联系人手机号码").fill("13712345678")
    _label(page, "联系人电子邮箱").fill("zhaomin@xinghe.example.cn")
    _label(page, "所属行业").select_option(label="公共管理、社会保障和社会组织")
    _label(page, "ICP证明类型").select_option(label="ICP备案")
    _label(page, "ICP备案号或许可证编号").fill("京ICP备12345678号-1")
    _label(page, "证件有效期起").fill("2015-03-01")
    _label(page, "证件有效期止").fill("2020-02-29")  # ended
    _shot(page, "entity-materials-phone-filled", screenshot_dir)
    with page.expect_navigation():
        page.get_by_role("button", name="保存", exact=True).click()
    expect(_field(page, "certificate_valid_to")).to_contain_text("证件已过有效期")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    _field(page, "certificate_valid_to").scroll_into_view_if_needed()
    if screenshot_dir:  # the viewport at the refused field, as the filer sees it
        page.screenshot(path=f"{screenshot_dir}/entity-materials-phone-expired.png")
    expect(_label(page, "联系人手机号码")).to_have_value("13712345678")

    entity = Entity.objects.get(pk=filer.entity_id)
    assert (entity.contact_name, entity.contact_mobile, entity.website) == (
        "赵敏",
        "13712345678",
        "https://www.xinghe.example.cn",
    )
    assert (entity.industry, entity.icp_kind, entity.icp_number) == ("S", "filing", "京ICP备12345678号-1")
    assert entity.certificate_valid_to is None  # refused, kept as typed for the filer to correct

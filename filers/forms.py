from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from beian.input_fields import id_parse
from beian.regions import regions

from .models import Attachment, AttachmentKind, Entity, User
from .services import DUPLICATE_USCC, REQUIRED_FIELDS, account_awaiting_activation, attachment_store
from .validators import validate_mobile, validate_uscc


class RegistrationForm(forms.Form):
    """ACC-01: the registration page reached from 填报人员入口."""

    entity_name = forms.CharField(
        label=_("主体名称"), max_length=200, help_text=_("与营业执照等证件上的名称一致")
    )
    uscc = forms.CharField(label=_("统一社会信用代码"), max_length=18, help_text=_("18位，见营业执照"))
    address = forms.CharField(label=_("注册地址"), max_length=300)
    legal_rep_name = forms.CharField(label=_("法定代表人"), max_length=50)
    username = forms.RegexField(
        label=_("登录名"),
        max_length=30,
        min_length=4,
        regex=r"^[A-Za-z][A-Za-z0-9_]{3,29}$",
        error_messages={"invalid": _("登录名须以字母开头，由4至30位字母、数字或下划线组成。")},
    )
    password1 = forms.CharField(label=_("密码"), widget=forms.PasswordInput(render_value=False), strip=False)
    password2 = forms.CharField(
        label=_("确认密码"), widget=forms.PasswordInput(render_value=False), strip=False
    )
    email = forms.EmailField(label=_("联系邮箱"), help_text=_("激活链接将发送到此邮箱"))
    mobile = forms.CharField(label=_("联系手机"), max_length=13)

    def clean_uscc(self) -> str:
        value = validate_uscc(self.cleaned_data["uscc"])
        if Entity.objects.filter(uscc=value).exists():
            raise ValidationError(DUPLICATE_USCC, code="duplicate_uscc")
        return value

    def clean_username(self) -> str:
        value = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=value).exists():
            raise ValidationError(_("该登录名已被使用，请换一个。"), code="duplicate_username")
        return value

    def clean_mobile(self) -> str:
        return validate_mobile(self.cleaned_data["mobile"], label=str(_("联系手机")))

    def clean(self):
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("两次输入的密码不一致。"))
        if p1:
            try:
                validate_password(p1, User(username=data.get("username", ""), email=data.get("email", "")))
            except ValidationError as exc:
                self.add_error("password1", exc)
        return data


def _region_choices(level: str, parent: str = "") -> list[tuple[str, str]]:
    items = regions().values()
    if level == "province":
        found = [r for r in items if r.level == "province"]
    elif level == "prefecture":
        found = [r for r in items if r.level == "prefecture" and r.code[:2] == parent[:2]]
    else:
        found = [r for r in items if r.level == "county" and r.code[:4] == parent[:4]]
        if not found and parent in regions():
            found = [regions()[parent]]  # a prefecture-level city without districts (东莞市, 中山市)
    return [("", _("请选择"))] + [(r.code, r.name) for r in sorted(found, key=lambda r: r.code)]


class EntityForm(forms.ModelForm):
    """ENT-01: 主体信息 in its four sections; attachments (ENT-02) are stored as soon as they arrive."""

    SECTIONS = (
        (
            _("主体基本信息"),
            ("name", "entity_type", "province", "city", "region_code", "address", "industry", "website"),
        ),
        (
            _("证件信息"),
            ("certificate_type", "uscc_display", "certificate_valid_from", "certificate_valid_to"),
        ),
        (
            _("法定代表人信息"),
            (
                "legal_rep_name",
                "legal_rep_id_type",
                "legal_rep_id_number",
                "legal_rep_mobile",
                "legal_rep_email",
            ),
        ),
        (
            _("算法安全责任人信息"),
            (
                "officer_name",
                "officer_position",
                "officer_id_type",
                "officer_id_number",
                "officer_mobile",
                "officer_email",
                "officer_proof",
            ),
        ),
        (_("联系人信息"), ("contact_name", "contact_mobile", "contact_email")),
        (
            _("附件"),
            (
                "commitment_letter",
                "responsibility_statement",
                "business_licence_scan",
                # The ICP proof's kind and number, beside its upload.
                "icp_kind",
                "icp_number",
                "icp_proof",
            ),
        ),
    )

    province = forms.ChoiceField(label=_("注册地（省）"), required=False)
    city = forms.ChoiceField(label=_("注册地（市）"), required=False)
    region_code = forms.ChoiceField(
        label=_("注册地（区县）"),
        required=False,
        error_messages={"invalid_choice": _("请选择注册地所在的区县。")},
    )
    website = forms.URLField(
        label=Entity._meta.get_field("website").verbose_name,
        help_text=Entity._meta.get_field("website").help_text,
        max_length=300,
        required=False,
        assume_scheme="https",  # "www.example.cn" is taken as https://www.example.cn
        error_messages={"invalid": _("主体网站应为完整网址，如https://www.example.cn。")},
        widget=forms.URLInput(attrs={"inputmode": "url", "placeholder": "https://"}),
    )
    uscc_display = forms.CharField(label=_("统一社会信用代码"), required=False, disabled=True)
    # REL-03: the version of 主体信息 this page was made from.
    version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    class Meta:
        model = Entity
        fields = list(Entity.EDITABLE_FIELDS)
        widgets = {
            "certificate_valid_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "certificate_valid_to": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "legal_rep_mobile": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            "officer_mobile": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            "contact_mobile": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        }

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        entity: Entity = self.instance
        # Nothing is required to save a draft; completeness is checked at submission (ENT-04).
        for field in self.fields.values():
            field.required = False
            choices = getattr(field, "choices", None)
            if choices and list(choices)[0][0] == "":
                field.choices = [("", _("请选择")), *list(choices)[1:]]
        code = (self.data.get("region_code") if self.is_bound else entity.region_code) or ""
        province = (self.data.get("province") if self.is_bound else "") or (code[:2] + "0000" if code else "")
        city = (self.data.get("city") if self.is_bound else "") or (code[:4] + "00" if code else "")
        self.fields["province"].choices = _region_choices("province")
        self.fields["city"].choices = (
            _region_choices("prefecture", province) if province else [("", _("请选择"))]
        )
        self.fields["region_code"].choices = _region_choices("county", city) if city else [("", _("请选择"))]
        if not self.is_bound:
            self.initial.update({"province": province, "city": city})
        self.initial["uscc_display"] = entity.uscc
        self.initial.setdefault("version", entity.version)
        self.pending: dict[str, Attachment] = {}
        for name in Entity.ATTACHMENT_FIELDS:
            kind = AttachmentKind(name)
            self.fields[name] = forms.FileField(
                label=kind.label,
                required=False,
                help_text=_("PDF、JPG或PNG，不超过20 MB"),
                widget=forms.ClearableFileInput(
                    attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/*"}
                ),
            )

    def clean_region_code(self) -> str:
        return self.cleaned_data.get("region_code") or ""

    def clean(self):
        data = super().clean()
        self.pending = uploads_take(self, Entity.ATTACHMENT_FIELDS, entity=self.instance, actor=self.actor)
        return data

    def attachment_of(self, name: str) -> Attachment | None:
        """What the page shows as attached: this round's upload, else the saved one."""
        return self.pending.get(name) or getattr(self.instance, name)

    def sections(self):
        """(title, rows) for the page; a row is a bound field and, for an upload, what is attached."""
        for title, names in self.SECTIONS:
            rows = []
            for name in names:
                is_file = name in Entity.ATTACHMENT_FIELDS
                rows.append(
                    {
                        "field": self[name],
                        "is_file": is_file,
                        "attachment": self.attachment_of(name) if is_file else None,
                        # Marked as needed for submission, though a draft saves without it.
                        "required": name in REQUIRED_FIELDS or name in ("province", "city"),
                    }
                )
            yield title, rows


def uploads_take(form: forms.Form, names, *, entity: Entity, actor) -> dict[str, Attachment]:
    """The uploads of a page with file fields `names` (attachment kinds), for a form's clean(): each new
    file is checked and stored at once, so a page refused for another field keeps it (its id comes back in
    a hidden input, `<name>_pending`); a bad file is an error at its field. Of a kept id only the entity's
    own upload of that kind counts: a malformed id, another entity's upload and one that does not exist
    are all simply not attached, alike, so ids cannot be probed (SEC-05)."""
    taken: dict[str, Attachment] = {}
    for name in names:
        uploaded = form.files.get(name)
        if uploaded:
            try:
                taken[name] = attachment_store(entity=entity, kind=name, uploaded=uploaded, actor=actor)
            except ValidationError as exc:
                form.add_error(name, exc)
            continue
        try:
            pk = id_parse(form.data.get(f"{name}_pending") or "")
        except ValidationError:
            continue
        kept = Attachment.objects.filter(pk=pk, entity=entity, kind=name).first()
        if kept is not None:
            taken[name] = kept
    return taken


def entity_form_data(entity: Entity) -> dict:
    """The 主体信息 form bound to what is saved, with each field kept as a draft (REL-03) shown as typed:
    binding it marks those fields with their errors again."""
    from django.forms.models import model_to_dict

    values = model_to_dict(entity, fields=list(Entity.EDITABLE_FIELDS))
    data = {
        name: "" if value is None else (value.isoformat() if hasattr(value, "isoformat") else value)
        for name, value in values.items()
    }
    data.update(entity.draft_input or {})
    code = data.get("region_code") or ""
    data.update({"province": code[:2] + "0000" if code else "", "city": code[:4] + "00" if code else ""})
    data["version"] = entity.version
    return data


class LoginForm(AuthenticationForm):
    """The login page's form: an account that was never activated is told so, with the way to resend
    the mail, and the attempt is not a failure for the lockout (ACC-01, ACC-04)."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "awaiting_activation": _("账号尚未激活，请先点击激活邮件中的链接。"),
    }

    awaiting_activation = False

    def clean(self):
        username, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
        if account_awaiting_activation(request=self.request, username=username, password=password):
            self.awaiting_activation = True
            # Raised before authenticate(): no user_login_failed signal, so axes counts nothing.
            raise ValidationError(self.error_messages["awaiting_activation"], code="awaiting_activation")
        return super().clean()


class ActivationResendForm(forms.Form):
    login = forms.CharField(label=_("登录名或联系邮箱"), max_length=254)

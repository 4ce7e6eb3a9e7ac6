from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from beian.concurrency import EditGuard
from beian.input_fields import MAX_ID, TextListField
from filers.forms import uploads_take
from filers.models import IMAGE_KINDS, Attachment, AttachmentKind

from .models import Audience, Function, Product, ServiceForm, ServiceStatus
from .services import DESCRIPTION_LIMIT, FUNCTION_FIELDS


class ProductForm(EditGuard):
    """PRD-02. Field rules live in products.services.product_validate; errors come back to these fields."""

    name = forms.CharField(label=_("产品名称"), max_length=100)
    service_forms = forms.MultipleChoiceField(
        label=_("服务形式"),
        choices=ServiceForm.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("可多选"),
    )
    url = forms.CharField(
        label=_("访问地址"),
        max_length=300,
        required=False,
        help_text=_("网站、小程序等的访问网址，以http://或https://开头"),
    )
    app_store = forms.CharField(
        label=_("应用商店"), max_length=50, required=False, help_text=_("APP所在的应用商店，如：华为应用市场")
    )
    app_package = forms.CharField(
        label=_("APP包名"), max_length=150, required=False, help_text=_("如：com.example.app")
    )
    download_url = forms.CharField(
        label=_("下载链接"),
        max_length=300,
        required=False,
        help_text=_("APP的下载网址（应用商店页面或官方下载页），以http://或https://开头"),
    )
    positioning = forms.CharField(
        label=_("产品定位"),
        required=False,
        max_length=DESCRIPTION_LIMIT,
        help_text=_("产品是什么、提供什么服务"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    features = forms.CharField(
        label=_("功能特点"),
        required=False,
        max_length=DESCRIPTION_LIMIT,
        help_text=_("主要功能及其特点"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    user_groups = forms.CharField(
        label=_("用户群体"),
        required=False,
        max_length=DESCRIPTION_LIMIT,
        help_text=_("面向哪些用户，是否面向未成年人"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    service_status = forms.ChoiceField(label=_("服务状态"), choices=ServiceStatus.choices)
    start_date = forms.DateField(
        label=_("服务开始日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    end_date = forms.DateField(
        label=_("服务终止日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    audience = forms.ChoiceField(label=_("服务对象"), choices=Audience.choices)
    # The largest count the database stores (a 20-digit count overflowed it: a 500, SEC-05).
    registered_users = forms.IntegerField(
        label=_("注册用户数"), required=False, min_value=0, max_value=MAX_ID
    )
    monthly_active_users = forms.IntegerField(
        label=_("月活跃用户数"), required=False, min_value=0, max_value=MAX_ID
    )
    key_data_note = forms.CharField(
        label=_("其他关键运营数据"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, entity=None, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.entity, self.actor = entity, actor
        self.pending: dict[str, Attachment] = {}
        for name in Product.ATTACHMENT_FIELDS:
            images = name in IMAGE_KINDS
            self.fields[name] = forms.FileField(
                label=AttachmentKind(name).label,
                required=False,
                help_text=(
                    _("服务形式包含网站的，提交审核前须上传。JPG或PNG图片，不超过20 MB")
                    if images
                    else _("服务形式包含网站的，提交审核前须上传。PDF、JPG或PNG，不超过20 MB")
                ),
            )

    def clean(self):
        data = super().clean()
        # As on 主体信息: stored at once, kept across a refused page. No upload and none kept: what is
        # saved stays (the field is left out of the data).
        for name in Product.ATTACHMENT_FIELDS:
            data.pop(name, None)
        self.pending = uploads_take(self, Product.ATTACHMENT_FIELDS, entity=self.entity, actor=self.actor)
        data.update(self.pending)
        return data

    def attachment_of(self, name: str, product: Product | None) -> Attachment | None:
        """What the page shows as attached: this round's upload, else the saved one."""
        return self.pending.get(name) or (getattr(product, name) if product else None)

    def apply_errors(self, exc) -> None:
        for field, messages in exc.message_dict.items():
            self.add_error(field if field in self.fields else None, messages)


class FunctionForm(EditGuard, forms.ModelForm):
    """PRD-04."""

    class Meta:
        model = Function
        fields = list(FUNCTION_FIELDS)
        widgets = {
            "applied_where": forms.Textarea(attrs={"rows": 3}),
            "implementation": forms.Textarea(attrs={"rows": 3}),
            "business_effect": forms.Textarea(attrs={"rows": 3}),
        }


class PathStepsForm(EditGuard):
    """PRD-03: the steps as typed, in order. The service normalises and limits them (each at most 50
    characters, at most 10); this refuses what no database holds (NUL) before it gets there (SEC-05)."""

    steps = TextListField(label=_("访问路径"), required=False, max_count=100)

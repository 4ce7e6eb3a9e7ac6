"""RPT-01: the forms of the report pages. They carry what was typed to the services, which decide; the
limits here only make the page say them (ALG-13): a longer text is refused by the service, never cut."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from review.numbers import NUMBER_MAX_LENGTH

from .models import (
    DESCRIPTION_MAX,
    FILER_MESSAGE_MAX,
    NOTE_MAX,
    PUBLIC_OUTCOME_MAX,
    SEEN_URL_MAX,
    SEEN_WHERE_MAX,
    ReportCategory,
    ReportOutcome,
)
from .transitions import ReportAction

# A bound a browser cannot exceed by accident and a robot gets a 400 beyond (SEC-05); the shown limits are
# the services'.
HARD_MAX = 20_000


def _counted(limit: int, rows: int | None = None) -> forms.Widget:
    # The counter under the field is named by the include (reports/includes/field.html): id_<name>_count.
    attrs = {"data-limit": str(limit)}
    return forms.Textarea(attrs={**attrs, "rows": str(rows)}) if rows else forms.TextInput(attrs=attrs)


class CountedForm(forms.Form):
    """Each field with a limit names its counter for screen readers (ALG-13)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if "data-limit" in field.widget.attrs:
                helped = f" id_{name}_helptext" if field.help_text else ""
                field.widget.attrs["aria-describedby"] = f"id_{name}_count{helped}"

    def limit_of(self, name: str) -> int:
        return int(self.fields[name].widget.attrs.get("data-limit", 0))


class HoneypotMixin(CountedForm):
    # Hidden from people by CSS (no inline style: CSP) and from screen readers; robots fill every field.
    website = forms.CharField(label=_("请勿填写此项"), required=False, max_length=HARD_MAX)


class FilingReportForm(HoneypotMixin):
    category = forms.ChoiceField(label=_("问题类别"), choices=ReportCategory.choices)
    description = forms.CharField(
        label=_("问题描述"), max_length=HARD_MAX, widget=_counted(DESCRIPTION_MAX, rows=6)
    )
    email = forms.EmailField(
        label=_("联系邮箱（选填）"),
        required=False,
        max_length=254,
        help_text=_("填写后，我们会发送一封确认邮件，您点击其中的链接后报告才会提交；邮箱不会公开。"),
    )


class NumberReportForm(HoneypotMixin):
    number = forms.CharField(label=_("备案编号"), max_length=NUMBER_MAX_LENGTH)
    seen_where = forms.CharField(
        label=_("应用或网站名称"),
        required=False,
        max_length=HARD_MAX,
        widget=_counted(SEEN_WHERE_MAX),
        help_text=_("名称和网址至少填写一项。"),
    )
    seen_url = forms.CharField(
        label=_("网址（选填）"), required=False, max_length=HARD_MAX, widget=_counted(SEEN_URL_MAX)
    )
    description = forms.CharField(
        label=_("补充说明（选填）"),
        required=False,
        max_length=HARD_MAX,
        widget=_counted(DESCRIPTION_MAX, rows=4),
    )
    screenshot = forms.FileField(
        label=_("截图（选填）"),
        required=False,
        help_text=_("JPG或PNG图片，不超过20 MB。"),
        widget=forms.ClearableFileInput(attrs={"accept": ".jpg,.jpeg,.png,image/jpeg,image/png"}),
    )
    email = FilingReportForm.base_fields["email"]


class ReportLookupForm(forms.Form):
    code = forms.CharField(label=_("查询码"), max_length=40)


class ReportActForm(CountedForm):
    action = forms.ChoiceField(
        label=_("操作"),
        choices=[(a, a.label) for a in (ReportAction.TAKE, ReportAction.RELEASE, ReportAction.CLOSE)],
    )
    outcome = forms.ChoiceField(
        label=_("处理结果"), required=False, choices=[("", "—"), *ReportOutcome.choices]
    )
    public_outcome = forms.CharField(
        label=_("公开的处理说明（选填，报告人凭查询码可见）"),
        required=False,
        max_length=HARD_MAX,
        widget=_counted(PUBLIC_OUTCOME_MAX, rows=3),
    )
    filer_message = forms.CharField(
        label=_("告知备案主体的内容（选填，只有填写时才会告知）"),
        required=False,
        max_length=HARD_MAX,
        widget=_counted(FILER_MESSAGE_MAX, rows=3),
    )
    note = forms.CharField(
        label=_("内部备注（选填）"), required=False, max_length=HARD_MAX, widget=_counted(NOTE_MAX, rows=2)
    )

"""The public search's query (PUB-01, PUB-02), for the search page and the open-data API alike (SEC-05):
every parameter is checked here, and a bad one is a 400 that names it."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from algorithms.models import AlgorithmType, Role
from beian.input_fields import IdApiField, MomentApiField, YearApiField, YearField
from beian.regions import province_parse
from review.numbers import NUMBER_MAX_LENGTH

from .models import PublicState
from .models_lists import ListBatch, ListKind

SORTS = (("relevance", _("相关度")), ("date", _("备案日期")))
QUERY_MAX_LENGTH = 100  # as the search box says (maxlength)


class PublicSearchForm(forms.Form):
    """The search page's box and filters."""

    q = forms.CharField(label=_("主体名称或备案编号"), required=False, max_length=QUERY_MAX_LENGTH)
    type = forms.ChoiceField(label=_("算法类型"), required=False, choices=AlgorithmType.choices)
    role = forms.ChoiceField(label=_("角色"), required=False, choices=Role.choices)
    province = forms.CharField(label=_("省份"), required=False, max_length=6)
    state = forms.ChoiceField(label=_("状态"), required=False, choices=PublicState.choices)
    year = YearField(label=_("备案年份"), required=False)
    sort = forms.ChoiceField(label=_("排序"), required=False, choices=SORTS)

    def clean_province(self) -> str:
        value = self.cleaned_data["province"]
        return province_parse(value) if value else ""

    def search_arguments(self) -> dict:
        """The cleaned query as public_search's keyword arguments."""
        data = self.cleaned_data
        return {
            "q": data["q"],
            "algo_type": data["type"],
            "role": data["role"],
            "province": data["province"],
            "state": data["state"],
            "year": data["year"],
            "sort": data["sort"] or "relevance",
        }


@extend_schema_field({"type": "string", "pattern": "^[0-9]{2}([0-9]{4})?$"})
class ProvinceApiField(serializers.CharField):
    def to_internal_value(self, data) -> str:
        value = super().to_internal_value(data)
        try:
            return province_parse(value) if value else ""
        except ValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None


class PublicFilingQuerySerializer(serializers.Serializer):
    """The open-data search's query string: the search page's filters, or the sync cursor."""

    q = serializers.CharField(
        required=False,
        default="",
        allow_blank=True,
        max_length=QUERY_MAX_LENGTH,
        help_text="主体名称（部分）或备案编号",
    )
    type = serializers.ChoiceField(
        required=False, default="", allow_blank=True, choices=AlgorithmType.choices
    )
    role = serializers.ChoiceField(required=False, default="", allow_blank=True, choices=Role.choices)
    province = ProvinceApiField(
        required=False, default="", allow_blank=True, help_text="省级行政区划代码，如11"
    )
    state = serializers.ChoiceField(required=False, default="", allow_blank=True, choices=PublicState.choices)
    year = YearApiField(required=False, default=None, help_text="首次备案通过的年份，2022年起")
    sort = serializers.ChoiceField(required=False, default="relevance", choices=[k for k, _label in SORTS])
    modified_since = MomentApiField(
        required=False,
        default=None,
        help_text="ISO 8601 (2022 to a day from now; without an offset, Beijing time): filings changed at or "
        "after this moment, oldest change first. Follow `next` to go on: it carries the last row's change "
        "time and id (a keyset cursor, as fast on the last page as on the first); keep the last `changed_at` "
        "and `id` to resume later.",
    )
    after_id = IdApiField(
        required=False, default=None, help_text="with modified_since: after this id at that moment"
    )
    page = serializers.IntegerField(required=False, min_value=1, help_text="search results: the page, from 1")
    page_size = serializers.IntegerField(
        required=False, min_value=1, max_value=500, help_text="1–500, 50 by default"
    )


class NumberCheckForm(forms.Form):
    """NUM-04: whatever a reader copied from an app, up to the length the box takes."""

    number = forms.CharField(label=_("备案编号"), required=False, max_length=NUMBER_MAX_LENGTH)


# --- Published lists (PUB-05) -----------------------------------------------------------------------

# The two lists the CAC publishes: 境内互联网信息服务 (every type but 生成合成类) and 境内深度合成服务.
KIND_ALL, KIND_GENERATIVE = ListKind.INTERNET.value, ListKind.DEEP_SYNTHESIS.value
LIST_KINDS = tuple(ListKind.choices)


def period_check(value: str) -> str:
    """A month (2026-11) or a year (2026) as the lists take it; ValidationError with the reader's message."""
    from .lists import period_normalise

    try:
        return period_normalise(value)
    except ValueError as exc:
        raise ValidationError(str(exc), code="invalid") from None


def batch_check(value: str, *, kind: str) -> str:
    """A published batch of the list (2026-3 or 2026年第3批) as the lists key it (b2026-3); ValidationError
    with the reader's message when it is malformed or was never published."""
    from .lists import batch_key, batch_parse

    try:
        year, number = batch_parse(value)
    except ValueError as exc:
        raise ValidationError(str(exc), code="invalid") from None
    if not ListBatch.objects.filter(kind=kind or KIND_ALL, year=year, number=number).exists():
        raise ValidationError(
            _("%(list)s没有%(year)s年第%(number)s批。")
            % {"list": ListKind(kind or KIND_ALL).label, "year": year, "number": number},
            code="not_found",
        )
    return batch_key(year, number)


class ListQueryForm(forms.Form):
    """Which list the lists page and its downloads show: of a period, or of a batch (which wins when both
    are given). The period is checked by the view, which falls back to the newest month when none is
    given. `period` of the cleaned data is the lists' key of either (2026-11, 2026 or b2026-3)."""

    period = forms.CharField(label=_("期间"), required=False, max_length=20)
    batch = forms.CharField(label=_("批次"), required=False, max_length=20)
    kind = forms.ChoiceField(label=_("清单"), required=False, choices=LIST_KINDS)

    def clean_period(self) -> str:
        value = self.cleaned_data["period"].strip()
        if self.data.get("batch", "").strip():
            return ""  # the batch decides
        return period_check(value) if value else ""

    def clean(self):
        data = super().clean()
        batch = data.get("batch", "").strip()
        if batch and "kind" in data:
            try:
                data["period"] = batch_check(batch, kind=data["kind"])
            except ValidationError as exc:
                self.add_error("batch", exc)
        return data

    @property
    def generative(self) -> bool:
        return self.cleaned_data.get("kind") == KIND_GENERATIVE


class PublicListQuerySerializer(serializers.Serializer):
    period = serializers.CharField(
        required=False, max_length=20, help_text="某月 YYYY-MM 或全年 YYYY，2022年起；或给出 batch"
    )
    batch = serializers.CharField(
        required=False, max_length=20, help_text="已发布的批次 YYYY-N（如 2026-3，即2026年第3批）"
    )
    kind = serializers.ChoiceField(
        required=False,
        default=KIND_ALL,
        choices=[k for k, _label in LIST_KINDS],
        help_text="all: 境内互联网信息服务算法备案清单; generative: 境内深度合成服务算法备案清单",
    )
    page = serializers.IntegerField(required=False, min_value=1)
    page_size = serializers.IntegerField(
        required=False, min_value=1, max_value=500, help_text="1–500, 50 by default"
    )

    def validate_period(self, value: str) -> str:
        try:
            return period_check(value)
        except ValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None

    def validate(self, data: dict) -> dict:
        """`period` of the validated data is the lists' key of the period or (when given) the batch."""
        if batch := data.get("batch", "").strip():
            try:
                data["period"] = batch_check(batch, kind=data["kind"])
            except ValidationError as exc:
                raise serializers.ValidationError({"batch": exc.messages}) from None
        elif not data.get("period"):
            raise serializers.ValidationError({"period": [_("请给出期间（period）或批次（batch）。")]})
        return data

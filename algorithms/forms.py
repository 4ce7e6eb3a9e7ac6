"""What the wizard's pages post that is not free text (SEC-05): step ③'s check boxes and 注销's date.
Free text of steps ① and ② is a draft, saved as typed (ALG-04), and normalised by the service."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beian.input_fields import DayField, IdListField, TextListField, id_parse

from .services import BASIC_FIELDS, DATA_SOURCE_FIELDS, DETAIL_TEXT_FIELDS, MODEL_FIELDS, RISK_FIELDS

COVERAGE_LEVELS = ("products", "paths", "functions")


# The limits the service keeps (algorithms.services._text): refused at the field, never cut (ALG-13).
BASIC_LIMIT, DETAIL_LIMIT, ROW_LIMIT = 2000, 5000, 2000


class StepTextForm(forms.Form):
    """Steps ① and ②: the free text of a draft, saved as typed, valid or not yet (ALG-04), as long as it
    is text the database can hold — no NUL — within the limits. The errors are keyed as the step's page
    shows them (a table's columns under the table's name)."""

    def __init__(self, step: int, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.page_keys: dict[str, str] = {}
        if step == 1:
            for name in BASIC_FIELDS:
                self._text(name, name, BASIC_LIMIT)
        elif step == 2:
            for name in DETAIL_TEXT_FIELDS:
                self._text(name, name, DETAIL_LIMIT)
            for name in MODEL_FIELDS:
                self._text(f"model_{name}", f"model_{name}", DETAIL_LIMIT)
            for name in DATA_SOURCE_FIELDS:
                self.fields[f"ds_{name}"] = TextListField(required=False, max_length=ROW_LIMIT)
                self.page_keys[f"ds_{name}"] = "data_sources"
            for name in RISK_FIELDS:
                self.fields[f"risk_{name}"] = TextListField(required=False, max_length=ROW_LIMIT)
                self.page_keys[f"risk_{name}"] = "risks"

    def _text(self, name: str, key: str, limit: int) -> None:
        self.fields[name] = forms.CharField(required=False, max_length=limit, strip=False)
        self.page_keys[name] = key

    def page_errors(self) -> dict[str, list[str]]:
        errors: dict[str, list[str]] = {}
        for name, messages in self.errors.items():
            errors.setdefault(self.page_keys.get(name, name), []).extend(messages)
        return errors


class CoverageForm(forms.Form):
    """Step ③ (ALG-05): the ids of the ticked products, paths and functions."""

    products = IdListField(label=_("产品"), required=False)
    paths = IdListField(label=_("访问路径"), required=False)
    functions = IdListField(label=_("功能"), required=False)

    def error_messages_list(self) -> list[str]:
        return [
            f"{self.fields[name].label}：{message}"
            for name, errors in self.errors.items()
            for message in errors
        ]

    def posted_selection(self) -> dict[str, set[int]]:
        """The well-formed ids among what was posted, so that a refused page keeps the ticks it can."""
        selection: dict[str, set[int]] = {}
        for name in COVERAGE_LEVELS:
            ids = set()
            for value in self.data.getlist(name):
                try:
                    ids.add(id_parse(value))
                except ValidationError:
                    continue
            selection[name] = ids
        return selection


class FilingCancelForm(forms.Form):
    """注销 (ALG-10): the day the service ended, and the box that confirms it."""

    terminated_on = DayField(label=_("服务终止日期"))
    confirm = forms.BooleanField(
        label=_("我确认该算法服务已终止，申请注销本备案"),
        error_messages={"required": _("请勾选确认后再注销。")},
    )

    def clean_terminated_on(self):
        day = self.cleaned_data["terminated_on"]
        if day > timezone.localdate():
            raise ValidationError(_("服务终止日期不能晚于今天。"), code="future")
        return day

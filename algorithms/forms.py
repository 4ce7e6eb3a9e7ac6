"""What the wizard's pages post that is not free text (SEC-05): step ③'s check boxes and 注销's date.
Free text of steps ① and ② is a draft, saved as typed (ALG-04), and normalised by the service."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beian.input_fields import DayField, IdListField, TextListField, id_parse

from . import declarations
from .declarations import Field

COVERAGE_LEVELS = ("products", "paths", "functions")


class StepTextForm(forms.Form):
    """Steps ① and ②, from the filing form's declaration: the free text of a draft, saved as typed, valid
    or not yet (ALG-04), as long as it is text the database can hold — no NUL — within the declared limits
    (refused at the field, never cut: ALG-13). Errors are keyed as the page shows them (a table's columns
    under the table)."""

    def __init__(self, step: int, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.page_keys: dict[str, str] = {}
        for f in declarations.step_fields(step):
            if not declarations.on_page(f, step, step):
                continue
            if f.widget == "rows":
                for column in f.columns:
                    name = f"{f.row_prefix}_{column.name}"
                    self.fields[name] = TextListField(
                        label=column.label, required=False, max_length=column.limit
                    )
                    self.page_keys[name] = f.input
            else:
                self.fields[f.input] = forms.CharField(
                    label=f.label, required=False, max_length=f.limit, strip=False
                )
                self.page_keys[f.input] = f.input

    def page_errors(self) -> dict[str, list[str]]:
        errors: dict[str, list[str]] = {}
        for name, messages in self.errors.items():
            errors.setdefault(self.page_keys.get(name, name), []).extend(messages)
        return errors


def _choices(f: Field, value) -> list[tuple[str, str]]:
    """The options of a select; on an open list, a value from elsewhere (the API) is kept as an option."""
    choices = f.choice_list()
    if not f.closed and value and value not in dict(choices):
        choices = [*choices, (value, value)]
    return choices


def _item(f: Field, data: dict, errors: dict[str, list[str]]) -> dict:
    """One declared field as its page shows it: the value (as saved or as typed), whether it is required
    now, its choices, its errors, and a table's rows with one blank row to add to."""
    value = f.value(data)
    shown = {
        "field": f,
        "value": value,
        "required": f.is_required((data or {}).get("basic") or {}),
        "choices": _choices(f, value),
        "errors": errors.get(f.input, []),
    }
    if f.widget == "rows":
        rows = [r for r in value if isinstance(r, dict)] + [{}]
        shown["rows"] = [[{"column": c, "value": r.get(c.name, "")} for c in f.columns] for r in rows]
    return shown


def declared_sections(step: int, data: dict, errors: dict[str, list[str]]) -> list[dict]:
    """A step's sections as its page shows them: each declared field with its value (as saved or as
    typed), whether it is required now, its choices and its errors."""

    def item(f: Field) -> dict:
        return _item(f, data, errors)

    def here(fields) -> list:
        return [f for f in fields if declarations.on_page(f, step, step)]

    sections = []
    for section in declarations.FORM[step].sections:
        table = section.table
        sections.append(
            {
                "title": section.title,
                "preview": section.preview,
                "fields": [item(f) for f in here(section.fields)],
                "table": item(table) if table else None,
                "blocks": [[item(f) for f in here(block)] for block in section.blocks() if here(block)],
            }
        )
    return sections


def page_items(page: int, data: dict, errors: dict[str, list[str]]) -> list[dict]:
    """Fields of other steps asked on this page (技术服务方式 on step ③), as declared_field.html shows
    them."""
    return [_item(f, data, errors) for f in declarations.page_fields(page)]


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

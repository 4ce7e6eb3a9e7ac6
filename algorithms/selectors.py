from __future__ import annotations

import re

from django.utils.translation import gettext as _

from review.transitions import State

from . import declarations
from .models import AlgorithmType, Filing, Role


def filing_edit_label(*, filing: Filing) -> str:
    """The detail page's button into the wizard, or "" when the filer may not edit the filing now: whether
    is the model's rule (filer_may_edit: not while a reviewer holds it, never once it has ended). A filing
    still being written (a draft, or returned with reasons) is 继续填报; a submitted or approved one, 修改."""
    if not filing.filer_may_edit:
        return ""
    return _("继续填报") if filing.state in (State.DRAFT, State.REJECTED) else _("修改")


def filing_review_context(filing: Filing, data: dict) -> dict:
    """The reviewer's view of a submitted filing: the snapshot, with labels for its codes."""
    basic = data.get("basic", {})
    return {
        "s": data,
        "filing": filing,
        "algo_type_label": dict(AlgorithmType.choices).get(basic.get("algo_type"), ""),
        "role_label": dict(Role.choices).get(basic.get("role"), ""),
        "entity": filing.entity,
    }


ROW_LABELS = {
    "products": "应用产品",
    "coverage": "产品及功能勾选",
}


def filing_field_label(path: str) -> str:
    """The label of a path in a filing's data or snapshot, for the reviewer's diff and a refused stale save:
    declared fields by their declared labels ('details.risks[1].countermeasures' → '算法风险与防范机制 第2项
    防范措施'), the uploads, and the coverage."""
    label = declarations.label_for(path)
    if label is not None:
        return label
    if path in declarations.UPLOADS:
        return str(declarations.UPLOADS[path])
    match = re.match(r"(\w+)(?:\[(\d+)\])?", path)
    if match and match.group(1) in ROW_LABELS:
        label = _(ROW_LABELS[match.group(1)])
        return f"{label} 第{int(match.group(2)) + 1}项" if match.group(2) else label
    return path


def declared_summary(data: dict) -> list[dict]:
    """A filing's steps ① and ② for reading (the last check, the detail page, the reviewer), from the
    declaration: each field's label and shown value (a choice by its label), tables as tables. A field
    required only in some cases (技术服务方式) is shown when it is required or filled."""
    basic = (data or {}).get("basic") or {}
    steps = []
    for step in declarations.FORM.values():
        facts, tables = [], []
        for f in step.fields():
            value = f.value(data)
            if f.widget == "rows":
                rows = [[row.get(c.name, "") for c in f.columns] for row in value if isinstance(row, dict)]
                tables.append({"label": f.label, "columns": [c.label for c in f.columns], "rows": rows})
                continue
            if callable(f.required) and not f.is_required(basic) and not value:
                continue
            shown = dict(f.choice_list()).get(value, value) if f.choices else value
            facts.append({"label": f.label, "value": shown, "long": f.widget == "textarea", "input": f.input})
        steps.append({"number": step.number, "title": step.title, "facts": facts, "tables": tables})
    return steps

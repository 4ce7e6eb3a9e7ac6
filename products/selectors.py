from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from .models import Function, FunctionPath, Product


def product_tree(*, entity) -> QuerySet[Product]:
    """The entity's products with their paths and functions, in order, in three queries."""
    return (
        Product.objects.filter(entity=entity)
        .prefetch_related(
            Prefetch(
                "paths",
                queryset=FunctionPath.objects.order_by("position", "id").prefetch_related(
                    Prefetch("functions", queryset=Function.objects.order_by("position", "id"))
                ),
            )
        )
        .order_by("created_at", "id")
    )


def product_review_context(product: Product, data: dict) -> dict:
    """The reviewer's view of a submitted product with its paths and functions."""
    from filers.models import Attachment

    from .models import Audience, ServiceForm, ServiceStatus

    forms = dict(ServiceForm.choices)
    ids = {name: data.get(name) for name in Product.ATTACHMENT_FIELDS}
    # Only uploads of the product's own entity (a revision names them by id).
    found = Attachment.objects.filter(pk__in=[i for i in ids.values() if i], entity_id=product.entity_id)
    by_id = {a.pk: a for a in found}
    return {
        "p": data,
        "uploads": [
            (str(Product._meta.get_field(name).verbose_name), by_id.get(pk), name) for name, pk in ids.items()
        ],
        "service_forms": "、".join(str(forms.get(code, code)) for code in data.get("service_forms", [])),
        "service_status": dict(ServiceStatus.choices).get(data.get("service_status"), ""),
        "audience": dict(Audience.choices).get(data.get("audience"), ""),
    }


def product_field_label(path: str) -> str:
    """'paths[0].functions[1].name' → '访问路径1 功能2 功能名称'; product fields by their labels."""
    import re

    from .models import Function

    if "." not in path and "[" not in path:
        try:
            return str(Product._meta.get_field(path).verbose_name)
        except Exception:  # noqa: BLE001 — not a model field: show the path
            return path
    match = re.match(r"paths\[(\d+)\](?:\.functions\[(\d+)\]\.(\w+)|\.(steps))?", path)
    if not match:
        return path
    label = f"访问路径{int(match.group(1)) + 1}"
    if match.group(2) is not None:
        field = match.group(3)
        try:
            name = str(Function._meta.get_field(field).verbose_name)
        except Exception:  # noqa: BLE001
            name = field
        label += f" 功能{int(match.group(2)) + 1} {name}"
    elif match.group(4):
        label += " 步骤"
    return label

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
    from .models import Audience, ServiceForm, ServiceStatus

    forms = dict(ServiceForm.choices)
    return {
        "p": data,
        "service_forms": "、".join(str(forms.get(code, code)) for code in data.get("service_forms", [])),
        "service_status": dict(ServiceStatus.choices).get(data.get("service_status"), ""),
        "audience": dict(Audience.choices).get(data.get("audience"), ""),
    }

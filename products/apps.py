from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProductsConfig(AppConfig):
    name = "products"
    verbose_name = _("产品及功能信息")

    def ready(self) -> None:
        from review.registry import ReviewKind, register

        from .models import Product
        from .selectors import product_field_label, product_review_context

        register(
            ReviewKind(
                key="product",
                model=Product,
                label=_("产品及功能信息"),
                entity_lookup="entity_id",
                field_label=product_field_label,
                describe=product_review_context,
                detail_template="review/detail_product.html",
                select_related=("entity",),
            )
        )

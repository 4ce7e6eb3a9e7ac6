"""产品及功能信息 pages: thin views over products.services (PRD-01…05)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from beian.concurrency import StaleEdit, idempotent_create, posted_version
from filers.views import filer_required
from review.selectors import filer_deadlines, latest_rejection, latest_rejections
from review.services import TransitionError
from review.transitions import State

from .forms import FunctionForm, PathStepsForm, ProductForm
from .models import Function, FunctionPath, Product
from .selectors import product_tree
from .services import (
    PRODUCT_FIELDS,
    ProductInUse,
    ProductLocked,
    filings_covering,
    function_create,
    function_delete,
    function_update,
    path_create,
    path_delete,
    path_update,
    product_create,
    product_delete,
    product_delete_check,
    product_edit_check,
    product_submit,
    product_update,
)


def _own_product(request, pk: int) -> Product:
    # Another entity's product is simply not found (404), never "forbidden".
    return get_object_or_404(Product, pk=pk, entity_id=request.user.entity_id)


def _own_path(request, pk: int) -> FunctionPath:
    return get_object_or_404(
        FunctionPath.objects.select_related("product"), pk=pk, product__entity_id=request.user.entity_id
    )


def _own_function(request, pk: int) -> Function:
    return get_object_or_404(
        Function.objects.select_related("path__product"),
        pk=pk,
        path__product__entity_id=request.user.entity_id,
    )


def _back(product: Product):
    return redirect(f"{_list_url()}#product-{product.pk}")


def _refusal(check, product: Product) -> str:
    """Why deleting is refused now, said before the filer confirms (empty when allowed)."""
    try:
        check(product)
    except ProductLocked as exc:
        return str(exc)
    return ""


def _list_url() -> str:
    return reverse("products:list")


@filer_required
def product_list(request):
    """PRD-01: the entity's products → paths → functions as one tree."""
    entity = request.user.entity
    products = list(product_tree(entity=entity))
    rejections = latest_rejections(objs=products)  # REV-03: one query for the page, not one per product
    for product in products:
        product.rejection = rejections.get(product.pk)
    return render(
        request,
        "products/list.html",
        {
            "products": products,
            "deadline_rows": filer_deadlines(entity_id=entity.pk, only="product"),
        },
    )


@filer_required
@require_http_methods(["GET", "POST"])
def product_edit(request, pk: int | None = None):
    product = _own_product(request, pk) if pk else None
    if product is not None:
        try:
            product_edit_check(product)
        except ProductLocked as exc:
            messages.error(request, str(exc))
            return _back(product)
    initial = (
        {name: getattr(product, name) for name in PRODUCT_FIELDS if name not in Product.ATTACHMENT_FIELDS}
        if product
        else {}
    )
    form = ProductForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        version=product.version if product else None,
        entity=request.user.entity,
        actor=request.user,
    )
    stale = None
    if request.method == "POST" and form.is_valid():
        try:
            if product is None:
                # REL-03: a second post of the same page (a double click) answers with the first's product.
                product = idempotent_create(
                    actor=request.user,
                    key=form.creation_key(),
                    scope="product",
                    create=lambda: product_create(
                        entity=request.user.entity, actor=request.user, data=form.cleaned_data
                    ),
                )
                messages.success(request, _("产品已添加。下一步：添加功能访问路径。"))
            else:
                product = product_update(
                    product=product, actor=request.user, data=form.cleaned_data, version=form.edit_version()
                )
                messages.success(request, _("产品信息已保存。"))
        except StaleEdit as exc:
            stale = exc
            form.keep_typed(exc.current)
        except ValidationError as exc:
            form.apply_errors(exc)
        except ProductLocked as exc:
            messages.error(request, str(exc))
        else:
            return _back(product)
    rejection = latest_rejection(obj=product) if product is not None else None
    context = {
        "form": form,
        "product": product,
        "stale": stale,
        "rejection": rejection,
        "uploads": [(form[name], form.attachment_of(name, product)) for name in Product.ATTACHMENT_FIELDS],
    }
    return render(request, "products/product_form.html", context, status=409 if stale else 200)


@filer_required
@require_http_methods(["GET", "POST"])
def product_delete_view(request, pk: int):
    product = _own_product(request, pk)
    if request.method == "POST":
        try:
            product_delete(product=product, actor=request.user, version=posted_version(request))
        except (ProductInUse, ProductLocked, StaleEdit) as exc:
            messages.error(request, str(exc))
            return _back(product)
        messages.success(request, _("产品“%(name)s”已删除。") % {"name": product.name})
        return redirect("products:list")
    return render(
        request,
        "products/confirm_delete.html",
        {
            "what": _("产品“%(name)s”及其全部访问路径和功能") % {"name": product.name},
            "filings": filings_covering(product),
            "refusal": _refusal(product_delete_check, product),
            "back": f"{_list_url()}#product-{product.pk}",
            "version": product.version,
        },
    )


@filer_required
@require_POST
def product_submit_view(request, pk: int):
    product = _own_product(request, pk)
    try:
        product_submit(product=product, actor=request.user, version=posted_version(request))
    except StaleEdit:
        product.refresh_from_db()
        if product.state in (State.SUBMITTED, State.MODIFIED):  # a second click: the first one submitted it
            messages.info(request, _("产品“%(name)s”已提交审核，无需重复提交。") % {"name": product.name})
        else:
            messages.error(
                request, _("产品“%(name)s”在您打开页面后已有变化，请核对后再提交。") % {"name": product.name}
            )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except TransitionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("产品“%(name)s”已提交审核。") % {"name": product.name})
    return _back(product)


@filer_required
@require_http_methods(["GET", "POST"])
def path_edit(request, product_pk: int | None = None, pk: int | None = None):
    """PRD-03: an ordered list of navigation steps; the page lets the filer add, remove and reorder them."""
    path = _own_path(request, pk) if pk else None
    product = path.product if path else _own_product(request, product_pk)
    try:
        product_edit_check(product)
    except ProductLocked as exc:
        messages.error(request, str(exc))
        return _back(product)
    steps = path.steps if path else ["", ""]
    errors: list[str] = []
    form = PathStepsForm(version=path.version if path else None)
    stale = None
    if request.method == "POST":
        form = PathStepsForm(request.POST)
        steps = request.POST.getlist("steps")  # shown again as typed whatever happens
        if not form.is_valid():
            context = {
                "product": product,
                "path": path,
                "steps": steps or [""],
                "errors": form.errors.get("steps", []),
                "form": form,
            }
            return render(request, "products/path_form.html", context, status=400)
        steps = form.cleaned_data["steps"]
        try:
            if path is None:
                idempotent_create(
                    actor=request.user,
                    key=form.creation_key(),
                    scope="path",
                    create=lambda: path_create(product=product, actor=request.user, steps=steps),
                )
                messages.success(request, _("访问路径已添加。下一步：添加路径下的功能。"))
            else:
                path_update(path=path, actor=request.user, steps=steps, version=form.edit_version())
                messages.success(request, _("访问路径已保存。"))
        except StaleEdit as exc:
            stale = exc
            form.keep_typed(exc.current)
        except ValidationError as exc:
            errors = exc.message_dict.get("steps", exc.messages)
        except ProductLocked as exc:
            messages.error(request, str(exc))
            return _back(product)
        else:
            return _back(product)
    context = {"product": product, "path": path, "steps": steps or [""], "errors": errors, "form": form}
    context["stale"] = stale
    return render(request, "products/path_form.html", context, status=409 if stale else 200)


@filer_required
@require_http_methods(["GET", "POST"])
def path_delete_view(request, pk: int):
    path = _own_path(request, pk)
    if request.method == "POST":
        try:
            path_delete(path=path, actor=request.user, version=posted_version(request))
        except (ProductInUse, ProductLocked, StaleEdit) as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("访问路径已删除。"))
        return _back(path.product)
    return render(
        request,
        "products/confirm_delete.html",
        {
            "what": _("访问路径“%(path)s”及其下的功能") % {"path": path},
            "filings": filings_covering(path),
            "refusal": _refusal(product_edit_check, path.product),
            "back": f"{_list_url()}#product-{path.product_id}",
            "version": path.version,
        },
    )


@filer_required
@require_http_methods(["GET", "POST"])
def function_edit(request, path_pk: int | None = None, pk: int | None = None):
    """PRD-04: a function under a path."""
    function = _own_function(request, pk) if pk else None
    path = function.path if function else _own_path(request, path_pk)
    try:
        product_edit_check(path.product)
    except ProductLocked as exc:
        messages.error(request, str(exc))
        return _back(path.product)
    form = FunctionForm(
        request.POST or None, instance=function, version=function.version if function else None
    )
    stale = None
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in FunctionForm.Meta.fields}
        try:
            if function is None:
                idempotent_create(
                    actor=request.user,
                    key=form.creation_key(),
                    scope="function",
                    create=lambda: function_create(path=path, actor=request.user, data=data),
                )
                messages.success(request, _("功能已添加。"))
            else:
                function_update(function=function, actor=request.user, data=data, version=form.edit_version())
                messages.success(request, _("功能已保存。"))
        except StaleEdit as exc:
            stale = exc
            form.keep_typed(exc.current)
        except ValidationError as exc:
            for field, errs in exc.message_dict.items():
                form.add_error(field, errs)
        except ProductLocked as exc:
            messages.error(request, str(exc))
            return _back(path.product)
        else:
            return _back(path.product)
    context = {"form": form, "path": path, "function": function, "stale": stale}
    return render(request, "products/function_form.html", context, status=409 if stale else 200)


@filer_required
@require_http_methods(["GET", "POST"])
def function_delete_view(request, pk: int):
    function = _own_function(request, pk)
    product = function.path.product
    if request.method == "POST":
        try:
            function_delete(function=function, actor=request.user, version=posted_version(request))
        except (ProductInUse, ProductLocked, StaleEdit) as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("功能已删除。"))
        return _back(product)
    return render(
        request,
        "products/confirm_delete.html",
        {
            "what": _("功能“%(name)s”") % {"name": function.name},
            "filings": filings_covering(function),
            "refusal": _refusal(product_edit_check, product),
            "back": f"{_list_url()}#product-{product.pk}",
            "version": function.version,
        },
    )

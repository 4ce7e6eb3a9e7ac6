"""CHK-01 是否需要备案: the questionnaire (public, GET, no login) and the signed-in filer's button that starts
a draft filing with the answer's type and role filled in."""

from __future__ import annotations

from django import forms
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from algorithms.models import AlgorithmType, Role
from algorithms.services import filing_create, filing_save_step
from filers.views import filer_required

from .selfcheck import OPINION_FORMS, RULES, TECHNIQUE_EXAMPLES, Facts, selfcheck_answer

YES_NO = (("yes", _("是")), ("no", _("否")))
ROLES = (
    (Role.PROVIDER, _("我们自己向用户提供该服务（服务提供者）")),
    (Role.SUPPORTER, _("我们为其他提供者提供技术（服务技术支持者）")),
)


class SelfCheckForm(forms.Form):
    public_in_china = forms.ChoiceField(
        label=_("该服务是否在中华人民共和国境内向公众提供？"), choices=YES_NO, widget=forms.RadioSelect
    )
    forms_offered = forms.MultipleChoiceField(
        label=_("该服务是否具有以下形式或功能（舆论属性或者社会动员能力）？可多选，都没有则不选。"),
        choices=OPINION_FORMS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    techniques = forms.MultipleChoiceField(
        label=_("该服务向用户提供信息时应用了哪些算法技术？可多选，都没有则不选。"),
        choices=AlgorithmType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    synthesis = forms.ChoiceField(
        label=_("该服务是否生成或编辑文本、图像、音频、视频等内容（深度合成）？"),
        choices=YES_NO,
        widget=forms.RadioSelect,
    )
    role = forms.ChoiceField(
        label=_("如涉及深度合成：谁向用户提供该服务？"),
        choices=ROLES,
        required=False,
        initial=Role.PROVIDER,
        widget=forms.RadioSelect,
    )

    def facts(self) -> Facts:
        data = self.cleaned_data
        return Facts(
            public_in_china=data["public_in_china"] == "yes",
            opinion=bool(data["forms_offered"]),
            techniques=frozenset(data["techniques"]),
            synthesis=data["synthesis"] == "yes",
            role=data["role"] or Role.PROVIDER,
        )


@require_GET
def selfcheck(request):
    """The questionnaire; once answered (a GET, so the answer has a URL to share), the answer and its
    articles. Malformed answers are a 400 with the errors at their questions (SEC-05)."""
    asked = bool(request.GET)
    form = SelfCheckForm(request.GET if asked else None)
    context = {
        "form": form,
        "examples": {str(code): example for code, example in TECHNIQUE_EXAMPLES.items()},
        "rules": RULES,
    }
    if not asked:
        return render(request, "public_search/selfcheck.html", context)
    if not form.is_valid():
        return render(request, "public_search/selfcheck.html", context, status=400)
    answer = selfcheck_answer(form.facts())
    return render(request, "public_search/selfcheck.html", {**context, "answer": answer})


@filer_required
@require_POST
def selfcheck_start(request):
    """A new draft at step ① with the self-check's type and role (ALG-02's 角色 only for 生成合成类)."""
    algo_type = request.POST.get("algo_type", "")
    role = request.POST.get("role", "") or Role.PROVIDER
    if algo_type not in AlgorithmType.values or role not in Role.values:
        return HttpResponseBadRequest(_("算法类型或角色不正确。"))
    filing = filing_create(entity=request.user.entity, actor=request.user)
    filing_save_step(filing=filing, actor=request.user, step=1, basic={"algo_type": algo_type, "role": role})
    return redirect("algorithms:step", pk=filing.pk, step=1)

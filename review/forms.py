"""What a reviewer sends: the queue's filters and a move (REV-02…05). A value the page does not offer is
a 400 naming its field, never a 5xx (SEC-05); the page and the API check the same lists."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from beian.input_fields import IdField
from beian.regions import province_parse

from .registry import kind_for, kinds
from .transitions import Action, State

REASON_MAX = 2000
QUEUE_STATES = (State.SUBMITTED, State.UNDER_REVIEW, State.MODIFIED, State.RE_REVIEW)


def queue_kind_choices() -> list[tuple[str, str]]:
    return [(k.key, k.label) for k in kinds()]


def queue_algo_type_choices() -> list[tuple[str, str]]:
    filing_kind = kind_for("filing")
    return list(filing_kind.model._meta.get_field("algo_type").choices) if filing_kind else []


def queue_state_choices() -> list[tuple[str, str]]:
    return [(s.value, s.label) for s in QUEUE_STATES]


class QueueFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("类别"), required=False, choices=queue_kind_choices)
    algo_type = forms.ChoiceField(label=_("算法类型"), required=False, choices=queue_algo_type_choices)
    province = forms.CharField(label=_("省份"), required=False, max_length=6)
    state = forms.ChoiceField(label=_("状态"), required=False, choices=queue_state_choices)

    def clean_province(self) -> str:
        value = self.cleaned_data["province"]
        return province_parse(value) if value else ""


class ReviewActForm(forms.Form):
    """One move of the table; `assignee` is offered only for 改派 and limited to the reviewers whose scope
    covers the item, so a posted id of anyone else is "not a valid choice"."""

    action = forms.ChoiceField(label=_("操作"), choices=Action.choices)
    reason = forms.CharField(label=_("理由"), required=False, max_length=REASON_MAX)
    assignee = forms.ModelChoiceField(label=_("改派给"), queryset=None, required=False)

    def __init__(self, *args, assignees=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = assignees if assignees is not None else self._no_one()

    @staticmethod
    def _no_one():
        from django.contrib.auth import get_user_model

        return get_user_model()._default_manager.none()


class NotificationsReadForm(forms.Form):
    """全部标为已读: the newest message the list showed; the ones after it stay unread."""

    up_to = IdField(label=_("消息"), required=False)

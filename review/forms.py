"""The reviewer's move, as posted by the item page (and validated the same way for the API)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .transitions import Action

REASON_MAX = 2000


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

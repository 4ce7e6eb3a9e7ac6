"""CHK-01 是否需要备案: the self-check's rules (one table, public_search.selfcheck.RULES) case by case, the
public page, and the signed-in filer's draft started from an answer."""

from __future__ import annotations

import pytest
from django.urls import reverse

from algorithms.models import AlgorithmType, Filing, Role
from public_search.selfcheck import RULES, Facts, Outcome, selfcheck_answer

G, P, R, S, D = (
    AlgorithmType.GENERATION,
    AlgorithmType.PERSONALISED_PUSH,
    AlgorithmType.RANKING,
    AlgorithmType.RETRIEVAL_FILTERING,
    AlgorithmType.SCHEDULING,
)
PROV, SUPP = Role.PROVIDER, Role.SUPPORTER
REC, SYN = "recommendation_with_opinion", "synthesis_provider_with_opinion"

# (in China, 舆论属性, techniques, 深度合成, role) → (outcome, type, role, rule, an article it cites)
CASES = [
    ((False, True, {P}, False, PROV), (Outcome.LIKELY_NOT, "", "", "not_in_china", "第二条")),
    ((False, True, {G}, True, SUPP), (Outcome.LIKELY_NOT, "", "", "not_in_china", "第二条")),
    ((True, True, {P}, False, PROV), (Outcome.MUST_FILE, P, PROV, REC, "第二十四条")),
    ((True, True, {R, S}, False, PROV), (Outcome.MUST_FILE, R, PROV, REC, "第二十四条")),
    ((True, True, {D}, False, PROV), (Outcome.MUST_FILE, D, PROV, REC, "第二十四条")),
    # a role answered for a service that is no 深度合成 changes nothing: any other filing is a provider's
    ((True, True, {S}, False, SUPP), (Outcome.MUST_FILE, S, PROV, REC, "第二十四条")),
    ((True, True, {P}, True, PROV), (Outcome.SYNTHESIS, G, PROV, SYN, "第十九条第一款")),
    ((True, True, {G}, False, PROV), (Outcome.SYNTHESIS, G, PROV, SYN, "第十九条第一款")),
    ((True, True, set(), True, PROV), (Outcome.SYNTHESIS, G, PROV, SYN, "第二十四条")),
    ((True, False, set(), True, SUPP), (Outcome.SYNTHESIS, G, SUPP, "synthesis_supporter", "第十九条第二款")),
    ((True, True, {G, P}, True, SUPP), (Outcome.SYNTHESIS, G, SUPP, "synthesis_supporter", "第二十三条")),
    ((True, False, {P, R}, False, PROV), (Outcome.LIKELY_NOT, "", "", "no_opinion", "第二十四条")),
    ((True, False, set(), True, PROV), (Outcome.LIKELY_NOT, "", "", "no_opinion", "第十九条第一款")),
    ((True, True, set(), False, PROV), (Outcome.LIKELY_NOT, "", "", "no_algorithm", "第二条")),
    ((True, False, set(), False, PROV), (Outcome.LIKELY_NOT, "", "", "no_algorithm", "第二条")),
]


@pytest.mark.parametrize(("answers", "expected"), CASES)
def test_chk_01_the_answer_for_each_case(answers, expected):
    in_china, opinion, techniques, synthesis, role = answers
    outcome, algo_type, draft_role, rule, article = expected
    answer = selfcheck_answer(
        Facts(
            public_in_china=in_china,
            opinion=opinion,
            techniques=frozenset(techniques),
            synthesis=synthesis,
            role=role,
        )
    )
    assert (answer.outcome, answer.algo_type, answer.role, answer.rule.name) == (
        outcome,
        algo_type,
        draft_role,
        rule,
    )
    assert article in [str(c.article) for c in answer.rule.citations]


def test_chk_01_every_rule_is_reached_by_a_case_and_each_cites_articles():
    reached = {expected[3] for _answers, expected in CASES}
    assert reached == {rule.name for rule in RULES}
    assert all(rule.citations for rule in RULES)


def _query(**overrides):
    query = {"public_in_china": "yes", "forms_offered": ["short_video"], "techniques": [P], "synthesis": "no"}
    return {**query, **overrides}


def test_chk_01_the_page_answers_anyone_and_cites_the_articles(client):
    page = client.get(reverse("public_search:selfcheck"))
    assert page.status_code == 200
    assert "舆论属性" in page.content.decode()
    answered = client.get(reverse("public_search:selfcheck"), _query())
    body = answered.content.decode()
    assert answered.status_code == 200
    assert "需要备案" in body and "第二十四条" in body and "个性化推送类" in body
    assert "登录后可按此结果新增备案" in body


def test_chk_01_is_linked_from_the_home_page_and_the_footer(client, db):
    body = client.get(reverse("public_search:home")).content.decode()
    assert body.count(reverse("public_search:selfcheck")) >= 2


@pytest.mark.parametrize(
    "bad",
    [{"public_in_china": "maybe"}, {"techniques": ["05"]}, {"forms_offered": ["x"]}, {"role": "boss"}],
)
def test_chk_01_malformed_answers_are_a_400_at_their_question(client, bad):
    response = client.get(reverse("public_search:selfcheck"), _query(**bad))
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()


def test_chk_01_a_signed_in_filer_starts_a_draft_with_the_type_and_role(client, filer):
    client.force_login(filer)
    page = client.get(reverse("public_search:selfcheck"), _query(synthesis="yes", role=SUPP))
    assert "按此结果新增备案" in page.content.decode()
    response = client.post(reverse("public_search:selfcheck_start"), {"algo_type": G, "role": SUPP})
    filing = Filing.objects.get(entity=filer.entity)
    assert response.status_code == 302
    assert response["Location"] == reverse("algorithms:step", args=[filing.pk, 1])
    assert (filing.algo_type, filing.role) == (G, SUPP)
    assert filing.data["basic"]["algo_type"] == G


def test_chk_01_a_draft_of_another_type_is_a_providers(client, filer):
    client.force_login(filer)
    client.post(reverse("public_search:selfcheck_start"), {"algo_type": S, "role": SUPP})
    filing = Filing.objects.get(entity=filer.entity)
    assert (filing.algo_type, filing.role) == (S, PROV)


def test_chk_01_starting_a_draft_needs_a_filer_and_a_valid_answer(client, filer, reviewer):
    url = reverse("public_search:selfcheck_start")
    assert client.post(url, {"algo_type": P}).status_code == 302  # to the login page
    client.force_login(reviewer)
    assert client.post(url, {"algo_type": P}).status_code == 403
    client.force_login(filer)
    assert client.post(url, {"algo_type": "05"}).status_code == 400
    assert not Filing.objects.exists()

"""CHK-01 是否需要备案: the public self-check. Its rules are data — `RULES`, one row per case, read top to
bottom, the first row whose conditions hold gives the answer — and `selfcheck_answer` is the one function
that reads them.

The articles cited are those of the texts in force: 《互联网信息服务算法推荐管理规定》 (2022-03-01),
《互联网信息服务深度合成管理规定》 (2023-01-10) and 《具有舆论属性或社会动员能力的互联网信息服务安全评估规定》
(2018). The copy of the 算法推荐管理规定 in the project's seeds is the August 2021 征求意见稿, in which filing
is 第二十条; in the enacted text the same duty is 第二十四条 and the five types stay in 第二条.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

from algorithms.models import AlgorithmType, Role

RECOMMENDATION = _("《互联网信息服务算法推荐管理规定》")
SYNTHESIS = _("《互联网信息服务深度合成管理规定》")
ASSESSMENT = _("《具有舆论属性或社会动员能力的互联网信息服务安全评估规定》")


@dataclass(frozen=True)
class Citation:
    law: str
    article: str
    gist: str


SCOPE = Citation(
    RECOMMENDATION,
    _("第二条"),
    _(
        "在中华人民共和国境内应用算法推荐技术提供互联网信息服务，适用本规定；算法推荐技术是指利用生成合成类、个性化推送类、排序精选类、检索过滤类、调度决策类等算法技术向用户提供信息。"
    ),
)
FILING = Citation(
    RECOMMENDATION,
    _("第二十四条"),
    _(
        "具有舆论属性或者社会动员能力的算法推荐服务提供者应当在提供服务之日起十个工作日内通过互联网信息服务算法备案系统履行备案手续。"
    ),
)
OPINION = Citation(
    ASSESSMENT,
    _("第二条"),
    _(
        "论坛、博客、微博客、聊天室、通讯群组、公众账号、短视频、网络直播、信息分享、小程序等信息服务或者附设相应功能，以及提供公众舆论表达渠道或者具有发动社会公众从事特定活动能力的其他互联网信息服务，具有舆论属性或者社会动员能力。"
    ),
)
SYNTHESIS_SCOPE = Citation(
    SYNTHESIS,
    _("第二条"),
    _("在中华人民共和国境内应用深度合成技术提供互联网信息服务，适用本规定。"),
)
SYNTHESIS_PROVIDER = Citation(
    SYNTHESIS,
    _("第十九条第一款"),
    _(
        "具有舆论属性或者社会动员能力的深度合成服务提供者，应当按照《互联网信息服务算法推荐管理规定》履行备案和变更、注销备案手续。"
    ),
)
SYNTHESIS_SUPPORTER = Citation(
    SYNTHESIS,
    _("第十九条第二款"),
    _("深度合成服务技术支持者应当参照前款规定履行备案和变更、注销备案手续。"),
)
SYNTHESIS_TERMS = Citation(
    SYNTHESIS,
    _("第二十三条"),
    _(
        "深度合成技术是指利用深度学习、虚拟现实等生成合成类算法制作文本、图像、音频、视频、虚拟场景等网络信息的技术；深度合成服务提供者是指提供深度合成服务的组织、个人；深度合成服务技术支持者是指为深度合成服务提供技术支持的组织、个人。"
    ),
)


class Outcome(TextChoices):
    MUST_FILE = "must_file", _("需要备案")
    SYNTHESIS = "synthesis", _("需要按深度合成服务备案")
    LIKELY_NOT = "likely_not", _("可能无需备案")


# The questions' choices: the forms the 2018 安全评估规定 names (第二条), and the five techniques with
# an example each (ALG-02).
OPINION_FORMS = (
    ("forum", _("论坛")),
    ("blog", _("博客")),
    ("microblog", _("微博客")),
    ("chatroom", _("聊天室")),
    ("group", _("通讯群组")),
    ("public_account", _("公众账号")),
    ("short_video", _("短视频")),
    ("live", _("网络直播")),
    ("sharing", _("信息分享")),
    ("mini_program", _("小程序")),
    ("mobilise", _("其他提供公众舆论表达渠道或者能发动社会公众从事特定活动的服务")),
)
TECHNIQUE_EXAMPLES = {
    AlgorithmType.GENERATION: _("例如：根据提示词生成文章、图片或语音，AI 换脸、变声"),
    AlgorithmType.PERSONALISED_PUSH: _("例如：根据用户浏览记录推荐新闻、短视频或商品"),
    AlgorithmType.RANKING: _("例如：热搜榜、排行榜、精选内容的排序"),
    AlgorithmType.RETRIEVAL_FILTERING: _("例如：站内搜索结果的检索与排序，过滤违法和不良信息"),
    AlgorithmType.SCHEDULING: _("例如：外卖、网约车的派单与路线规划"),
}


@dataclass(frozen=True)
class Facts:
    """The answers, as the rules read them."""

    public_in_china: bool
    opinion: bool  # 舆论属性或者社会动员能力: one of the 2018 forms at least
    techniques: frozenset[str]  # AlgorithmType codes
    synthesis: bool  # generates or edits text, images, audio or video
    role: str  # Role.PROVIDER / Role.SUPPORTER — who offers the 深度合成 service

    @property
    def deep_synthesis(self) -> bool:
        return self.synthesis or AlgorithmType.GENERATION in self.techniques

    @property
    def recommends(self) -> bool:
        return bool(self.techniques)


@dataclass(frozen=True)
class Rule:
    name: str
    when: Callable[[Facts], bool]
    outcome: Outcome
    reason: str
    citations: tuple[Citation, ...]
    role: str = ""  # the role a draft filing starts with; "" when nothing is to be filed


RULES: tuple[Rule, ...] = (
    Rule(
        "not_in_china",
        lambda f: not f.public_in_china,
        Outcome.LIKELY_NOT,
        _("两部规定只适用于在中华人民共和国境内向公众提供的互联网信息服务。"),
        (SCOPE, SYNTHESIS_SCOPE),
    ),
    Rule(
        "synthesis_supporter",
        lambda f: f.deep_synthesis and f.role == Role.SUPPORTER,
        Outcome.SYNTHESIS,
        _(
            "为深度合成服务提供技术支持的，作为服务技术支持者参照服务提供者履行备案手续，算法类型为生成合成类。"
        ),
        (SYNTHESIS_SUPPORTER, SYNTHESIS_TERMS),
        Role.SUPPORTER,
    ),
    Rule(
        "synthesis_provider_with_opinion",
        lambda f: f.deep_synthesis and f.opinion,
        Outcome.SYNTHESIS,
        _("提供深度合成服务且具有舆论属性或者社会动员能力的，作为服务提供者备案，算法类型为生成合成类。"),
        (SYNTHESIS_PROVIDER, FILING, OPINION, SYNTHESIS_TERMS),
        Role.PROVIDER,
    ),
    Rule(
        "recommendation_with_opinion",
        lambda f: f.recommends and f.opinion,
        Outcome.MUST_FILE,
        _(
            "应用算法推荐技术提供信息服务且具有舆论属性或者社会动员能力的，应当在提供服务之日起十个工作日内备案；每个算法单独备案。"
        ),
        (FILING, SCOPE, OPINION),
        Role.PROVIDER,
    ),
    Rule(
        "no_opinion",
        lambda f: (f.recommends or f.deep_synthesis) and not f.opinion,
        Outcome.LIKELY_NOT,
        _(
            "备案义务只针对具有舆论属性或者社会动员能力的服务。服务形式或功能变化后（如增加评论、分享、直播），请重新自查。"
        ),
        (FILING, SYNTHESIS_PROVIDER, OPINION),
    ),
    Rule(
        "no_algorithm",
        lambda f: True,
        Outcome.LIKELY_NOT,
        _("未应用算法推荐技术或深度合成技术向用户提供信息的，不属于算法推荐管理规定的适用范围。"),
        (SCOPE, SYNTHESIS_SCOPE),
    ),
)


@dataclass(frozen=True)
class Answer:
    rule: Rule
    algo_type: str  # the type a draft starts with; "" when nothing is to be filed

    @property
    def outcome(self) -> Outcome:
        return self.rule.outcome

    @property
    def role(self) -> str:
        return self.rule.role

    @property
    def files(self) -> bool:
        return self.rule.outcome != Outcome.LIKELY_NOT


def selfcheck_answer(facts: Facts) -> Answer:
    """CHK-01: the first rule of `RULES` whose conditions hold, and the algorithm type a draft starts with
    (生成合成类 for 深度合成, else the first technique named in the regulation's order)."""
    rule = next(rule for rule in RULES if rule.when(facts))
    if rule.outcome == Outcome.LIKELY_NOT:
        return Answer(rule, "")
    if rule.outcome == Outcome.SYNTHESIS:
        return Answer(rule, AlgorithmType.GENERATION)
    first = next(code for code in AlgorithmType.values if code in facts.techniques)
    return Answer(rule, first)

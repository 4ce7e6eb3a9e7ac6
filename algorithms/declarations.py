"""The filing form, declared once (ALG-02, ALG-03, ALG-13).

Each field of the wizard's steps ① and ② is one `Field` line below: where it is kept in `Filing.data`, its
label, its widget, when it is required, its length limit, its help text and whether the public sees it.
Everything else is derived from these lines: the wizard's pages (`includes/declared_field.html`), the page
form and the API serializer that refuse what the database cannot hold, the service's normalisation, the
"what is missing" check (`filing_problems`), the labels of the reviewer's diff and of a refused stale save,
and the public labels. Adding an optional text field is one line here; no migration (the data is JSON, see
docs/decisions/0002-filing-form-declared-once.md).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import AlgorithmType, Role

Basic = dict  # the step ① data a `required` rule looks at

# 应用领域: the stored value is the Chinese term (filings, lists and the API keep it); only the label shown
# in the menu is translated.
DOMAINS = (
    ("新闻资讯", gettext_lazy("新闻资讯")),
    ("网络视听", gettext_lazy("网络视听")),
    ("社交", gettext_lazy("社交")),
    ("电子商务", gettext_lazy("电子商务")),
    ("搜索引擎", gettext_lazy("搜索引擎")),
    ("生活服务", gettext_lazy("生活服务")),
    ("交通出行", gettext_lazy("交通出行")),
    ("金融", gettext_lazy("金融")),
    ("教育", gettext_lazy("教育")),
    ("医疗健康", gettext_lazy("医疗健康")),
    ("游戏", gettext_lazy("游戏")),
    ("文学阅读", gettext_lazy("文学阅读")),
    ("音乐", gettext_lazy("音乐")),
    ("地图导航", gettext_lazy("地图导航")),
    ("办公", gettext_lazy("办公")),
    ("人工智能对话", gettext_lazy("人工智能对话")),
    ("其他", gettext_lazy("其他")),
)

# Limits the page, the API and the service share; longer text is refused at its field, never cut (ALG-13).
SHORT, LONG, CELL = 2000, 5000, 2000


@dataclass(frozen=True)
class Column:
    """One column of a table field (算法数据, 算法风险与防范机制)."""

    name: str
    label: Promise
    required: bool = True
    widget: str = "text"  # text | textarea
    limit: int = CELL


@dataclass(frozen=True)
class Field:
    """One field of a step. `path` is where it is kept in Filing.data ("basic.name",
    "details.model.principle"); `input` the name the page posts and its errors are keyed by (the last part
    of the path by default)."""

    path: str
    label: Promise
    widget: str = "text"  # text | textarea | date | select | radio | rows
    required: bool | Callable[[Basic], bool] = True
    limit: int = SHORT
    help: Promise | str = ""
    placeholder: Promise | str = ""
    rows: int = 3  # a textarea's height
    choices: Callable[[], list[tuple[str, str]]] | None = None
    closed: bool = True  # a value outside `choices` is a problem (an open list only suggests)
    check: Callable[[str], str | None] | None = None  # a rule beyond "required": the message, or None
    missing: Promise | None = None  # said when required and empty (default: 请填写<label>。)
    public: str = ""  # published under this key of the 公示内容 (PUBLIC_HEADINGS), or not at all
    columns: tuple[Column, ...] = ()  # for widget="rows"
    row_prefix: str = ""  # the page's column inputs are "<row_prefix>_<column>"
    row_word: Promise | str = ""  # "第2项<row_word>：…"
    add_label: Promise | str = ""
    input_name: str = ""
    page_attrs: str = ""  # e.g. data-supporter-only: shown by wizard.js for one role
    half: bool = False  # a short field: two to a row on wide screens
    soft_limit: int = 0  # a length with a reason (主要用途: one or two sentences), counted at the field
    page_step: int = 0  # asked on another step's page than the one whose data holds it (0: its own)

    @property
    def shown_limit(self) -> int:
        """ALG-13: the limit the field's counter shows."""
        return self.soft_limit or self.limit

    @property
    def input(self) -> str:
        return self.input_name or self.path.rsplit(".", 1)[-1]

    @property
    def store(self) -> str:
        """The part of Filing.data the field lives in: "basic" or "details"."""
        return self.path.split(".", 1)[0]

    @property
    def keys(self) -> tuple[str, ...]:
        """The path inside its store: ("model", "principle")."""
        return tuple(self.path.split(".")[1:])

    def is_required(self, basic: Basic) -> bool:
        return self.required(basic) if callable(self.required) else bool(self.required)

    def value(self, data: dict):
        """The field's value in a Filing.data-shaped dict (missing parts as empty)."""
        node = (data or {}).get(self.store) or {}
        for key in self.keys:
            node = node.get(key) if isinstance(node, dict) else None
        if self.widget == "rows":
            return node if isinstance(node, list) else []
        return node if node is not None else ""

    def choice_list(self) -> list[tuple[str, str]]:
        return self.choices() if self.choices else []


@dataclass(frozen=True)
class Section:
    title: Promise
    fields: tuple[Field, ...]
    preview: bool = False  # ALG-12: shown beside a live preview of the public page (its public fields)

    def blocks(self) -> list[list[Field]]:
        """The fields in page order, consecutive half-width ones together (one grid row set)."""
        blocks: list[list[Field]] = []
        for f in self.fields:
            if f.half and blocks and blocks[-1][0].half:
                blocks[-1].append(f)
            else:
                blocks.append([f])
        return blocks

    @property
    def table(self) -> Field | None:
        """A section that is one table field: the table's fieldset is the section."""
        return self.fields[0] if len(self.fields) == 1 and self.fields[0].widget == "rows" else None


@dataclass(frozen=True)
class Step:
    number: int
    title: Promise
    store: str
    sections: tuple[Section, ...] = field(default_factory=tuple)

    def fields(self) -> Iterator[Field]:
        for section in self.sections:
            yield from section.fields


def _iso_day(value: str) -> str | None:
    try:
        date.fromisoformat(value)
    except ValueError:
        return _("上线时间格式应为年-月-日，如2024-03-01。")
    return None


def _short_main_use(value: str) -> str | None:
    return _("主要用途请用一两句话概括，不超过200字。") if len(value) > 200 else None


def _supporter(basic: Basic) -> bool:
    return basic.get("role") == Role.SUPPORTER


def _generative(basic: Basic) -> bool:
    """ALG-02: the 角色 is asked of 生成合成类 (深度合成) filings only; any other is a service provider's."""
    return basic.get("algo_type") == AlgorithmType.GENERATION


def _domains() -> list[tuple[str, str]]:
    return list(DOMAINS)


BASIC = Step(
    1,
    gettext_lazy("基础属性信息"),
    "basic",
    (
        Section(
            gettext_lazy("① 算法基础属性信息"),
            (
                Field("basic.name", gettext_lazy("算法名称"), limit=100),
                Field(
                    "basic.algo_type",
                    gettext_lazy("算法类型"),
                    half=True,
                    widget="select",
                    choices=lambda: list(AlgorithmType.choices),
                    missing=gettext_lazy("请选择算法类型。"),
                ),
                Field(
                    "basic.domain",
                    gettext_lazy("应用领域"),
                    half=True,
                    widget="select",
                    choices=_domains,
                    closed=False,
                ),
                Field(
                    "basic.launch_date",
                    gettext_lazy("上线时间"),
                    half=True,
                    widget="date",
                    help=gettext_lazy("算法上线服务之日起10个工作日内应当备案。"),
                    check=_iso_day,
                    missing=gettext_lazy("请填写上线时间。"),
                ),
                Field(
                    "basic.role",
                    gettext_lazy("角色"),
                    half=True,
                    widget="radio",
                    choices=lambda: list(Role.choices),
                    required=_generative,
                    missing=gettext_lazy("请选择备案主体的角色。"),
                    help=gettext_lazy("仅生成合成类（深度合成）算法需选择；其他类型均为服务提供者。"),
                    page_attrs="data-generative-only",
                ),
                Field(
                    "basic.main_use",
                    gettext_lazy("主要用途"),
                    widget="textarea",
                    help=gettext_lazy("一两句话：应用于…场景，根据…，推荐/生成…"),
                    check=_short_main_use,
                    soft_limit=200,
                ),
                Field(
                    "basic.tech_service_mode",
                    gettext_lazy("技术服务方式"),
                    widget="textarea",
                    required=_supporter,
                    help=gettext_lazy(
                        "技术支持者填写：以何种方式向服务提供者提供算法技术（如API接口、私有化部署、SDK）。"
                    ),
                    page_attrs="data-supporter-only",
                    # ALG-02: asked in step ③, "关联产品及功能信息或技术服务方式", in place of the products.
                    page_step=3,
                ),
            ),
        ),
        Section(
            gettext_lazy("拟公示内容"),
            (
                Field(
                    "basic.public_principle",
                    gettext_lazy("算法基本原理"),
                    widget="textarea",
                    public="principle",
                    help=gettext_lazy("用公众能读懂的话说明算法如何工作，不必写出模型细节。"),
                ),
                Field(
                    "basic.public_mechanism",
                    gettext_lazy("算法运行机制"),
                    widget="textarea",
                    public="mechanism",
                    help=gettext_lazy("算法依据哪些信息、按什么规则产生结果，以及用户可以如何干预。"),
                ),
                Field(
                    "basic.public_scenarios",
                    gettext_lazy("算法应用场景"),
                    widget="textarea",
                    public="scenarios",
                    help=gettext_lazy("算法用在哪些产品、哪些功能中。"),
                ),
                Field(
                    "basic.public_purpose",
                    gettext_lazy("算法目的意图"),
                    widget="textarea",
                    public="purpose",
                    help=gettext_lazy("使用该算法想达到的目的。"),
                ),
            ),
            preview=True,
        ),
    ),
)

DETAILS = Step(
    2,
    gettext_lazy("详细属性信息"),
    "details",
    (
        Section(
            gettext_lazy("② 算法详细属性信息"),
            (
                Field("details.intro", gettext_lazy("算法简介"), widget="textarea", limit=LONG),
                Field(
                    "details.scenarios",
                    gettext_lazy("使用场景"),
                    widget="textarea",
                    limit=LONG,
                ),
                Field(
                    "details.input_modality",
                    gettext_lazy("输入模态"),
                    half=True,
                    limit=LONG,
                    placeholder=gettext_lazy("如：文本、图像、用户行为数据"),
                ),
                Field(
                    "details.input_formats",
                    gettext_lazy("输入格式"),
                    half=True,
                    required=False,
                    limit=LONG,
                    placeholder=gettext_lazy("如：JSON、JPEG"),
                ),
                Field(
                    "details.output_modality",
                    gettext_lazy("输出模态"),
                    half=True,
                    limit=LONG,
                    placeholder=gettext_lazy("如：排序后的内容列表"),
                ),
                Field(
                    "details.output_formats", gettext_lazy("输出格式"), half=True, required=False, limit=LONG
                ),
            ),
        ),
        Section(
            gettext_lazy("算法数据"),
            (
                Field(
                    "details.data_sources",
                    gettext_lazy("算法数据"),
                    widget="rows",
                    columns=(
                        Column("name", gettext_lazy("数据来源")),
                        Column("type", gettext_lazy("数据类型")),
                        Column("collection", gettext_lazy("采集方式")),
                        Column("volume", gettext_lazy("数据规模")),
                        Column("labelling", gettext_lazy("数据标注"), required=False),
                        # 采集时间 is a period as often as a day ("2023年1月至今"): free text.
                        Column("collection_time", gettext_lazy("采集时间"), required=False),
                        Column("usage", gettext_lazy("数据使用情况"), required=False, widget="textarea"),
                    ),
                    row_prefix="ds",
                    row_word=gettext_lazy("数据"),
                    add_label=gettext_lazy("＋ 添加数据来源"),
                    missing=gettext_lazy("请至少填写一项算法数据来源。"),
                ),
            ),
        ),
        Section(
            gettext_lazy("算法模型"),
            (
                Field(
                    "details.model.framework",
                    gettext_lazy("模型框架"),
                    half=True,
                    limit=LONG,
                    placeholder=gettext_lazy("如：PyTorch、TensorFlow"),
                    input_name="model_framework",
                ),
                Field(
                    "details.model.architecture",
                    gettext_lazy("模型架构"),
                    half=True,
                    limit=LONG,
                    placeholder=gettext_lazy("如：双塔召回 + 深度排序模型"),
                    input_name="model_architecture",
                ),
                Field(
                    "details.model.principle",
                    gettext_lazy("核心原理"),
                    widget="textarea",
                    limit=LONG,
                    input_name="model_principle",
                ),
                Field(
                    "details.model.training_sets",
                    gettext_lazy("训练数据集"),
                    widget="textarea",
                    rows=2,
                    limit=LONG,
                    input_name="model_training_sets",
                ),
            ),
        ),
        Section(
            gettext_lazy("算法策略"),
            (
                Field(
                    "details.strategy",
                    gettext_lazy("算法策略"),
                    widget="textarea",
                    rows=4,
                    limit=LONG,
                    help=gettext_lazy("召回、排序、过滤、人工干预等规则及其运行方式。"),
                ),
            ),
        ),
        Section(
            gettext_lazy("算法风险与防范机制"),
            (
                Field(
                    "details.risks",
                    gettext_lazy("算法风险与防范机制"),
                    widget="rows",
                    columns=(
                        Column("risk", gettext_lazy("风险"), widget="textarea"),
                        Column("countermeasures", gettext_lazy("防范措施"), widget="textarea"),
                    ),
                    row_prefix="risk",
                    row_word=gettext_lazy("风险"),
                    add_label=gettext_lazy("＋ 添加风险"),
                    missing=gettext_lazy("请至少填写一项算法风险及其防范机制。"),
                ),
            ),
        ),
    ),
)

# The steps whose fields are declared here, by number. Step ③ (products and functions) and step ④ (the last
# check) are not free text: their rules live in the services (coverage, ENT-05, the commitment).
FORM: dict[int, Step] = {1: BASIC, 2: DETAILS}

# Uploads of step ①: Attachment foreign keys on the filing, not data.
UPLOADS = {
    "self_assessment": gettext_lazy("算法安全自评估报告"),
    "disclosure": gettext_lazy("拟公示内容"),
}


def step_fields(step: int) -> tuple[Field, ...]:
    return tuple(FORM[step].fields()) if step in FORM else ()


def all_fields() -> Iterator[Field]:
    for step in FORM.values():
        yield from step.fields()


def field_by_path(path: str) -> Field | None:
    return next((f for f in all_fields() if f.path == path), None)


# The 公示内容's headings (PUB-03), in the order the public page shows them; a public field whose key is
# not here is shown under its own label, after these.
PUBLIC_HEADINGS = {
    "principle": gettext_lazy("算法基本原理"),
    "mechanism": gettext_lazy("算法运行机制"),
    "scenarios": gettext_lazy("算法应用场景"),
    "purpose": gettext_lazy("算法目的意图"),
}


def public_fields() -> list[Field]:
    """The fields published in the 公示内容, in the order of PUBLIC_HEADINGS, then as declared."""
    order = list(PUBLIC_HEADINGS)
    published = [f for f in all_fields() if f.public]
    return sorted(published, key=lambda f: order.index(f.public) if f.public in order else len(order))


def public_heading(f: Field):
    return PUBLIC_HEADINGS.get(f.public, f.label)


def disclosure_of(snapshot: dict) -> dict[str, str]:
    """The 公示内容 of a filing's approved snapshot: public key → text (PUB-03)."""
    return {f.public: str(f.value(snapshot) or "") for f in public_fields()}


def disclosure_shown(disclosure: dict) -> list[tuple[str, str]]:
    """A stored 公示内容 as (heading, text) in page order, in the reader's language."""
    shown = [(str(public_heading(f)), (disclosure or {}).get(f.public, "")) for f in public_fields()]
    return shown


# --- What is derived ------------------------------------------------------------------------------------


def _text(value, limit: int) -> str:
    return str(value if value is not None else "").strip()[:limit]


def normalise(step: int, raw: dict | None) -> dict:
    """A step's data as the service keeps it: every declared field present, text stripped, empty table rows
    dropped, anything undeclared left out."""
    raw = raw if isinstance(raw, dict) else {}
    out: dict = {}
    for f in step_fields(step):
        node = raw
        for key in f.keys[:-1]:
            node = node.get(key) if isinstance(node.get(key), dict) else {}
        value = node.get(f.keys[-1])
        target = out
        for key in f.keys[:-1]:
            target = target.setdefault(key, {})
        if f.widget == "rows":
            target[f.keys[-1]] = _rows(value, f.columns)
        else:
            target[f.keys[-1]] = _text(value, f.limit)
    return out


def _rows(rows, columns: tuple[Column, ...]) -> list[dict]:
    cleaned = []
    for row in rows if isinstance(rows, list) else []:
        if not isinstance(row, dict):
            continue
        item = {c.name: _text(row.get(c.name), c.limit) for c in columns}
        if any(item.values()):
            cleaned.append(item)
    return cleaned


def on_page(f: Field, step: int, page: int) -> bool:
    """Whether field `f` of step `step` is asked on page `page`."""
    return (f.page_step or step) == page


def page_fields(page: int) -> list[Field]:
    """The fields of other steps asked on page `page` (技术服务方式 on step ③)."""
    return [f for number in FORM for f in step_fields(number) if number != page and f.page_step == page]


def typed(step: int, post, saved: dict | None = None) -> dict:
    """What a step's page posted, in the shape `normalise` takes (a QueryDict: `get` and `getlist`); a field
    of this step asked on another page keeps its value in `saved` (the filing's data)."""
    out: dict = {}
    for f in step_fields(step):
        target = out
        for key in f.keys[:-1]:
            target = target.setdefault(key, {})
        if not on_page(f, step, step):
            target[f.keys[-1]] = f.value(saved or {})
        elif f.widget == "rows":
            columns = {c.name: post.getlist(f"{f.row_prefix}_{c.name}") for c in f.columns}
            count = max((len(v) for v in columns.values()), default=0)
            target[f.keys[-1]] = [
                {c: (values[i] if i < len(values) else "") for c, values in columns.items()}
                for i in range(count)
            ]
        else:
            target[f.keys[-1]] = post.get(f.input, "")
    return out


def problems(step: int, data: dict) -> list[tuple[int, str, str]]:
    """(page, input, message) for each declared rule a step's data breaks: required fields, table rows,
    checks — on the page where the field is asked."""
    return [(field.page_step or step, field.input, message) for field, message in _problems(step, data)]


def _problems(step: int, data: dict) -> list[tuple[Field, str]]:
    basic = (data or {}).get("basic") or {}
    found: list[tuple[Field, str]] = []
    for f in step_fields(step):
        value = f.value(data)
        if f.widget == "rows":
            if f.is_required(basic) and not value:
                found.append((f, str(f.missing or _("请至少填写一项%(label)s。") % {"label": f.label})))
            for n, row in enumerate(value, 1):
                if not isinstance(row, dict):
                    continue
                for column in f.columns:
                    if column.required and not str(row.get(column.name) or "").strip():
                        found.append(
                            (
                                f,
                                _("第%(n)s项%(what)s：请填写%(label)s。")
                                % {"n": n, "what": f.row_word, "label": column.label},
                            )
                        )
            continue
        text = str(value).strip()
        if f.choices is not None and f.closed and text and text not in dict(f.choice_list()):
            found.append((f, _("请从列表中选择%(label)s。") % {"label": f.label}))
        elif not text:
            if f.is_required(basic):
                found.append((f, str(f.missing or _("请填写%(label)s。") % {"label": f.label})))
        elif f.check is not None and (message := f.check(text)):
            found.append((f, message))
    return found


def label_for(path: str) -> str | None:
    """The label of a declared field or table row, by its path in Filing.data
    ('details.risks[1].countermeasures' → '算法风险与防范机制 第2项 防范措施')."""
    import re

    f = field_by_path(path)
    if f is not None:
        return str(f.label)
    match = re.fullmatch(r"([\w.]+)\[(\d+)\](?:\.(\w+))?", path)
    if match:
        f = field_by_path(match.group(1))
        if f is not None:
            label = _("%(label)s 第%(n)s项") % {"label": f.label, "n": int(match.group(2)) + 1}
            column = next((c for c in f.columns if c.name == match.group(3)), None)
            return f"{label} {column.label}" if column else label
    return None

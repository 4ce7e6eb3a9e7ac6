from __future__ import annotations

import re

from django.utils.translation import gettext as _

from .models import AlgorithmType, Filing, Role


def filing_review_context(filing: Filing, data: dict) -> dict:
    """The reviewer's view of a submitted filing: the snapshot, with labels for its codes."""
    basic = data.get("basic", {})
    return {
        "s": data,
        "filing": filing,
        "algo_type_label": dict(AlgorithmType.choices).get(basic.get("algo_type"), ""),
        "role_label": dict(Role.choices).get(basic.get("role"), ""),
        "entity": filing.entity,
    }


FIELD_LABELS = {
    "basic.name": "算法名称",
    "basic.algo_type": "算法类型",
    "basic.domain": "应用领域",
    "basic.launch_date": "上线时间",
    "basic.main_use": "主要用途",
    "basic.role": "角色",
    "basic.tech_service_mode": "技术服务方式",
    "details.intro": "算法简介",
    "details.scenarios": "使用场景",
    "details.input_modality": "输入模态",
    "details.input_formats": "输入格式",
    "details.output_modality": "输出模态",
    "details.output_formats": "输出格式",
    "details.model.framework": "模型框架",
    "details.model.architecture": "模型架构",
    "details.model.principle": "核心原理",
    "details.model.training_sets": "训练数据集",
    "details.strategy": "算法策略",
    "self_assessment": "算法安全自评估报告",
    "disclosure": "拟公示内容",
}
ROW_LABELS = {
    "data_sources": "算法数据",
    "risks": "算法风险与防范机制",
    "products": "应用产品",
    "coverage": "产品及功能勾选",
}


def filing_field_label(path: str) -> str:
    """'details.risks[1].countermeasures' → '算法风险与防范机制 第2项'; known fields by their labels."""
    if path in FIELD_LABELS:
        return _(FIELD_LABELS[path])
    match = re.match(r"(\w+)(?:\[(\d+)\])?", path.removeprefix("details."))
    if match and match.group(1) in ROW_LABELS:
        label = _(ROW_LABELS[match.group(1)])
        return f"{label} 第{int(match.group(2)) + 1}项" if match.group(2) else label
    return path

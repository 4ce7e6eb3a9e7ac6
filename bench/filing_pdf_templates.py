"""Render timings of the two pre-filled PDF templates of an algorithm filing (ALG-02).

    cd /work/main && .venv/bin/python bench/filing_pdf_templates.py [N]

One warm-up render of each (fontconfig, font loading, template compilation), then N
renders (default 20); prints the median and the maximum wall time in milliseconds.
Uses an unsaved Filing of an unsaved Entity: no database is touched.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "beian.settings")

import django  # noqa: E402

django.setup()

from pdf_templates import time_renders  # noqa: E402  (this folder, beside this script)

from algorithms.documents import disclosure_template_pdf, self_assessment_template_pdf  # noqa: E402
from algorithms.models import Filing  # noqa: E402
from filers.models import Entity  # noqa: E402

SAMPLE_DATA = {
    "basic": {
        "name": "星河个性化推荐算法",
        "algo_type": "02",
        "domain": "资讯、短视频",
        "launch_date": "2023-06-18",
        "main_use": "应用于星河资讯App首页信息流场景，根据用户的浏览、点赞、关注等行为和主动选择的兴趣标签，"
        "推荐用户可能感兴趣的资讯和短视频。",
        "role": "provider",
        "tech_service_mode": "",
    },
    "details": {
        "intro": "星河个性化推荐算法是北京星河算法科技有限公司自主研发的信息流推荐算法，于2023年6月上线，"
        "服务于星河资讯App，日均服务用户约300万人。\n算法由召回、粗排、精排和重排四个阶段组成，"
        "在精排结果上叠加内容安全过滤和多样性打散策略。",
        "scenarios": "星河资讯App首页“推荐”频道信息流；视频频道“猜你喜欢”模块。服务对象为注册用户和游客。",
        "input_modality": "文本",
        "input_formats": ["JSON", "UTF-8文本"],
        "output_modality": "文本",
        "output_formats": "内容ID排序列表（JSON）",
        "data_sources": [
            {
                "name": "用户行为日志",
                "type": "用户行为数据",
                "collection": "App埋点采集，经用户同意",
                "volume": "日均约2亿条",
                "labelling": "不涉及标注",
            },
            {
                "name": "内容库",
                "type": "文本、图片、视频元数据",
                "collection": "自有及合作方授权",
                "volume": 12000000,
                "labelling": "人工标注内容分类和标签，抽检准确率98%",
            },
        ],
        "model": {
            "framework": "TensorFlow 2.12",
            "architecture": "双塔召回模型 + DeepFM精排模型",
            "principle": "根据用户的历史行为和兴趣标签计算用户向量，与内容向量进行相似度匹配召回候选内容，"
            "再由精排模型预估点击率和阅读时长，按综合得分排序。",
            "training_sets": "近90天脱敏用户行为样本",
        },
        "strategy": "召回阶段多路召回（兴趣、热点、关注、地域）；排序阶段预估点击率和阅读时长；"
        "重排阶段进行内容去重、同类打散和优质内容加权，并经违法和不良信息过滤。\n"
        "用户可在“设置-个性化推荐”中关闭个性化推荐，关闭后按内容热度和时间排序展示。",
        "risks": [
            {"risk": "信息茧房", "countermeasures": "多样性打散，兴趣探索流量不低于10%"},
            {"risk": "违法和不良信息传播", "countermeasures": "特征库过滤 + 人工审核，热门内容先审后发"},
            {"risk": "未成年人沉迷", "countermeasures": "青少年模式，使用时长提醒，22时至次日6时限制使用"},
        ],
    },
}


def sample_filing() -> Filing:
    entity = Entity(
        name="北京星河算法科技有限公司",
        uscc="91110108MA01ABCD3X",
        entity_type="enterprise",
        region_code="110108",
        address="中关村大街27号10层1001室",
    )
    return Filing(entity=entity, data=SAMPLE_DATA)


def main(n: int = 20) -> None:
    filing = sample_filing()
    time_renders(
        (
            ("self_assessment", lambda: self_assessment_template_pdf(filing=filing)),
            ("disclosure", lambda: disclosure_template_pdf(filing=filing)),
        ),
        n,
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)

"""The search's intent table: the words citizens ask with (报名, 电话, 登记表 …) → the page that
answers them, written as search/intents.json for the site's search script (assets/search.js).

Full-text search alone answers 怎么报名 with nothing (no page contains those four characters in a
row) and 电话 with every example project that prints a number. A question that contains one of an
intent's words puts that intent's page first; the full-text results follow, real pages before
example data. To add a question, add its words to the right intent (or a new intent) here; the
browser test `tests/browser/test_search_questions.py` keeps the list of questions that must work.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from generator.core import urls

INTENTS_JSON = "search/intents.json"


@dataclass(frozen=True)
class Intent:
    page: str
    """The docs path of the answering page, with an anchor (join.md#deadline) if it has one."""
    title: str
    """The result's title."""
    summary: str
    """One line under the title: what the page answers."""
    words: tuple[str, ...]
    """Words and phrases that, found in a question, mean this intent. A longer matched word
    counts more, so 报名表 (downloads) wins over 报名 (join)."""


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


INTENTS: tuple[Intent, ...] = (
    Intent(
        "join.md#steps",
        "怎样报名",
        "报名步骤：填写登记表，交企业工会或街道、社区工会，逐级审核",
        _words(
            "报名 怎么报名 如何报名 怎样报名 报名方式 报名流程 报名步骤 报名手续 如何参加 "
            "怎么参加 参加 加入 入队 申请 成为志愿者 当志愿者 做志愿者 想当 想参加 我要报名 "
            "志愿者报名 网上报名 手续 流程 步骤"
        ),
    ),
    Intent(
        "join.md#where",
        "在哪里报名",
        "企业职工向本企业工会报名；社会人员到户籍所在地街道、社区工会报名",
        _words(
            "在哪报名 哪里报名 去哪报名 在哪里报名 报名地点 到哪 去哪 在哪儿 哪里 户籍 户口 "
            "社区 街道 企业工会 单位工会 社会人员 没有单位 无业 个体"
        ),
    ),
    Intent(
        "contact.md",
        "联系我们",
        "市总工会生活保障部的联系人和电话，各工会的联系方式",
        _words(
            "电话 联系方式 联系电话 联系 找谁 联系人 咨询 热线 打电话 号码 地址 办公室 "
            "生活保障部 问谁 负责人 办公地点 咨询电话"
        ),
    ),
    Intent(
        "downloads.md",
        "表格下载",
        "通知、名额分配表、登记表、花名册的 PDF 和 Excel 下载",
        _words(
            "表格 登记表 花名册 下载 打印 报名表 申请表 模板 附件 表格下载 pdf excel xlsx "
            "word 文档 填表 空白表"
        ),
    ),
    Intent(
        "join.md#conditions",
        "志愿者条件",
        "通知第三部分规定的志愿者条件",
        _words(
            "条件 要求 资格 年龄 多大 岁 谁可以 谁能 能不能 可以报名吗 够不够 学生 大学生 "
            "退休 离退休 老年 劳模 劳动模范 身体 非会员 不是会员 外地"
        ),
    ),
    Intent(
        "join.md#deadline",
        "报名截止时间",
        "登记表和花名册报送的截止日期",
        _words(
            "截止 截至 时间 期限 什么时候 何时 几号 几月 日期 还能报 来得及 过期 到期 "
            "结束 开始 deadline"
        ),
    ),
    Intent(
        "join.md#notes",
        "填表须知",
        "登记表怎么填：照片、签字、健康状况、政治面貌、学历",
        _words("怎么填 如何填 填写 照片 签字 健康状况 政治面貌 学历 填错"),
    ),
    Intent(
        "quotas.md",
        "名额分配",
        "各工会的志愿者名额和登记进度",
        _words("名额 指标 人数 多少人 分配 进度 满了 名额分配 完成 5800"),
    ),
    Intent(
        urls.UNIONS,
        "各工会",
        "19 个区市县、开放先导区和产业工会",
        _words("哪个工会 所属工会 上级工会 区总工会 总工会 各工会 工会名单 我的工会 哪个区"),
    ),
    Intent(
        "notice.md",
        "通知全文",
        "大工办发[2012]18号《关于组建工会服务帮扶志愿者队伍的通知》",
        _words("通知 文件 原文 全文 红头 18号 大工办发 政策 规定 依据"),
    ),
    Intent(
        "services.md",
        "服务内容",
        "“一助一”长期结对和十个方面的专业化、特色化服务",
        _words("服务内容 做什么 干什么 服务什么 服务范围 服务领域 内容 工作 义务 无偿 有报酬 工资"),
    ),
    Intent(
        "pairing.md",
        "“一助一”结对",
        "困难职工家庭与志愿者长期结对的情况",
        _words("一助一 结对 困难职工 困难家庭 帮扶对象 对子"),
    ),
    Intent(
        urls.first_page(urls.PROJECTS),
        "服务项目",
        "各工会承接的志愿服务项目（标有“示例”的不是真实项目）",
        _words("项目 服务项目 活动 申报项目 上报项目 项目申报"),
    ),
    Intent(
        urls.first_page(urls.RECOGNITIONS),
        "表彰",
        "受表彰的志愿者和集体",
        _words("表彰 奖励 先进 优秀 评选 荣誉 好人好事"),
    ),
    Intent(
        "privacy.md",
        "个人信息保护",
        "个人信息怎样收集、使用、保存和删除",
        _words("隐私 个人信息 信息安全 泄露 删除信息 撤回 身份证号 保密 公开吗"),
    ),
)


def _served(page: str) -> str:
    path, _, anchor = page.partition("#")
    return urls.served(path) + (f"#{anchor}" if anchor else "")


def intents_json() -> bytes:
    """The table as the search script reads it: served paths (relative to the site root)."""
    data = {
        "intents": [
            {
                "location": _served(i.page),
                "title": i.title,
                "summary": i.summary,
                "words": list(i.words),
            }
            for i in INTENTS
        ]
    }
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode()

"""The `volunteers` command group and its entry point `main`; each command group is a module."""

from __future__ import annotations

import click

from . import archive, certificate, data, intake, publish, review, service, staff
from .errors import Group


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="dalian-union-volunteers")
def main() -> None:
    """工会服务帮扶志愿者（大工办发[2012]18号）：数据校验、网站与表格生成、网上报名导入。"""


for command in (
    data.check,
    data.scan,
    data.generate,
    data.stats,
    staff.new,
    staff.approve,
    staff.reject,
    review.review,
    review.review_sheet,
    archive.roster,
    certificate.certificate,
    service.hours,
    service.activity,
    intake.intake,
    publish.publish,
):
    main.add_command(command)

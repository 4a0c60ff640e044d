"""`volunteers roster`: a union's roster and registration forms, archived outside the project."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from generator.core import outputs

from .errors import Failed, loaded
from .options import out_option, source_options

if TYPE_CHECKING:
    from generator.core.validate import SiteData


def start_archive(
    data_dir: Path,
    out: Path,
    sheet: str | None,
    file: Path | None,
    credentials: Path | None,
    why: str | None = None,
) -> tuple[Path, bytes, SiteData]:
    """What every command writing full personal numbers outside the project checks first:
    the data folder, `out` (never inside the project, site/ or a git work tree; `why` says what
    the files hold), the source and its credentials, the intake key; then the project's data.
    (project root, key, site) or the command ends in one Chinese line."""
    from generator.paperwork import archive
    from intake.errors import IntakeError
    from intake.session import check_credentials, check_source, hmac_key

    root = data_dir.resolve().parent
    if data_dir.name != "data" or not data_dir.is_dir():
        raise Failed(f"数据目录 {data_dir} 不存在或不是名为 data 的文件夹")
    said = archive.refusal(out, root) if why is None else archive.refusal(out, root, why)
    refused = said or outputs.refusal("--out", out, root, directory=True)
    if refused:
        raise Failed(refused)
    try:
        check_source(sheet, file)
        check_credentials(credentials, root)
        key = hmac_key()
    except IntakeError as exc:
        raise Failed(str(exc)) from None
    return root, key, loaded(root)


@click.command()
@click.argument("union_id", metavar="UNION-ID")
@source_options
@out_option("输出目录：须在仓库和 site/ 之外（文件含完整身份证号和手机号）。")
def roster(
    union_id: str,
    sheet: str | None,
    worksheet: str | None,
    file: Path | None,
    out: Path,
    data_dir: Path,
    mapping: Path | None,
    credentials: Path | None,
) -> None:
    """生成一个工会已批准志愿者的花名册（PDF、XLSX）和登记表，存档备查（只写到仓库之外）。

    \b
    - 已批准的登记按身份证号散列和所属工会与报名表逐行对应；完整的身份证号和手机号只取自
      报名表，只写进 --out 中的文件，不出现在屏幕输出里。
    - 报名表中找不到的已批准登记仍列入花名册（身份证号、电话为脱敏形式），并按编号提示；
      电话与登记时不一致的，登记表上为脱敏电话。未批准的行一律不用。
    - --out 不能在项目目录、site/ 或任何 git 工作区之内；文件仅本人可读写（0600）。
    """
    from generator.paperwork import archive
    from generator.paperwork.pdf import PdfError
    from intake.columns import Mapping
    from intake.details import source_rows
    from intake.errors import IntakeError
    from intake.session import open_table, shaped

    _root, key, site = start_archive(data_dir, out, sheet, file, credentials)
    union = site.unions.get(union_id)
    if union is None:
        raise Failed(f"未知的工会 “{union_id}”（可选：{'、'.join(site.unions)}）")
    records = archive.approved_records(site, union.id)
    if not records:
        raise Failed(f"{union.name}尚无已批准的登记，未生成任何文件")
    try:
        columns = Mapping.load(mapping)
        table = open_table(sheet, worksheet, file, credentials, columns)
        table, _ = shaped(table, columns, "auto")  # a 问卷星… export read as intake reads it
        joined = archive.join(records, source_rows(table, site, key, columns))
    except IntakeError as exc:
        raise Failed(f"读取报名表失败：{exc}") from None
    try:
        files = archive.render(archive.plan(site, union.id, joined))
    except PdfError as exc:
        raise Failed(str(exc)) from None
    archive.write_archive(out, files)  # an OSError is said by errors.Group, files named
    forms = len(joined.entries)
    click.echo(
        f"{union.name}：已批准 {forms} 人，花名册（PDF、XLSX）和 {forms} 份登记表已写入 {out}"
    )
    notes = (
        (joined.unmatched, "在报名表中找不到（按身份证号散列核对），花名册和登记表中为脱敏号码"),
        (joined.phone_differs, "的联系电话与报名表不一致，登记表中为脱敏号码"),
        (joined.several, "在报名表中有多行，已取导入时的那一行（认不出时取最后一行）"),
    )
    for records_noted, what in notes:
        if records_noted:
            listed = "、".join(f"{r.id}（{r.id_masked}）" for r in records_noted)
            click.echo(f"提示：{len(records_noted)} 条已批准登记{what}：{listed}", err=True)

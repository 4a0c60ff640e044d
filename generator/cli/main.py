"""The `volunteers` command: the only place that prints or exits."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from generator.core import faults, outputs
from generator.core.errors import DataErrors
from generator.core.review import ReviewError
from generator.core.validate import SiteData, load_site
from generator.staff.actions import StaffError
from intake.cli import intake, source_options

from .errors import Group

ROOT_OPTION = click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="项目根目录（含 data/）。",
)


def _fail(message: str) -> None:
    click.echo(f"错误：{message}", err=True)
    sys.exit(1)


def _site(root: Path) -> SiteData:
    try:
        return load_site(root.resolve())
    except DataErrors as exc:
        for error in exc.errors:
            click.echo(str(error), err=True)
        click.echo(f"共 {len(exc.errors)} 处错误。请先修正数据（volunteers check）。", err=True)
        sys.exit(1)


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="dalian-union-volunteers")
def main() -> None:
    """工会服务帮扶志愿者（大工办发[2012]18号）：数据校验、网站与表格生成、网上报名导入。"""


@main.command()
@click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="项目根目录（含 data/）。",
)
def check(root: Path) -> None:
    """校验 data/ 下的全部数据文件；有错误时逐条列出并以状态 1 退出。"""
    try:
        site = load_site(root.resolve(), scan=True)
    except DataErrors as exc:
        for error in exc.errors:
            click.echo(str(error), err=True)
        click.echo(f"共 {len(exc.errors)} 处错误。", err=True)
        sys.exit(1)
    for warning in site.warnings:
        click.echo(f"提示：{warning}", err=True)
    click.echo(
        f"数据校验通过：{len(site.unions)} 个工会，名额合计 {site.quotas.total}，"
        f"{len(site.projects)} 个服务项目，{len(site.recognitions)} 项表彰。"
    )


main.add_command(intake)


@main.command()
@click.argument("record_id")
@click.option(
    "--level",
    type=click.Choice(["unit", "district", "city"]),
    required=True,
    help="unit 单位工会 / district 区市县总工会、产业工会 / city 市总工会。",
)
@click.option("--opinion", type=click.Choice(["同意", "不同意"]), required=True)
@click.option("--office", required=True, help="签署意见的工会或部门。")
@click.option(
    "--date", "on", type=click.DateTime(["%Y-%m-%d"]), default=None, help="签署日期（默认今天）。"
)
@click.option("--note", default=None, help="备注。")
@ROOT_OPTION
def review(
    record_id: str, level: str, opinion: str, office: str, on: object, note: str | None, root: Path
) -> None:
    """在一份登记上签署某一级工会意见（单位工会 → 区市县总工会、产业工会 → 市总工会）。"""
    from generator.staff.actions import review as do_review

    day = on.date() if on is not None else date.today()  # type: ignore[attr-defined]
    try:
        record = do_review(root.resolve(), record_id, level, opinion, office, day, note)
    except (StaffError, ReviewError) as exc:
        _fail(str(exc))
    click.echo(
        f"{record_id}：已记录{record.opinions[-1].level.label}（{opinion}），当前状态：{record.status.label}。"
    )


@main.command()
@click.argument("proposal_id")
@click.option("--id", "project_id", default=None, help="新项目的标识（默认由申报编号生成）。")
@click.option("--by", default="大连市总工会生活保障部", show_default=True, help="审核单位。")
@click.option(
    "--date", "on", type=click.DateTime(["%Y-%m-%d"]), default=None, help="审核日期（默认今天）。"
)
@ROOT_OPTION
def approve(proposal_id: str, project_id: str | None, by: str, on: object, root: Path) -> None:
    """批准一项服务项目申报，发布为服务项目（申报记录保留）。"""
    from generator.staff.actions import approve as do_approve

    _site(root)
    day = on.date() if on is not None else date.today()  # type: ignore[attr-defined]
    try:
        project, path = do_approve(root.resolve(), proposal_id, project_id, by, day)
    except StaffError as exc:
        _fail(str(exc))
    click.echo(
        f"已发布服务项目 {project.id}：{project.title}（{path.relative_to(root.resolve())}）"
    )


@main.command()
@click.argument("proposal_id")
@ROOT_OPTION
def reject(proposal_id: str, root: Path) -> None:
    """不同意一项服务项目申报（不会公开）。"""
    from generator.staff.actions import reject as do_reject

    try:
        do_reject(root.resolve(), proposal_id)
    except StaffError as exc:
        _fail(str(exc))
    click.echo(f"项目申报 {proposal_id} 已标记为未通过。")


@main.command()
@click.argument("kind", type=click.Choice(["project", "recognition"]))
@click.option(
    "--id", "record_id", default=None, help="标识（小写英文字母、数字和连字符），默认自动生成。"
)
@ROOT_OPTION
def new(kind: str, record_id: str | None, root: Path) -> None:
    """新建一个服务项目或表彰的 YAML 模板（带注释），填写后运行 volunteers check。"""
    from generator.staff.actions import new_record

    try:
        path = new_record(root.resolve(), kind, record_id, date.today())
    except StaffError as exc:
        _fail(str(exc))
    click.echo(str(path.relative_to(root.resolve())))


@main.command()
@ROOT_OPTION
def stats(root: Path) -> None:
    """各工会名额、已批准、待审核、完成率和“一助一”结对覆盖率。"""
    from generator.staff.stats import render_stats

    render_stats(_site(root))


@main.command()
@click.argument("union_id", metavar="UNION-ID")
@source_options
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="输出目录：须在仓库和 site/ 之外（文件含完整身份证号和手机号）。",
)
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
    from intake import sources
    from intake.cli import hmac_key
    from intake.columns import Mapping
    from intake.details import source_rows
    from intake.errors import IntakeError

    root = data_dir.resolve().parent
    if data_dir.name != "data" or not data_dir.is_dir():
        _fail(f"数据目录 {data_dir} 不存在或不是名为 data 的文件夹")
    refused = archive.refusal(out, root) or outputs.refusal("--out", out, root, directory=True)
    if refused:
        _fail(refused)
    if (sheet is None) == (file is None):
        _fail("请指定 --sheet KEY 或 --file PATH 之一")
    if credentials is not None and credentials.resolve().is_relative_to(root):
        _fail("凭据文件不能放在项目目录中（以免提交进仓库）；请放到仓库之外")
    try:
        key = hmac_key()
    except IntakeError as exc:
        _fail(str(exc))
    site = _site(root)
    union = site.unions.get(union_id)
    if union is None:
        _fail(f"未知的工会 “{union_id}”（可选：{'、'.join(site.unions)}）")
        return
    records = archive.approved_records(site, union.id)
    if not records:
        _fail(f"{union.name}尚无已批准的登记，未生成任何文件")
    try:
        columns = Mapping.load(mapping)
        if sheet is not None:
            table = sources.open_sheet(sheet, worksheet, credentials, columns.status_column)
        else:
            assert file is not None
            table = sources.open_file(file, worksheet)
        joined = archive.join(records, source_rows(table, site, key, columns))
    except IntakeError as exc:
        _fail(f"读取报名表失败：{exc}")
    try:
        files = archive.render(archive.plan(site, union.id, joined))
    except PdfError as exc:
        _fail(str(exc))
    archive.write_archive(out, files)  # an OSError is said by faults.Group, files named
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


@main.command()
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="输出目录：完整的 Markdown 文档目录（手写页面已填入数据，另含全部生成的页面和文件）；"
    "不能在 data/、content/、site_templates/ 之内。",
)
@ROOT_OPTION
def generate(out: Path, root: Path) -> None:
    """不经 MkDocs 生成网站的全部页面和文件（供其他静态网站工具使用）。"""
    from generator.site.pipeline import build_date, cache_dir
    from generator.site.pipeline import generate as write_all

    root = root.resolve()
    refused = outputs.refusal("--out", out, root, directory=True)
    if refused:
        _fail(refused)
    faults.scratch(cache_dir(root))
    try:
        site = load_site(root, build_date(), cache_dir=cache_dir(root))
        with faults.partial(out):
            written = write_all(site, root / "content", out, cache_dir(root))
    except DataErrors as exc:
        for error in exc.errors:
            click.echo(str(error), err=True)
        sys.exit(1)
    click.echo(f"已生成 {len(written)} 个文件：{out}")


@main.command()
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
def scan(folder: Path) -> None:
    """用网站构建时的隐私检查扫描任意目录（网页、JSON、XML、PDF、XLSX、图片元数据）：
    发现完整的身份证号或个人手机号时列出文件（号码只显示脱敏形式）并以状态 1 退出。"""
    from generator.site.privacy import scan_site

    try:
        findings = scan_site(folder)
    except OSError as exc:
        click.echo(f"错误：无法读取 {exc.filename or folder}：{exc.strerror or exc}", err=True)
        sys.exit(1)
    for finding in findings:
        click.echo(str(finding), err=True)
    if findings:
        files = len({f.path for f in findings})
        _fail(f"隐私检查未通过：{files} 个文件含有完整的身份证号或个人手机号（见上）。")
    click.echo(f"隐私检查通过：{folder} 中未发现完整的身份证号或个人手机号。")

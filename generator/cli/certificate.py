"""`volunteers certificate`: a 志愿服务记录证明 PDF into --out (outside the repository), and its
entry in data/certificates.yml."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import click

from generator.core.records import Registration

from .archive import start_archive
from .errors import Failed
from .options import day, source_options


def _day(value: datetime | None) -> date | None:
    return value.date() if value is not None else None


@click.command()
@click.argument("record_id", metavar="RECORD-ID")
@source_options
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="输出目录：须在仓库和 site/ 之外（证明含完整身份证号）。",
)
@click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]), help="服务期间起（含）。")
@click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]), help="服务期间止（含）。")
@click.option("--handler", required=True, help="经办人姓名（出具证明的工作人员）。")
@click.option("--copy", "copy_of", metavar="NUMBER", help="补发副本：已登记的证明编号。")
@click.option(
    "--date", "on", type=click.DateTime(["%Y-%m-%d"]), default=None, help="出具日期（默认今天）。"
)
def certificate(
    record_id: str,
    sheet: str | None,
    worksheet: str | None,
    file: Path | None,
    data_dir: Path,
    mapping: Path | None,
    credentials: Path | None,
    out: Path,
    start: datetime | None,
    end: datetime | None,
    handler: str,
    copy_of: str | None,
    on: datetime | None,
) -> None:
    """为一名志愿者出具志愿服务记录证明（PDF），并登记在 data/certificates.yml。

    \b
    - 证件号码只取自报名表（按身份证号散列与登记核对），只写进 --out 中的 PDF；
      登记簿只记编号、登记编号、服务期间、时长、出具日期和出具单位。
    - 编号形如 大工志证〔2026〕第0001号，永不重复使用；--copy 编号 按原编号和原服务期间补发副本。
    - --out 不能在项目目录、site/ 或任何 git 工作区之内；文件仅本人可读写（0600）。
    """
    from generator.core.activities import hours_text
    from generator.core.certificates import Certificate, Register, next_number, service_of
    from generator.core.identity import find_personal_numbers
    from generator.core.records import RecordStatus
    from generator.core.writer import write_atomic
    from generator.paperwork import archive
    from generator.paperwork import certificate as cert
    from generator.paperwork.pdf import PdfError
    from intake.columns import Mapping
    from intake.details import source_rows
    from intake.errors import IntakeError
    from intake.session import open_table, shaped

    root, key, site = start_archive(
        data_dir, out, sheet, file, credentials, "志愿服务记录证明含完整身份证号"
    )
    issuer = site.campaign.certificates
    if issuer is None:
        raise Failed(
            "data/campaign.yml 缺少 certificates（出具单位、编号前缀、联系电话），未出具证明"
        )
    today = day(on)
    handler = handler.strip()
    if not handler or len(handler) > 200:
        raise Failed("--handler 应为经办人姓名（1 至 200 个字），未出具证明")
    if find_personal_numbers(handler):
        raise Failed("--handler 中含有完整的身份证号或手机号，只填经办人姓名；未出具证明")
    if start is not None and end is not None and end < start:
        raise Failed(f"--to {end:%Y-%m-%d} 早于 --from {start:%Y-%m-%d}，未出具证明")
    register = site.certificates
    record = _record(root, record_id)
    if record.status != RecordStatus.approved:
        raise Failed(f"登记 {record_id} 尚未经市总工会同意（{record.status.label}），未出具证明")
    if copy_of is not None:
        entry = next((c for c in register.certificates if c.number == copy_of), None)
        if entry is None or entry.record != record_id:
            raise Failed(f"登记簿中没有登记 {record_id} 的证明 “{copy_of}”，未出具副本")
        lines = service_of(site.activities, record_id, entry.start, entry.end)
        if cert.total(lines) != entry.hours:
            raise Failed(
                f"证明 {copy_of} 登记的时长 {entry.hours} 小时与现有记录 {cert.total(lines)} 小时"
                "不一致，不能补发副本；请出具新证明"
            )
        entry = entry.model_copy(update={"copies": [*entry.copies, today]})
    else:
        lines = service_of(site.activities, record_id, _day(start), _day(end))
        if not lines:
            raise Failed(f"登记 {record_id} 在所选期间没有服务记录，未出具证明")
        entry = Certificate(
            number=next_number(register, issuer.prefix, today.year),
            record=record_id,
            start=_day(start) or lines[0].day,
            end=_day(end) or lines[-1].day,
            hours=cert.total(lines),
            issued=today,
            issuer=issuer.issuer,
            handler=handler,
        )
    try:
        columns = Mapping.load(mapping)
        table = open_table(sheet, worksheet, file, credentials, columns)
        table, _ = shaped(table, columns, "auto")
        joined = archive.join([record], source_rows(table, site, key, columns))
    except IntakeError as exc:
        raise Failed(f"读取报名表失败：{exc}") from None
    if joined.unmatched:
        raise Failed(
            f"登记 {record_id}（{record.id_masked}）在报名表中找不到（按身份证号散列核对），"
            "无法填写证件号码，未出具证明"
        )
    issue = cert.Issue(entry, joined.entries[0], lines, copy=copy_of is not None)
    try:
        pdf = cert.render(site, issuer, issue)
    except PdfError as exc:
        raise Failed(str(exc)) from None
    if copy_of is None:
        updated = Register(certificates=[*register.certificates, entry])
    else:
        updated = Register(
            certificates=[entry if c.number == entry.number else c for c in register.certificates]
        )
    write_atomic(root / "data" / "certificates.yml", cert.register_text(updated))
    name = cert.file_name(entry, copy_of is not None, today)
    archive.write_archive(out, {name: pdf})
    what = "副本" if copy_of is not None else "证明"
    click.echo(
        f"已出具{what} {entry.number}：登记 {record_id}，{entry.start} 至 {entry.end}，"
        f"{len(lines)} 次，合计 {hours_text(entry.hours)} 小时；{out / name}"
    )


def _record(root: Path, record_id: str) -> Registration:
    """The registration (the data has validated, so it reads cleanly)."""
    from generator.core import loader
    from generator.staff.actions import StaffError, find_registration

    try:
        path = find_registration(root, record_id)
    except StaffError as exc:
        raise Failed(str(exc)) from None
    return Registration.model_validate(loader.read(path, root).data)

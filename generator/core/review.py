"""The three opinions of the registration form and the status that follows from them (pure)."""

from __future__ import annotations

from datetime import date

from pydantic import ValidationError

from .identity import redact
from .messages import explain
from .records import Opinion, OpinionLevel, RecordStatus, Registration

ORDER = [OpinionLevel.unit, OpinionLevel.district, OpinionLevel.city]
AGREE, DISAGREE = "同意", "不同意"


class ReviewError(ValueError):
    """A review step that the form's order does not allow; the message is Chinese."""


def agrees(opinion: Opinion) -> bool:
    return opinion.opinion.strip().startswith(AGREE)


def order_problem(opinions: list[Opinion]) -> str | None:
    """Why these opinions are out of the form's order (unit → district/industry → city), or None."""
    for i, opinion in enumerate(opinions):
        if i >= len(ORDER) or opinion.level != ORDER[i]:
            expected = ORDER[i].label if i < len(ORDER) else "（无）"
            return f"第 {i + 1} 条意见应为{expected}，实际为{opinion.level.label}"
        if i and opinion.date < opinions[i - 1].date:
            return f"{opinion.level.label}的日期早于{opinions[i - 1].level.label}"
        if not agrees(opinion) and i < len(opinions) - 1:
            return f"{opinion.level.label}为不同意后，不能再有上级意见"
    return None


def derive_status(opinions: list[Opinion], withdrawn: bool = False) -> RecordStatus:
    """pending until the city agrees (approved); any 不同意 rejects; a withdrawal ends it."""
    if withdrawn:
        return RecordStatus.withdrawn
    if any(not agrees(o) for o in opinions):
        return RecordStatus.rejected
    if opinions and opinions[-1].level == OpinionLevel.city:
        return RecordStatus.approved
    return RecordStatus.pending


def waiting_level(record: Registration) -> OpinionLevel | None:
    """The level whose opinion a pending record waits for (None when it waits for none)."""
    if record.status != RecordStatus.pending or len(record.opinions) >= len(ORDER):
        return None
    return ORDER[len(record.opinions)]


def add_opinion(
    record: Registration,
    level: OpinionLevel,
    opinion: str,
    office: str,
    on: date,
    note: str | None = None,
) -> Registration:
    """The record with one more opinion, in order, and its status updated."""
    if opinion not in (AGREE, DISAGREE):
        raise ReviewError(f"意见应为 “{AGREE}” 或 “{DISAGREE}”，实际为 “{opinion}”")
    if record.status in (RecordStatus.rejected, RecordStatus.withdrawn):
        raise ReviewError(f"该登记的状态为{record.status.label}，不能再签署意见")
    if record.status == RecordStatus.approved:
        raise ReviewError("该登记已经市总工会同意，审核已完成")
    done = [o.level for o in record.opinions]
    expected = ORDER[len(done)]
    if level != expected:
        if level in done:
            raise ReviewError(f"{level.label}已签署，不能重复签署")
        raise ReviewError(f"尚未签署{expected.label}，不能先签署{level.label}")
    if record.opinions and on < record.opinions[-1].date:
        raise ReviewError(f"日期 {on} 早于上一级意见的日期 {record.opinions[-1].date}")
    try:
        added = Opinion(level=level, opinion=opinion, office=office, date=on, note=note)
        opinions = [*record.opinions, added]
        # Through every validator of the record (model_copy would skip them: a note or office
        # holding a full ID or mobile must be refused, as `volunteers check` refuses it).
        return Registration.model_validate(
            {
                **record.model_dump(),
                "opinions": [o.model_dump() for o in opinions],
                "status": derive_status(opinions),
            }
        )
    except ValidationError as exc:
        problems = "；".join(
            f"{'.'.join(map(str, e['loc'])) or '意见'}: {explain(e)}" for e in exc.errors()
        )
        raise ReviewError(redact(f"意见未能记录（{problems}）")) from None

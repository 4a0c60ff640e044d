"""Progress towards the quota and 一助一 coverage, per union and in total (pure)."""

from __future__ import annotations

from dataclasses import dataclass

from .models import Union
from .validate import SiteData


@dataclass(frozen=True)
class UnionProgress:
    union: Union
    quota: int
    approved: int
    pending: int
    needy: int | None
    paired: int | None
    waiting: tuple[int, int, int] = (0, 0, 0)
    """Pending records waiting for the unit's, the district's and the city's opinion."""

    @property
    def percent(self) -> float:
        """Approved volunteers as a share of the quota, in percent with one decimal."""
        return round(self.approved * 100 / self.quota, 1) if self.quota else 0.0

    @property
    def coverage(self) -> float | None:
        """Needy households paired with a volunteer, in percent (None without pairing figures)."""
        if self.needy is None or self.paired is None:
            return None
        return round(self.paired * 100 / self.needy, 1) if self.needy else 100.0


def union_progress(site: SiteData) -> list[UnionProgress]:
    """One row per union, in the order of the quota table."""
    pairing = {line.union: line for line in site.pairing.unions} if site.pairing else {}
    rows = []
    for line in site.quotas.quotas:
        counts = site.registration_counts.get(line.union, {})
        pair = pairing.get(line.union)
        waits = site.waiting_counts.get(line.union, {})
        rows.append(
            UnionProgress(
                union=site.unions[line.union],
                quota=line.count,
                approved=counts.get("approved", 0),
                pending=counts.get("pending", 0),
                needy=pair.needy if pair else None,
                paired=pair.paired if pair else None,
                waiting=(waits.get("unit", 0), waits.get("district", 0), waits.get("city", 0)),
            )
        )
    return rows


@dataclass(frozen=True)
class Totals:
    quota: int
    approved: int
    pending: int
    needy: int
    paired: int
    waiting: tuple[int, int, int] = (0, 0, 0)

    @property
    def percent(self) -> float:
        return round(self.approved * 100 / self.quota, 1) if self.quota else 0.0

    @property
    def coverage(self) -> float | None:
        return round(self.paired * 100 / self.needy, 1) if self.needy else None


def totals(rows: list[UnionProgress]) -> Totals:
    return Totals(
        quota=sum(r.quota for r in rows),
        approved=sum(r.approved for r in rows),
        pending=sum(r.pending for r in rows),
        needy=sum(r.needy or 0 for r in rows),
        paired=sum(r.paired or 0 for r in rows),
        waiting=(
            sum(r.waiting[0] for r in rows),
            sum(r.waiting[1] for r in rows),
            sum(r.waiting[2] for r in rows),
        ),
    )

"""``--baseline FILE``: what changed since an earlier report of the same
kind (one account, or an organization).

Three checks, in the order the command can make them:

* ``check_baseline``, before anything is sent: the baseline's kind and
  partition are this run's, and a shard's baseline is the whole run or the
  same shard;
* ``check_identity``, after the first answer that says who the caller is
  (GetCallerIdentity for one account, ListAccounts' first page for an
  organization) and before any probe: the baseline is of this account or
  organization;
* ``compare``, after the run: the changes.

A change is one of: an account that appeared, went, or could not be
checked (``Account``: null, ``checked`` or ``error``), a region's
``Status`` of an account checked both times, or one of the account's
facts (``account_facts.FACT_FIELDS``: ``GlobalEndpointTokenVersion``).
Latencies and details are not compared:
they differ on every run. Pure functions over plain dicts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from awscli_regional_sts.aws.status import Word
from awscli_regional_sts.aws.untrusted import quote
from awscli_regional_sts.commands.activation.fleet.documents import (
    ReportKind,
    ReportProblem,
)
from awscli_regional_sts.commands.activation.fleet.shards import Shard
from awscli_regional_sts.commands.activation.model.account_facts import FACT_FIELDS


class ChangeField(Word):
    """What changed, in the report's own field names; an account's fact
    changes under its own field (``FACT_FIELDS``)."""

    ACCOUNT = "Account"
    STATUS = "Status"


class AccountPresence(Word):
    """An account's ``Account`` value in a change: checked, or listed with
    an ``Error`` (null: not in that report)."""

    CHECKED = "checked"
    ERROR = "error"


@dataclass(frozen=True)
class Change:
    account_id: str
    region: str | None
    #: A ChangeField, or a fact's report field.
    field: str
    before: Any
    after: Any

    def to_dict(self) -> dict[str, Any]:
        return {
            "AccountId": self.account_id,
            "Region": self.region,
            "Change": str(self.field),
            "Before": self.before,
            "After": self.after,
        }


def check_baseline(
    baseline_kind: ReportKind,
    baseline: dict[str, Any],
    kind: ReportKind,
    partition: str | None,
    shard: Shard | None = None,
) -> None:
    """Refuse, before anything is sent, a baseline that cannot be this
    run's. ``partition`` None: not known yet (a merge takes its own)."""
    if baseline_kind != kind:
        run = "an organization" if kind == ReportKind.ORGANIZATION else "one account"
        raise ReportProblem(
            f"--baseline: the file is a report of {_kind_words(baseline_kind)}, "
            f"this run checks {run}"
        )
    if partition is not None and baseline["Partition"] != partition:
        raise ReportProblem(
            f"--baseline: the file is a report of partition "
            f"{quote(baseline['Partition'])}, this run checks {partition}"
        )
    if kind == ReportKind.ORGANIZATION and not baseline.get("OrganizationId"):
        raise ReportProblem(
            "--baseline: the file does not name its organization "
            "(OrganizationId); write a new baseline with this version"
        )
    old = baseline.get("Shard")
    if old is not None and (
        shard is None or (old["Number"], old["Count"]) != (shard.number, shard.count)
    ):
        this = f"shard {shard}" if shard else "the whole organization"
        raise ReportProblem(
            f"--baseline: the file is shard {old['Number']}/{old['Count']}, this "
            f"run is {this}: merge the shards (--merge) for a whole baseline"
        )


def _kind_words(kind: ReportKind) -> str:
    return "an organization" if kind == ReportKind.ORGANIZATION else "one account"


def check_identity(
    kind: ReportKind, baseline: dict[str, Any], identity: str | None
) -> None:
    """Refuse a baseline of another account (``identity``: the caller's
    account id) or organization (its id, ``o-...``)."""
    field = "OrganizationId" if kind == ReportKind.ORGANIZATION else "Account"
    expected = baseline.get(field)
    if identity != expected:
        what = "organization" if kind == ReportKind.ORGANIZATION else "account"
        raise ReportProblem(
            f"--baseline: the file is a report of {what} {quote(expected)}, this "
            f"run checks {what} {quote(identity)}"
        )


def compare(
    kind: ReportKind,
    baseline: dict[str, Any],
    current: dict[str, Any],
    shard: Shard | None = None,
) -> list[Change]:
    """The changes from ``baseline`` to ``current``. For a shard's run
    against a whole baseline, only the baseline's accounts of that shard
    count."""
    if kind == ReportKind.ACCOUNT:
        return _account_changes(str(current["Account"]), baseline, current)
    before = {
        str(a["AccountId"]): a
        for a in baseline["Accounts"]
        if shard is None or shard.holds(str(a["AccountId"]))
    }
    after = {str(a["AccountId"]): a for a in current["Accounts"]}
    changes: list[Change] = []
    for account_id in _ordered(after, before):
        old, new = before.get(account_id), after.get(account_id)
        old_presence, new_presence = _presence(old), _presence(new)
        if old_presence != new_presence:
            changes.append(
                Change(
                    account_id=account_id,
                    region=None,
                    field=ChangeField.ACCOUNT,
                    before=old_presence,
                    after=new_presence,
                )
            )
        if (
            old is not None
            and new is not None
            and old_presence == new_presence == AccountPresence.CHECKED
        ):
            changes.extend(_account_changes(account_id, old, new))
    return changes


def _ordered(*mappings: dict[str, Any]) -> Iterable[str]:
    return dict.fromkeys(key for mapping in mappings for key in mapping)


def _presence(account: dict[str, Any] | None) -> str | None:
    """Plain words, since they go into the report as they are."""
    if account is None:
        return None
    if account.get("Error") is not None:
        return str(AccountPresence.ERROR)
    return str(AccountPresence.CHECKED)


def _account_changes(
    account_id: str, old: dict[str, Any], new: dict[str, Any]
) -> list[Change]:
    changes: list[Change] = []
    for name in FACT_FIELDS:
        if old.get(name) != new.get(name):
            changes.append(
                Change(
                    account_id=account_id,
                    region=None,
                    field=name,
                    before=old.get(name),
                    after=new.get(name),
                )
            )
    before = {row["Region"]: row["Status"] for row in old.get("Regions") or ()}
    after = {row["Region"]: row["Status"] for row in new.get("Regions") or ()}
    for region in _ordered(after, before):
        if before.get(region) != after.get(region):
            changes.append(
                Change(
                    account_id=account_id,
                    region=region,
                    field=ChangeField.STATUS,
                    before=before.get(region),
                    after=after.get(region),
                )
            )
    return changes

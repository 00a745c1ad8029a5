"""Azora Finance's anti-money-laundering rule: large transfers and unusual velocity out of a user's or an
organisation's account are recorded as suspicious money movements. The rule watches posted transfers after the
fact; it never blocks or delays one."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

import azora.security.public as security
from azora.finance.models import Account, Posting, Transfer
from azora.shared.money import CURRENCY_EXPONENTS

ZAR = "ZAR"
AZR = "AZR"
VELOCITY_WINDOW = dt.timedelta(hours=1)
# A large transfer is flagged once however often its event is delivered; a busy account once an hour.
LARGE_DEDUPE_SECONDS = 7 * 24 * 3600
VELOCITY_DEDUPE_SECONDS = int(VELOCITY_WINDOW.total_seconds())
# The account types whose money belongs to someone outside the platform; platform-internal moves are not watched.
WATCHED_OWNERS = frozenset({Account.OwnerType.USER, Account.OwnerType.ORGANISATION})
# The side that takes money out of an account, by the account's kind (a wallet is the platform's liability).
_OUTGOING_SIDE: dict[str, str] = {
    Account.Kind.LIABILITY: Posting.Side.DEBIT,
    Account.Kind.EQUITY: Posting.Side.DEBIT,
    Account.Kind.INCOME: Posting.Side.DEBIT,
    Account.Kind.ASSET: Posting.Side.CREDIT,
    Account.Kind.EXPENSE: Posting.Side.CREDIT,
}
_FX_PAIR = re.compile(r"^([A-Z]{3}):([A-Z]{3})=(\d+(?:\.\d+)?)$")
_CURRENCY_AMOUNT = re.compile(r"^([A-Z]{3}):(\d+)$")


@dataclass(frozen=True, slots=True)
class AmlRules:
    """The rule's numbers: the ZAR threshold, ZAR per unit of other currencies, thresholds for currencies
    without a rate, and how many outgoing transfers an hour are still ordinary."""

    large_zar_minor: int
    velocity_per_hour: int
    zar_per_unit: Mapping[str, Fraction]
    large_minor_by_currency: Mapping[str, int]

    def large_threshold_minor(self, currency: str) -> int | None:
        """The threshold in `currency`'s minor units, or None when neither a rate nor a setting gives one."""
        if currency in self.large_minor_by_currency:
            return self.large_minor_by_currency[currency]
        rate = self.zar_per_unit.get(currency)
        if rate is None:
            return None
        zar_units = Fraction(self.large_zar_minor, 10 ** CURRENCY_EXPONENTS[ZAR])
        exact = zar_units / rate * 10 ** CURRENCY_EXPONENTS.get(currency, 2)
        return int(-(-exact.numerator // exact.denominator))  # round up: never flag below the ZAR threshold

    def zar_minor(self, amount_minor: int, currency: str) -> int | None:
        rate = self.zar_per_unit.get(currency)
        if rate is None:
            return None
        units = Fraction(amount_minor, 10 ** CURRENCY_EXPONENTS.get(currency, 2))
        return int(units * rate * 10 ** CURRENCY_EXPONENTS[ZAR])


def rules_from_settings() -> AmlRules:
    return AmlRules(
        large_zar_minor=settings.AZORA_AML_LARGE_TRANSFER_ZAR_MINOR,
        velocity_per_hour=settings.AZORA_AML_VELOCITY_PER_HOUR,
        zar_per_unit=zar_rates(
            fx_text=settings.AZORA_REVENUE_FX, azr_rate_text=settings.AZORA_REVENUE_AZR_REDEMPTION_RATE
        ),
        large_minor_by_currency=per_currency_thresholds(getattr(settings, "AZORA_AML_LARGE_TRANSFER_MINOR", "")),
    )


def zar_rates(*, fx_text: str, azr_rate_text: str) -> dict[str, Fraction]:
    """ZAR per one unit of each currency the configured exchange rates can reach (directly, inverted, or
    through a currency both are quoted against), plus AZR through its redemption rate ("ZAR:10" = 10 AZR per
    rand). Pairs that do not parse are skipped: the pricing settings are validated where they are owned."""
    pairs = _fx_pairs(fx_text)
    rates: dict[str, Fraction] = {ZAR: Fraction(1)}
    for (base, quote), rate in pairs.items():
        if quote == ZAR:
            rates.setdefault(base, rate)
        elif base == ZAR:
            rates.setdefault(quote, 1 / rate)
    for (base, quote), rate in pairs.items():
        if base in rates and quote not in rates:
            rates[quote] = rates[base] / rate  # 1 quote = 1/rate base
        elif quote in rates and base not in rates:
            rates[base] = rates[quote] * rate
    azr = _CURRENCY_AMOUNT.match(azr_rate_text.strip())
    if azr and azr.group(1) in rates and int(azr.group(2)) > 0:
        rates[AZR] = rates[azr.group(1)] / int(azr.group(2))
    return rates


def _fx_pairs(text: str) -> dict[tuple[str, str], Fraction]:
    pairs = {}
    for raw in text.split(","):
        match = _FX_PAIR.match(raw.strip())
        if match is None:
            continue
        try:
            rate = Fraction(Decimal(match.group(3)))
        except InvalidOperation:
            continue
        if rate > 0:
            pairs[(match.group(1), match.group(2))] = rate
    return pairs


def per_currency_thresholds(text: str) -> dict[str, int]:
    """ "USD:500000,KES:130000000" -> minor units per currency, for currencies without an exchange rate."""
    thresholds = {}
    for raw in text.split(","):
        match = _CURRENCY_AMOUNT.match(raw.strip())
        if match:
            thresholds[match.group(1)] = int(match.group(2))
    return thresholds


@dataclass(frozen=True, slots=True)
class OutgoingLeg:
    account_id: uuid.UUID
    owner_type: str
    owner_id: uuid.UUID | None
    currency: str
    amount_minor: int


def transfer_check(*, transfer_id: uuid.UUID, rules: AmlRules | None = None, now: dt.datetime | None = None) -> int:
    """Checks one posted transfer against both rules; returns how many suspicious movements it recorded."""
    rules = rules or rules_from_settings()
    transfer = Transfer.objects.filter(pk=transfer_id, status=Transfer.Status.POSTED).first()
    if transfer is None:
        return 0
    legs = outgoing_legs(transfer_id)
    recorded = 0
    for leg in legs:
        recorded += _check_large(transfer, leg, rules)
        recorded += _check_velocity(transfer, leg, rules, now=now or timezone.now())
    return recorded


def outgoing_legs(transfer_id: uuid.UUID) -> list[OutgoingLeg]:
    """Money leaving a watched account in this transfer, summed per account."""
    rows = Posting.objects.filter(
        transfer_id=transfer_id, phase=Posting.Phase.POSTED, account__owner_type__in=WATCHED_OWNERS
    ).values_list(
        "account_id", "account__owner_type", "account__owner_id", "account__kind", "side", "currency", "amount"
    )
    totals: dict[tuple[uuid.UUID, str, uuid.UUID | None, str], int] = defaultdict(int)
    for account_id, owner_type, owner_id, kind, side, currency, amount in rows:
        if side == _OUTGOING_SIDE[kind]:
            totals[(account_id, owner_type, owner_id, currency)] += amount
    return [
        OutgoingLeg(account_id=key[0], owner_type=key[1], owner_id=key[2], currency=key[3], amount_minor=amount)
        for key, amount in totals.items()
    ]


def _check_large(transfer: Transfer, leg: OutgoingLeg, rules: AmlRules) -> int:
    threshold = rules.large_threshold_minor(leg.currency)
    if threshold is None or leg.amount_minor < threshold:
        return 0
    _record(
        transfer,
        leg,
        rule="large_transfer",
        summary=f"A {leg.currency} transfer at or above the large-transfer threshold left an account.",
        detail={"threshold_minor": threshold, "zar_equivalent_minor": rules.zar_minor(leg.amount_minor, leg.currency)},
        dedupe_key=f"large:{transfer.id}:{leg.account_id}",
        dedupe_seconds=LARGE_DEDUPE_SECONDS,
    )
    return 1


def _check_velocity(transfer: Transfer, leg: OutgoingLeg, rules: AmlRules, *, now: dt.datetime) -> int:
    count = outgoing_transfer_count(account_id=leg.account_id, since=now - VELOCITY_WINDOW)
    if count <= rules.velocity_per_hour:
        return 0
    _record(
        transfer,
        leg,
        rule="velocity",
        summary=f"More than {rules.velocity_per_hour} outgoing transfers left one account within an hour.",
        detail={"transfers_last_hour": count, "limit_per_hour": rules.velocity_per_hour},
        dedupe_key=f"velocity:{leg.account_id}",
        dedupe_seconds=VELOCITY_DEDUPE_SECONDS,
    )
    return 1


def outgoing_transfer_count(*, account_id: uuid.UUID, since: dt.datetime) -> int:
    account = Account.objects.only("kind").get(pk=account_id)
    outgoing = Q(account_id=account_id, side=_OUTGOING_SIDE[account.kind], phase=Posting.Phase.POSTED)
    return Posting.objects.filter(outgoing, created_at__gte=since).values("transfer_id").distinct().count()


def _record(
    transfer: Transfer,
    leg: OutgoingLeg,
    *,
    rule: str,
    summary: str,
    detail: dict[str, Any],
    dedupe_key: str,
    dedupe_seconds: int,
) -> None:
    security.security_event_record(
        kind="suspicious_money_movement",
        severity="high",
        summary=summary,
        actor_id=leg.owner_id if leg.owner_type == Account.OwnerType.USER else None,
        detail={
            "rule": rule,
            "transfer_id": str(transfer.id),
            "transfer_kind": transfer.kind,
            "account_id": str(leg.account_id),
            "owner_type": leg.owner_type,
            "owner_id": str(leg.owner_id) if leg.owner_id else None,
            "currency": leg.currency,
            "amount_minor": leg.amount_minor,
            **detail,
        },
        dedupe_key=f"aml:{dedupe_key}",
        dedupe_seconds=dedupe_seconds,
    )

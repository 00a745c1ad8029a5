"""The money tools (Kofi): the learner's AZR wallet balance and their learn-to-earn rewards."""

from __future__ import annotations

from azora.agents.tools import ToolRequest, ToolResult, about_learner, folded_words, register_tool
from azora.finance.public import accounts_of_user, balance
from azora.revenue.public import reward_month_summary, rewards_of

AZR = "AZR"
RECENT_REWARDS = 5


def wallet_balance(request: ToolRequest) -> ToolResult:
    """Reads the learner's own AZR wallet; never creates one (a learner without a wallet has 0 AZR)."""
    wallet = next(
        (
            account
            for account in accounts_of_user(user_id=request.user_id)
            if account.code == "wallet" and account.currency == AZR and account.owner_id == request.user_id
        ),
        None,
    )
    if wallet is None:
        return ToolResult(
            tool="wallet_balance",
            ok=True,
            summary="The learner has no AZR wallet yet, so their balance is 0.00 AZR.",
            data={"available": "0.00 AZR"},
        )
    view = balance(account_id=wallet.id)
    return ToolResult(
        tool="wallet_balance",
        ok=True,
        summary=(
            f"AZR wallet: {view.available} available ({view.posted} posted, {view.held} held by pending transfers)."
        ),
        data={"available": str(view.available), "posted": str(view.posted), "held": str(view.held)},
    )


def rewards_summary(request: ToolRequest) -> ToolResult:
    month = reward_month_summary(user_id=request.user_id)
    recent = rewards_of(user_id=request.user_id, limit=RECENT_REWARDS).items
    summary = (
        f"Learn-to-earn this month ({month.month:%B %Y}): earned {month.earned} of the plan's monthly cap "
        f"{month.cap} ({month.remaining} left); today {month.earned_today} of the daily cap {month.daily_cap}."
    )
    if recent:
        lines = [
            f'{reward.item.replace("_", " ")} in "{reward.course_title}": {reward.amount} ({reward.status}, '
            f"{reward.created_at:%Y-%m-%d})"
            for reward in recent
        ]
        summary += " Latest rewards: " + "; ".join(lines) + "."
    else:
        summary += " No rewards yet: completing lessons, passing assessments and earning certificates earn AZR."
    return ToolResult(
        tool="rewards_summary",
        ok=True,
        summary=summary,
        data={"earned": str(month.earned), "cap": str(month.cap), "remaining": str(month.remaining)},
    )


# Words (folded) of a question about the learner's own AZR wallet or rewards, in the served languages. A lesson
# question about budgeting or credit routed to Kofi is not one: the wallet and rewards are then background.
ACCOUNT_WORDS = frozenset(
    {"wallet", "balance", "azr", "token", "tokens", "reward", "rewards", "earn", "earned", "earning", "earnings",
     "coin", "coins", "payout", "portefeuille", "solde", "jeton", "jetons", "recompense", "recompenses", "gagne",
     "gagnes", "carteira", "saldo", "recompensa", "recompensas", "ganhei", "ficha", "fichas", "beursie",
     "beloning", "belonings", "verdien", "munte", "mkoba", "salio", "zawadi", "tuzo", "pochi", "sarafu"}
)  # fmt: skip


def about_account(text: str) -> bool:
    """Does the question ask about the learner's own wallet or rewards ("my balance", "how many AZR do I have")?"""
    words = folded_words(text)
    return about_learner(words) and not ACCOUNT_WORDS.isdisjoint(words)


register_tool("wallet_balance", wallet_balance, description="The learner's AZR wallet balance.", asked=about_account)
register_tool(
    "rewards_summary",
    rewards_summary,
    description="The learner's learn-to-earn rewards this month.",
    asked=about_account,
)

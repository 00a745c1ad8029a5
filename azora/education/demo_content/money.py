"""Demo courses in Money & finance: budgeting, compound interest and saving, credit and debt."""

# ruff: noqa: RUF001 -- lessons print the true multiplication and minus signs, as a textbook does

from __future__ import annotations

from azora.education.demo_content import DemoAssessment, DemoCourse, DemoLesson, DemoModule, DemoQuestion, true_false

CATEGORY = "money-and-finance"

BUDGET_INCOME = DemoLesson(
    "Income, expenses and the 50/30/20 rule",
    12,
    """\
A budget is a plan for money **before** you spend it. It starts with one number: your *net* income, what
actually arrives in your account after tax, UIF and other deductions.

## Three kinds of spending

| Kind | What it covers | Share of net income |
|---|---|---|
| Needs | rent, transport to work, basic groceries, electricity, minimum debt payments | 50% |
| Wants | eating out, data beyond the basics, clothes you don't need yet, streaming | 30% |
| Savings & extra debt payments | emergency fund, retirement, paying debt down faster | 20% |

This split is the **50/30/20 rule**. It is a starting point, not a law: if rent alone takes 40% of your
income, your needs will be more than 50%, and wants must shrink first.

## Worked example

Lerato takes home **R12 000** a month.

- Needs: 50% × R12 000 = **R6 000** (rent R3 500, taxi fare R1 200, groceries R1 300)
- Wants: 30% × R12 000 = **R3 600**
- Savings: 20% × R12 000 = **R2 400**

If her needs actually add up to R6 800, she is R800 over. She can take it from wants (R2 800 left) and keep
saving R2 400, because savings protect her future self.

> Pay yourself first: move the savings amount on payday, before the wants start.
""",
)

BUDGET_TRACKING = DemoLesson(
    "Track a month of spending",
    10,
    """\
You cannot plan what you have not measured. For one month, write down **every** payment: card, cash,
debit orders and airtime.

1. Export your bank statement, or keep a note on your phone for cash.
2. Put each payment into *needs*, *wants* or *savings*.
3. At month end, add up each group and compare with your plan.

Most people find two surprises: small daily spending (coffee, snacks, data bundles) adds up to hundreds
of rand, and forgotten debit orders (gym, insurance you no longer need) keep running.

**R35 a day on snacks is about R1 050 a month** (30 days), or R12 775 a year.

Cancel what you do not use, and set a weekly cash limit for the small things.
""",
)

EMERGENCY_FUND = DemoLesson(
    "Build an emergency fund",
    8,
    """\
An emergency fund is money kept aside for the unexpected: a broken phone you need for work, a medical
bill, a month without income. Without one, emergencies become debt.

- **First goal:** R1 000 to R2 000, so small shocks do not go on a credit card.
- **Full goal:** three to six months of *needs*. For Lerato (needs R6 000) that is R18 000 to R36 000.

Keep it where you can reach it within a day or two, but not in your everyday account: a separate savings
or notice account. Refill it after you use it.
""",
)

BUDGETING = DemoCourse(
    slug="personal-budgeting",
    title="Personal budgeting that works",
    category=CATEGORY,
    summary="Plan your month with the 50/30/20 rule, track where the money goes and build an emergency fund.",
    description=(
        "A practical first course in personal finance. You will split your take-home pay into needs, wants and "
        "savings, track a real month of spending, and start an emergency fund that keeps surprises from "
        "turning into debt."
    ),
    level="beginner",
    tags=("budgeting", "personal finance", "saving"),
    estimated_hours="1.5",
    modules=(
        DemoModule(
            "Where your money goes", "Net income and the three kinds of spending.", (BUDGET_INCOME, BUDGET_TRACKING)
        ),
        DemoModule("Making the plan hold", "A cushion against the unexpected.", (EMERGENCY_FUND,)),
    ),
    assessment=DemoAssessment(
        "Budgeting check",
        (
            DemoQuestion(
                "numeric",
                "Your take-home pay is R15 000. Under the 50/30/20 rule, how many rand go to savings?",
                answer="3000",
                explanation="20% × R15 000 = R3 000.",
            ),
            DemoQuestion(
                "single_choice",
                "Which of these is a *need*?",
                choices=("A streaming subscription", "Taxi fare to work", "Eating out on Friday", "A new phone case"),
                correct=(1,),
            ),
            true_false(
                "An emergency fund should be three to six months of your needs.",
                is_true=True,
                explanation="That covers a month or more without income.",
            ),
            DemoQuestion(
                "numeric",
                "You spend R40 a day on snacks. About how many rand is that in a 30-day month?",
                answer="1200",
                tolerance="0",
            ),
        ),
    ),
)

COMPOUND_BASICS = DemoLesson(
    "Simple and compound interest, with numbers",
    15,
    """\
**Interest** is the price of money: what a bank pays you for saving, or what a lender charges you.

## Simple interest

Interest only on the amount you started with:

```
interest = principal × rate × years
```

R10 000 at 8% a year for 10 years earns 10 000 × 0.08 × 10 = **R8 000**, so you end with **R18 000**.

## Compound interest

Interest is added to the balance, and next year's interest is paid on the bigger balance:

```
amount = principal × (1 + rate)^years
```

| Year | Balance at 8% compound |
|---|---|
| 0 | R10 000.00 |
| 1 | R10 800.00 |
| 2 | R11 664.00 |
| 3 | R12 597.12 |
| 10 | **R21 589.25** |

The extra R3 589.25 over simple interest is interest earned on interest.

Compounding more often helps a little more: at 8% a year compounded **monthly**,
10 000 × (1 + 0.08/12)^120 = **R22 196.40**.

## The rule of 72

Divide 72 by the yearly rate to estimate how many years it takes to double: at 8%, 72 ÷ 8 = **9 years**
(the exact answer is 9.006).
""",
)

COMPOUND_TIME = DemoLesson(
    "Time is the strongest ingredient",
    10,
    """\
Saving **R500 a month** at 10% a year (compounded monthly):

| Saving for | You put in | You end with |
|---|---|---|
| 20 years | R120 000 | about R379 684 |
| 30 years | R180 000 | about R1 130 244 |

Ten more years of the same R500 nearly **triples** the result, because the last years compound on a large
balance. Starting early matters more than starting big.

The same maths works **against** you on debt: an unpaid balance grows by interest on interest. That is the
subject of the next course, *Credit and debt without the traps*.
""",
)

COMPOUND_INFLATION = DemoLesson(
    "Inflation: compounding against you",
    10,
    """\
**Inflation** is the rise in prices over time. It compounds exactly as interest does, but it shrinks what your
money can buy.

At 5% inflation a year, what R100 buys today will cost 100 × 1.05^10 ≈ **R162.89** in ten years. Put the other
way round, R100 kept under the mattress for ten years buys only what **R61.39** buys today (100 ÷ 1.05^10).

What counts is the **real return**, the return after inflation:

```
real return = (1 + interest rate) ÷ (1 + inflation) − 1
```

Savings earning 8% while prices rise 5% grow in real terms by 1.08 ÷ 1.05 − 1 ≈ **2.86%** a year, not 3%
(the quick estimate 8% − 5% is close, but slightly high). Savings earning 4% while inflation is 5% *lose*
buying power every year, even though the balance goes up.

Compare any savings product's rate with the current inflation rate (Stats SA publishes the consumer price
index every month).
""",
)

COMPOUND_INTEREST = DemoCourse(
    slug="compound-interest",
    title="Compound interest and long-term saving",
    category=CATEGORY,
    summary="See with worked numbers how interest on interest grows savings, and why starting early wins.",
    description=(
        "Simple against compound interest, the rule of 72, monthly compounding and the power of time, all with "
        "worked rand examples you can check on a calculator."
    ),
    level="beginner",
    tags=("compound interest", "saving", "investing"),
    estimated_hours="1",
    modules=(
        DemoModule("How interest works", "Simple and compound interest side by side.", (COMPOUND_BASICS,)),
        DemoModule("Saving over a lifetime", "Why the years matter most.", (COMPOUND_TIME, COMPOUND_INFLATION)),
    ),
    assessment=DemoAssessment(
        "Compound interest check",
        (
            DemoQuestion(
                "numeric",
                "R1 000 earns 10% a year, compounded yearly. What is the balance after 2 years, in rand?",
                answer="1210",
                tolerance="0.01",
                explanation="1 000 × 1.1 × 1.1 = 1 210.",
            ),
            DemoQuestion(
                "numeric",
                "By the rule of 72, about how many years does money take to double at 6% a year?",
                answer="12",
                tolerance="0.5",
            ),
            DemoQuestion(
                "single_choice",
                "R10 000 for 10 years at 8%: which ends higher?",
                choices=("Simple interest", "Compound interest, yearly", "Compound interest, monthly"),
                correct=(2,),
            ),
            true_false("Compound interest also makes unpaid debt grow faster.", is_true=True),
        ),
    ),
)

CREDIT_HOW = DemoLesson(
    "How a loan is repaid",
    12,
    """\
A loan is repaid in equal monthly **instalments**. Each instalment pays that month's interest first; the
rest reduces the amount you owe (the *capital*).

The instalment for a loan `L` at monthly rate `r` over `n` months is:

```
instalment = L × r / (1 − (1 + r)^−n)
```

**Example:** R100 000 at 12% a year (1% a month) over 60 months:
instalment = 100 000 × 0.01 / (1 − 1.01^−60) ≈ **R2 224.44**.

Over five years you pay 60 × R2 224.44 = R133 466.40, so the loan costs about **R33 466 in interest**.

Always compare loans by the **total cost of credit** (interest plus fees), not only the instalment: a longer
term lowers the instalment but raises the total you pay.
""",
)

CREDIT_CARDS = DemoLesson(
    "Credit cards and the minimum-payment trap",
    10,
    """\
A credit card lets you borrow up to a limit. If you pay the full statement balance each month, you usually
pay no interest. If you do not, interest is charged on what is left.

Take a balance of **R5 000** at 21% a year, with no new spending:

| You pay each month | Months to clear it | Total paid |
|---|---|---|
| R250 | 25 | about R6 208 |
| R500 | 12 | about R5 545 |

Doubling the payment saves more than R660 and a year of repayments.

Good habits:

- Pay more than the minimum, every month.
- Keep your balance well below the limit.
- Check your credit report once a year; in South Africa each credit bureau must give you one free report
  every year.
""",
)

CREDIT_RECORD = DemoLesson(
    "Your credit record, and getting out of debt",
    12,
    """\
Every account you pay (or miss) is reported to **credit bureaus**. Lenders read that record before they lend,
and a poor one means refusals or higher interest.

- You may get a **free credit report** from each credit bureau once every 12 months. Check it for accounts you
  never opened: that is how identity fraud is found.
- Paying on time, every month, is the biggest part of a good record. Missed payments stay visible for months
  or years.
- Using less of your available credit helps: a card with R20 000 limit and R2 000 owed looks better than
  one at R19 000.

If your repayments have become more than you can pay:

1. **List every debt**: who, balance, interest rate, instalment.
2. **Talk to the lender early**: many will agree a lower instalment before the account goes to collections.
3. **Debt review** under the National Credit Act: a debt counsellor registered with the National Credit
   Regulator negotiates one reduced monthly payment, and creditors may not take legal action while you keep to
   it. You may not take new credit until the process ends.
4. Pay the **most expensive debt first** (the highest rate) while paying the minimum on the rest: this costs
   the least interest overall.
""",
)

CREDIT_AND_DEBT = DemoCourse(
    slug="credit-and-debt",
    title="Credit and debt without the traps",
    category=CATEGORY,
    summary="Understand instalments, the true cost of a loan and how to escape the credit-card minimum trap.",
    description=(
        "How loans are repaid, how to compare the total cost of credit, and how credit cards charge interest. "
        "Worked examples show what paying a little more each month saves."
    ),
    level="intermediate",
    tags=("credit", "debt", "loans"),
    estimated_hours="1",
    modules=(
        DemoModule("Loans", "Instalments, capital and interest.", (CREDIT_HOW,)),
        DemoModule(
            "Credit cards and your record",
            "Revolving credit, credit bureaus and a way out of debt.",
            (CREDIT_CARDS, CREDIT_RECORD),
        ),
    ),
    assessment=DemoAssessment(
        "Credit check",
        (
            DemoQuestion(
                "single_choice",
                "What is the best way to compare two loan offers?",
                choices=("The lowest instalment", "The total cost of credit", "The longest term", "The bank's name"),
                correct=(1,),
            ),
            DemoQuestion(
                "multiple_choice",
                "Which habits lower what a credit card costs you? (Choose all that apply.)",
                choices=(
                    "Paying the full balance each month",
                    "Paying only the minimum",
                    "Paying more than the minimum",
                    "Using the whole limit",
                ),
                correct=(0, 2),
            ),
            true_false("A longer loan term always means you pay less in total.", is_true=False),
            DemoQuestion(
                "numeric",
                "You repay R1 000 a month for 12 months on a R10 000 loan. How many rand of interest and fees "
                "did you pay?",
                answer="2000",
            ),
        ),
    ),
)

COURSES = (BUDGETING, COMPOUND_INTEREST, CREDIT_AND_DEBT)

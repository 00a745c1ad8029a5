"""Demo courses in Work & career: a CV that gets interviews, your rights at work, starting a small business."""

# ruff: noqa: RUF001 -- lessons print the true multiplication and minus signs, as a textbook does

from __future__ import annotations

from azora.education.demo_content import DemoAssessment, DemoCourse, DemoLesson, DemoModule, DemoQuestion, true_false

CATEGORY = "work-and-career"

CV_STRUCTURE = DemoLesson(
    "What goes on a CV, and in what order",
    12,
    """\
A recruiter often spends **less than a minute** on a CV before deciding to read on. Make that minute count.

1. **Name and contact details**: phone, email, town. No ID number, no photo unless asked.
2. **Profile**: two or three sentences on who you are and what work you want.
3. **Experience**, most recent first: job title, employer, dates, and what you *achieved*.
4. **Education and training**: highest qualification first; include short courses and certificates.
5. **Skills**: the ones the job advert asks for, with evidence.
6. **References**: "available on request" is fine; ask your references first.

Two pages is plenty. Save it as a PDF named `Firstname-Lastname-CV.pdf`.
""",
)

CV_ACHIEVEMENTS = DemoLesson(
    "Write achievements, not duties",
    10,
    """\
Duties say what the job was; **achievements** say what you did with it. Use a strong verb, a result and,
where you can, a number.

| Duty (weak) | Achievement (strong) |
|---|---|
| Responsible for stock | Cut stock losses by 30% in six months by introducing weekly counts |
| Served customers | Served about 120 customers a day and was named employee of the month twice |
| Helped with social media | Grew the shop's Facebook page from 400 to 2 100 followers in a year |

No formal job yet? Use volunteering, school or church projects, a side business, or a course: "Completed
*Python basics* on Azora and wrote a program that tracks my monthly budget."

Tailor the CV to each advert: use its words for the skills you really have.
""",
)

CV_INTERVIEW = DemoLesson(
    "The cover letter and the interview",
    12,
    """\
A **cover letter** is a short email or page that says why *this* job: three paragraphs are enough.

1. The job you are applying for, and where you saw it.
2. Two or three things from the advert you can do, each with evidence ("I handled the till and the weekly
   stock count at …").
3. When you are available, and thanks.

For the **interview**, prepare answers to the questions that almost always come, using **STAR**: the
*Situation*, the *Task* you had, the *Action* you took, and the *Result*.

> "Tell us about a time you dealt with an unhappy customer." — *Situation:* a customer was charged twice.
> *Task:* fix it before she left. *Action:* I checked the till record, called my supervisor and refunded the
> double charge. *Result:* she left happy and came back the next week.

Also prepare one or two questions of your own ("What does a good first month look like in this role?"),
arrive ten minutes early, and send a short thank-you message afterwards.
""",
)

CV = DemoCourse(
    slug="cv-that-gets-interviews",
    title="A CV that gets interviews",
    category=CATEGORY,
    summary="Structure a clear two-page CV and turn your duties into achievements a recruiter notices.",
    description=(
        "Write a CV that survives the first minute: what to include and leave out, the order that works, and how "
        "to describe your experience as achievements with numbers, even before your first formal job."
    ),
    level="beginner",
    tags=("cv", "job search", "careers"),
    estimated_hours="1",
    modules=(
        DemoModule("The shape of a CV", "Sections and order.", (CV_STRUCTURE,)),
        DemoModule("The words", "Achievements, cover letters and interviews.", (CV_ACHIEVEMENTS, CV_INTERVIEW)),
    ),
    assessment=DemoAssessment(
        "CV check",
        (
            DemoQuestion(
                "single_choice",
                "Which line is an achievement rather than a duty?",
                choices=(
                    "Responsible for the till",
                    "Reduced till errors to zero over three months",
                    "Worked on weekends",
                ),
                correct=(1,),
            ),
            true_false("Your CV should list experience with the most recent job first.", is_true=True),
            DemoQuestion(
                "single_choice",
                "What should you do before naming someone as a reference?",
                choices=("Nothing", "Ask them first", "Pay them"),
                correct=(1,),
            ),
            DemoQuestion("numeric", "About how many pages is plenty for most CVs?", answer="2"),
        ),
    ),
)

RIGHTS_HOURS = DemoLesson(
    "Working hours, overtime and pay",
    12,
    """\
The **Basic Conditions of Employment Act** (BCEA) sets the floor for most employees in South Africa.

- **Ordinary hours:** at most **45 hours a week**; 9 hours a day if you work five days a week or fewer,
  8 hours a day if you work more.
- **Overtime:** only by agreement, at most **10 hours a week**, paid at **1.5 times** your normal wage
  (or time off by agreement).
- **Sunday work:** double pay if you do not ordinarily work on Sundays.
- **Meal break:** one hour after five hours of continuous work (30 minutes by written agreement).
- **Payslip:** each pay day, in writing, showing pay and every deduction.

The **national minimum wage** is adjusted every March (R28.79 an hour from 1 March 2025); check the current
rate with the Department of Employment and Labour. Employers and employees each contribute **1%** of pay to
the Unemployment Insurance Fund (UIF).
""",
)

RIGHTS_LEAVE = DemoLesson(
    "Leave and notice",
    12,
    """\
| Leave | Minimum under the BCEA |
|---|---|
| Annual | 21 consecutive days a year (or, by agreement, 1 day for every 17 days worked) |
| Sick | 6 weeks' normal working time per 36-month cycle (30 days for a five-day week) |
| Maternity | 4 consecutive months (paid through UIF benefits, not necessarily by the employer) |
| Parental | 10 consecutive days for a parent who is not on maternity leave |
| Family responsibility | 3 days a year, after four months' work, if you work at least four days a week |

In the first six months of a job, sick leave builds up at 1 day for every 26 days worked.

**Notice** to end employment: one week in the first six months, two weeks up to a year, four weeks after
a year.

If you believe you were **unfairly dismissed**, refer the dispute to the **CCMA** within **30 days** of the
dismissal. Referral is free, and you may be assisted by a trade union representative.
""",
)

WORK_RIGHTS = DemoCourse(
    slug="rights-at-work",
    title="Your rights at work in South Africa",
    category=CATEGORY,
    summary="Hours, overtime, leave, notice and unfair dismissal: the basic conditions every employee is owed.",
    description=(
        "The minimum conditions of the Basic Conditions of Employment Act in plain language, UIF, and what to do "
        "at the CCMA when you believe you were dismissed unfairly. For employees and for small employers."
    ),
    level="beginner",
    tags=("labour law", "employment", "south africa"),
    estimated_hours="1",
    modules=(
        DemoModule("Time and pay", "Hours, overtime and payslips.", (RIGHTS_HOURS,)),
        DemoModule("Leave and leaving", "Leave, notice and the CCMA.", (RIGHTS_LEAVE,)),
    ),
    assessment=DemoAssessment(
        "Rights at work check",
        (
            DemoQuestion("numeric", "What is the maximum of ordinary working hours in a week?", answer="45"),
            DemoQuestion(
                "single_choice",
                "At what rate is overtime paid at least?",
                choices=("1 times", "1.5 times", "3 times"),
                correct=(1,),
            ),
            DemoQuestion(
                "numeric",
                "Within how many days of a dismissal must you refer an unfair dismissal dispute to the CCMA?",
                answer="30",
            ),
            true_false("Employees are entitled to 21 consecutive days of annual leave a year.", is_true=True),
        ),
    ),
)

BUSINESS_PRICING = DemoLesson(
    "Costs, prices and the break-even point",
    15,
    """\
Every business has two kinds of cost:

- **Fixed costs** stay the same however much you sell: rent, a stall permit, phone contract. Say **R6 000**
  a month.
- **Variable costs** rise with each sale: ingredients, packaging. Say **R30** per meal.

If you sell a meal for **R50**, each sale leaves **R50 − R30 = R20** to pay the fixed costs. That R20 is the
*contribution*.

```
break-even units = fixed costs ÷ contribution per unit
                 = 6 000 ÷ 20 = 300 meals a month
```

Sell fewer than 300 and you lose money; every meal after the 300th is profit. At 400 meals the profit is
100 × R20 = **R2 000**.

Raising the price to R55 lifts the contribution to R25 and lowers break-even to 240 meals, if customers
still buy.
""",
)

BUSINESS_CASH = DemoLesson(
    "Cash flow: profit is not cash",
    10,
    """\
A business can be profitable on paper and still run out of cash, when customers pay late but suppliers
want money now.

- Keep business and personal money in **separate accounts**.
- Write down every sale and cost, daily. A notebook works; a spreadsheet is better.
- Forecast the next three months: cash in, cash out, and the balance at each month end.
- Ask for deposits on large orders, and agree payment terms before you deliver.
- Register your business income with SARS. VAT registration becomes compulsory once turnover passes the
  threshold in any 12 months (R1 million for many years); check the current figure with SARS.
""",
)

SMALL_BUSINESS = DemoCourse(
    slug="start-a-small-business",
    title="Starting a small business",
    category=CATEGORY,
    summary="Price with confidence using break-even numbers, and keep the cash flowing.",
    description=(
        "The numbers every small business owner needs: fixed and variable costs, contribution, the break-even "
        "point, and the cash-flow habits that keep a profitable business alive."
    ),
    level="intermediate",
    tags=("entrepreneurship", "pricing", "cash flow"),
    estimated_hours="1",
    modules=(
        DemoModule("Pricing", "Costs and break-even.", (BUSINESS_PRICING,)),
        DemoModule("Cash", "Staying liquid.", (BUSINESS_CASH,)),
    ),
    assessment=DemoAssessment(
        "Small business check",
        (
            DemoQuestion(
                "numeric",
                "Fixed costs are R4 000 a month, price R40, variable cost R20. How many units to break even?",
                answer="200",
            ),
            DemoQuestion(
                "single_choice",
                "Which is a fixed cost for a food stall?",
                choices=("Ingredients", "Packaging", "Monthly rent"),
                correct=(2,),
            ),
            true_false("A profitable business can still run out of cash.", is_true=True),
            DemoQuestion(
                "numeric",
                "Price R50, variable cost R30, fixed costs R6 000. What is the profit, in rand, on 350 meals?",
                answer="1000",
            ),
        ),
    ),
)

COURSES = (CV, WORK_RIGHTS, SMALL_BUSINESS)

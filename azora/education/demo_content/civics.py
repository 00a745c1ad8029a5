"""Demo courses in Civics & law: the South African Constitution, how laws are made, elections and voting."""

from __future__ import annotations

from azora.education.demo_content import DemoAssessment, DemoCourse, DemoLesson, DemoModule, DemoQuestion, true_false

CATEGORY = "civics-and-law"

CONSTITUTION_SUPREME = DemoLesson(
    "A supreme constitution",
    12,
    """\
The Constitution of the Republic of South Africa, 1996, was adopted by the Constitutional Assembly, certified
by the Constitutional Court and signed by President Nelson Mandela in Sharpeville on 10 December 1996. It
took effect on 4 February 1997.

**Section 2** makes it the *supreme law*: any law or conduct inconsistent with it is invalid. Parliament
cannot pass a law that breaks it, and courts can strike such a law down. Before 1994 Parliament was
supreme; now the Constitution is.

**Section 1** sets the founding values:

- human dignity, the achievement of equality and the advancement of human rights and freedoms;
- non-racialism and non-sexism;
- supremacy of the Constitution and the rule of law;
- universal adult suffrage, a national common voters roll, regular elections and a multi-party system
  of democratic government, to ensure accountability, responsiveness and openness.

The Constitution has 14 chapters and can be amended only by special majorities (section 74); section 1
itself needs 75% of the National Assembly and six of the nine provinces in the NCOP.
""",
)

CONSTITUTION_RIGHTS = DemoLesson(
    "The Bill of Rights",
    15,
    """\
**Chapter 2** (sections 7 to 39) is the Bill of Rights, "a cornerstone of democracy in South Africa"
(section 7). It binds the legislature, the executive, the judiciary and all organs of state, and in some
cases private people and companies too (section 8).

Some of the rights it protects:

| Section | Right |
|---|---|
| 9 | equality: no unfair discrimination on grounds such as race, gender, pregnancy, disability, religion |
| 10 | human dignity |
| 11 | life |
| 16 | freedom of expression (not propaganda for war, incitement of violence or hate speech) |
| 19 | political rights, including the right to vote |
| 26 | access to adequate housing |
| 27 | health care, sufficient food and water, and social security |
| 29 | basic education, including adult basic education |
| 32 | access to information held by the state |
| 33 | just administrative action |
| 35 | rights of arrested, detained and accused persons |

Housing and health care are **socio-economic rights**: the state must take *reasonable* measures, within
its available resources, to achieve them progressively. In *Government v Grootboom* (2000) the
Constitutional Court held that a housing programme with no provision for people in desperate need was
unreasonable.

Rights are not absolute. **Section 36**, the limitation clause, allows a law of general application to limit
a right only if the limitation is *reasonable and justifiable in an open and democratic society based on
human dignity, equality and freedom*.
""",
)

CONSTITUTION_POWERS = DemoLesson(
    "Separation of powers",
    12,
    """\
Power is split among three branches so that none can rule alone, and each checks the others.

| Branch | Who | Its job | Chapter |
|---|---|---|---|
| Legislature | Parliament: National Assembly (400) and NCOP (90) | makes laws, oversees the executive | 4 |
| Executive | the President, Deputy President and Cabinet | governs, proposes and carries out laws | 5 |
| Judiciary | the courts, the Constitutional Court at the top | interprets the law, decides disputes | 8 |

Checks in practice:

- The National Assembly elects the President and can remove them by a vote of no confidence (section 102)
  or impeachment (section 89).
- Courts can declare laws and the conduct of the President invalid if they are inconsistent with the
  Constitution.
- Judges are independent (section 165): no person or organ of state may interfere with them.

In *Economic Freedom Fighters v Speaker of the National Assembly* (2016) the Constitutional Court held that
the President had failed to uphold the Constitution by not complying with the Public Protector's remedial
action on Nkandla, and that the National Assembly had failed to hold him to account.
""",
)

CONSTITUTION_CHAPTER9 = DemoLesson(
    "Chapter 9 institutions",
    12,
    """\
**Chapter 9** creates state institutions that *strengthen constitutional democracy*. Section 181 names six:

1. **The Public Protector**: investigates improper conduct in state affairs and can take remedial action.
2. **The South African Human Rights Commission**: promotes and monitors human rights.
3. **The Commission for the Promotion and Protection of the Rights of Cultural, Religious and Linguistic
   Communities** (CRL Rights Commission).
4. **The Commission for Gender Equality**.
5. **The Auditor-General**: audits the accounts of all national, provincial and municipal government.
6. **The Electoral Commission** (IEC): manages free and fair elections.

They are **independent**, subject only to the Constitution and the law, and must be impartial (section
181(2)). Other organs of state must assist and protect them so that they are independent and effective
(section 181(3)). They are accountable to the National Assembly and report to it at least once a year.

Anyone can lay a complaint with the Public Protector or the Human Rights Commission, free of charge.
""",
)

SA_CONSTITUTION = DemoCourse(
    slug="sa-constitution-introduction",
    title="An introduction to the South African Constitution",
    category=CATEGORY,
    summary="The supreme law, the Bill of Rights, the separation of powers and the Chapter 9 institutions.",
    description=(
        "What the 1996 Constitution says and why it matters in daily life: its founding values and supremacy, "
        "the rights in Chapter 2 and how they may be limited, how Parliament, the executive and the courts check "
        "each other, and the independent institutions that protect democracy."
    ),
    level="beginner",
    tags=("constitution", "human rights", "south africa", "civics"),
    estimated_hours="2",
    modules=(
        DemoModule("Foundations", "Supremacy and founding values.", (CONSTITUTION_SUPREME,)),
        DemoModule("Rights", "Chapter 2: the Bill of Rights.", (CONSTITUTION_RIGHTS,)),
        DemoModule(
            "Government and its checks",
            "The three branches and the institutions supporting democracy.",
            (CONSTITUTION_POWERS, CONSTITUTION_CHAPTER9),
        ),
    ),
    assessment=DemoAssessment(
        "Constitution check",
        (
            DemoQuestion(
                "single_choice",
                "Which section makes the Constitution the supreme law?",
                choices=("Section 1", "Section 2", "Section 36", "Section 181"),
                correct=(1,),
            ),
            DemoQuestion(
                "single_choice",
                "Which chapter holds the Bill of Rights?",
                choices=("Chapter 1", "Chapter 2", "Chapter 4", "Chapter 9"),
                correct=(1,),
            ),
            DemoQuestion(
                "multiple_choice",
                "Which of these are Chapter 9 institutions? (Choose all that apply.)",
                choices=(
                    "The Public Protector",
                    "The Auditor-General",
                    "The Reserve Bank",
                    "The Electoral Commission",
                ),
                correct=(0, 1, 3),
            ),
            DemoQuestion(
                "short_text",
                "What is section 36 of the Constitution usually called? (two words: the ___ clause)",
                answer="limitation",
            ),
            true_false(
                "Parliament may pass a law that is inconsistent with the Constitution if a majority votes for it.",
                is_true=False,
            ),
            DemoQuestion(
                "single_choice",
                "Which branch interprets the law and decides disputes?",
                choices=("The legislature", "The executive", "The judiciary"),
                correct=(2,),
            ),
        ),
    ),
)

LAWS_BILL = DemoLesson(
    "From bill to Act",
    12,
    """\
A proposed law is a **bill**. Most bills are drafted by a government department and introduced by a
minister; committees and individual members may also introduce them.

1. **Introduction** in the National Assembly (NA), or in the NCOP for some bills that affect the provinces.
2. **Committee stage**: a portfolio committee studies the bill, holds public hearings and may amend it.
3. **Debate and vote** in the NA.
4. **The NCOP** considers it. For bills affecting provinces (section 76) each province's delegation casts one
   vote, on a mandate from its provincial legislature.
5. **Assent**: the President signs it, and it becomes an **Act** once published in the Government Gazette.

If the President has reservations about its constitutionality, they refer it back to the NA (section 79);
if the reservations remain, they refer it to the Constitutional Court.
""",
)

LAWS_PARTICIPATION = DemoLesson(
    "Having your say",
    10,
    """\
The NA and the NCOP must facilitate **public involvement** in their processes (sections 59 and 72). The
Constitutional Court has struck down Acts passed without it (*Doctors for Life v Speaker of the National
Assembly*, 2006).

How you can take part:

- Watch for calls for comment on bills, published by Parliament and in newspapers.
- Send a written submission to the committee: say who you are, which clauses you support or oppose, and why.
- Ask to speak at a public hearing; committees hold hearings in the provinces too.
- Contact your constituency office.
""",
)

HOW_LAWS_ARE_MADE = DemoCourse(
    slug="how-laws-are-made",
    title="How laws are made in South Africa",
    category=CATEGORY,
    summary="Follow a bill through Parliament to the President's signature, and learn how to take part.",
    description=(
        "The path of a bill through the National Assembly and the National Council of Provinces, the "
        "President's assent and its limits, and the public's constitutional right to be heard on new laws."
    ),
    level="beginner",
    tags=("parliament", "law-making", "civics", "south africa"),
    estimated_hours="1",
    modules=(
        DemoModule("The process", "The stages of a bill.", (LAWS_BILL,)),
        DemoModule("Public participation", "Your voice in law-making.", (LAWS_PARTICIPATION,)),
    ),
    assessment=DemoAssessment(
        "Law-making check",
        (
            DemoQuestion(
                "single_choice",
                "What is a proposed law called before it is passed?",
                choices=("An Act", "A bill", "A gazette", "A mandate"),
                correct=(1,),
            ),
            true_false("Parliament must facilitate public involvement in making laws.", is_true=True),
            DemoQuestion(
                "single_choice",
                "If the President doubts a bill is constitutional and the NA does not fix it, where can it go?",
                choices=("The Public Protector", "The Constitutional Court", "The Auditor-General"),
                correct=(1,),
            ),
            DemoQuestion(
                "single_choice",
                "When does a bill become an Act?",
                choices=(
                    "When a committee approves it",
                    "When the NA votes for it",
                    "When the President assents and it is published",
                ),
                correct=(2,),
            ),
        ),
    ),
)

ELECTIONS_SYSTEM = DemoLesson(
    "How South Africa votes",
    12,
    """\
South Africa elects the National Assembly and provincial legislatures every five years by **proportional
representation**: a party with 40% of the votes gets about 40% of the seats. Since the Electoral Amendment
Act of 2023, independent candidates may stand too, so in 2024 voters received three ballots: a national
ballot, a regional ballot for their province's share of NA seats, and a provincial ballot.

**Local government** uses a mixed system: half of a municipal council's seats go to **ward councillors**
elected directly, and half are filled proportionally from party lists.

To vote you must be a South African citizen, 18 or older, registered on the voters roll, and carry an ID.
You can register from 16, at an IEC office or online, and check your registration with the IEC.
""",
)

ELECTIONS_COUNT = DemoLesson(
    "Free and fair: from ballot to result",
    8,
    """\
The **Electoral Commission** (IEC), a Chapter 9 institution, runs elections independently.

- Votes are secret: nobody may see or ask how you voted.
- Party agents and observers may watch voting and counting.
- Votes are counted at each voting station, and the results are signed by the presiding officer and party
  agents, then posted at the station before they are captured centrally.
- Objections may be lodged with the IEC, and the Electoral Court hears disputes.

Your vote matters most in local elections, where turnout is lowest and ward results can be decided by a
few hundred votes.
""",
)

ELECTIONS = DemoCourse(
    slug="elections-and-voting",
    title="Elections and your vote",
    category=CATEGORY,
    summary="Proportional representation, ward councillors, registering to vote and how votes are counted.",
    description=(
        "How national, provincial and local elections work in South Africa, who may vote and how to register, "
        "and the safeguards that make an election free and fair."
    ),
    level="beginner",
    tags=("elections", "democracy", "civics", "south africa"),
    estimated_hours="0.5",
    modules=(
        DemoModule("The system", "Who is elected, and how.", (ELECTIONS_SYSTEM,)),
        DemoModule("On the day", "Secret ballots and honest counts.", (ELECTIONS_COUNT,)),
    ),
    assessment=DemoAssessment(
        "Elections check",
        (
            DemoQuestion("numeric", "From what age may a South African citizen vote?", answer="18"),
            DemoQuestion(
                "single_choice",
                "Which body runs elections?",
                choices=("The Electoral Commission", "The Public Protector", "Parliament"),
                correct=(0,),
            ),
            true_false(
                "In a municipal election, ward councillors are elected directly by the voters of the ward.",
                is_true=True,
            ),
            DemoQuestion(
                "single_choice",
                "Under proportional representation, a party with 25% of the votes gets about...",
                choices=("all the seats", "25% of the seats", "no seats"),
                correct=(1,),
            ),
        ),
    ),
)

COURSES = (SA_CONSTITUTION, HOW_LAWS_ARE_MADE, ELECTIONS)

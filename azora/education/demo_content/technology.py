"""Demo courses in Technology: Python basics, how the web works, staying safe online."""

from __future__ import annotations

from azora.education.demo_content import DemoAssessment, DemoCourse, DemoLesson, DemoModule, DemoQuestion, true_false

CATEGORY = "technology"

PYTHON_VALUES = DemoLesson(
    "Values, variables and types",
    15,
    """\
Python runs your instructions one line at a time. Open a terminal, type `python3`, and try each line.

```python
>>> 7 + 5
12
>>> price = 49.99          # a variable names a value
>>> quantity = 3
>>> price * quantity
149.97
>>> name = "Amahle"
>>> "Hello, " + name
'Hello, Amahle'
```

Every value has a **type**:

| Value | Type | Meaning |
|---|---|---|
| `12` | `int` | whole number |
| `49.99` | `float` | number with a decimal point |
| `"Amahle"` | `str` | text (a string) |
| `True` | `bool` | yes or no |

Ask Python with `type(49.99)`. Types matter: `"7" + "5"` is `'75'` (text joined), while `7 + 5` is `12`.
Convert with `int("7")` or `str(7)`.

> For money, real programs count in cents with `int` (or use `decimal.Decimal`), because `0.1 + 0.2` is
> `0.30000000000000004` in floating point.
""",
)

PYTHON_LISTS = DemoLesson(
    "Lists and loops",
    15,
    """\
A **list** holds several values in order:

```python
marks = [67, 82, 74, 90]
print(marks[0])      # 67: positions start at 0
print(len(marks))    # 4
marks.append(58)
```

A `for` loop repeats for each item:

```python
total = 0
for mark in marks:
    total = total + mark
print(total / len(marks))   # the average: 74.2
```

The indented lines are the loop's body; Python uses indentation (four spaces) instead of brackets.

Decide with `if`:

```python
for mark in marks:
    if mark >= 75:
        print(mark, "distinction")
    else:
        print(mark, "pass")
```
""",
)

PYTHON_FUNCTIONS = DemoLesson(
    "Functions",
    12,
    """\
A **function** gives a name to steps you want to reuse:

```python
def vat_inclusive(amount_cents: int, rate_percent: int = 15) -> int:
    \"\"\"The amount with VAT added, rounded to the nearest cent.\"\"\"
    return round(amount_cents * (100 + rate_percent) / 100)

print(vat_inclusive(10000))      # 11500 cents = R115.00
print(vat_inclusive(10000, 0))   # 10000
```

- `def` starts the definition; the names in brackets are **parameters**.
- `rate_percent: int = 15` has a **default**, used when you leave it out.
- `return` hands the result back to the caller.

Small functions with clear names make programs easy to read and to test. Try writing `average(marks)`
that returns the average of a list.
""",
)

PYTHON_BASICS = DemoCourse(
    slug="python-basics",
    title="Python basics",
    category=CATEGORY,
    summary="Write your first Python: values and types, lists and loops, decisions and functions.",
    description=(
        "A hands-on start in programming with Python 3. Every lesson has code you can type into the Python "
        "prompt, from arithmetic and variables to loops, if-statements and your own functions."
    ),
    level="beginner",
    tags=("python", "programming", "coding"),
    estimated_hours="2",
    modules=(
        DemoModule("First steps", "Talking to Python.", (PYTHON_VALUES,)),
        DemoModule("Repeating and deciding", "Lists, for-loops and if.", (PYTHON_LISTS,)),
        DemoModule("Your own functions", "Naming and reusing steps.", (PYTHON_FUNCTIONS,)),
    ),
    assessment=DemoAssessment(
        "Python basics check",
        (
            DemoQuestion(
                "short_text",
                "What does Python print for `print(len([3, 1, 4, 1, 5]))`?",
                answer="5",
            ),
            DemoQuestion(
                "single_choice",
                'What is the value of `"7" + "5"`?',
                choices=("12", "'75'", "An error", "'7 5'"),
                correct=(1,),
            ),
            DemoQuestion(
                "single_choice",
                "Given `marks = [67, 82, 74]`, what is `marks[1]`?",
                choices=("67", "82", "74", "An error"),
                correct=(1,),
            ),
            DemoQuestion(
                "numeric",
                "What does `vat_inclusive(2000)` return (15% default)?",
                answer="2300",
            ),
            true_false("Python uses indentation to mark the body of a loop or function.", is_true=True),
        ),
    ),
)

WEB_HTTP = DemoLesson(
    "Requests and responses",
    12,
    """\
When you open a page, your browser sends an **HTTP request** to a server and gets a **response** back.

```
GET /courses HTTP/1.1
Host: azora.example
Accept: text/html
```

```
HTTP/1.1 200 OK
Content-Type: text/html; charset=utf-8

<!doctype html> ...
```

The first number of the response is its **status code**:

| Code | Meaning |
|---|---|
| 200 | OK: here is what you asked for |
| 301 / 302 | moved: look over there |
| 404 | not found |
| 401 / 403 | sign in first / not allowed |
| 500 | the server failed |

The **method** says what you want: `GET` reads, `POST` submits (a form, a payment), `DELETE` removes.
`https://` means the conversation is encrypted with TLS, so nobody on the network can read or change it.
""",
)

WEB_HTML = DemoLesson(
    "HTML and CSS in one page",
    12,
    """\
**HTML** describes what is on a page; **CSS** describes how it looks.

```html
<!doctype html>
<html lang="en">
  <head>
    <title>My first page</title>
    <link rel="stylesheet" href="style.css">
  </head>
  <body>
    <h1>Hello</h1>
    <p>This is a <a href="https://example.org">link</a>.</p>
  </body>
</html>
```

```css
h1 { color: #1b4d3e; }
p  { max-width: 60ch; line-height: 1.5; }
```

Use elements for their meaning (`<h1>` for the main heading, `<button>` for buttons): screen readers and
search engines rely on it, and the page works for more people.
""",
)

WEB_ACCESSIBLE = DemoLesson(
    "Pages everyone can use",
    10,
    """\
About one person in six lives with a disability. An **accessible** page works with a screen reader, a keyboard,
a magnifier or captions, and it is better for everyone else too.

Four habits cover most of it:

1. **Text alternatives**: every meaningful image has an `alt` text (`<img src="chart.png" alt="Sales doubled
   from March to June">`); a decorative one has `alt=""`.
2. **Structure**: one `<h1>`, then `<h2>`, `<h3>` in order; lists as `<ul>`; a `<label>` for every form field.
3. **Contrast**: text needs a contrast ratio of at least **4.5:1** with its background (3:1 for large text),
   the WCAG AA level.
4. **Keyboard**: everything that works with a mouse works with Tab, Enter and Space, and the focus is visible.

Browsers have accessibility checkers built into their developer tools; run one on your page.
""",
)

WEB_BASICS = DemoCourse(
    slug="how-the-web-works",
    title="How the web works",
    category=CATEGORY,
    summary="What happens between typing an address and seeing a page: HTTP, status codes, HTML and CSS.",
    description=(
        "A plain-language tour of the web: requests and responses, status codes, HTTPS, and the HTML and CSS "
        "that make a page, with examples you can read line by line."
    ),
    level="beginner",
    tags=("web", "http", "html"),
    estimated_hours="1",
    modules=(
        DemoModule("HTTP", "The conversation between browser and server.", (WEB_HTTP,)),
        DemoModule("Pages", "Structure, style and access for everyone.", (WEB_HTML, WEB_ACCESSIBLE)),
    ),
    assessment=DemoAssessment(
        "Web check",
        (
            DemoQuestion(
                "single_choice",
                "Which status code means the page was not found?",
                choices=("200", "301", "404", "500"),
                correct=(2,),
            ),
            DemoQuestion(
                "single_choice",
                "Which HTTP method submits a form?",
                choices=("GET", "POST", "HEAD"),
                correct=(1,),
            ),
            true_false("HTTPS encrypts the conversation between browser and server.", is_true=True),
            DemoQuestion(
                "short_text",
                "Which language describes how a page looks (colours, spacing)?",
                answer="CSS",
            ),
        ),
    ),
)

SAFETY_PASSWORDS = DemoLesson(
    "Passwords, password managers and two-step sign-in",
    10,
    """\
Most accounts are broken into with passwords that were **reused** from another site that leaked.

- Use a **different password for every account**. Nobody can remember dozens: a password manager can,
  and it fills them in only on the right website.
- Make passwords **long** rather than complicated: four random words (`tractor-lemon-river-bicycle`)
  beat `P@ssw0rd1`.
- Turn on **two-step sign-in** (an authenticator app or a passkey) for email, banking and social media.
  Then a stolen password alone is not enough.

Your email account is the master key: whoever controls it can reset every other password. Protect it first.
""",
)

SAFETY_PHISHING = DemoLesson(
    "Spotting phishing and scams",
    10,
    """\
**Phishing** is a message that pretends to come from someone you trust to get a password, a one-time PIN or
money.

Warning signs:

1. **Urgency**: "your account will be closed today".
2. A link whose address is *almost* right (`absa-secure-login.co`, `rnicrosoft.com`).
3. A request for a **one-time PIN**: a real bank never asks for it.
4. A prize you never entered for, or a job that asks you to pay a fee first.

What to do: do not click; open the bank's app or type its address yourself; report the message; if you
already gave details, call your bank at once on the number on your card.
""",
)

SAFETY_DEVICES = DemoLesson(
    "Updates, backups and SIM-swap fraud",
    10,
    """\
**Install updates** for your phone, computer and apps soon after they arrive: most of them close security holes
that attackers already know about. Turn on automatic updates.

**Back up** what you cannot replace (photos, documents). The **3-2-1 rule**: three copies of your data, on two
different kinds of storage, one of them away from home (a cloud service, or a drive kept elsewhere). A phone
that is stolen or a laptop hit by ransomware is then an inconvenience, not a loss.

**SIM-swap fraud**: a criminal persuades your network to move your number to their SIM card, then receives your
bank's one-time PINs. Warning sign: your phone suddenly shows *no service* while others around you have signal.
Call your network and your bank at once from another phone. Ask your network about SIM-swap protection, and
prefer app-based approval over SMS codes where your bank offers it.

**Public Wi-Fi**: fine for browsing `https://` sites; avoid logging in to banking on networks you do not trust.
""",
)

ONLINE_SAFETY = DemoCourse(
    slug="staying-safe-online",
    title="Staying safe online",
    category=CATEGORY,
    summary="Protect your accounts with strong unique passwords and two-step sign-in, and spot phishing.",
    description=(
        "Practical protection for everyday internet users: password managers, passkeys and authenticator apps, "
        "and the warning signs of phishing and scams, with what to do if you were caught."
    ),
    level="beginner",
    tags=("cybersecurity", "passwords", "phishing"),
    estimated_hours="0.5",
    modules=(
        DemoModule(
            "Your accounts and devices",
            "Passwords, two-step sign-in, updates and backups.",
            (SAFETY_PASSWORDS, SAFETY_DEVICES),
        ),
        DemoModule("Scams", "Recognising and reporting phishing.", (SAFETY_PHISHING,)),
    ),
    assessment=DemoAssessment(
        "Online safety check",
        (
            true_false("A bank may phone you and ask for your one-time PIN.", is_true=False),
            DemoQuestion(
                "single_choice",
                "Which password is strongest?",
                choices=("P@ssw0rd1", "tractor-lemon-river-bicycle", "Sipho1990", "qwerty123!"),
                correct=(1,),
            ),
            DemoQuestion(
                "multiple_choice",
                "Which are signs of phishing? (Choose all that apply.)",
                choices=(
                    "Pressure to act today",
                    "A link to a look-alike address",
                    "A request for your one-time PIN",
                    "A newsletter you subscribed to",
                ),
                correct=(0, 1, 2),
            ),
            DemoQuestion(
                "single_choice",
                "Which account should you protect first?",
                choices=("Your email", "A game account", "A shopping wish list"),
                correct=(0,),
            ),
        ),
    ),
)

COURSES = (PYTHON_BASICS, WEB_BASICS, ONLINE_SAFETY)

"""Data: the first skills catalogue -- about sixty real skills with categories and the other names people use.

Slugs and aliases are folded the way services.skills.skill_fold folds them (accents dropped, case folded,
"+" spelled "plus" and "#" spelled "sharp"), so "C++" and "C#" stay distinct and "JS" finds JavaScript.
Re-running adds only what is missing; backwards removes only the seeded skills nobody uses.
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

# (name, slug, category, aliases)
SKILLS: list[tuple[str, str, str, list[str]]] = [
    # Software
    ("Python", "python", "Software development", ["py", "python3"]),
    ("JavaScript", "javascript", "Software development", ["js", "ecmascript", "es6"]),
    ("TypeScript", "typescript", "Software development", ["ts"]),
    ("Java", "java", "Software development", ["jvm"]),
    ("C#", "c-sharp", "Software development", ["csharp", "c sharp"]),
    ("C++", "c-plus-plus", "Software development", ["cpp", "cplusplus"]),
    ("Go", "go", "Software development", ["golang"]),
    ("Rust", "rust", "Software development", []),
    ("PHP", "php", "Software development", []),
    ("Kotlin", "kotlin", "Software development", []),
    ("Swift", "swift", "Software development", ["ios development"]),
    ("SQL", "sql", "Data", ["structured query language"]),
    ("PostgreSQL", "postgresql", "Data", ["postgres", "psql"]),
    ("Django", "django", "Software development", ["django rest framework", "drf"]),
    ("React", "react", "Software development", ["reactjs", "react.js"]),
    ("Node.js", "nodejs", "Software development", ["node", "node js"]),
    ("HTML", "html", "Software development", ["html5"]),
    ("CSS", "css", "Software development", ["css3", "tailwind"]),
    ("Git", "git", "Software development", ["github", "version control"]),
    ("Linux", "linux", "Infrastructure", ["unix", "bash", "shell scripting"]),
    ("Docker", "docker", "Infrastructure", ["containers"]),
    ("Kubernetes", "kubernetes", "Infrastructure", ["k8s"]),
    ("Amazon Web Services", "amazon-web-services", "Infrastructure", ["aws"]),
    ("Microsoft Azure", "microsoft-azure", "Infrastructure", ["azure"]),
    ("Networking", "networking", "Infrastructure", ["tcp/ip", "ccna"]),
    ("Cybersecurity", "cybersecurity", "Infrastructure", ["information security", "infosec", "security"]),
    ("Software testing", "software-testing", "Software development", ["qa", "quality assurance", "testing"]),
    ("Android development", "android-development", "Software development", ["android"]),
    ("Flutter", "flutter", "Software development", ["dart"]),
    # Data and AI
    ("Data analysis", "data-analysis", "Data", ["data analytics", "analytics"]),
    ("Microsoft Excel", "microsoft-excel", "Data", ["excel", "spreadsheets"]),
    ("Power BI", "power-bi", "Data", ["powerbi"]),
    ("Machine learning", "machine-learning", "Data", ["ml"]),
    ("Statistics", "statistics", "Data", ["stats"]),
    ("pandas", "pandas", "Data", []),
    ("Data engineering", "data-engineering", "Data", ["etl"]),
    ("Prompt engineering", "prompt-engineering", "Data", ["llm prompting"]),
    # Design
    ("UX design", "ux-design", "Design", ["user experience", "ux"]),
    ("UI design", "ui-design", "Design", ["user interface design", "ui"]),
    ("Figma", "figma", "Design", []),
    ("Graphic design", "graphic-design", "Design", ["visual design"]),
    ("Adobe Photoshop", "adobe-photoshop", "Design", ["photoshop"]),
    ("Video editing", "video-editing", "Design", ["premiere pro", "video production"]),
    ("Illustration", "illustration", "Design", []),
    # Business and marketing
    ("Project management", "project-management", "Business", ["pm", "prince2", "pmp"]),
    ("Agile and Scrum", "agile-and-scrum", "Business", ["agile", "scrum"]),
    ("Bookkeeping", "bookkeeping", "Business", ["book keeping"]),
    ("Accounting", "accounting", "Business", ["financial accounting"]),
    ("Digital marketing", "digital-marketing", "Marketing", ["online marketing"]),
    ("Social media marketing", "social-media-marketing", "Marketing", ["social media", "smm"]),
    ("Search engine optimisation", "search-engine-optimisation", "Marketing", ["seo", "search engine optimization"]),
    ("Copywriting", "copywriting", "Writing", ["copy writing"]),
    ("Technical writing", "technical-writing", "Writing", ["documentation"]),
    ("Translation", "translation", "Writing", ["translating"]),
    ("Customer service", "customer-service", "Business", ["customer support", "call centre"]),
    ("Sales", "sales", "Business", ["business development"]),
    ("Entrepreneurship", "entrepreneurship", "Business", ["small business"]),
    # Languages
    ("English", "english", "Languages", []),
    ("isiZulu", "isizulu", "Languages", ["zulu"]),
    ("isiXhosa", "isixhosa", "Languages", ["xhosa"]),
    ("Afrikaans", "afrikaans", "Languages", []),
    ("Kiswahili", "kiswahili", "Languages", ["swahili"]),
    ("French", "french", "Languages", ["francais"]),
    ("Portuguese", "portuguese", "Languages", ["portugues"]),
    # Trades and other work
    ("Electrical installation", "electrical-installation", "Trades", ["electrician", "electrical wiring", "wiring"]),
    ("Solar PV installation", "solar-pv-installation", "Trades", ["solar", "solar installation", "photovoltaics"]),
    ("Plumbing", "plumbing", "Trades", ["plumber"]),
    ("Teaching", "teaching", "Education", ["tutoring", "education"]),
    ("Curriculum design", "curriculum-design", "Education", ["instructional design", "course design"]),
    ("Logistics", "logistics", "Business", ["supply chain", "warehousing"]),
    ("Photography", "photography", "Design", ["photo editing"]),
    ("Early childhood development", "early-childhood-development", "Education", ["ecd"]),
    ("First aid", "first-aid", "Health", ["cpr"]),
]


def seed(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Skill = apps.get_model("marketplace", "Skill")
    from azora.shared.ids import uuid7

    existing = set(Skill.objects.values_list("slug", flat=True))
    Skill.objects.bulk_create(
        [
            Skill(id=uuid7(), name=name, slug=slug, category=category, aliases=aliases, status="approved")
            for name, slug, category, aliases in SKILLS
            if slug not in existing
        ]
    )


def unseed(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Skill = apps.get_model("marketplace", "Skill")
    UserSkill = apps.get_model("marketplace", "UserSkill")
    ListingSkill = apps.get_model("marketplace", "ListingSkill")
    used = set(UserSkill.objects.values_list("skill_id", flat=True)) | set(
        ListingSkill.objects.values_list("skill_id", flat=True)
    )
    Skill.objects.filter(slug__in=[slug for _, slug, _, _ in SKILLS]).exclude(id__in=used).delete()


class Migration(migrations.Migration):
    dependencies = [("marketplace", "0002_search")]

    operations = [migrations.RunPython(seed, unseed)]

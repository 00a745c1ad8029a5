"""App configuration for Azora Education."""

from django.apps import AppConfig


class EducationConfig(AppConfig):
    name = "azora.education"
    label = "education"
    verbose_name = "Azora Education"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from azora.education import signing  # noqa: F401 -- importing registers the issuer-key system check
        from azora.education.demo import load_demo_data
        from azora.education.public.knowledge import lesson_passages, lessons_version, readable_course_ids
        from azora.shared import demo, knowledge

        # After the accounts (order 10): the demo catalogue is taught by the demo instructor.
        demo.register("education", load_demo_data, order=20)
        knowledge.register_source(
            "education.lessons", lesson_passages, lessons_version, readable_course_ids=readable_course_ids
        )

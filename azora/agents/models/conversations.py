"""Conversations with the agents: threads per learner and course, their messages, feedback and oversight consent."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from azora.shared.models import PublicModel

__all__ = [
    "Conversation",
    "ConversationMode",
    "FeedbackReason",
    "Message",
    "MessageFeedback",
    "MessageRole",
    "MessageStatus",
    "OversightConsent",
]


class ConversationMode(models.TextChoices):
    SOCRATIC = "socratic", _("Guided (hints and questions)")
    DIRECT = "direct", _("Direct explanation")


class Conversation(PublicModel):
    """A learner's thread, about one course or none. `organisation_id` is the learner's organisation when the
    thread began (organisation admins oversee it); `flagged_at` is set when any message drew a constitution flag."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    course_id = models.UUIDField(null=True, blank=True)
    organisation_id = models.UUIDField(null=True, blank=True)
    title = models.CharField(max_length=200, blank=True, default="")
    mode = models.CharField(max_length=16, choices=ConversationMode.choices, default=ConversationMode.SOCRATIC)
    message_count = models.PositiveIntegerField(default=0)
    last_message_at = models.DateTimeField(null=True, blank=True)
    flagged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["user", "-last_message_at"], name="agents_conv_user_recent_idx"),
            models.Index(fields=["course_id", "flagged_at"], name="agents_conv_course_flag_idx"),
            models.Index(fields=["organisation_id", "flagged_at"], name="agents_conv_org_flag_idx"),
        ]


class MessageRole(models.TextChoices):
    USER = "user", _("Learner")
    ASSISTANT = "assistant", _("Agent")


class MessageStatus(models.TextChoices):
    COMPLETE = "complete", _("Complete")
    HINT = "hint", _("Hint instead of an answer (open assessment)")
    REFUSED = "refused", _("Refused under the constitution")
    INTERRUPTED = "interrupted", _("Interrupted (provider failed mid-answer)")
    UNAVAILABLE = "unavailable", _("No answer (no provider or limit reached)")


class Message(PublicModel):
    """One message. An assistant message records which agent answered, why (the routing decision), what it cited,
    the constitution's flags and decision ids, and how long it took. Messages are written only when an exchange is
    finished, the learner's question and the answer in one transaction."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    role = models.CharField(max_length=16, choices=MessageRole.choices)
    agent = models.ForeignKey("agents.Agent", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    content = models.TextField()
    status = models.CharField(max_length=16, choices=MessageStatus.choices, default=MessageStatus.COMPLETE)
    language = models.CharField(max_length=8, blank=True, default="")
    intent = models.CharField(max_length=32, blank=True, default="")
    routing = models.JSONField(default=dict, blank=True)
    citations = models.JSONField(default=list, blank=True)
    tools_used = models.JSONField(default=list, blank=True)
    flags = models.JSONField(default=list, blank=True)
    input_decision_id = models.UUIDField(null=True, blank=True)
    output_decision_id = models.UUIDField(null=True, blank=True)
    usage_id = models.UUIDField(null=True, blank=True)
    provider = models.CharField(max_length=80, blank=True, default="")
    first_token_ms = models.PositiveIntegerField(null=True, blank=True)
    latency_ms = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["conversation", "id"], name="agents_msg_conv_idx")]


class FeedbackReason(models.TextChoices):
    HELPFUL = "helpful", _("Helpful")
    WRONG = "wrong", _("Wrong or inaccurate")
    UNCLEAR = "unclear", _("Unclear")
    NOT_GROUNDED = "not_grounded", _("Not supported by the lessons")
    TOO_DIRECT = "too_direct", _("Gave the answer away")
    NOT_HELPFUL = "not_helpful", _("Did not help")
    HARMFUL = "harmful", _("Harmful or inappropriate")
    OTHER = "other", _("Other")


class MessageFeedback(PublicModel):
    """The learner's feedback on one answer; giving it again replaces it."""

    message = models.OneToOneField(Message, on_delete=models.CASCADE, related_name="feedback")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    is_helpful = models.BooleanField()
    reason = models.CharField(max_length=16, choices=FeedbackReason.choices, blank=True, default="")
    comment = models.TextField(blank=True, default="")


class OversightConsent(PublicModel):
    """The learner was told that their teachers can read their conversations and agreed, once per notice version."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    notice_version = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "notice_version"], name="agents_consent_once_per_version")
        ]

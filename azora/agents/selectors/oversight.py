"""The read side of oversight: who may read a learner's conversations, and the list overseers see.

Overseers of a conversation: the instructors (and anyone else) who may edit its course
(`education.public.may_edit_course`), the owners and admins of the organisation recorded on it when it began
(`accounts.public.organisation_role_of`), and platform admins. The learner is not an overseer of their own thread.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce

import azora.accounts.public as accounts
import azora.education.public as education
from azora.agents.models import Conversation, Message
from azora.agents.public.views import OversightConversationView
from azora.agents.selectors.conversations import conversation_view
from azora.shared.pagination import Page, clamp_limit, paginate_queryset

__all__ = ["may_oversee", "oversight_conversations"]

PLATFORM_ADMIN_ROLE = "platform_admin"
# The order of the oversight list: flagged conversations first, then the most recent activity.
_ORDERING = ("-is_flagged", "-activity", "-id")


def may_oversee(*, viewer_id: uuid.UUID, conversation_id: uuid.UUID) -> bool:
    """Whether the viewer may read this learner's conversation as an overseer (never their own)."""
    row = Conversation.objects.filter(id=conversation_id).values_list("user_id", "course_id", "organisation_id").first()
    if row is None:
        return False
    learner_id, course_id, organisation_id = row
    if learner_id == viewer_id:
        return False
    if organisation_id is not None:
        role = accounts.organisation_role_of(user_id=viewer_id, organisation_id=organisation_id)
        if role in accounts.ORGANISATION_MANAGER_ROLES:
            return True
    if course_id is not None and education.may_edit_course(user_id=viewer_id, course_id=course_id):
        return True
    return accounts.user_has_platform_role(user_id=viewer_id, role=PLATFORM_ADMIN_ROLE)


def _overseen(viewer_id: uuid.UUID) -> Q | None:
    """The conversations the viewer oversees (None: none at all); every conversation for a platform admin."""
    if accounts.user_has_platform_role(user_id=viewer_id, role=PLATFORM_ADMIN_ROLE):
        return Q()
    edited = education.courses_editable_by(user_id=viewer_id)
    managed = [
        organisation.id
        for organisation in accounts.organisation_list_for_user(user_id=viewer_id)
        if organisation.role in accounts.ORGANISATION_MANAGER_ROLES
    ]
    if not edited and not managed:
        return None
    return Q(course_id__in=list(edited)) | Q(organisation_id__in=managed)


def _ordered(queryset: QuerySet[Conversation]) -> QuerySet[Conversation]:
    return queryset.annotate(
        is_flagged=Case(When(flagged_at__isnull=False, then=Value(1)), default=Value(0), output_field=IntegerField()),
        activity=Coalesce("last_message_at", "created_at"),
    )


def _flags_of(conversation_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, tuple[list[str], int]]:
    """Per conversation: every principle flagged in it (first flagged first) and how many messages drew a flag."""
    found: dict[uuid.UUID, tuple[list[str], int]] = {}
    rows = (
        Message.objects.filter(conversation_id__in=list(conversation_ids))
        .exclude(flags=[])
        .order_by("conversation_id", "id")
        .values_list("conversation_id", "flags")
    )
    for conversation_id, flags in rows:
        principles, count = found.get(conversation_id, ([], 0))
        for flag in flags or []:
            if str(flag) not in principles:
                principles.append(str(flag))
        found[conversation_id] = (principles, count + (1 if flags else 0))
    return found


def _learner_names(user_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Display names (the email when a learner has none), in one query; a deactivated learner has none."""
    profiles = accounts.user_profiles(user_ids=user_ids)
    return {user_id: profile.display_name or profile.email for user_id, profile in profiles.items()}


def oversight_conversations(
    *,
    viewer_id: uuid.UUID,
    course_id: uuid.UUID | None = None,
    flagged_only: bool = False,
    cursor: str | None = None,
    limit: int | None = None,
) -> Page[OversightConversationView]:
    """The conversations the viewer oversees that hold messages, flagged ones first, then most recent.

    Empty for someone who oversees nobody (and for a `course_id` they do not oversee): the list never tells who
    talks to Elara about what.
    """
    clamp_limit(limit)
    scope = _overseen(viewer_id)
    if scope is None:
        return Page(items=[], next_cursor=None)
    queryset = Conversation.objects.filter(scope, message_count__gt=0).exclude(user_id=viewer_id)
    if course_id is not None:
        queryset = queryset.filter(course_id=course_id)
    if flagged_only:
        queryset = queryset.filter(flagged_at__isnull=False)
    page = paginate_queryset(
        _ordered(queryset), cursor=cursor, limit=limit, to_item=lambda row: row, ordering=_ORDERING
    )
    rows = page.items
    flags = _flags_of(row.id for row in rows)
    names = _learner_names({row.user_id for row in rows})
    titles = education.course_titles(course_ids={row.course_id for row in rows if row.course_id is not None})
    items = [
        OversightConversationView(
            conversation=conversation_view(row),
            learner_id=row.user_id,
            learner_name=names.get(row.user_id, ""),
            course_title=titles.get(row.course_id, "") if row.course_id is not None else "",
            flags=tuple(flags.get(row.id, ([], 0))[0]),
            flagged_messages=flags.get(row.id, ([], 0))[1],
        )
        for row in rows
    ]
    return Page(items=items, next_cursor=page.next_cursor)

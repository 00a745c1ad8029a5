"""may_oversee and oversight_conversations: who reads which transcripts; flagged first, with every flag."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from azora.accounts.tests.factories import MembershipFactory, UserFactory
from azora.agents.models import Conversation
from azora.agents.public import may_oversee, oversight_conversations
from azora.agents.tests.factories import ConversationFactory, with_exchange
from azora.agents.tests.oversight.conftest import School
from azora.education.tests.factories import CourseFactory
from azora.shared.pagination import InvalidCursor

pytestmark = pytest.mark.django_db


def thread(school: School, **fields: object) -> Conversation:
    conversation: Conversation = ConversationFactory(**fields)
    return conversation


def test_the_instructor_sees_their_courses_threads_flagged_first_with_every_flag(school: School) -> None:
    amara = UserFactory(display_name="Amara")
    sipho = UserFactory(display_name="")
    calm = thread(school, user=amara, course_id=school.course.id)
    with_exchange(calm)
    flagged = thread(school, user=sipho, course_id=school.course.id)
    with_exchange(flagged, flags=["integrity"])
    with_exchange(flagged, flags=["integrity", "safety"])
    with_exchange(flagged)
    newest_calm = thread(school, user=amara, course_id=school.course.id)
    with_exchange(newest_calm)
    thread(school, user=amara, course_id=school.course.id)  # no messages yet: nothing to oversee
    with_exchange(thread(school, user=amara, course_id=school.other_course.id), flags=["safety"])
    with_exchange(thread(school, user=amara))  # about no course

    page = oversight_conversations(viewer_id=school.instructor.id)
    assert [item.conversation.id for item in page.items] == [flagged.id, newest_calm.id, calm.id]
    first = page.items[0]
    assert (first.learner_id, first.learner_name, first.course_title) == (sipho.id, sipho.email, school.course.title)
    assert (first.flags, first.flagged_messages) == (("integrity", "safety"), 2)
    assert first.conversation.message_count == 6
    assert first.conversation.flagged_at is not None
    assert (page.items[1].learner_name, page.items[1].flags, page.items[1].flagged_messages) == ("Amara", (), 0)
    assert page.next_cursor is None

    only_flagged = oversight_conversations(viewer_id=school.instructor.id, flagged_only=True)
    assert [item.conversation.id for item in only_flagged.items] == [flagged.id]
    assert oversight_conversations(viewer_id=school.instructor.id, course_id=school.other_course.id).items == []


def test_organisation_owners_and_admins_see_threads_recorded_with_their_organisation(school: School) -> None:
    learner = UserFactory()
    inside = thread(school, user=learner, organisation_id=school.organisation.id)
    with_exchange(inside)
    with_exchange(thread(school, user=learner))
    owner = UserFactory()
    MembershipFactory(organisation=school.organisation, user=owner, role="owner")
    for viewer in (school.org_admin, owner):
        assert [item.conversation.id for item in oversight_conversations(viewer_id=viewer.id).items] == [inside.id]
        assert may_oversee(viewer_id=viewer.id, conversation_id=inside.id)
    assert oversight_conversations(viewer_id=school.org_member.id).items == []
    assert not may_oversee(viewer_id=school.org_member.id, conversation_id=inside.id)


def test_platform_admins_see_every_thread_and_strangers_none(school: School) -> None:
    one = thread(school, course_id=school.course.id)
    with_exchange(one)
    two = thread(school)
    with_exchange(two)
    assert {item.conversation.id for item in oversight_conversations(viewer_id=school.platform_admin.id).items} == {
        one.id,
        two.id,
    }
    assert oversight_conversations(viewer_id=school.stranger.id).items == []
    assert not may_oversee(viewer_id=school.stranger.id, conversation_id=one.id)
    assert may_oversee(viewer_id=school.platform_admin.id, conversation_id=two.id)


def test_may_oversee_follows_the_course_and_never_the_learner_themselves(school: School) -> None:
    about_course = thread(school, course_id=school.course.id)
    with_exchange(about_course)
    assert may_oversee(viewer_id=school.instructor.id, conversation_id=about_course.id)
    assert not may_oversee(viewer_id=about_course.user_id, conversation_id=about_course.id)
    other = thread(school, course_id=school.other_course.id)
    assert not may_oversee(viewer_id=school.instructor.id, conversation_id=other.id)
    assert not may_oversee(viewer_id=school.instructor.id, conversation_id=ConversationFactory.build().id)


def test_the_viewers_own_threads_are_not_in_their_oversight_list(school: School) -> None:
    own = thread(school, user=school.instructor, course_id=school.course.id)
    with_exchange(own)
    assert oversight_conversations(viewer_id=school.instructor.id).items == []


def test_pages_follow_the_order_without_repeats(school: School) -> None:
    made: list[uuid.UUID] = []
    for index in range(5):
        conversation = thread(school, course_id=school.course.id)
        with_exchange(conversation, flags=["integrity"] if index in (1, 3) else None)
        Conversation.objects.filter(id=conversation.id).update(
            last_message_at=timezone.now() - dt.timedelta(minutes=10 - index)
        )
        made.append(conversation.id)
    seen: list[uuid.UUID] = []
    cursor = None
    while True:
        page = oversight_conversations(viewer_id=school.instructor.id, cursor=cursor, limit=2)
        seen.extend(item.conversation.id for item in page.items)
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert seen == [made[3], made[1], made[4], made[2], made[0]]
    with pytest.raises(InvalidCursor):
        oversight_conversations(viewer_id=school.instructor.id, cursor="not-a-cursor")


def test_the_list_reads_a_fixed_number_of_queries(school: School, django_assert_max_num_queries: object) -> None:
    for index in range(12):
        learner = UserFactory(display_name=f"Learner {index}")
        with_exchange(thread(school, user=learner, course_id=school.course.id), flags=["safety"] if index % 3 else None)
    # The viewer's platform role, organisations and editable courses (4); the page; its flags; its learners' names;
    # its courses' titles: 8, whatever the number of conversations, learners or courses on the page.
    with django_assert_max_num_queries(8):  # type: ignore[operator]  # pytest-django's fixture is a context manager
        page = oversight_conversations(viewer_id=school.instructor.id, limit=20)
    assert len(page.items) == 12
    assert {item.learner_name for item in page.items} == {f"Learner {index}" for index in range(12)}


def test_owners_and_admins_of_the_organisation_owning_the_course_see_its_threads(school: School) -> None:
    owned = CourseFactory(title="The school's own course", organisation=school.organisation)
    conversation = thread(school, course_id=owned.id)
    with_exchange(conversation)
    listed = oversight_conversations(viewer_id=school.org_admin.id).items
    assert [(item.conversation.id, item.course_title) for item in listed] == [
        (conversation.id, "The school's own course")
    ]
    assert may_oversee(viewer_id=school.org_admin.id, conversation_id=conversation.id)
    assert oversight_conversations(viewer_id=school.org_member.id).items == []

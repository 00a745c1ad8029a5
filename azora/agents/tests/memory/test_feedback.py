"""feedback_give: on an answer in the learner's own conversation; again replaces it; refusals change nothing."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from azora.accounts.tests.factories import UserFactory
from azora.agents.errors import FeedbackInvalid, MessageNotFound
from azora.agents.models import Conversation, MessageFeedback
from azora.agents.public import feedback_give
from azora.agents.tests.factories import ConversationFactory, with_exchange

pytestmark = pytest.mark.django_db


def feedback_snapshot() -> list[tuple[Any, ...]]:
    return sorted(
        MessageFeedback.objects.values_list("id", "message_id", "user_id", "is_helpful", "reason", "comment"), key=str
    )


@pytest.fixture
def conversation(db: None) -> Conversation:
    made: Conversation = ConversationFactory()
    return made


def test_feedback_on_an_answer_is_kept_and_giving_it_again_replaces_it(conversation: Conversation) -> None:
    _, answer = with_exchange(conversation)
    first = feedback_give(message_id=answer.id, user_id=conversation.user_id, is_helpful=True, reason="helpful")
    assert (first.message_id, first.is_helpful, first.reason, first.comment) == (answer.id, True, "helpful", "")
    second = feedback_give(
        message_id=answer.id,
        user_id=conversation.user_id,
        is_helpful=False,
        reason="too_direct",
        comment="  It gave me the answer.  ",
    )
    assert (second.is_helpful, second.reason, second.comment) == (False, "too_direct", "It gave me the answer.")
    row = MessageFeedback.objects.get()
    assert (row.message_id, row.user_id, row.is_helpful, row.reason) == (
        answer.id,
        conversation.user_id,
        False,
        "too_direct",
    )
    assert second.created_at == row.updated_at


def test_feedback_without_a_reason_is_fine(conversation: Conversation) -> None:
    _, answer = with_exchange(conversation)
    view = feedback_give(message_id=answer.id, user_id=conversation.user_id, is_helpful=False)
    assert (view.is_helpful, view.reason) == (False, "")


def test_someone_elses_or_an_unknown_message_is_not_found_and_nothing_changes(conversation: Conversation) -> None:
    _, answer = with_exchange(conversation)
    feedback_give(message_id=answer.id, user_id=conversation.user_id, is_helpful=True)
    before = feedback_snapshot()
    stranger = UserFactory()
    for message_id, user_id in ((answer.id, stranger.id), (uuid.uuid4(), conversation.user_id)):
        with pytest.raises(MessageNotFound):
            feedback_give(message_id=message_id, user_id=user_id, is_helpful=False, reason="wrong")
    assert feedback_snapshot() == before


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"is_helpful": True, "reason": "nonsense"}, "reason"),
        ({"is_helpful": True, "reason": "wrong"}, "reason"),
        ({"is_helpful": False, "reason": "helpful"}, "reason"),
        ({"is_helpful": False, "comment": "x" * 2001}, "comment"),
    ],
)
def test_invalid_feedback_is_refused_and_nothing_changes(
    conversation: Conversation, fields: dict[str, Any], field: str
) -> None:
    _, answer = with_exchange(conversation)
    before = feedback_snapshot()
    with pytest.raises(FeedbackInvalid) as raised:
        feedback_give(message_id=answer.id, user_id=conversation.user_id, **fields)
    assert raised.value.extra["errors"][0]["field"] == field
    assert feedback_snapshot() == before


def test_the_learners_own_question_takes_no_feedback(conversation: Conversation) -> None:
    question, _ = with_exchange(conversation)
    with pytest.raises(FeedbackInvalid):
        feedback_give(message_id=question.id, user_id=conversation.user_id, is_helpful=True)
    assert feedback_snapshot() == []

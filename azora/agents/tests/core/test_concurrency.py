"""Two questions in one conversation at the same moment: both exchanges are stored whole and the conversation's
counters add up (the conversation row is locked while an exchange is stored)."""

from __future__ import annotations

import pytest

from azora.agents import public as agents
from azora.agents.models import Conversation, Message
from azora.agents.tests.core.conftest import Classroom, thread
from azora.shared.testing.concurrency import race_errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_questions_at_once_store_two_whole_exchanges(room: Classroom) -> None:
    conversation_id = thread(room)

    outcomes = race_errors(
        *(
            lambda text=text: agents.message_send(conversation_id=conversation_id, user_id=room.learner.id, text=text)
            for text in ("What is photosynthesis?", "What is chlorophyll?")
        )
    )

    assert outcomes == [None, None]
    conversation = Conversation.objects.get(id=conversation_id)
    assert conversation.message_count == 4
    assert Message.objects.filter(conversation_id=conversation_id, role="user").count() == 2
    assert Message.objects.filter(conversation_id=conversation_id, role="assistant", status="complete").count() == 2
    assert agents.questions_used_this_month(user_id=room.learner.id) == 2

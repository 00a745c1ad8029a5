"""Student Portal pages for Elara: the lesson's chat panel, conversations (streamed or plain), feedback, the oversight
notice, the learner's memory and the instructors' oversight of their learners' conversations."""

from django.urls import URLPattern, path

from azora.portals.student.views import elara

urlpatterns: list[URLPattern] = [
    # The learner's conversations with Elara and her family.
    path("elara/", elara.conversation_list, name="elara"),
    path("elara/new/", elara.conversation_new, name="elara_new"),
    path("elara/ask/", elara.ask, name="elara_ask"),
    path("elara/ask/stream/", elara.ask_stream, name="elara_ask_stream"),
    path("elara/consent/", elara.consent, name="elara_consent"),
    path("elara/lesson/<uuid:lesson_id>/panel/", elara.lesson_panel, name="elara_panel"),
    path("elara/<uuid:conversation_id>/", elara.conversation, name="elara_conversation"),
    path("elara/<uuid:conversation_id>/messages/", elara.message_post, name="elara_message"),
    path("elara/<uuid:conversation_id>/stream/", elara.message_post_stream, name="elara_stream"),
    path(
        "elara/<uuid:conversation_id>/messages/<uuid:message_id>/feedback/",
        elara.feedback,
        name="elara_feedback",
    ),
    # What the agents remember about the learner (they see it and can erase it).
    path("my/elara/memory/", elara.memory, name="elara_memory"),
    path("my/elara/memory/erase/", elara.memory_erase_all, name="elara_memory_erase_all"),
    path("my/elara/memory/<uuid:item_id>/erase/", elara.memory_erase, name="elara_memory_erase"),
    # Instructors and organisation admins read their learners' conversations, flagged ones first.
    path("teach/elara/", elara.oversight, name="elara_oversight"),
    path("teach/elara/<uuid:conversation_id>/", elara.transcript, name="elara_transcript"),
]

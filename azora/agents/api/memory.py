"""The agents API: the learner's memory (see it, add to it, erase one item or all of it).

Signed-in users only (API keys are refused); another learner's item answers 404.
"""

from __future__ import annotations

import uuid

from django.http import HttpRequest
from ninja import Router, Status

from azora.accounts.public import request_user_id
from azora.agents.public import memory_add, memory_erase, memory_items_limit, memory_of
from azora.agents.schemas.memory import MemoryEraseOut, MemoryItemCreateIn, MemoryItemOut, MemoryOut

router = Router(tags=["agents"])

AGENTS_SCOPE = "agents"


def _user_id(request: HttpRequest) -> uuid.UUID:
    return request_user_id(request, scope=AGENTS_SCOPE)


def _memory_out(user_id: uuid.UUID) -> MemoryOut:
    return MemoryOut(items=[MemoryItemOut.of(view) for view in memory_of(user_id=user_id)], limit=memory_items_limit())


@router.get("/me/memory", response=MemoryOut, summary="What the agents remember about the caller")
def memory_index(request: HttpRequest) -> MemoryOut:
    return _memory_out(_user_id(request))


@router.post(
    "/me/memory",
    response={201: MemoryItemOut},
    summary="Tell the agents a goal, a difficulty or a preferred language (the same item again answers it as is)",
)
def memory_create(request: HttpRequest, payload: MemoryItemCreateIn) -> Status[MemoryItemOut]:
    view = memory_add(user_id=_user_id(request), kind=payload.kind, text=payload.text, source="learner")
    return Status(201, MemoryItemOut.of(view))


@router.delete("/me/memory", response=MemoryEraseOut, summary="Erase everything the agents remember about the caller")
def memory_erase_all(request: HttpRequest) -> MemoryEraseOut:
    return MemoryEraseOut(erased=memory_erase(user_id=_user_id(request)))


@router.delete("/me/memory/{uuid:item_id}", response={204: None}, summary="Erase one remembered item")
def memory_erase_one(request: HttpRequest, item_id: uuid.UUID) -> Status[None]:
    memory_erase(user_id=_user_id(request), item_id=item_id)
    return Status(204, None)

"""The Payment Service's background tasks: webhook processing, sandbox settlements, receipt emails.

Each takes ids, re-reads its data and is safe to run twice.
"""

from __future__ import annotations

import uuid

from django.tasks import task

from azora.payments import services


@task()
def process_webhook_task(webhook_event_id: int) -> str:
    return services.webhook_process(webhook_event_id=webhook_event_id)


@task()
def send_receipt_email_task(receipt_id: str) -> bool:
    return services.receipt_email_send(receipt_id=uuid.UUID(receipt_id))


@task()
def deliver_sandbox_webhook_task(provider_ref: str) -> str:
    """The sandbox's bank settles an asynchronous payment and the sandbox sends its signed webhook."""
    return services.sandbox_settlement_deliver(provider_ref=provider_ref)

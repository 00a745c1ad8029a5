"""Shared Services: money, ids, events and outbox, tasks, storage, logging, tracing, metrics."""

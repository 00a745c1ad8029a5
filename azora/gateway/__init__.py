"""API Gateway: the /api/v1 edge: routers, auth, error envelope, pagination, idempotency, request ids."""

"""Views of the Pay UI, one module per area: wallet, send, checkout (top-up, payments, receipts), refunds."""

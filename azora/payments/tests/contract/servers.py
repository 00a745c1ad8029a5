"""Local HTTP servers that speak Stripe's and Paystack's documented APIs, for the adapters' contract tests.

Each runs a ThreadingHTTPServer in a background thread, keeps its objects in memory, records every request and
can be told to fail the next requests (429, 5xx) so that retries can be counted. They check the secret key.
"""

from __future__ import annotations

import json
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

STRIPE_KEY = "sk_test_azora_contract"
PAYSTACK_KEY = "sk_test_paystack_contract"

# Stripe's test PaymentMethods (docs.stripe.com/testing) -> (outcome, card number). The async one is this
# server's own: Stripe cards settle at once, so it stands for a payment method that settles later.
STRIPE_METHODS: dict[str, tuple[str, str]] = {
    "pm_card_visa": ("succeeded", "4242424242424242"),
    "pm_card_chargeDeclined": ("card_declined", "4000000000000002"),
    "pm_card_chargeDeclinedInsufficientFunds": ("insufficient_funds", "4000000000009995"),
    "pm_card_chargeDeclinedExpiredCard": ("expired_card", "4000000000000069"),
    "pm_card_authenticationRequired": ("requires_action", "4000002760003184"),
    "pm_card_async_settlement": ("processing", "4000000000000077"),
}
# Stripe's test PaymentMethods that attach to a Customer but fail when charged later (docs.stripe.com/testing).
STRIPE_SAVED_ONLY: dict[str, tuple[str, str]] = {
    "pm_card_chargeCustomerFail": ("card_declined", "4000000000000341"),
}
# Cards that a first charge accepts but whose saved authorization fails a recurring charge (this server's own).
PAYSTACK_RECURRING: dict[str, str] = {
    "4000000000000341": "Declined",
    "4000002760003184": "send_otp",
}
PAYSTACK_CARDS: dict[str, str] = {
    "4242424242424242": "success",
    "4000000000000002": "Declined",
    "4000000000009995": "Insufficient Funds",
    "4000000000000069": "Expired Card",
    "4000000000003220": "send_otp",
    "4000000000000077": "pending",
}


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class FakeProvider:
    """State shared by a server's handler threads."""

    objects: dict[str, dict[str, Any]] = field(default_factory=dict)
    requests: list[Recorded] = field(default_factory=list)
    faults: list[int] = field(default_factory=list)
    # (method, path prefix, status): the next matching request is carried out, then answered with the status.
    faults_after: list[tuple[str, str, int]] = field(default_factory=list)
    idempotent: dict[str, tuple[int, dict[str, Any]]] = field(default_factory=dict)
    # Stripe: attached PaymentMethods and Customers; Paystack: reusable authorizations.
    methods: dict[str, dict[str, Any]] = field(default_factory=dict)
    customers: dict[str, dict[str, Any]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    url: str = ""

    def fail_next(self, *statuses: int) -> None:
        with self.lock:
            self.faults.extend(statuses)

    def lose_next_answer(self, *, method: str, path: str, status: int = 502) -> None:
        """The next `method` request to `path...` is carried out, but its answer is lost (a 5xx from a proxy)."""
        with self.lock:
            self.faults_after.append((method, path, status))

    def count(self, method: str, path_prefix: str) -> int:
        return sum(1 for r in self.requests if r.method == method and r.path.startswith(path_prefix))


class _Handler(BaseHTTPRequestHandler):
    state: FakeProvider

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the test reads `state.requests` instead."""

    def _handle(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        path = urlsplit(self.path).path
        with self.state.lock:
            self.state.requests.append(Recorded(method, self.path, dict(self.headers.items()), body))
            fault = self.state.faults.pop(0) if self.state.faults else None
        if fault is not None:
            self._send(fault, {"error": {"type": "api_error", "message": "Injected fault."}, "status": False})
            return
        status, payload = self.route(method, path, body)
        with self.state.lock:
            lost = next(
                (fault for fault in self.state.faults_after if fault[0] == method and path.startswith(fault[1])), None
            )
            if lost is not None:
                self.state.faults_after.remove(lost)
        if lost is not None:
            status, payload = lost[2], {"error": {"type": "api_error", "message": "Answer lost."}, "status": False}
        self._send(status, payload)

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def _send(self, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def route(self, method: str, path: str, body: bytes) -> tuple[int, dict[str, Any]]:
        raise NotImplementedError


# --- Stripe ---------------------------------------------------------------------------------------------


def _stripe_error(status: int, kind: str, code: str, message: str, **extra: Any) -> tuple[int, dict[str, Any]]:
    return status, {"error": {"type": kind, "code": code, "message": message, **extra}}


def _form(body: bytes) -> dict[str, str]:
    return dict(parse_qsl(body.decode(), keep_blank_values=True))


class StripeHandler(_Handler):
    def route(self, method: str, path: str, body: bytes) -> tuple[int, dict[str, Any]]:
        if self.headers.get("Authorization") != f"Bearer {STRIPE_KEY}":
            return _stripe_error(401, "invalid_request_error", "", "Invalid API Key provided.")
        key = self.headers.get("Idempotency-Key")
        if method == "POST" and key:
            with self.state.lock:
                stored = self.state.idempotent.get(key)
            if stored is not None:
                return stored
        result = self._route(
            method, path, _form(body) if method == "POST" else _form(urlsplit(self.path).query.encode())
        )
        if method == "POST" and key and result[0] < 500:
            with self.state.lock:
                self.state.idempotent[key] = result
        return result

    def _route(self, method: str, path: str, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        parts = path.strip("/").split("/")
        if parts[:2] == ["v1", "payment_intents"]:
            if method == "POST" and len(parts) == 2:
                return self._create(form)
            intent = self.state.objects.get(parts[2]) if len(parts) > 2 else None
            if intent is None:
                return _stripe_error(404, "invalid_request_error", "resource_missing", "No such payment_intent.")
            if method == "GET" and len(parts) == 3:
                return 200, self._view(intent, form)
            if method == "POST" and len(parts) == 3:
                return self._update(intent, form)
            if method == "POST" and parts[3:] == ["confirm"]:
                if form.get("off_session") == "true":
                    return self._confirm_off_session(intent, form)
                return self._confirm(intent, form)
            if method == "POST" and parts[3:] == ["cancel"]:
                if intent["status"] in {"succeeded", "processing", "canceled"}:
                    return _stripe_error(
                        400, "invalid_request_error", "payment_intent_unexpected_state", "Cannot cancel."
                    )
                intent["status"] = "canceled"
                return 200, self._view(intent, form)
        if parts == ["v1", "refunds"] and method == "POST":
            return self._refund(form)
        if parts == ["v1", "customers"] and method == "POST":
            customer_id = f"cus_{secrets.token_hex(12)}"
            customer = {"id": customer_id, "object": "customer", "email": form.get("email")}
            self.state.customers[customer_id] = customer
            return 200, customer
        if parts[:2] == ["v1", "payment_methods"] and method == "POST" and len(parts) == 4:
            if parts[3] == "attach":
                return self._attach(parts[2], form)
            if parts[3] == "detach":
                return self._detach(parts[2])
        return _stripe_error(404, "invalid_request_error", "resource_missing", f"Unrecognized request URL ({path}).")

    def _create(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        try:
            amount = int(form["amount"])
        except (KeyError, ValueError):
            return _stripe_error(400, "invalid_request_error", "parameter_missing", "Missing required param: amount.")
        intent_id = f"pi_{secrets.token_hex(12)}"
        metadata = {k[len("metadata[") : -1]: v for k, v in form.items() if k.startswith("metadata[")}
        intent = {
            "id": intent_id,
            "object": "payment_intent",
            "amount": amount,
            "amount_received": 0,
            "currency": form["currency"],
            "status": "requires_payment_method",
            "client_secret": f"{intent_id}_secret_{secrets.token_hex(8)}",
            "description": form.get("description"),
            "metadata": metadata,
            "next_action": None,
            "last_payment_error": None,
            "payment_method": None,
            "refunded": 0,
        }
        self.state.objects[intent_id] = intent
        return 200, self._view(intent, form)

    def _confirm(self, intent: dict[str, Any], form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        if intent["status"] not in {"requires_payment_method", "requires_confirmation"}:
            return _stripe_error(400, "invalid_request_error", "payment_intent_unexpected_state", "Already confirmed.")
        method = form.get("payment_method", "")
        if method not in STRIPE_METHODS:
            return _stripe_error(400, "invalid_request_error", "resource_missing", f"No such PaymentMethod: {method}")
        outcome, number = STRIPE_METHODS[method]
        intent["payment_method"] = method
        intent["card"] = {"brand": "visa", "last4": number[-4:], "exp_month": 12, "exp_year": 2040}
        if outcome in {"card_declined", "insufficient_funds", "expired_card"}:
            code = "expired_card" if outcome == "expired_card" else "card_declined"
            decline = {"card_declined": "generic_decline", "insufficient_funds": "insufficient_funds"}.get(outcome)
            error = {"code": code, "message": "Your card was declined.", "type": "card_error"}
            if decline:
                error["decline_code"] = decline
            intent["status"] = "requires_payment_method"
            intent["last_payment_error"] = error
            return _stripe_error(402, "card_error", code, error["message"], decline_code=decline,
                                 payment_intent=self._view(intent, form))  # fmt: skip
        intent["last_payment_error"] = None
        intent["status"] = outcome
        if outcome == "requires_action":
            url = f"{self.state.url}/3ds/{intent['id']}"
            intent["next_action"] = {"type": "redirect_to_url", "redirect_to_url": {"url": url, "return_url": ""}}
        if outcome == "succeeded":
            intent["amount_received"] = intent["amount"]
        return 200, self._view(intent, form)

    def _update(self, intent: dict[str, Any], form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        customer = form.get("customer")
        if customer is not None:
            if customer not in self.state.customers:
                return _stripe_error(400, "invalid_request_error", "resource_missing", f"No such customer: {customer}")
            intent["customer"] = customer
        return 200, self._view(intent, form)

    def _attach(self, test_method: str, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        """A test PaymentMethod attaches as a new pm_ (as Stripe's do); a card that declines cannot be attached."""
        customer = form.get("customer", "")
        if customer not in self.state.customers:
            return _stripe_error(400, "invalid_request_error", "resource_missing", f"No such customer: {customer}")
        known = STRIPE_METHODS.get(test_method) or STRIPE_SAVED_ONLY.get(test_method)
        if known is None:
            return _stripe_error(
                404, "invalid_request_error", "resource_missing", f"No such PaymentMethod: {test_method}"
            )
        outcome, number = known
        if test_method in STRIPE_METHODS and outcome in {"card_declined", "insufficient_funds", "expired_card"}:
            return _stripe_error(402, "card_error", "card_declined", "Your card was declined.", decline_code=outcome)
        method_id = f"pm_{secrets.token_hex(12)}"
        method: dict[str, Any] = {
            "id": method_id,
            "object": "payment_method",
            "type": "card",
            "customer": customer,
            "card": {"brand": "visa", "last4": number[-4:], "exp_month": 12, "exp_year": 2040},
            "outcome": outcome,
            "number": number,
        }
        self.state.methods[method_id] = method
        return 200, self._method_view(method)

    def _detach(self, method_id: str) -> tuple[int, dict[str, Any]]:
        method = self.state.methods.get(method_id)
        if method is None or method["customer"] is None:
            return _stripe_error(400, "invalid_request_error", "payment_method_unexpected_state", "Not attached.")
        method["customer"] = None
        return 200, self._method_view(method)

    @staticmethod
    def _method_view(method: dict[str, Any]) -> dict[str, Any]:
        return {key: value for key, value in method.items() if key not in {"outcome", "number"}}

    def _confirm_off_session(self, intent: dict[str, Any], form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        """A saved card charged without its holder: it must be attached to the intent's Customer; a card that
        needs authentication is declined with authentication_required, as Stripe does off-session."""
        if intent["status"] not in {"requires_payment_method", "requires_confirmation"}:
            return _stripe_error(400, "invalid_request_error", "payment_intent_unexpected_state", "Already confirmed.")
        method = self.state.methods.get(form.get("payment_method", ""))
        if method is None or method["customer"] is None or method["customer"] != intent.get("customer"):
            message = "The PaymentMethod is not attached to this PaymentIntent's Customer."
            return _stripe_error(400, "invalid_request_error", "payment_method_unexpected_state", message)
        intent["payment_method"] = method["id"]
        intent["card"] = method["card"]
        outcome = method["outcome"]
        if outcome in {"card_declined", "requires_action"}:
            code = "authentication_required" if outcome == "requires_action" else "card_declined"
            decline = "authentication_required" if outcome == "requires_action" else "generic_decline"
            message = "Your card was declined." if code == "card_declined" else "This payment requires authentication."
            error = {"code": code, "decline_code": decline, "message": message, "type": "card_error"}
            intent["status"], intent["last_payment_error"] = "requires_payment_method", error
            return _stripe_error(402, "card_error", code, message, decline_code=decline,
                                 payment_intent=self._view(intent, form))  # fmt: skip
        intent["status"], intent["last_payment_error"] = outcome, None
        if outcome == "succeeded":
            intent["amount_received"] = intent["amount"]
        return 200, self._view(intent, form)

    def _refund(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        intent = self.state.objects.get(form.get("payment_intent", ""))
        if intent is None:
            return _stripe_error(404, "invalid_request_error", "resource_missing", "No such payment_intent.")
        if intent["status"] != "succeeded":
            return _stripe_error(400, "invalid_request_error", "charge_not_succeeded", "Not refundable.")
        amount = int(form.get("amount") or intent["amount"] - intent["refunded"])
        if amount > intent["amount"] - intent["refunded"]:
            return _stripe_error(400, "invalid_request_error", "amount_too_large", "Refund amount is too large.")
        intent["refunded"] += amount
        refund_id = f"re_{secrets.token_hex(12)}"
        return 200, {
            "id": refund_id,
            "object": "refund",
            "amount": amount,
            "currency": intent["currency"],
            "payment_intent": intent["id"],
            "status": "succeeded",
        }

    @staticmethod
    def _view(intent: dict[str, Any], form: dict[str, str]) -> dict[str, Any]:
        view = {key: value for key, value in intent.items() if key not in {"card", "refunded"}}
        expanded = any(key.startswith("expand[") and value == "payment_method" for key, value in form.items())
        if expanded and intent.get("payment_method"):
            view["payment_method"] = {
                "id": intent["payment_method"],
                "object": "payment_method",
                "type": "card",
                "card": intent["card"],
            }
        return view


# --- Paystack -------------------------------------------------------------------------------------------


def _paystack_error(status: int, message: str) -> tuple[int, dict[str, Any]]:
    return status, {"status": False, "message": message}


class PaystackHandler(_Handler):
    def route(self, method: str, path: str, body: bytes) -> tuple[int, dict[str, Any]]:
        if self.headers.get("Authorization") != f"Bearer {PAYSTACK_KEY}":
            return _paystack_error(401, "Invalid key")
        data: dict[str, Any] = json.loads(body) if body else {}
        if method == "POST" and path == "/transaction/initialize":
            return self._initialize(data)
        if method == "GET" and path.startswith("/transaction/verify/"):
            transaction = self.state.objects.get(path.rsplit("/", 1)[1])
            if transaction is None:
                return _paystack_error(400, "Transaction reference not found")
            return 200, {"status": True, "message": "Verification successful", "data": self._view(transaction)}
        if method == "POST" and path == "/charge":
            return self._charge(data)
        if method == "POST" and path == "/transaction/charge_authorization":
            return self._charge_authorization(data)
        if method == "POST" and path == "/customer/deactivate_authorization":
            authorization = self.state.methods.get(str(data.get("authorization_code")))
            if authorization is None:
                return _paystack_error(404, "Authorization code not found")
            authorization["active"] = False
            return 200, {"status": True, "message": "Authorization has been deactivated"}
        if method == "POST" and path == "/refund":
            return self._refund(data)
        if method == "GET" and path == "/refund":
            query = dict(parse_qsl(urlsplit(self.path).query))
            transaction = self.state.objects.get(query.get("transaction", ""))
            refunds = transaction.get("refunds", []) if transaction else []
            return 200, {"status": True, "message": "Refunds retrieved", "data": refunds}
        return _paystack_error(404, "Not found")

    def _initialize(self, data: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        reference = str(data.get("reference") or secrets.token_hex(8))
        if reference in self.state.objects:
            return _paystack_error(400, "Duplicate Transaction Reference")
        if not data.get("email") or int(data.get("amount") or 0) <= 0:
            return _paystack_error(400, "Invalid amount or email")
        access_code = secrets.token_hex(8)
        self.state.objects[reference] = {
            "id": len(self.state.objects) + 1000,
            "reference": reference,
            "amount": int(data["amount"]),
            "currency": data.get("currency", "NGN"),
            "status": "abandoned",
            "gateway_response": "The transaction was not completed",
            "customer": {"email": data["email"]},
            "authorization": {},
            "refunded": 0,
        }
        return 200, {
            "status": True,
            "message": "Authorization URL created",
            "data": {
                "authorization_url": f"https://checkout.paystack.com/{access_code}",
                "access_code": access_code,
                "reference": reference,
            },
        }

    def _charge(self, data: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        transaction = self.state.objects.get(str(data.get("reference")))
        if transaction is None:
            return _paystack_error(400, "Transaction reference not found")
        if transaction["status"] != "abandoned":
            return _paystack_error(400, "Duplicate Transaction Reference")
        if int(data.get("amount", 0)) != transaction["amount"] or data.get("email") != transaction["customer"]["email"]:
            return _paystack_error(400, "Amount or email does not match the transaction")
        number = str(data.get("card", {}).get("number", ""))
        outcome = PAYSTACK_CARDS.get(number, "success")
        transaction["authorization"] = {"last4": number[-4:], "brand": "visa", "card_type": "visa"}
        if outcome == "success":
            # A paid card becomes a reusable authorization, as Paystack's verify shows it.
            code = f"AUTH_{secrets.token_hex(6)}"
            expiry = {
                "exp_month": str(data["card"].get("expiry_month", "")),
                "exp_year": str(data["card"].get("expiry_year", "")),
            }
            transaction["authorization"].update({"authorization_code": code, "reusable": True, **expiry})
            self.state.methods[code] = {"number": number, "email": data.get("email"), "active": True}
        if outcome in {"success", "send_otp", "pending"}:
            transaction["status"] = outcome
            transaction["gateway_response"] = "Approved" if outcome == "success" else "Pending"
        else:
            transaction["status"] = "failed"
            transaction["gateway_response"] = outcome
        view = self._view(transaction)
        if outcome == "send_otp":
            view["display_text"] = "Please enter the OTP sent to your phone"
        return 200, {"status": True, "message": "Charge attempted", "data": view}

    def _charge_authorization(self, data: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        transaction = self.state.objects.get(str(data.get("reference")))
        authorization = self.state.methods.get(str(data.get("authorization_code")))
        if transaction is None:
            return _paystack_error(400, "Transaction reference not found")
        if authorization is None or not authorization["active"]:
            return _paystack_error(400, "Invalid authorization code")
        if transaction["status"] != "abandoned":
            return _paystack_error(400, "Duplicate Transaction Reference")
        if data.get("email") != authorization["email"] or int(data.get("amount", 0)) != transaction["amount"]:
            return _paystack_error(400, "Email or amount does not match")
        number = authorization["number"]
        outcome = PAYSTACK_RECURRING.get(number, "success")
        transaction["authorization"] = {
            "last4": number[-4:],
            "brand": "visa",
            "authorization_code": data["authorization_code"],
        }
        transaction["status"] = outcome if outcome in {"success", "send_otp"} else "failed"
        transaction["gateway_response"] = {"success": "Approved", "send_otp": "Pending"}.get(outcome, outcome)
        return 200, {"status": True, "message": "Charge attempted", "data": self._view(transaction)}

    def _refund(self, data: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        transaction = self.state.objects.get(str(data.get("transaction")))
        if transaction is None:
            return _paystack_error(404, "Transaction not found")
        if transaction["status"] != "success":
            return _paystack_error(400, "Transaction has not been paid")
        amount = int(data.get("amount") or transaction["amount"] - transaction["refunded"])
        if amount > transaction["amount"] - transaction["refunded"]:
            return _paystack_error(400, "Refund amount cannot be greater than transaction amount")
        transaction["refunded"] += amount
        refund = {
            "id": secrets.randbelow(10**9),
            "transaction": transaction["id"],
            "amount": amount,
            "currency": transaction["currency"],
            "status": "pending",
            "merchant_note": str(data.get("merchant_note", "")),
        }
        transaction.setdefault("refunds", []).append(refund)
        return 200, {"status": True, "message": "Refund has been queued for processing", "data": refund}

    @staticmethod
    def _view(transaction: dict[str, Any]) -> dict[str, Any]:
        return {key: value for key, value in transaction.items() if key not in {"refunded", "refunds"}}


@contextmanager
def serve(handler: type[_Handler]) -> Iterator[FakeProvider]:
    state = FakeProvider()
    handler_class = type(f"Bound{handler.__name__}", (handler,), {"state": state})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_class)
    server.daemon_threads = True
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

"""Pages of the Pay UI, mounted at /pay/: wallet, history, send, top-up and checkout, buying courses and plans,
receipts, refunds, statements, the plan and subscription, instructors' earnings and payouts."""

from django.urls import path

from azora.portals.pay.views import buy, checkout, earnings, refunds, send, subscription, wallet

app_name = "pay"

urlpatterns = [
    path("", wallet.overview, name="wallet"),
    path("history/", wallet.history, name="history"),
    path("statements/", wallet.statements, name="statements"),
    path("send/", send.send, name="send"),
    path("transfers/<uuid:transfer_id>/", send.transfer_detail, name="transfer"),
    path("top-up/", checkout.top_up, name="top_up"),
    path("checkout/<uuid:intent_id>/", checkout.checkout, name="checkout"),
    path("checkout/<uuid:intent_id>/challenge/", checkout.challenge, name="challenge"),
    path("checkout/<uuid:intent_id>/result/", checkout.result, name="result"),
    path("checkout/<uuid:intent_id>/cancel/", checkout.cancel, name="cancel"),
    path("receipts/", checkout.receipts, name="receipts"),
    path("receipts/<uuid:receipt_id>/", checkout.receipt, name="receipt"),
    path("buy/course/<uuid:course_id>/", buy.buy_course, name="buy_course"),
    path("buy/plan/<slug:plan_code>/", buy.buy_plan, name="buy_plan"),
    path("orders/<uuid:order_id>/", buy.order, name="order"),
    path("earnings/", earnings.earnings, name="earnings"),
    # The plan page: the dunning emails link to "subscription/" (revenue.emails.SUBSCRIPTION_PATH).
    path("subscription/", subscription.subscription, name="subscription"),
    path("subscription/<uuid:subscription_id>/cancel/", subscription.subscription_cancel, name="subscription_cancel"),
    path(
        "subscription/<uuid:subscription_id>/reactivate/",
        subscription.subscription_reactivate,
        name="subscription_reactivate",
    ),
    path("subscription/<uuid:subscription_id>/change/", subscription.subscription_change, name="subscription_change"),
    path("subscription/<uuid:subscription_id>/card/", subscription.subscription_card, name="subscription_card"),
    # An organisation's seats: given to a member, taken back, and how many are paid for.
    path("subscription/<uuid:subscription_id>/seats/", subscription.seat_assign, name="seat_assign"),
    path(
        "subscription/<uuid:subscription_id>/seats/<uuid:user_id>/remove/",
        subscription.seat_unassign,
        name="seat_unassign",
    ),
    path("subscription/<uuid:subscription_id>/seat-count/", subscription.seat_count, name="seat_count"),
    path(
        "subscription/organisations/<uuid:organisation_id>/start/",
        subscription.organisation_subscribe,
        name="organisation_subscribe",
    ),
    path("refunds/", refunds.refunds, name="refunds"),
    path("refunds/<uuid:intent_id>/", refunds.refund_create, name="refund_create"),
]

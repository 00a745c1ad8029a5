"""The Marketplace UI's pages, under /market/ (owner: MARKET-UI)."""

app_name = "market"

urlpatterns: list = []

"""The one NinjaAPI instance; the gateway assembles every app's router onto it."""

from azora.gateway.assembly import build_api

api = build_api()

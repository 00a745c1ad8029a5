"""Education's non-API public URLs: the certificate issuer's JWKS and its revocation status list."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET

from azora.education.public.certificates import issuer_jwks, revocation_status_list


@require_GET
def jwks(request: HttpRequest) -> JsonResponse:
    """The issuer's public keys, for anyone who verifies a certificate's signature offline."""
    response = JsonResponse(issuer_jwks())
    # Verifiers in other origins (wallets, badge validators) fetch it from the browser; it holds no secret.
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_GET
def status_list(request: HttpRequest) -> HttpResponse:
    """The revocation status list every certificate's credentialStatus points to, signed like a certificate."""
    response = HttpResponse(revocation_status_list(), content_type="application/vc+jwt")
    response["Access-Control-Allow-Origin"] = "*"
    # Revocations must reach verifiers soon; the list's ttl says the same (five minutes).
    response["Cache-Control"] = "public, max-age=300"
    return response


urlpatterns: list[URLPattern] = [
    path(".well-known/jwks.json", jwks, name="education-jwks"),
    path("credentials/status/revocation", status_list, name="education-status-list"),
]

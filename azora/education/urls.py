"""Education's non-API public URLs: the certificate issuer's JWKS."""

from django.http import HttpRequest, JsonResponse
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET

from azora.education.public.certificates import issuer_jwks


@require_GET
def jwks(request: HttpRequest) -> JsonResponse:
    """The issuer's public keys, for anyone who verifies a certificate's signature offline."""
    response = JsonResponse(issuer_jwks())
    # Verifiers in other origins (wallets, badge validators) fetch it from the browser; it holds no secret.
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "public, max-age=3600"
    return response


urlpatterns: list[URLPattern] = [path(".well-known/jwks.json", jwks, name="education-jwks")]

"""`Authorization: Token <key>` with a personal token (api/tokens.py)."""

from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from api.tokens import find_token, is_expired, mark_used

KEYWORD = "Token"


class PersonalTokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != KEYWORD.lower().encode():
            return None  # another scheme (or none): the session may still authenticate
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("El encabezado Authorization debe ser «Token <clave>», "
                                                    "sin espacios en la clave."))
        try:
            key = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("La clave del token solo lleva caracteres ASCII."))
        token = find_token(key)
        if token is None:
            raise exceptions.AuthenticationFailed(_("El token no existe."))
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("El token fue revocado el %(fecha)s.") % {
                "fecha": date_format(localtime(token.revoked_at), "SHORT_DATETIME_FORMAT")})
        if is_expired(token):
            raise exceptions.AuthenticationFailed(_("El token venció el %(fecha)s.") % {
                "fecha": date_format(localtime(token.expires_at), "SHORT_DATETIME_FORMAT")})
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("La cuenta del token está desactivada."))
        mark_used(token)
        return token.user, token

    def authenticate_header(self, request):
        # Makes DRF answer 401 (not 403) to a request without valid credentials.
        return KEYWORD

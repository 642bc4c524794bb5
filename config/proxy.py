"""The client's address behind trusted reverse proxies, for login throttling (AXES_CLIENT_IP_CALLABLE)."""

import ipaddress

from django.conf import settings


def client_ip(request):
    """Each trusted proxy appends the address it received the request from to X-Forwarded-For, so
    the entry the first of them wrote is the N-th from the right. Entries to its left come from the
    client and are ignored: anyone can write them."""
    remote = request.META.get("REMOTE_ADDR")
    count = settings.SIMIR_TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    if len(forwarded) < count:
        return remote  # it did not pass through all our proxies: no entry can be trusted
    try:
        return str(ipaddress.ip_address(forwarded[-count].strip()))
    except ValueError:
        return remote  # a misconfigured proxy; the proxy's own address at least cannot be forged

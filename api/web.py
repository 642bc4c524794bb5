"""The user's own page of personal API tokens: create one (its key is shown once, on the answer
to the creation) and revoke any of theirs."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from api.forms import TokenForm
from api.tokens import create_token, is_expired, revoke_token


def _page(request, form, key=None, status=200):
    tokens = list(request.user.api_tokens.all())
    for token in tokens:
        token.expired = is_expired(token)
    return render(request, "api/tokens.html", {"form": form, "tokens": tokens, "key": key}, status=status)


@login_required
def token_page(request):
    if request.method != "POST":
        return _page(request, TokenForm())
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    token, key = create_token(request.user, form.cleaned_data["name"], form.expires_at())
    # No redirect: the key must not travel through the session or a later page.
    return _page(request, TokenForm(), key={"token": token, "key": key})


@login_required
@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(request.user.api_tokens, pk=pk)
    revoke_token(token)
    messages.success(request, _("Token «%(nombre)s» revocado.") % {"nombre": token.name})
    return redirect("simir:api_tokens")

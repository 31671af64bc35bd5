"""The admin's page of DCI clients: list, register (the secret is shown on that response only) and revoke."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from pendamping.core.errors import NotAllowed
from pendamping.core.forms import add_service_errors
from pendamping.core.scoping import user_covers

from . import services
from .forms import DciClientForm, DciClientRevokeForm
from .selectors import client_get, clients_visible


def _require_admin(user) -> None:
    if not user_covers(user, None, services.CAPABILITY):
        raise NotAllowed(services.CAPABILITY)


@require_http_methods(["GET", "POST"])
def client_list(request):
    _require_admin(request.user)
    form = DciClientForm(request.POST or None)
    created = secret = None
    if request.method == "POST" and form.is_valid():
        try:
            created, secret = services.dci_client_create(
                actor=request.user, name=form.cleaned_data["name"], area_codes=form.cleaned_data["area_codes"]
            )
        except (ValidationError, NotAllowed) as error:
            add_service_errors(form, error)
        else:
            form = DciClientForm()
    response = render(
        request,
        "dci/client_list.html",
        {
            "clients": clients_visible(actor=request.user),
            "form": form,
            "created": created,
            "secret": secret,
            "revoke_form": DciClientRevokeForm(),
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["POST"])
def client_revoke(request, pk: int):
    _require_admin(request.user)
    client = client_get(actor=request.user, pk=pk)
    form = DciClientRevokeForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.dci_client_revoke(actor=request.user, client=client, reason=reason)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The client %(name)s was revoked.") % {"name": client.name})
    return redirect("dci:client-list")

"""Reads of the DCI app. A client sees the registry of its areas only, by the same code-prefix rule as a user's
scope (core.scoping.scope_q): a client on 32.02.19 sees that kecamatan's subtree and nothing else."""

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from pendamping.areas.vocab import covers
from pendamping.core.scoping import scope_codes, scope_q
from pendamping.kube.models import Kube
from pendamping.registry.models import Household, Person

from .models import DciClient, DciTransaction
from .services import CAPABILITY, client_area_codes


def client_households(client: DciClient) -> QuerySet[Household]:
    return Household.objects.live().filter(scope_q(client_area_codes(client), "desa__code"))


def client_people(client: DciClient) -> QuerySet[Person]:
    return Person.objects.live().filter(scope_q(client_area_codes(client), "household__desa__code"))


def client_kubes(client: DciClient) -> QuerySet[Kube]:
    return Kube.objects.filter(deleted_at__isnull=True).filter(scope_q(client_area_codes(client), "desa__code"))


def client_transactions(client: DciClient) -> QuerySet[DciTransaction]:
    return DciTransaction.objects.filter(client=client, action="search")


def message_seen(client: DciClient, message_id: str) -> bool:
    """Whether the client already sent a message with this message_id (a search or a status check)."""
    return DciTransaction.objects.filter(client=client, message_id=message_id[:100]).exists()


def clients_visible(*, actor) -> list[DciClient]:
    """The clients whose every area lies in the actor's dci.clients areas (those the actor may manage)."""
    codes = scope_codes(actor, CAPABILITY)
    if codes is not None and not codes:
        return []
    clients = DciClient.objects.prefetch_related(Prefetch("areas")).order_by("revoked_at", "name", "pk")
    if codes is not None:
        clients = clients.filter(areas__in=_area_codes_under(codes)).distinct()
    result = []
    for client in clients:
        area_codes = [area.code for area in client.areas.all()]
        client._scope_codes = sorted(area_codes)
        if codes is None or all(any(covers(mine, code) for mine in codes) for code in area_codes):
            result.append(client)
    return result


def _area_codes_under(codes: list[str]):
    from pendamping.areas.models import Area

    return Area.objects.filter(scope_q(codes, "code")).values("code")


def client_get(*, actor, pk) -> DciClient:
    for client in clients_visible(actor=actor):
        if str(client.pk) == str(pk):
            return client
    raise Http404

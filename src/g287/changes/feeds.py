"""Atom feeds of the changes (Django's syndication framework): all, and per state, county, agency and model.

Each entry's id is a tag URI built from the change's content-derived key (the publication's hash, the kind and
the agreement's or application's key), so it stays the same however often the changes are recomputed.
"""

from __future__ import annotations

from datetime import datetime, time

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from g287.changes import services
from g287.changes.choices import ChangeKind
from g287.registry.choices import AgreementModel
from g287.registry.filters import STATE_NAMES
from g287.registry.models import Agency

ENTRIES = 200
TAG_AUTHORITY = "g287"  # tag:g287,2021:… — the authority and the year the registry's history starts


def describe(change) -> str:
    label = services.change_label(change.kind)
    text = f"{label}: {change.agency_name} ({change.state}), {change.model}"
    if change.signed:
        text += _(", signed %(day)s") % {"day": change.signed.isoformat()}
    if change.before or change.after:
        text += f" — {change.before or '…'} → {change.after or '…'}"
    return text


class ChangesFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, **kwargs):
        return kwargs

    def _filters(self, obj) -> dict:
        return {}

    def title(self, obj):
        return _("What changed in ICE’s 287(g) lists")

    def subtitle(self, obj):
        return _("Agencies added, removed, renewed, switched or renamed, publication by publication.")

    def link(self, obj):
        return reverse("changes:list")

    def feed_guid(self, obj):  # the feed's own id
        return f"tag:{TAG_AUTHORITY},2021:changes/{'/'.join(str(v) for v in obj.values()) or 'all'}"

    def items(self, obj):
        return list(services.changes(**self._filters(obj)).select_related("publication")[:ENTRIES])

    def item_title(self, item):
        return describe(item)

    def item_description(self, item):
        return _("In %(file)s (ICE date %(day)s), against the list before it.") % {
            "file": item.publication.file_name, "day": item.published.isoformat()}

    def item_link(self, item):
        return reverse("changes:publication", args=[item.publication_id]) + f"#change-{item.pk}"

    def item_guid(self, item):
        return f"tag:{TAG_AUTHORITY},2021:change/{item.key}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return timezone.make_aware(datetime.combine(item.published, time(12)))

    def item_updateddate(self, item):
        return item.first_seen

    def item_categories(self, item):
        return [item.kind, item.state, item.model]


class StateFeed(ChangesFeed):
    def get_object(self, request, state):
        if state.upper() not in STATE_NAMES:
            raise Http404
        return {"state": state.upper()}

    def _filters(self, obj):
        return obj

    def title(self, obj):
        return _("What changed in %(place)s") % {"place": STATE_NAMES[obj["state"]]}

    def link(self, obj):
        return reverse("changes:list") + f"?state={obj['state']}"


class CountyFeed(ChangesFeed):
    def get_object(self, request, state, county):
        if state.upper() not in STATE_NAMES:
            raise Http404
        return {"state": state.upper(), "county": county}

    def _filters(self, obj):
        return obj

    def title(self, obj):
        return _("What changed in %(county)s County, %(state)s") % {"county": obj["county"],
                                                                     "state": STATE_NAMES[obj["state"]]}

    def link(self, obj):
        from urllib.parse import urlencode

        return reverse("changes:list") + "?" + urlencode(obj)


class AgencyFeed(ChangesFeed):
    def get_object(self, request, pk):
        agency = get_object_or_404(Agency, pk=pk)
        return {"agency": agency.pk, "name": agency.name}

    def _filters(self, obj):
        return {"agency_id": obj["agency"]}

    def feed_guid(self, obj):
        return f"tag:{TAG_AUTHORITY},2021:changes/agency/{obj['agency']}"

    def title(self, obj):
        return _("What changed for %(agency)s") % {"agency": obj["name"]}

    def link(self, obj):
        return reverse("changes:list") + f"?agency={obj['agency']}"


class ModelFeed(ChangesFeed):
    def get_object(self, request, model):
        if model.upper() not in AgreementModel.values:
            raise Http404
        return {"model": model.upper()}

    def _filters(self, obj):
        return obj

    def title(self, obj):
        return _("What changed for %(model)s agreements") % {"model": obj["model"]}

    def link(self, obj):
        return reverse("changes:list") + f"?model={obj['model']}"


KINDS = ChangeKind

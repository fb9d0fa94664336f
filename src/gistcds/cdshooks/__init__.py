"""CDS Hooks 2.0, the part that is not HTTP: service definitions, prefetch -> Patient,
Assessment -> patient-view cards, draft TKI orders -> order-sign cards. ``gistcds serve``
wraps these (issue 16, item 4); every card renders an Assessment made by
``gistcds.assess``."""

from __future__ import annotations

from gistcds.cdshooks.cards import deterministic_uuid, patient_view_cards
from gistcds.cdshooks.orders import DraftOrder, draft_orders, order_sign_cards
from gistcds.cdshooks.services import (
    HOOKS,
    ORDER_SELECT,
    ORDER_SIGN,
    PATIENT_VIEW,
    discovery,
    missing_prefetch,
    prefetch_bundle,
    render_prefetch,
)

__all__ = [
    "HOOKS",
    "ORDER_SELECT",
    "ORDER_SIGN",
    "PATIENT_VIEW",
    "DraftOrder",
    "deterministic_uuid",
    "discovery",
    "draft_orders",
    "missing_prefetch",
    "order_sign_cards",
    "patient_view_cards",
    "prefetch_bundle",
    "render_prefetch",
]

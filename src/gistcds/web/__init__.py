"""The tumour-board web app: server-rendered Jinja2 pages with htmx, mounted at ``/``.

``routes_pages`` (sign-in, the patient form, import/export, static files), ``routes_views``
(the assessment page, its PDF, history, comparison, the researchers' listing) and
``variant_check`` (``GET /api/v1/variants/check``, the as-you-type HGVS check) plug into
``api.app.ROUTERS``. The pages reuse the service's authentication, store, audit and
rendering (``api``), the report's view model and HTML renderer (``report``), and never
decide clinical content themselves.
"""

from __future__ import annotations

from gistcds.web.form import from_document, to_document
from gistcds.web.variant_check import VariantCheck, check_variant

__all__ = ["VariantCheck", "check_variant", "from_document", "to_document"]

"""The API's browsable documentation (Swagger UI and ReDoc) under the portal's CSP (SEC-05).

drf-spectacular's own pages carry an inline <style> block, and its ReDoc page an inline init script and
a Google Fonts link. These views serve the same pages from templates of ours: Swagger UI through the
split view, whose init script is a separate same-origin file; ReDoc started by a static script.
"""

from __future__ import annotations

from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_update
from django.utils.decorators import method_decorator
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView


class SwaggerView(SpectacularSwaggerSplitView):
    template_name = "api_docs/swagger_ui.html"


# ReDoc writes <style> elements as it loads: styled-components' (which could take a nonce) and, before any
# option is read, the perfect-scrollbar style sheet bundled by webpack's style-loader (which cannot). So this
# page alone allows inline styles; its scripts stay 'self' only. Its search index runs in a Worker made from
# a blob: URL by ReDoc's own script. The bundle also asks cdn.redoc.ly for a logo: the policy refuses that,
# as it should on an isolated network, and ReDoc hides the missing image.
@method_decorator(csp_update({"style-src": [UNSAFE_INLINE], "worker-src": [SELF, "blob:"]}), name="get")
class RedocView(SpectacularRedocView):
    template_name = "api_docs/redoc.html"

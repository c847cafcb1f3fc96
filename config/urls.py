from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from ambassade.accounts.throttling import login_failures_limited
from ambassade.api import api
from ambassade.lib.views import healthz

admin.site.site_header = "Ambassade"
admin.site.site_title = "Ambassade"
# The admin's login limits failed logins per client like ours (axes locks out on both).
admin.site.login = login_failures_limited(admin.site.login)  # type: ignore[method-assign]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("", include("ambassade.tracking.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("accounts/", include("ambassade.accounts.urls")),
    path("programs/", include("ambassade.programs.urls")),
    path("curation/", include("ambassade.content.urls")),
    path("jobs/", include("ambassade.jobs.urls")),
    path("training/", include("ambassade.training.urls")),
    path("community/", include("ambassade.community.urls")),
    path("analytics/", include("ambassade.analytics.urls")),
    path("newsletter/", include("ambassade.newsletter.urls")),
    path("rewards/", include("ambassade.rewards.urls")),
    path("audit/", include("ambassade.audit.urls")),
    path("privacy/", include("ambassade.privacy.urls")),
    path("", include("ambassade.sharing.urls")),
]

"""URL routes; each domain app adds its own."""

from django.urls import URLPattern, URLResolver, include, path

urlpatterns: list[URLPattern | URLResolver] = [path("", include("saferplan.web.urls"))]

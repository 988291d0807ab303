"""URL routes; each domain app adds its own."""

from django.urls import URLPattern, URLResolver, include, path

urlpatterns: list[URLPattern | URLResolver] = [path("", include("saferplan.web.urls"))]

# Unhandled errors: logged with the request id, which the page quotes (web/errors.py).
handler500 = "saferplan.web.errors.server_error"
# Bad parameters: a page in the app's layout saying which one was wrong.
handler400 = "saferplan.web.errors.bad_request"

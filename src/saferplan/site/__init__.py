"""The Django project that carries saferplan's records and web app."""

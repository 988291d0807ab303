"""saferplan: community safety and youth justice analysis, planning and reporting from data."""

__version__ = "0.1.0"

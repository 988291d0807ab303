"""The ``saferplan`` command line: a thin shell over the library packages."""

"""Youth justice performance: child-level records (pseudonymised) and the national indicators."""

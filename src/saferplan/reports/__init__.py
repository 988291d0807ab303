"""Documents built from computed figures: the Strategic Assessment and its consistency check."""

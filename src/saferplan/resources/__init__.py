"""A partnership's resources (youth justice budget, YJB grant allocation, staffing, funding
streams) and its risk register, kept as records; every total computed, never typed."""

"""Feature maps of pixel coordinates (x, y) and polynomial features of tables."""

"""Pictures of runs as uint8 pixels: side-by-side panels and the matplotlib figures."""

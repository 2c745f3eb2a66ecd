"""Public pages of the ranking: maps and charts drawn server-side as SVG."""

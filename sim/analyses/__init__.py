"""Layer 4, the analyses: the one-year model, projections, JHT, validation against experience,
credibility, pricing, sensitivity and comparisons.  Each returns plain JSON-ready data."""

"""Layer 5, the outputs: text, plots, the report and its runner, the explorer.  File formats,
drawing and widgets live here and nowhere below."""

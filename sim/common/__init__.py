"""Layer 0, used by every other layer: errors, Indonesian formatting and number reading, labels,
strict YAML in and strict JSON out, the project's paths.  Imports nothing from ``sim``."""

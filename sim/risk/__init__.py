"""Layer 3, risk: mortality, claim amounts, the claim model, exact aggregate distributions and
Monte Carlo."""

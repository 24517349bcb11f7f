"""Layer 2, the inputs: parameter files, scenarios, rosters, experience files, and the portfolio
they describe.  Everything a user can get wrong is checked here, all problems in one pass."""

"""Analysis: length sweeps, attributions and interventions, states, where a model fails."""

"""Multi-turn evaluation (DESIGN.md, "Multi-turn"): repair rounds with feedback, tool-using agents."""

"""The only code that knows wire names and shapes: PHP VOs, Stela items, FusionAuth bodies, timestamps."""

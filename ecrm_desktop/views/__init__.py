"""Qt widgets, item models and charts; each screen implements the view Protocol its presenter talks to."""

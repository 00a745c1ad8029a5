"""The tutoring evaluation: a labelled set of questions about the demo courses, its scoring and its runner."""

"""Views of the Student Portal, one module per area: catalogue, learning, quizzes, records, teaching."""

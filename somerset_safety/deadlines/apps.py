from django.apps import AppConfig


class DeadlinesConfig(AppConfig):
    name = "somerset_safety.deadlines"
    label = "deadlines"
    verbose_name = "Deadlines and reminders"

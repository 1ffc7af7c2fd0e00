from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "somerset_safety.meetings"
    label = "meetings"
    verbose_name = "Meetings, agendas, minutes and actions"

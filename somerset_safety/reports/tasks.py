from celery import shared_task

from .services import report_version_render


@shared_task(name="reports.render_version", ignore_result=True)
def render_version(version_id: int) -> None:
    report_version_render(version_id=version_id)

app_name = "duties"
urlpatterns: list = []

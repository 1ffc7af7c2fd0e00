app_name = "partnerships"
urlpatterns: list = []

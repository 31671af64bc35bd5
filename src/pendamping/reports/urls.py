from .views import urls

app_name = "reports"
urlpatterns = urls

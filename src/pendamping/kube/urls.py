from .views import groups

app_name = "kube"

# each part of the app lists its own pages at the end of its views module
urlpatterns = [*groups.urls]

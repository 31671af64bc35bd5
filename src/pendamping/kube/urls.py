from .views import groups, money, progress, screening

app_name = "kube"

# each part of the app lists its own pages at the end of its views module
urlpatterns = [*groups.urls, *screening.urls, *money.urls, *progress.urls]

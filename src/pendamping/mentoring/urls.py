from .views import analytics, contacts, reports

app_name = "mentoring"

# each part of the app lists its own pages at the end of its views module
urlpatterns = [*contacts.urls, *analytics.urls, *reports.urls]

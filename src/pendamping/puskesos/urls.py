from .views import cases, referrals, register, reports

app_name = "puskesos"

# each part of the app lists its own pages at the end of its views module
urlpatterns = [*cases.urls, *referrals.urls, *register.urls, *reports.urls]

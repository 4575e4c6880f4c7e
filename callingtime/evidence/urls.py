from django.urls import path

from callingtime.evidence import views

app_name = "evidence"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("lookup/", views.PostcodeLookupView.as_view(), name="lookup"),
    path("areas/", views.AreaSearchView.as_view(), name="area_search"),
    path("areas/<str:code>/", views.AreaView.as_view(), name="area"),
    path("data/", views.DataStatusView.as_view(), name="data"),
    path("healthz", views.health, name="health"),
]

from django.urls import path

from callingtime.evidence import views

app_name = "evidence"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("lookup/", views.PostcodeLookupView.as_view(), name="lookup"),
    path("areas/", views.AreaSearchView.as_view(), name="area_search"),
    path("areas/<str:code>/", views.AreaView.as_view(), name="area"),
    path("areas/<str:code>/profile.json", views.ProfileJsonView.as_view(), name="profile_json"),
    path("areas/<str:code>/map.geojson", views.AreaMapView.as_view(), name="area_map"),
    path(
        "areas/<str:code>/infographic.png",
        views.InfographicView.as_view(fmt="png"),
        name="infographic_png",
    ),
    path(
        "areas/<str:code>/infographic.svg",
        views.InfographicView.as_view(fmt="svg"),
        name="infographic_svg",
    ),
    *[
        path(
            f"areas/<str:code>/{table}.csv",
            views.ProfileCsvView.as_view(table=table),
            name=f"{table.replace('-', '_')}_csv",
        )
        for table in (
            "profile",
            "lsoas",
            "places",
            "comparisons",
            "outcomes",
            "stop-search",
            "coverage",
        )
    ],
    path("data/", views.DataStatusView.as_view(), name="data"),
    path("healthz", views.health, name="health"),
]

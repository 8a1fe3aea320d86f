from django.urls import path

from g287.changes import feeds, views

app_name = "changes"
urlpatterns = [
    path("changes/", views.change_list, name="list"),
    path("changes/feed/", feeds.ChangesFeed(), name="feed"),
    path("changes/feed/state/<str:state>/", feeds.StateFeed(), name="feed-state"),
    path("changes/feed/county/<str:state>/<str:county>/", feeds.CountyFeed(), name="feed-county"),
    path("changes/feed/agency/<int:pk>/", feeds.AgencyFeed(), name="feed-agency"),
    path("changes/feed/model/<str:model>/", feeds.ModelFeed(), name="feed-model"),
    path("changes/alerts/", views.subscribe, name="subscribe"),
    path("changes/alerts/sent/", views.subscribe_sent, name="subscribe-sent"),
    path("changes/alerts/confirm/<str:token>/", views.confirm, name="confirm"),
    path("changes/alerts/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("changes/fetches/", views.fetch_status, name="fetch-status"),
    path("publications/<int:pk>/", views.publication_detail, name="publication"),
    path("publications/<int:pk>/original/", views.publication_original, name="publication-original"),
    path("data/", views.data_page, name="data"),
    path("data/agencies.csv", views.agencies_csv, name="csv-agencies"),
    path("data/agreements.csv", views.agreements_csv, name="csv-agreements"),
    path("data/publications.csv", views.publications_csv, name="csv-publications"),
    path("data/open-data/<str:name>", views.data_file, name="data-file"),
]

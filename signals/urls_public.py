from django.urls import path

from .views import public

app_name = "intake"

urlpatterns = [
    path("", public.PublicIntakeView.as_view(), name="start"),
    path("verstuurd/", public.IntakeSentView.as_view(), name="sent"),
]

from django.urls import path

from .views import dashboard, observations, public, survey_jobs, surveys

app_name = "monitoring"

urlpatterns = [
    # Public progress toward the 2028 targets.
    path("voortgang/", public.ProgressView.as_view(), name="progress"),
    # Officers' dashboard, its CSV downloads and the council report.
    path("monitor/", dashboard.DashboardView.as_view(), name="dashboard"),
    path("monitor/csv/<slug:chart>/", dashboard.ChartCSVView.as_view(), name="chart_csv"),
    path("monitor/rapport/", dashboard.ReportView.as_view(), name="report"),
    # Measurements: observations entered or corrected by officers, and survey imports.
    path("monitor/metingen/", observations.ObservationListView.as_view(), name="observations"),
    path("monitor/metingen/nieuw/", observations.ObservationCreateView.as_view(), name="observation_create"),
    path("monitor/metingen/<int:pk>/", observations.ObservationUpdateView.as_view(), name="observation_edit"),
    path("monitor/enquetes/", surveys.SurveyUploadView.as_view(), name="survey_upload"),
    path("monitor/enquetes/voorbeeld/", surveys.SurveyPreviewView.as_view(), name="survey_preview"),
    path("monitor/enquetes/taak/<int:pk>/", survey_jobs.SurveyJobView.as_view(), name="survey_job"),
    path("monitor/enquetes/taak/<int:pk>/status/", survey_jobs.SurveyJobStatusView.as_view(), name="survey_job_status"),
]

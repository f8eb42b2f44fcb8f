from django.urls import path

from learning import views

app_name = "learning"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("lop/", views.run_list, name="run_list"),
    path("lop/<int:run_id>/", views.run_detail, name="run_detail"),
    path("lop/<int:run_id>/rut/", views.withdraw, name="withdraw"),
    path("lop/<int:run_id>/bai/<int:lesson_id>/", views.study, name="study"),
    path("lop/<int:run_id>/so-diem/", views.gradebook, name="gradebook"),
    path("lop/<int:run_id>/bao-cao/", views.report, name="report"),
    path("lop/<int:run_id>/ghi-danh/", views.enrol, name="enrol"),
    path("bai-nop/<int:submission_id>/tep/", views.submission_file, name="submission_file"),
    path("bai-nop/<int:submission_id>/cham/", views.grade_submission, name="grade"),
    path("buoi-hoc/<int:webinar_id>/tham-gia/", views.webinar_join, name="webinar_join"),
    path("chung-nhan/<str:code>.pdf", views.certificate_download, name="certificate"),
    path("chung-nhan/<str:code>/thu-hoi/", views.revoke, name="revoke"),
    path("xac-minh/", views.verify, name="verify"),
    path("xac-minh/<str:code>/", views.verify_code, name="verify_code"),
]

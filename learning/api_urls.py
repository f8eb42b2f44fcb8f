from django.urls import path

from learning import api

urlpatterns = [
    path("learning/runs/", api.RunListApi.as_view(), name="api-learning-runs"),
    path("learning/registrations/", api.RegistrationListApi.as_view(), name="api-learning-registrations"),
    path(
        "learning/registrations/<int:registration_id>/withdraw/",
        api.RegistrationWithdrawApi.as_view(),
        name="api-learning-withdraw",
    ),
    path("learning/registrations/<int:registration_id>/progress/", api.ProgressApi.as_view(), name="api-learning-progress"),
    path(
        "learning/registrations/<int:registration_id>/lessons/<int:lesson_id>/complete/",
        api.LessonCompleteApi.as_view(),
        name="api-learning-lesson-complete",
    ),
    path(
        "learning/registrations/<int:registration_id>/lessons/<int:lesson_id>/quizzes/<str:block_id>/",
        api.QuizApi.as_view(),
        name="api-learning-quiz",
    ),
    path(
        "learning/registrations/<int:registration_id>/lessons/<int:lesson_id>/assignments/<str:block_id>/",
        api.AssignmentSubmitApi.as_view(),
        name="api-learning-assignment",
    ),
    path("learning/certificates/<str:code>/", api.CertificateVerifyApi.as_view(), name="api-learning-certificate"),
]

from django.urls import path

from courses.api import CourseDetailApi, CourseListApi, LessonDetailApi

urlpatterns = [
    path("courses/", CourseListApi.as_view(), name="api-courses"),
    path("courses/<int:course_id>/", CourseDetailApi.as_view(), name="api-course-detail"),
    path("lessons/<int:lesson_id>/", LessonDetailApi.as_view(), name="api-lesson-detail"),
]

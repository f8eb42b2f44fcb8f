"""Learning API under /api/v1/: runs, registrations, progress, quizzes, assignments, certificates.

Quiz answers are graded on the server; the quiz shape a client reads is
``courses.blocks.quiz_public_value`` (no correct answers). Errors leave through
``config.api.exception_handler`` as ``{"error": {...}}`` in the user's language.
"""

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import schema_error_response
from config.errors import ApplicationError
from courses.blocks import quiz_public_value
from courses.models import LessonPage
from learning import selectors, services
from learning.forms import district_choices
from learning.models import CourseRun, Graduation, Registration


class RunListApi(APIView):
    """Runs open for registration now."""

    permission_classes = [AllowAny]

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "LearningRunListOutput"

        id = serializers.IntegerField()
        name = serializers.CharField()
        course_id = serializers.IntegerField()
        course_title = serializers.CharField(source="course.title")
        registration_closes_at = serializers.DateTimeField()
        starts_on = serializers.DateField()
        ends_on = serializers.DateField()
        seat_limit = serializers.IntegerField()
        seats_taken = serializers.IntegerField(source="enrolled")
        waitlist_enabled = serializers.BooleanField()

    @extend_schema(responses=OutputSerializer(many=True), operation_id="learning_runs_open")
    def get(self, request):
        return Response(self.OutputSerializer(selectors.run_open_for_registration(), many=True).data)


class RegistrationOutputSerializer(serializers.Serializer):
    class Meta:
        ref_name = "LearningRegistrationOutput"

    id = serializers.IntegerField()
    run_id = serializers.IntegerField()
    run_name = serializers.CharField(source="run.name")
    status = serializers.CharField()
    organisation = serializers.CharField()
    district = serializers.CharField()
    enrolled_at = serializers.DateTimeField(allow_null=True)


class RegistrationListApi(APIView):
    """My registrations (GET) and registering for a run (POST)."""

    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "LearningRegistrationListInput"

        run_id = serializers.IntegerField()
        organisation = serializers.CharField(max_length=200)
        district = serializers.ChoiceField(choices=[name for name, _label in district_choices()[1:]])
        phone = serializers.CharField(max_length=20)
        join_waitlist = serializers.BooleanField(default=False)

    @extend_schema(responses=RegistrationOutputSerializer(many=True), operation_id="learning_registrations_list")
    def get(self, request):
        registrations = Registration.objects.filter(user=request.user).select_related("run")
        return Response(RegistrationOutputSerializer(registrations, many=True).data)

    @extend_schema(
        request=InputSerializer,
        responses={201: RegistrationOutputSerializer, **schema_error_response(), **schema_error_response(409)},
        operation_id="learning_registration_create",
    )
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        run = get_object_or_404(CourseRun, pk=values.pop("run_id"))
        registration = services.registration_create(run=run, user=request.user, **values)
        return Response(RegistrationOutputSerializer(registration).data, status=status.HTTP_201_CREATED)


def _my_registration(request, registration_id) -> Registration:
    return get_object_or_404(
        Registration.objects.select_related("run", "run__course"), pk=registration_id, user=request.user
    )


class RegistrationWithdrawApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=RegistrationOutputSerializer, operation_id="learning_registration_withdraw")
    def post(self, request, registration_id):
        registration = services.registration_withdraw(registration=_my_registration(request, registration_id))
        return Response(RegistrationOutputSerializer(registration).data)


class ProgressApi(APIView):
    """One registration's lessons (done/open), quizzes and assignments."""

    permission_classes = [IsAuthenticated]

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "LearningProgressOutput"

        class LessonSerializer(serializers.Serializer):
            class Meta:
                ref_name = "LearningProgressLesson"

            id = serializers.IntegerField(source="lesson.pk")
            title = serializers.CharField(source="lesson.title")
            completed = serializers.BooleanField()
            is_open = serializers.BooleanField()
            closed_reason = serializers.CharField()

        class QuizSerializer(serializers.Serializer):
            class Meta:
                ref_name = "LearningProgressQuiz"

            lesson_id = serializers.IntegerField(source="lesson.pk")
            block_id = serializers.CharField()
            title = serializers.CharField()
            attempts = serializers.IntegerField()
            max_attempts = serializers.IntegerField()
            best_score = serializers.IntegerField(allow_null=True)
            passed = serializers.BooleanField()

        class AssignmentSerializer(serializers.Serializer):
            class Meta:
                ref_name = "LearningProgressAssignment"

            lesson_id = serializers.IntegerField(source="lesson.pk")
            block_id = serializers.CharField()
            title = serializers.CharField()
            status = serializers.CharField(source="latest.status", default=None, allow_null=True)
            passed = serializers.BooleanField()

        percent = serializers.IntegerField()
        lessons = LessonSerializer(many=True)
        quizzes = QuizSerializer(many=True)
        assignments = AssignmentSerializer(many=True)
        certificate_code = serializers.CharField(allow_null=True)

    @extend_schema(responses=OutputSerializer, operation_id="learning_progress")
    def get(self, request, registration_id):
        registration = _my_registration(request, registration_id)
        progress = selectors.registration_progress(registration)
        graduation = Graduation.objects.filter(registration=registration, revoked_at__isnull=True).first()
        progress.certificate_code = graduation.code if graduation else None
        return Response(self.OutputSerializer(progress).data)


class LessonCompleteApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=None, responses={204: None, **schema_error_response(403)}, operation_id="learning_lesson_complete"
    )
    def post(self, request, registration_id, lesson_id):
        registration = _my_registration(request, registration_id)
        lesson = get_object_or_404(LessonPage.objects.live(), pk=lesson_id)
        services.lesson_complete(registration=registration, lesson=lesson)
        return Response(status=status.HTTP_204_NO_CONTENT)


class QuizApi(APIView):
    """GET the quiz as a learner may see it; POST answers, get the grade and feedback back."""

    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "LearningQuizInput"

        class AnswerSerializer(serializers.Serializer):
            class Meta:
                ref_name = "LearningQuizAnswer"

            question = serializers.IntegerField(min_value=0)
            answers = serializers.ListField(child=serializers.IntegerField(min_value=0), max_length=20)

        answers = AnswerSerializer(many=True, max_length=100)

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "LearningQuizOutput"

        class QuestionSerializer(serializers.Serializer):
            class Meta:
                ref_name = "LearningQuizQuestion"

            index = serializers.IntegerField()
            correct = serializers.BooleanField()
            chosen = serializers.ListField(child=serializers.IntegerField())
            feedback = serializers.ListField(child=serializers.CharField())
            explanation = serializers.CharField()

        attempt = serializers.IntegerField(source="number")
        score_percent = serializers.IntegerField()
        passed = serializers.BooleanField()
        questions = QuestionSerializer(many=True, source="results")

    def _lesson(self, request, registration_id, lesson_id):
        registration = _my_registration(request, registration_id)
        lesson = get_object_or_404(LessonPage.objects.live(), pk=lesson_id)
        return registration, lesson

    @extend_schema(responses={200: dict}, operation_id="learning_quiz_read")
    def get(self, request, registration_id, lesson_id, block_id):
        registration, lesson = self._lesson(request, registration_id, lesson_id)
        services.lesson_require_open(registration=registration, lesson=lesson)
        block = lesson.get_block(block_id, "quiz")
        if block is None:
            raise ApplicationError(_("Không tìm thấy bài kiểm tra này."), code="quiz_not_found", status=404)
        return Response(quiz_public_value(block.value))

    @extend_schema(
        request=InputSerializer,
        responses={201: OutputSerializer, **schema_error_response(), **schema_error_response(403)},
        operation_id="learning_quiz_submit",
    )
    def post(self, request, registration_id, lesson_id, block_id):
        registration, lesson = self._lesson(request, registration_id, lesson_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        answers: dict[int, list[int]] = {}
        for item in data.validated_data["answers"]:
            if item["question"] in answers:
                raise ApplicationError(_("Bài nộp có câu hỏi lặp lại."), code="duplicate_question")
            answers[item["question"]] = item["answers"]
        attempt = services.quiz_submit(registration=registration, lesson=lesson, block_id=block_id, answers=answers)
        return Response(self.OutputSerializer(attempt).data, status=status.HTTP_201_CREATED)


class AssignmentSubmitApi(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "LearningAssignmentSubmitInput"

        text = serializers.CharField()
        file = serializers.FileField(required=False)
        link = serializers.URLField(required=False, allow_blank=True)

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "LearningAssignmentSubmitOutput"

        id = serializers.IntegerField()
        version = serializers.IntegerField()
        status = serializers.CharField()
        submitted_at = serializers.DateTimeField()
        has_file = serializers.SerializerMethodField()
        link = serializers.CharField()

        def get_has_file(self, obj) -> bool:
            return bool(obj.file)

    @extend_schema(
        request={"multipart/form-data": InputSerializer},
        responses={201: OutputSerializer, **schema_error_response()},
        operation_id="learning_assignment_submit",
    )
    def post(self, request, registration_id, lesson_id, block_id):
        registration = _my_registration(request, registration_id)
        lesson = get_object_or_404(LessonPage.objects.live(), pk=lesson_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        submission = services.assignment_submit(
            registration=registration,
            lesson=lesson,
            block_id=block_id,
            text=data.validated_data["text"],
            upload=data.validated_data.get("file"),
            link=data.validated_data.get("link", ""),
        )
        return Response(self.OutputSerializer(submission).data, status=status.HTTP_201_CREATED)


class CertificateVerifyApi(APIView):
    """Public: is this certificate code genuine, and whose is it?"""

    permission_classes = [AllowAny]

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "LearningCertificateVerifyOutput"

        code = serializers.CharField()
        status = serializers.ChoiceField(choices=["valid", "revoked"])
        learner_name = serializers.CharField(allow_null=True)
        course_title = serializers.CharField(allow_null=True)
        run_name = serializers.CharField(allow_null=True)
        passed_on = serializers.DateField(allow_null=True)

    @extend_schema(
        responses={200: OutputSerializer, **schema_error_response(404)}, operation_id="learning_certificate_verify"
    )
    def get(self, request, code):
        graduation = (
            Graduation.objects.select_related("registration__user", "registration__run__course")
            .filter(code=code.strip().upper())
            .first()
        )
        if graduation is None:
            raise ApplicationError(_("Mã chứng nhận không tồn tại."), code="unknown_certificate", status=404)
        revoked = graduation.is_revoked
        registration = graduation.registration
        return Response(
            self.OutputSerializer(
                {
                    "code": graduation.code,
                    "status": "revoked" if revoked else "valid",
                    "learner_name": None if revoked else registration.user.get_full_name(),
                    "course_title": None if revoked else registration.run.course.title,
                    "run_name": None if revoked else registration.run.name,
                    "passed_on": None if revoked else timezone.localtime(graduation.passed_at).date(),
                }
            ).data
        )

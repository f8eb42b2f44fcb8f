"""How far is each learner: runs of a course, registrations, progress, attempts, grades.

A ``CourseRun`` organises learners around a ``courses.CoursePage`` (the content stays in
``courses``). Everything a learner does hangs off their ``Registration`` in a run, so a
learner who takes the course twice has two independent histories. Quiz and assignment
blocks are addressed by lesson page + the block's stable StreamField id.
"""

import secrets

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.search import index

WEBINAR_EARLY_JOIN = timezone.timedelta(minutes=15)


def _private_storage():
    return storages["private"]


class CourseRun(index.Indexed, ClusterableModel):
    """One cohort of a course ("Khóa tập huấn livestream lần 3")."""

    course = models.ForeignKey(
        "courses.CoursePage", verbose_name=_("khóa học"), on_delete=models.PROTECT, related_name="runs"
    )
    name = models.CharField(_("tên lớp"), max_length=200)
    registration_opens_at = models.DateTimeField(_("mở đăng ký"))
    registration_closes_at = models.DateTimeField(_("đóng đăng ký"))
    starts_on = models.DateField(_("ngày bắt đầu"))
    ends_on = models.DateField(_("ngày kết thúc"))
    seat_limit = models.PositiveIntegerField(_("số chỗ"), default=30)
    waitlist_enabled = models.BooleanField(_("có danh sách chờ"), default=True)
    instructors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("giảng viên phụ trách"),
        blank=True,
        related_name="taught_runs",
        limit_choices_to={"groups__name": "instructor"},
    )
    created_at = models.DateTimeField(auto_now_add=True)

    panels = [
        FieldPanel("course"),
        FieldPanel("name"),
        MultiFieldPanel(
            [
                FieldPanel("registration_opens_at"),
                FieldPanel("registration_closes_at"),
                FieldPanel("starts_on"),
                FieldPanel("ends_on"),
            ],
            heading=_("Lịch"),
        ),
        MultiFieldPanel([FieldPanel("seat_limit"), FieldPanel("waitlist_enabled")], heading=_("Chỗ ngồi")),
        FieldPanel("instructors"),
        InlinePanel("webinars", label=_("Buổi học trực tuyến")),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        verbose_name = _("lớp học")
        verbose_name_plural = _("lớp học")
        ordering = ["-starts_on", "name"]

    def __str__(self):
        return self.name

    def registration_is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.registration_opens_at <= now < self.registration_closes_at

    def has_started(self, today=None) -> bool:
        return self.starts_on <= (today or timezone.localdate())

    @property
    def seats_taken(self) -> int:
        return self.registrations.filter(status=Registration.Status.ENROLLED).count()

    @property
    def seats_left(self) -> int:
        return max(0, self.seat_limit - self.seats_taken)

    def is_instructor(self, user) -> bool:
        return bool(user.is_authenticated) and self.instructors.filter(pk=user.pk).exists()


class Webinar(models.Model):
    """A scheduled online session. The join link is handed out only through the platform."""

    run = ParentalKey(CourseRun, on_delete=models.CASCADE, related_name="webinars")
    title = models.CharField(_("chủ đề"), max_length=200)
    starts_at = models.DateTimeField(_("bắt đầu"))
    ends_at = models.DateTimeField(_("kết thúc"))
    join_url = models.URLField(_("đường dẫn tham gia"), help_text=_("Chỉ học viên thấy, từ 15 phút trước giờ học"))
    recording_url = models.URLField(_("đường dẫn bản ghi"), blank=True)

    panels = [
        FieldPanel("title"),
        FieldPanel("starts_at"),
        FieldPanel("ends_at"),
        FieldPanel("join_url"),
        FieldPanel("recording_url"),
    ]

    class Meta:
        verbose_name = _("buổi học trực tuyến")
        verbose_name_plural = _("buổi học trực tuyến")
        ordering = ["starts_at"]

    def __str__(self):
        return self.title

    def join_is_active(self, now=None) -> bool:
        now = now or timezone.now()
        return self.starts_at - WEBINAR_EARLY_JOIN <= now < self.ends_at

    def is_over(self, now=None) -> bool:
        return (now or timezone.now()) >= self.ends_at


class WebinarAttendance(models.Model):
    webinar = models.ForeignKey(Webinar, on_delete=models.CASCADE, related_name="attendances")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="webinar_attendances")
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("điểm danh buổi học")
        verbose_name_plural = _("điểm danh buổi học")
        constraints = [models.UniqueConstraint(fields=["webinar", "user"], name="unique_webinar_attendance")]

    def __str__(self):
        return f"{self.user} · {self.webinar}"


class Registration(models.Model):
    class Status(models.TextChoices):
        ENROLLED = "enrolled", _("Đã ghi danh")
        WAITLISTED = "waitlisted", _("Danh sách chờ")
        WITHDRAWN = "withdrawn", _("Đã rút")

    class Source(models.TextChoices):
        SELF = "self", _("Tự đăng ký")
        MANUAL = "manual", _("Ban tổ chức ghi danh")
        IMPORT = "import", _("Nhập từ danh sách")

    run = models.ForeignKey(CourseRun, verbose_name=_("lớp"), on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("học viên"), on_delete=models.CASCADE, related_name="registrations"
    )
    status = models.CharField(_("trạng thái"), max_length=20, choices=Status.choices)
    source = models.CharField(_("nguồn"), max_length=20, choices=Source.choices, default=Source.SELF)
    organisation = models.CharField(_("tên chủ thể / tổ chức"), max_length=200)
    district = models.CharField(_("quận / huyện"), max_length=100)
    phone = models.CharField(_("số điện thoại"), max_length=20)
    # The waiting list is served in this order; reset whenever the row (re)joins a list.
    queued_at = models.DateTimeField(default=timezone.now)
    enrolled_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("đăng ký học")
        verbose_name_plural = _("đăng ký học")
        ordering = ["queued_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["run", "user"], name="unique_run_registration")]

    def __str__(self):
        return f"{self.user} · {self.run}"

    @property
    def is_enrolled(self) -> bool:
        return self.status == self.Status.ENROLLED


class LessonCompletion(models.Model):
    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="completions")
    lesson = models.ForeignKey("courses.LessonPage", on_delete=models.CASCADE, related_name="+")
    completed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["registration", "lesson"], name="unique_lesson_completion")]

    def __str__(self):
        return f"{self.registration} · {self.lesson_id}"


class QuizAttempt(models.Model):
    """One graded submission. ``results`` keeps per-question correctness and feedback."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="quiz_attempts")
    lesson = models.ForeignKey("courses.LessonPage", on_delete=models.CASCADE, related_name="+")
    block_id = models.CharField(max_length=64)
    number = models.PositiveSmallIntegerField(_("lần làm"))
    answers = models.JSONField(_("đáp án đã chọn"))
    score_percent = models.PositiveSmallIntegerField(_("điểm (%)"))
    passed = models.BooleanField(_("đạt"))
    results = models.JSONField(default=list)
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("lần làm bài kiểm tra")
        verbose_name_plural = _("lần làm bài kiểm tra")
        ordering = ["submitted_at", "number"]
        constraints = [
            models.UniqueConstraint(fields=["registration", "lesson", "block_id", "number"], name="unique_quiz_attempt")
        ]

    def __str__(self):
        return f"{self.registration} · {self.block_id} #{self.number}: {self.score_percent}%"


class AssignmentSubmission(models.Model):
    """A version of a practical assignment. Grading fills the rubric scores on that version."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Chờ chấm")
        REVISION = "revision", _("Cần nộp lại")
        PASSED = "passed", _("Đạt")

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="submissions")
    lesson = models.ForeignKey("courses.LessonPage", on_delete=models.CASCADE, related_name="+")
    block_id = models.CharField(max_length=64)
    version = models.PositiveSmallIntegerField(_("lần nộp"))
    text = models.TextField(_("nội dung"), blank=True)
    file = models.FileField(_("tệp"), upload_to="learning/submissions/%Y/%m/", storage=_private_storage, blank=True)
    link = models.URLField(_("đường dẫn"), blank=True)
    status = models.CharField(_("trạng thái"), max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    submitted_at = models.DateTimeField(default=timezone.now)
    scores = models.JSONField(_("điểm theo tiêu chí"), default=list, blank=True)
    total_points = models.PositiveIntegerField(_("tổng điểm"), null=True, blank=True)
    comment = models.TextField(_("nhận xét"), blank=True)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    graded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("bài thực hành đã nộp")
        verbose_name_plural = _("bài thực hành đã nộp")
        ordering = ["submitted_at", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "lesson", "block_id", "version"], name="unique_submission_version"
            )
        ]

    def __str__(self):
        return f"{self.registration} · {self.block_id} v{self.version}"

    @property
    def file_name(self) -> str:
        return self.file.name.rsplit("/", 1)[-1] if self.file else ""


def _certificate_code() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud over the phone
    return "CD-" + "".join(secrets.choice(alphabet) for _ in range(10))


class Graduation(models.Model):
    """The moment a learner passed the course in a run, recorded once with its evidence.

    Its ``code`` is the certificate's public verification code. Revocation keeps the row
    (who, when, why) so the history stays auditable.
    """

    registration = models.OneToOneField(
        Registration, verbose_name=_("đăng ký học"), on_delete=models.PROTECT, related_name="graduation"
    )
    code = models.CharField(_("mã chứng nhận"), max_length=20, unique=True, default=_certificate_code)
    passed_at = models.DateTimeField(_("ngày đạt"), default=timezone.now)
    evidence = models.JSONField(_("minh chứng"), default=dict)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người thu hồi"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    revoke_reason = models.TextField(_("lý do thu hồi"), blank=True)

    class Meta:
        verbose_name = _("tốt nghiệp")
        verbose_name_plural = _("tốt nghiệp")

    def __str__(self):
        return self.code

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class ReminderLog(models.Model):
    """Which reminder went to whom: makes ``learning_send_reminders`` send each one once."""

    kind = models.CharField(max_length=40)
    object_id = models.PositiveIntegerField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "object_id", "user"], name="unique_reminder")]

    def __str__(self):
        return f"{self.kind}:{self.object_id} → {self.user_id}"

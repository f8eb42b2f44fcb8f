"""``{% practice_score_card %}``: the latest practice score, for the learner dashboard.

Learning never imports the practice market; its dashboard template loads this library
(a template-level hook), which renders nothing for someone with no practice show.
"""

from django import template

register = template.Library()


@register.inclusion_tag("practice_market/scores/_dashboard_card.html", takes_context=True)
def practice_score_card(context):
    from practice_market.models import PracticeScore

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"score": None}
    score = (
        PracticeScore.objects.filter(practice_show__trainee=user)
        .select_related("practice_show__show", "practice_show__rubric_grade")
        .order_by("-practice_show__show__started_at", "-computed_at")
        .first()
    )
    count = PracticeScore.objects.filter(practice_show__trainee=user).count() if score else 0
    return {"score": score, "count": count}

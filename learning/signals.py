"""Signals other apps listen to; ``learning`` never imports its listeners.

``course_passed(sender=Graduation, graduation=<Graduation>)``
    Sent once, after the transaction that recorded the graduation commits. The practice
    market listens to unlock the sandbox for ``graduation.registration.user``.

``course_pass_revoked(sender=Graduation, graduation=<Graduation>)``
    Sent after commit when an organizer revokes a graduation (``graduation.revoke_reason``
    says why). Listeners should withdraw whatever the graduation unlocked.

Both are sent with ``transaction.on_commit`` so no listener acts on a rolled-back write.
"""

from django.dispatch import Signal

course_passed = Signal()
course_pass_revoked = Signal()

"""Signals other apps listen to; this app never imports its listeners.

``vendor_promoted(sender=Promotion, promotion=<Promotion>)``: sent after commit when the
organizers approve a trainee into the weekly market. The market listens.
``vendor_promotion_revoked(sender=Promotion, promotion=<Promotion>)``: sent after commit
when a promotion is revoked.
"""

from django.dispatch import Signal

vendor_promoted = Signal()
vendor_promotion_revoked = Signal()

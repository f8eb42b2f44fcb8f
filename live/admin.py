"""Live rooms are administered in Wagtail (live/wagtail_hooks.py); nothing for Django's admin."""

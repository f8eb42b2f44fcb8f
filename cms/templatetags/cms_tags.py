"""Template tags for the site chrome: header and footer menus."""

from django import template

from cms import selectors

register = template.Library()


@register.inclusion_tag("includes/header_menu.html", takes_context=True)
def header_menu(context):
    return {"links": selectors.header_menu(request=context.get("request"))}


@register.inclusion_tag("includes/footer_menu.html", takes_context=True)
def footer_menu(context):
    return {"links": selectors.footer_menu(request=context.get("request"))}

"""Writes about people and their roles."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from accounts.models import User
from accounts.roles import BUYER_ROLES, SIGNUP_ROLES, Role

# Wagtail page permissions, in the order the admin lists them.
PAGE_PERMISSION_CODENAMES = ("add_page", "change_page", "publish_page", "bulk_delete_page", "lock_page", "unlock_page")

# Model permissions each role holds everywhere (page permissions are per subtree).
_ROLE_PERMISSIONS = {
    Role.INSTRUCTOR: [
        "wagtailadmin.access_admin",
        "wagtailimages.add_image",
        "wagtailimages.change_image",
        "wagtailimages.choose_image",
        "wagtaildocs.add_document",
        "wagtaildocs.change_document",
        "wagtaildocs.choose_document",
    ],
}
# Organizers run the program: every permission of these apps.
_ORGANIZER_APPS = (
    "wagtailadmin", "wagtailcore", "wagtailimages", "wagtaildocs", "wagtailredirects",
    "wagtailforms", "wagtailsearch", "wagtailembeds", "taggit",
    "cms", "courses", "learning", "vendors", "live",
)


def _permissions(dotted_names):
    perms = []
    for dotted in dotted_names:
        app_label, codename = dotted.split(".")
        perm = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
        if perm:
            perms.append(perm)
    return perms


@transaction.atomic
def roles_ensure() -> dict[str, Group]:
    """Create the role groups and give them their permissions. Idempotent (runs after migrate)."""
    from wagtail.models import Collection, GroupCollectionPermission, Page

    groups = {role.value: Group.objects.get_or_create(name=role.value)[0] for role in Role}

    groups[Role.INSTRUCTOR].permissions.add(*_permissions(_ROLE_PERMISSIONS[Role.INSTRUCTOR]))
    organizer_perms = Permission.objects.filter(content_type__app_label__in=_ORGANIZER_APPS)
    groups[Role.ORGANIZER].permissions.add(*organizer_perms)

    root_collection = Collection.get_first_root_node()
    if root_collection:
        for role in (Role.INSTRUCTOR, Role.ORGANIZER):
            for codename in ("add_image", "change_image", "choose_image", "add_document", "change_document", "choose_document"):
                app = "wagtailimages" if "image" in codename else "wagtaildocs"
                perm = Permission.objects.filter(content_type__app_label=app, codename=codename).first()
                if perm:
                    GroupCollectionPermission.objects.get_or_create(
                        group=groups[role], collection=root_collection, permission=perm
                    )

    root_page = Page.get_first_root_node()
    if root_page:
        grant_page_permissions(group=groups[Role.ORGANIZER], page=root_page)
    return groups


def grant_page_permissions(*, group: Group, page, codenames=PAGE_PERMISSION_CODENAMES) -> None:
    """Let ``group`` edit ``page`` and everything below it in the Wagtail admin."""
    from wagtail.models import GroupPagePermission

    for perm in Permission.objects.filter(content_type__app_label="wagtailcore", codename__in=codenames):
        GroupPagePermission.objects.get_or_create(group=group, page=page, permission=perm)


def user_set_roles(*, user: User, roles) -> None:
    """Replace the user's role groups with ``roles`` (other groups are kept)."""
    role_values = {Role(r).value for r in roles}
    all_roles = {r.value for r in Role}
    keep = [g for g in user.groups.all() if g.name not in all_roles]
    groups = [Group.objects.get_or_create(name=name)[0] for name in role_values]
    user.groups.set(keep + groups)


def user_create(
    *, email: str, password: str | None, full_name: str = "", phone: str | None = None, roles=(), **extra
) -> User:
    user = User(email=email.lower(), phone=phone or None, **extra)
    user.set_full_name(full_name)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    if roles:
        user_set_roles(user=user, roles=roles)
    return user


def user_update_profile(*, user: User, full_name: str, phone: str | None) -> User:
    user.set_full_name(full_name)
    user.phone = phone or None
    user.full_clean(exclude=["password"])
    user.save(update_fields=["first_name", "last_name", "phone"])
    return user


__all__ = ["BUYER_ROLES", "SIGNUP_ROLES", "grant_page_permissions", "roles_ensure", "user_create", "user_set_roles"]

"""Django admin is for superusers only: workers never need it, and staff flags give no way in."""


def restrict_admin_to_superusers(site) -> None:
    def has_permission(request):
        return request.user.is_active and request.user.is_superuser

    site.has_permission = has_permission
    site.site_header = "Pendamping"
    site.site_title = "Pendamping"

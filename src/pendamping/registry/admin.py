from django.contrib import admin

from .models import Household, Person


@admin.register(Household)
class HouseholdAdmin(admin.ModelAdmin):
    """For superusers only, read-only: the registry is changed on the app's pages, which audit every change."""

    list_display = ["no_kk", "desa", "desil", "pkh_status", "poverty_class"]
    search_fields = ["no_kk", "id_dtks"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(Person)
class PersonAdmin(HouseholdAdmin):
    list_display = ["nik", "name", "birth_date", "household"]
    search_fields = ["nik", "name_normalized"]

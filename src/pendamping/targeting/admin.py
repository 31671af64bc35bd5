from django.contrib import admin

from .models import RuleSet, ScreeningResult, ScreeningRun, SpecialCaseProposal


@admin.register(RuleSet)
class RuleSetAdmin(admin.ModelAdmin):
    list_display = ["name", "area_code", "budget_year", "funding_source", "version", "status"]
    list_filter = ["status", "funding_source", "budget_year"]

    def has_change_permission(self, request, obj=None):
        return False  # through the services only: a rule set in use is versioned, never changed


@admin.register(ScreeningRun)
class ScreeningRunAdmin(admin.ModelAdmin):
    list_display = ["pk", "rule_set", "area_code", "screened_at", "people"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ScreeningResult)
class ScreeningResultAdmin(admin.ModelAdmin):
    list_display = ["pk", "person", "rule_set", "decision", "mechanism", "priority", "current"]
    list_filter = ["decision", "mechanism", "current"]
    raw_id_fields = ["person", "household", "run", "rule_set", "data_kk_taken_by", "special_case"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SpecialCaseProposal)
class SpecialCaseProposalAdmin(admin.ModelAdmin):
    list_display = ["pk", "kind", "area_code", "status", "proposed_at", "decided_at"]
    list_filter = ["status", "kind"]

    def has_change_permission(self, request, obj=None):
        return False  # through the services only: proposed in the field, decided by the Dinas Sosial
